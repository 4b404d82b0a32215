/**
 * The HTML email layout: one centred column, real headings, paragraphs, a definition list for
 * credentials, a link with meaningful text (plus the bare address for clients that hide styled
 * links), no images and no layout tables, so screen readers and text-only clients read it in the
 * order it is shown. `lang`/`dir` come from the catalog. Styles are inline because most email
 * clients drop `<style>` blocks. Colours meet WCAG AA contrast on white.
 *
 * Escaping is structural: templates and values pass through `fill` with `escapeHtml` for literal
 * text and every value, except Cognito's placeholders in Cognito's messages, which must reach
 * Cognito byte for byte (`renderEmailHtml`). Our own emails (`renderOwnEmailHtml`: the EMAIL_OTP
 * code and the security notices) have no placeholder: every value is escaped, the code included.
 * Everything else interpolated below (branding, catalog fields, the subject) is escaped where it
 * is placed; attributes are always double-quoted, so one escape serves text and attributes alike.
 * test/unit/messages/escaping.test.ts renders every kind and language with values full of markup
 * and fails on any raw occurrence.
 */
import type { Block, Catalog, EmailCopy } from './catalog';
import { escapeHtml, fill, slotsOf } from './text';

/** Values for the `{{slot}}` markers. `code`/`username`/`link` are Cognito placeholders. */
export interface EmailValues {
  appName: string;
  signInUrl: string;
  supportEmail: string;
  /** The cleaned, shortened name; empty for none. */
  name: string;
  code: string;
  username: string;
  link: string;
  /** What a `code` block shows: the code placeholder, or the link placeholder for link kinds. */
  verification: string;
}

/** The slots of Cognito's messages that carry its placeholders: inserted verbatim. */
const PLACEHOLDER_SLOTS: ReadonlySet<string> = new Set(['code', 'username', 'link', 'verification']);
const NO_VERBATIM: ReadonlySet<string> = new Set();

type Values = Readonly<Record<string, string>>;

const style = {
  body: "margin:0;padding:24px 12px;background-color:#f4f4f5;color:#18181b;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;",
  card: 'max-width:560px;margin:0 auto;padding:32px 24px;background-color:#ffffff;border-radius:8px;',
  brand: 'margin:0 0 24px;font-size:14px;font-weight:600;color:#52525b;',
  h1: 'margin:0 0 16px;font-size:22px;line-height:1.3;color:#18181b;',
  p: 'margin:0 0 16px;',
  code: "margin:0 0 16px;padding:12px 16px;background-color:#f4f4f5;border-radius:6px;font-family:Menlo,Consolas,'Courier New',monospace;font-size:24px;font-weight:700;letter-spacing:2px;",
  dl: 'margin:0 0 16px;padding:12px 16px;background-color:#f4f4f5;border-radius:6px;',
  dt: 'margin:0;font-size:14px;color:#52525b;',
  dd: "margin:0 0 8px;font-family:Menlo,Consolas,'Courier New',monospace;font-size:18px;font-weight:700;",
  fact: 'margin:0 0 8px;font-weight:600;',
  button:
    'display:inline-block;padding:12px 20px;background-color:#1d4ed8;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:600;',
  link: 'color:#1d4ed8;',
  small: 'margin:0 0 4px;font-size:13px;color:#52525b;',
  fallback: 'margin:0 0 16px;font-size:13px;color:#52525b;',
  hr: 'border:0;border-top:1px solid #e4e4e7;margin:24px 0 16px;',
} as const;

/** Fills a template for HTML: literal text and values escaped, the `verbatim` slots as they are. */
function html(template: string, values: Values, verbatim: ReadonlySet<string>): string {
  return fill(template, values, escapeHtml, (slot, value) => {
    if (verbatim.has(slot)) return value;
    if (slot === 'supportEmail')
      return `<a href="mailto:${escapeHtml(value)}" style="${style.link}">${escapeHtml(value)}</a>`;
    if (slot === 'signInUrl')
      return `<a href="${escapeHtml(value)}" style="${style.link}">${escapeHtml(value)}</a>`;
    return escapeHtml(value);
  });
}

