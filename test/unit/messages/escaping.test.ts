/**
 * Every value that reaches the HTML email is escaped for where it lands, in every message kind
 * (Cognito's messages, and our own emails: the EMAIL_OTP code and every security notice) and
 * every language: branding values that configuration accepts although they hold `&`, `<`, `>`,
 * `"` and `'`, and a hostile name. Proved two ways, so no single escaped occurrence can hide a
 * raw one elsewhere:
 * - no raw occurrence of any value is left anywhere in the document;
 * - the document is clean markup: every tag is one of the layout's own, every attribute value is
 *   double-quoted with no raw `<`, `>` or `"` inside, no raw `<` or `>` in text, and every `&`
 *   starts one of the five entities `escapeHtml` writes.
 * Subject and SMS are plain text: they carry the values as they are, never entity-encoded.
 */

import { SECURITY_EVENTS } from '#shared/auth-state/keys';
import { readConfig } from '#shared/config';
import {
  type Branding,
  brandingFrom,
  brandingSettings,
  messageKinds,
  type RenderedEmail,
  renderCustomMessage,
  renderEmailOtp,
  renderSecurityNotice,
  supportedLocales,
} from '#shared/messages/index';
import { escapeHtml } from '#shared/messages/text';

/** Cognito's placeholders: they must reach Cognito byte for byte, so they are the one thing left raw. */
const placeholders = { code: '{####}', username: '{username}', link: '{##Click Here##}' };

/** Branding as a deployment may really set it: each set goes through the trigger's own validation. */
const hostileBrandings: Record<string, Branding> = {
  'the issue example': brandingFrom(
    readConfig(brandingSettings, {
      APP_NAME: 'Q&A <Beta>',
      SIGN_IN_URL: 'https://x/login?a=1&b="2"',
      SUPPORT_EMAIL: "o'brien@example.com",
    }),
  ),
  'markup in every value': brandingFrom(
    readConfig(brandingSettings, {
      APP_NAME: `"Tom's" <b>&amp;</b> Q&A>`,
      SIGN_IN_URL: `http://localhost:8080/in?x="><script>'&y=<z>`,
      SUPPORT_EMAIL: "it's.me@example.com",
    }),
  ),
};
const NAME = `"Zoë" <img src=x onerror='1'> & Co`;
/** A remembered device's name, as an app (or an attacker with the password) may send it. */
const DEVICE_NAME = `<a href="https://evil.example">Ada's</a> & "laptop"`;

