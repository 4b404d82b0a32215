/**
 * renderCustomMessage and renderOtpSms for every kind, language and hostile name: placeholders
 * present exactly as Cognito gave them, names escaped, limits held, language chosen.
 */

import { smsSize } from '#shared/messages/gsm7';
import {
  DEFAULT_BRANDING,
  EMAIL_MAX_CHARS,
  type MessageKind,
  MessageRenderError,
  messageKinds,
  renderCustomMessage,
  renderOtpSms,
  SMS_MAX_CHARS,
  supportedLocales,
} from '#shared/messages/index';

const placeholders = { code: '{####}', username: '{username}', link: '{##Click Here##}' };
const longBranding = {
  appName: 'The Extremely Long Application Name Inc', // 39 characters, near the 40 allowed
  signInUrl: `https://example.com/${'very-long-path/'.repeat(12)}sign-in`,
  supportEmail: `support.team.with.a.long.address@${'sub.'.repeat(10)}example.com`,
};
const hostileNames: Record<string, string> = {
  script: '<script>alert("pwned")</script>',
  quotes: `"><img src=x onerror='alert(1)'>`,
  ampersand: 'Tom & Jerry &amp; &lt;',
  unicode: 'Zoë 李小龍 👨‍👩‍👧 \u202Eevil\u202C',
  placeholderLookalike: '{####} {username} {##Click Here##}',
  tenThousand: 'A'.repeat(10_000),
  tenThousandHostile: '<b>'.repeat(3334),
};
const requiredEmail = (kind: MessageKind) =>
  kind === 'AdminCreateUser'
    ? ['{username}', '{####}']
    : kind === 'SignUpByLink' || kind === 'ResendCodeByLink'
      ? ['{##Click Here##}']
      : ['{####}'];
const requiredSms = (kind: MessageKind) =>
  kind === 'AdminCreateUser' ? ['{username}', '{####}'] : ['{####}'];

const cases = supportedLocales.flatMap((locale) =>
  messageKinds.flatMap((kind) => Object.keys(hostileNames).map((name) => [locale, kind, name] as const)),
);

describe.each(cases)('%s %s with a %s name', (locale, kind, nameKey) => {
  const name = hostileNames[nameKey] ?? '';
  for (const [label, branding] of [
    ['default branding', DEFAULT_BRANDING],
    ['long branding', longBranding],
  ] as const) {
    test(`${label}: placeholders present, name escaped, limits held, language ${locale}`, () => {
      const out = renderCustomMessage({ kind, locale, branding, placeholders, name });
      expect(out.locale).toBe(locale);
      expect(out.emailMessage).toContain(`<html lang="${locale}"`);
      for (const p of requiredEmail(kind)) expect(out.emailMessage).toContain(p);
      for (const p of requiredSms(kind)) expect(out.smsMessage).toContain(p);
      // Escaped: the only tags are the layout's own; no user-supplied markup survives.
      expect(out.emailMessage).not.toMatch(/<script|<img|<b>|onerror='|alert\("/i);
      expect(out.emailMessage).not.toContain('\u202E');
      expect(Buffer.byteLength(out.emailMessage, 'utf8')).toBeLessThanOrEqual(EMAIL_MAX_CHARS);
      expect(out.smsMessage.length).toBeLessThanOrEqual(SMS_MAX_CHARS);
      // The SMS and the subject never carry the name.
      expect(out.smsMessage).not.toContain('script');
      expect(out.emailSubject).not.toMatch(/script|Zoë|AAAA/);
      expect(out.emailSubject).not.toContain('{');
    });
  }
});

describe('names in the greeting', () => {
  const render = (name?: string) =>
    renderCustomMessage({ kind: 'SignUp', locale: 'en', branding: DEFAULT_BRANDING, placeholders, name });

  test('a plain name is greeted as is', () => {
    expect(render('Ada').emailMessage).toContain('<p style="margin:0 0 16px;">Hello Ada,</p>');
  });

  test('markup in a name is shown as text, not interpreted', () => {
    expect(render('<script>alert("x")</script>').emailMessage).toContain(
      'Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;,',
    );
  });

  test('a 10,000-character name is shortened to 64 characters with an ellipsis', () => {
    const html = render('B'.repeat(10_000)).emailMessage;
    expect(html).toContain(`Hello ${'B'.repeat(63)}…,`);
    expect(html).not.toContain('B'.repeat(64));
  });

  test('a name posing as a placeholder cannot add a placeholder', () => {
    const html = render('{####}').emailMessage;
    expect(html.split('{####}')).toHaveLength(2); // the code block only
  });

  test('no name, or a name of only control characters, gets the plain greeting', () => {
    expect(render(undefined).emailMessage).toContain('>Hello,</p>');
    expect(render('\u0000\u0007 ').emailMessage).toContain('>Hello,</p>');
  });
});

describe('layout', () => {
  const out = renderCustomMessage({
    kind: 'AdminCreateUser',
    locale: 'de',
    branding: {
      appName: 'Acme & Co',
      signInUrl: 'https://acme.example/login?a=1&b="2"',
      supportEmail: 'help@acme.example',
    },
    placeholders,
    name: 'Jörg',
  });

  test('is an accessible document: lang, title, heading, article landmark, definition list', () => {
    expect(out.emailMessage).toMatch(/^<!DOCTYPE html>\n<html lang="de" dir="ltr">/);
    expect(out.emailMessage).toContain('<title>Ihre Einladung zu Acme &amp; Co</title>');
    expect(out.emailMessage).toContain('role="article"');
    expect(out.emailMessage).toMatch(/<h1[^>]*>Willkommen bei Acme &amp; Co<\/h1>/);
    expect(out.emailMessage).toMatch(/<dt[^>]*>Benutzername<\/dt><dd[^>]*>\{username\}<\/dd>/);
    expect(out.emailMessage).not.toContain('<img');
  });

  test('branding values are escaped too, in text and in attributes', () => {
    expect(out.emailMessage).toContain('href="https://acme.example/login?a=1&amp;b=&quot;2&quot;"');
    expect(out.emailMessage).toContain('href="mailto:help@acme.example"');
    expect(out.emailSubject).toBe('Ihre Einladung zu Acme & Co'); // plain text, not HTML
  });

  test('the invitation links to the sign-in page and shows the address as text', () => {
    expect(out.emailMessage).toMatch(
      /<a href="https:\/\/acme\.example\/login[^"]*"[^>]*>Bei Acme &amp; Co anmelden<\/a>/,
    );
    expect(out.smsMessage).toBe(
      'Willkommen bei Acme & Co! Benutzername: {username} Vorläufiges Passwort: {####} Anmelden: https://acme.example/login?a=1&b="2"',
    );
  });
});