function block(b: Block, catalog: Catalog, values: Values, verbatim: ReadonlySet<string>): string {
  const value = (slot: string) => {
    const raw = values[slot] ?? '';
    return verbatim.has(slot) ? raw : escapeHtml(raw);
  };
  switch (b.kind) {
    case 'text':
      return `<p style="${style.p}">${html(b.text, values, verbatim)}</p>`;
    case 'code':
      return `<p style="${style.code}">${value('verification')}</p>`;
    case 'fields': {
      const rows = b.items
        .map(
          (item) =>
            `<dt style="${style.dt}">${html(item.label, values, verbatim)}</dt><dd style="${style.dd}">${value(item.slot)}</dd>`,
        )
        .join('');
      return `<dl style="${style.dl}">${rows}</dl>`;
    }
    case 'facts': {
      const rows = shownFacts(b.items, values)
        .map(
          (item) =>
            `<dt style="${style.dt}">${html(item.label, values, verbatim)}</dt><dd style="${style.fact}">${html(item.value, values, verbatim)}</dd>`,
        )
        .join('');
      return rows ? `<dl style="${style.dl}">${rows}</dl>` : '';
    }
    case 'signInButton':
      return [
        `<p style="${style.p}"><a href="${escapeHtml(values.signInUrl ?? '')}" style="${style.button}">${html(b.text, values, verbatim)}</a></p>`,
        `<p style="${style.fallback}">${html(catalog.linkFallback, values, verbatim)}</p>`,
      ].join('\n');
  }
}

/** The rows of a facts block worth showing: those whose value has at least one non-empty slot. */
export function shownFacts<T extends { value: string }>(items: readonly T[], values: Values): T[] {
  return items.filter((item) => {
    const slots = slotsOf(item.value);
    return slots.length === 0 || slots.some((slot) => (values[slot] ?? '') !== '');
  });
}

/** The complete HTML document for one of Cognito's emails (its placeholders verbatim). */
export function renderEmailHtml(catalog: Catalog, copy: EmailCopy, values: EmailValues): string {
  return renderDocument(catalog, copy, { ...values }, PLACEHOLDER_SLOTS);
}

/**
 * The complete HTML document for one of our own emails (EMAIL_OTP, security notices): every value
 * escaped. `values.verification` is what a `code` block shows; `name` is the cleaned name or ''.
 */
export function renderOwnEmailHtml(catalog: Catalog, copy: EmailCopy, values: Values): string {
  return renderDocument(catalog, copy, values, NO_VERBATIM);
}

function renderDocument(catalog: Catalog, copy: EmailCopy, values: Values, verbatim: ReadonlySet<string>) {
  // The subject is plain text: filled with raw values, then escaped as a whole for <title>/aria-label.
  const subject = escapeHtml(fill(copy.subject, values));
  const greeting = values.name ? catalog.greeting.named : catalog.greeting.anonymous;
  const lang = escapeHtml(catalog.lang);
  const dir = escapeHtml(catalog.dir);
  return [
    '<!DOCTYPE html>',
    `<html lang="${lang}" dir="${dir}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    `<title>${subject}</title>`,
    '</head>',
    `<body style="${style.body}">`,
    `<div role="article" aria-roledescription="email" aria-label="${subject}" lang="${lang}" dir="${dir}" style="${style.card}">`,
    `<p style="${style.brand}">${escapeHtml(values.appName ?? '')}</p>`,
    `<h1 style="${style.h1}">${html(copy.heading, values, verbatim)}</h1>`,
    `<p style="${style.p}">${html(greeting, values, verbatim)}</p>`,
    ...copy.blocks.map((b) => block(b, catalog, values, verbatim)).filter((part) => part !== ''),
    `<hr style="${style.hr}">`,
    '<footer>',
    ...catalog.footer.map((line) => `<p style="${style.small}">${html(line, values, verbatim)}</p>`),
    '</footer>',
    '</div>',
    '</body>',
    '</html>',
  ].join('\n');
}
