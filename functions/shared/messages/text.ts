/**
 * Small, pure text helpers for messages: template filling, HTML escaping, cleaning and shortening
 * of user-supplied values, and fitting an SMS into its limit. No I/O, no configuration.
 */

/** A catalog template: literal text with `{{slot}}` markers (double braces, unlike Cognito's). */
const SLOT = /\{\{(\w+)\}\}/g;

/**
 * Fills `{{slot}}` markers in one pass. Values are inserted as given and never re-scanned, so a
 * value that itself contains `{{code}}` stays literal. `encodeLiteral` / `encodeValue` let the
 * HTML renderer escape literal text and each value differently. An unknown slot is a catalog bug
 * and throws (every template is rendered by the tests).
 */
export function fill(
  template: string,
  values: Readonly<Record<string, string>>,
  encodeLiteral: (text: string) => string = (text) => text,
  encodeValue: (slot: string, value: string) => string = (_slot, value) => value,
): string {
  let out = '';
  let last = 0;
  for (const match of template.matchAll(SLOT)) {
    const slot = match[1] ?? '';
    const value = values[slot];
    if (value === undefined) throw new Error(`message template uses unknown slot {{${slot}}}`);
    out += encodeLiteral(template.slice(last, match.index)) + encodeValue(slot, value);
    last = match.index + match[0].length;
  }
  return out + encodeLiteral(template.slice(last));
}

/** The slots a template uses, in order. */
export function slotsOf(template: string): string[] {
  return Array.from(template.matchAll(SLOT), (match) => match[1] ?? '');
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes the five characters that matter in HTML text and in quoted attribute values
 * (the OWASP rule for both contexts; same table as the `html-escaper` package). Every value this
 * project places in HTML is in one of those two contexts, always inside double quotes when in an
 * attribute. A library is not pulled in for this: the only candidate in node_modules
 * (html-escaper) arrives as a transitive dev dependency and is not part of the Lambda bundle.
 * The unit tests check this function against arbitrary strings (fast-check).
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

// Control characters (C0, DEL, C1) and the bidirectional overrides/isolates used for spoofing.
const UNSAFE_CHARS = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;
// Half of a surrogate pair (e.g. left by cutting a long value); not valid text.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Made on first use: constructing a Segmenter loads ICU's break rules, 10-30 ms of a cold start
 * on our machines, and most messages never need it (see the shortcut in `shorten`).
 */
let graphemes: Intl.Segmenter | undefined;

/**
 * At most `max` user-perceived characters (graphemes, so emoji and accents never split), with an
 * ellipsis when shortened. Stops reading after `max + 1` graphemes, so a 10,000-character input
 * costs almost nothing.
 */
export function shorten(text: string, max: number): string {
  if (max <= 0) return '';
  // Every grapheme is at least one UTF-16 unit: a text of at most `max` units is never shortened.
  if (text.length <= max) return text;
  graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  const ends: number[] = [];
  for (const { index, segment } of graphemes.segment(text)) {
    // A grapheme beyond `max`: keep max - 1 of them and add the ellipsis, `max` in all.
    if (ends.length === max) return `${text.slice(0, ends[max - 2] ?? 0).trimEnd()}…`;
    ends.push(index + segment.length);
  }
  return text;
}

/**
 * A user-supplied value (a name) made safe to place in a message: Unicode-normalised, control and
 * bidi-override characters removed, braces removed (so a name can never look like one of
 * Cognito's placeholders such as `{####}` or `{username}`), whitespace collapsed, shortened.
 * It is still plain text: the HTML renderer escapes it.
 */
export function cleanUserValue(value: string, max: number): string {
  // Shorten a hostile 10,000-character value early, before the regexes walk it.
  const bounded = value.length > max * 8 ? value.slice(0, max * 8) : value;
  const cleaned = bounded
    .replace(LONE_SURROGATE, '')
    .normalize('NFC')
    .replace(UNSAFE_CHARS, ' ')
    .replace(/[{}]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return shorten(cleaned, max);
}

/** Characters as Cognito counts them for the SMS limit; UTF-16 units never undercount. */
export function smsLength(text: string): number {
  return text.length;
}

/** Bytes in UTF-8: never fewer than characters, so holding this under a limit holds both. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