describe('placeholders come only from Cognito', () => {
  test('whatever Cognito names its placeholders is used verbatim', () => {
    const out = renderCustomMessage({
      kind: 'AdminCreateUser',
      locale: 'en',
      branding: DEFAULT_BRANDING,
      placeholders: { code: '{&&&&}', username: '{user & name}' },
    });
    expect(out.emailMessage).toContain('{&&&&}');
    expect(out.emailMessage).toContain('{user & name}');
    expect(out.smsMessage).toContain('{&&&&}');
  });

  test('no digits of our own: the rendered code is only the placeholder', () => {
    for (const kind of messageKinds) {
      const out = renderCustomMessage({ kind, locale: 'en', branding: DEFAULT_BRANDING, placeholders });
      expect(out.smsMessage.replace(/\d+ min/g, '')).not.toMatch(/\d{4,}/);
      expect(out.emailMessage).not.toMatch(/>\s*\d{4,}\s*</);
    }
  });

  test('a missing username for the invitation, or a missing link for a link message, is refused', () => {
    const base = { locale: 'en', branding: DEFAULT_BRANDING };
    expect(() =>
      renderCustomMessage({ ...base, kind: 'AdminCreateUser', placeholders: { code: '{####}' } }),
    ).toThrow(MessageRenderError);
    expect(() =>
      renderCustomMessage({ ...base, kind: 'SignUpByLink', placeholders: { code: '{####}' } }),
    ).toThrow(MessageRenderError);
    expect(() => renderCustomMessage({ ...base, kind: 'SignUp', placeholders: { code: '' } })).toThrow(
      MessageRenderError,
    );
  });
});

describe('SMS fitting', () => {
  test('a long app name: a shorter wording that keeps the full name in one GSM-7 part wins over a shortened name (the ellipsis is not GSM-7)', () => {
    const appName = 'Die Sehr Lange Anwendung Mit Namen XYZ12';
    const out = renderCustomMessage({
      kind: 'ForgotPassword',
      locale: 'de',
      branding: { ...DEFAULT_BRANDING, appName },
      placeholders,
    });
    expect(out.smsMessage).toBe(`{####} ist Ihr Code zum Zurücksetzen des Passworts für ${appName}.`);
    expect(smsSize(out.smsMessage)).toEqual({ encoding: 'GSM-7', units: 98, segments: 1 });
  });

  test('an app name too long for every wording that names it: the wording without it, one GSM-7 part (no "…", which is not GSM-7)', () => {
    const sms = renderOtpSms({ code: '123456', appName: 'W'.repeat(100), validMinutes: 3, locale: 'en' });
    expect(sms).toBe('123456 is your sign-in code. It expires in 3 min.');
    expect(smsSize(sms)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  test('absurdly long placeholders are never dropped (the SMS is then the placeholders alone)', () => {
    const code = `{${'#'.repeat(200)}}`;
    const out = renderCustomMessage({
      kind: 'Authentication',
      locale: 'en',
      branding: DEFAULT_BRANDING,
      placeholders: { code },
    });
    expect(out.smsMessage).toBe(code);
  });
});

describe('renderOtpSms (the create-auth-challenge SMS)', () => {
  const input = { code: '123456', appName: 'Example App', validMinutes: 3 };

  test('English wording is unchanged', () => {
    expect(renderOtpSms(input)).toBe(
      '123456 is your Example App sign-in code. It expires in 3 min. Never share it.',
    );
  });

  test.each([
    ['de-DE', '123456 ist Ihr Anmeldecode für Example App. Gültig für 3 Min. Geben Sie ihn niemals weiter.'],
    // Folded to GSM-7 (ó -> o): one SMS part instead of two UCS-2 parts.
    ['es', '123456 es su codigo de inicio de sesion de Example App. Caduca en 3 min. No lo comparta.'],
    ['fr', '123456 is your Example App sign-in code. It expires in 3 min. Never share it.'],
    [undefined, '123456 is your Example App sign-in code. It expires in 3 min. Never share it.'],
  ])('locale %s', (locale, expected) => {
    expect(renderOtpSms({ ...input, locale })).toBe(expected);
  });

  test.each(supportedLocales)(
    '%s: a 40-character app name still fits in 140 with the code first',
    (locale) => {
      const sms = renderOtpSms({ ...input, appName: 'W'.repeat(40), validMinutes: 15, locale });
      expect(sms.length).toBeLessThanOrEqual(SMS_MAX_CHARS);
      expect(sms.startsWith('123456 ')).toBe(true);
    },
  );
});
