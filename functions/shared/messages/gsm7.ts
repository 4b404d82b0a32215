/**
 * SMS encoding and cost. An SMS in the GSM 03.38 7-bit alphabet carries 160 characters (153 per
 * part when split); a single character outside it (Spanish "ó", an emoji) switches the whole
 * message to UCS-2: 70 characters (67 per part). A Spanish code SMS with "código" in it therefore
 * costs two SMS instead of one. So every SMS text is turned into GSM-7 where a letter has a plain
 * GSM-7 form (ó -> o, í -> i; é, ñ, ü, ¿ are GSM-7 already and stay), and the parts are counted by
 * the encoding that results (docs/messages.md, "SMS length and cost").
 */

/** The GSM 03.38 basic character set (one septet each). */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** The extension table: two septets each (escape + character). */
const EXTENDED = '^{}\\[~]|€\f';

const BASIC_SET = new Set(BASIC);
const EXTENDED_SET = new Set(EXTENDED);

/** Letters outside GSM-7 that have a GSM-7 form a reader takes for the same word. */
const FOLD: Readonly<Record<string, string>> = {
  á: 'a',
  í: 'i',
  ó: 'o',
  ú: 'u',
  Á: 'A',
  Í: 'I',
  Ó: 'O',
  Ú: 'U',
  â: 'a',
  ê: 'e',
  î: 'i',
  ô: 'o',
  û: 'u',
  ë: 'e',
  ï: 'i',
  ç: 'Ç',
  È: 'E',
  Ê: 'E',
  À: 'A',
  '\u2019': "'",
  '\u2018': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u00a0': ' ',
  '\u2026': '...',
};

/** Every character of `text` is in the GSM-7 basic or extension table. */
export function isGsm7(text: string): boolean {
  for (const char of text) if (!BASIC_SET.has(char) && !EXTENDED_SET.has(char)) return false;
  return true;
}

/** `text` with every foldable letter in its GSM-7 form; other characters unchanged. */
export function toGsm7(text: string): string {
  let out = '';
  for (const char of text.normalize('NFC')) out += FOLD[char] ?? char;
  return out;
}

export interface SmsSize {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 units (UCS-2). */
  units: number;
  /** SMS parts the message is sent as (each billed as one SMS). */
  segments: number;
}

/** How `text` goes out: its encoding, its length in that encoding and the number of parts. */
export function smsSize(text: string): SmsSize {
  if (isGsm7(text)) {
    let units = 0;
    for (const char of text) units += EXTENDED_SET.has(char) ? 2 : 1;
    return { encoding: 'GSM-7', units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  const units = text.length;
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}