/** The five entities of `escapeHtml`; any other `&` is a raw one. */
const RAW_AMPERSAND = /&(?!(?:amp|lt|gt|quot|#39);)/;
/** The layout's own elements (html.ts); anything else is markup that came from a value. */
const LAYOUT_TAGS = new Set([
  'html',
  'head',
  'meta',
  'title',
  'body',
  'div',
  'p',
  'h1',
  'dl',
  'dt',
  'dd',
  'a',
  'hr',
  'footer',
]);
const TAG = /^<\/?([a-z][a-z0-9]*)((?:\s+[a-z-]+="[^"<>]*")*)\s*>$/;
const ATTRIBUTE_VALUE = /="([^"]*)"/g;

/** What is wrong with the document as markup (empty when every value was escaped for its place). */
function markupProblems(html: string): string[] {
  let rest = html;
  for (const placeholder of Object.values(placeholders)) rest = rest.split(placeholder).join('');
  const problems: string[] = [];
  for (const token of rest.match(/<[^<>]*>|[^<>]+|[<>]/g) ?? []) {
    if (token === '<!DOCTYPE html>') continue;
    if (token === '<' || token === '>') {
      problems.push(`raw ${token} in text`);
    } else if (token.startsWith('<')) {
      const tag = TAG.exec(token);
      if (!tag) problems.push(`not a well-formed tag: ${token}`);
      else if (!LAYOUT_TAGS.has(tag[1] ?? '')) problems.push(`an element the layout never writes: ${token}`);
      else
        for (const [, value] of (tag[2] ?? '').matchAll(ATTRIBUTE_VALUE))
          if (RAW_AMPERSAND.test(value ?? '')) problems.push(`raw & in an attribute: ${token}`);
    } else if (RAW_AMPERSAND.test(token)) {
      problems.push(`raw & in text: ${token}`);
    }
  }
  return problems;
}

const unescapeHtml = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

test('the hostile branding passes configuration as is (so it can reach a message)', () => {
  expect(hostileBrandings['the issue example']).toEqual({
    appName: 'Q&A <Beta>',
    signInUrl: 'https://x/login?a=1&b="2"',
    supportEmail: "o'brien@example.com",
  });
});

const cases = Object.keys(hostileBrandings).flatMap((label) =>
  supportedLocales.flatMap((locale) => messageKinds.map((kind) => [label, locale, kind] as const)),
);

test.each(cases)('%s, %s %s: no value is left raw anywhere in the HTML', (label, locale, kind) => {
  const branding = hostileBrandings[label] as Branding;
  const out = renderCustomMessage({ kind, locale, branding, placeholders, name: NAME });
  const html = out.emailMessage;

  expect(markupProblems(html)).toEqual([]);
  for (const value of [branding.appName, branding.signInUrl, branding.supportEmail, NAME])
    expect(html).not.toContain(value);
  // Not vacuous: the app name and the support address are in every email, as text once decoded.
  const shown = unescapeHtml(html);
  expect(shown).toContain(branding.appName);
  expect(shown).toContain(branding.supportEmail);
  if (kind === 'AdminCreateUser') {
    expect(shown).toContain(branding.signInUrl);
    expect(shown).toContain(`href="${branding.signInUrl}"`);
  }

  // Plain text stays plain: the subject is the <title> unescaped once, and the SMS never carries
  // an escaped value.
  expect(out.emailSubject).toBe(unescapeHtml(/<title>([^<]*)<\/title>/.exec(html)?.[1] ?? ''));
  for (const value of [branding.appName, branding.signInUrl])
    expect(out.smsMessage).not.toContain(escapeHtml(value));
});

const ownEmails = ['EMAIL_OTP', ...SECURITY_EVENTS] as const;
const ownCases = Object.keys(hostileBrandings).flatMap((label) =>
  supportedLocales.flatMap((locale) => ownEmails.map((email) => [label, locale, email] as const)),
);

function renderOwn(email: (typeof ownEmails)[number], locale: string, branding: Branding): RenderedEmail {
  if (email === 'EMAIL_OTP')
    return renderEmailOtp({ code: '123456', validMinutes: 3, locale, branding, name: NAME });
  return renderSecurityNotice({
    event: email,
    at: new Date('2025-01-31T12:00:00Z'),
    locale,
    branding,
    name: NAME,
    destination: '+14155550123',
    oldDestination: '+447700900987',
    recoveryCodesLeft: 3,
    deviceName: DEVICE_NAME,
    devicesRevoked: 2,
  });
}

test.each(ownCases)(
  '%s, %s %s (our own email): no value is left raw anywhere in the HTML',
  (label, locale, email) => {
    const branding = hostileBrandings[label] as Branding;
    const out = renderOwn(email, locale, branding);

    expect(markupProblems(out.html)).toEqual([]);
    for (const value of [branding.appName, branding.signInUrl, branding.supportEmail, NAME, DEVICE_NAME])
      expect(out.html).not.toContain(value);
    expect(out.html).not.toContain('<script');
    expect(out.html).not.toContain('<a href="https://evil');
    if (email === 'device_remembered' || email === 'devices_revoked') {
      // Not vacuous: the device's name is shown, escaped, and as it is in the text part.
      expect(out.html).toContain(escapeHtml(DEVICE_NAME));
      expect(out.text).toContain(DEVICE_NAME);
    }
    const shown = unescapeHtml(out.html);
    expect(shown).toContain(branding.appName);
    expect(shown).toContain(branding.supportEmail);
    expect(out.html).toContain(`href="mailto:${escapeHtml(branding.supportEmail)}"`);

    // Subject and text part are plain text: the values as they are, never entity-encoded.
    expect(out.subject).toBe(unescapeHtml(/<title>([^<]*)<\/title>/.exec(out.html)?.[1] ?? ''));
    expect(out.subject).toContain(branding.appName);
    expect(out.text).toContain(branding.supportEmail);
    expect(out.text).not.toContain(escapeHtml(branding.appName));
  },
);

test('the checker itself finds each kind of raw value it looks for', () => {
  const page = (body: string) => `<!DOCTYPE html>\n<html lang="en" dir="ltr"><body>${body}</body></html>`;
  expect(markupProblems(page('<p style="a:b;">Q&amp;A &lt;Beta&gt;</p>'))).toEqual([]);
  expect(markupProblems(page('<p>Q&A</p>'))).toEqual(['raw & in text: Q&A']);
  expect(markupProblems(page('<p>Q&amp;A <Beta></p>'))).toEqual(['not a well-formed tag: <Beta>']);
  expect(markupProblems(page('<p>Q&amp;A <b>x</b></p>'))).toEqual([
    'an element the layout never writes: <b>',
    'an element the layout never writes: </b>',
  ]);
  expect(markupProblems(page('<a href="https://x/login?a=1&amp;b="2"">x</a>'))).toEqual([
    'not a well-formed tag: <a href="https://x/login?a=1&amp;b="2"">',
  ]);
  expect(markupProblems(page('<a href="https://x/?a=1&b=2">x</a>'))).toEqual([
    'raw & in an attribute: <a href="https://x/?a=1&b=2">',
  ]);
  expect(markupProblems(page('<p>1 > 0</p>'))).toEqual(['raw > in text']);
});
