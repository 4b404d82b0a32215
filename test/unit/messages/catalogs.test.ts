/**
 * Every language file is complete and well-formed: each template uses only known slots, each SMS
 * variant carries the placeholders its message needs, and locale choice falls back to English.
 */
import type { Catalog, MessageKind } from '#shared/messages/catalog';
import { messageKinds } from '#shared/messages/catalog';
import { catalogs, FALLBACK_LOCALE, resolveLocale, supportedLocales } from '#shared/messages/registry';
import { slotsOf } from '#shared/messages/text';

const EMAIL_SLOTS = new Set(['appName', 'signInUrl', 'supportEmail', 'name', 'code', 'username', 'link']);
const SMS_SLOTS = new Set(['appName', 'signInUrl', 'code', 'username']);
const OTP_SLOTS = new Set(['appName', 'code', 'minutes']);

const entries = Object.entries(catalogs) as [string, Catalog][];

test('English plus at least two more languages are registered, English being the fallback', () => {
  expect(FALLBACK_LOCALE).toBe('en');
  expect(supportedLocales).toEqual(expect.arrayContaining(['en', 'de', 'es']));
});

describe.each(entries)('catalog %s', (locale, catalog) => {
  test('declares its own language tag', () => {
    expect(catalog.lang).toBe(locale);
  });

  test.each(messageKinds)('%s: email templates use only known slots', (kind: MessageKind) => {
    const { email } = catalog.messages[kind];
    const texts = [
      email.subject,
      email.heading,
      ...email.blocks.flatMap((block) =>
        block.kind === 'text'
          ? [block.text]
          : block.kind === 'signInButton'
            ? [block.text]
            : block.kind === 'fields'
              ? block.items.map((item) => item.label)
              : [],
      ),
    ];
    for (const text of texts) for (const slot of slotsOf(text)) expect(EMAIL_SLOTS).toContain(slot);
    // Subjects are plain text with branding only: no name, no placeholder.
    expect(slotsOf(email.subject).every((slot) => slot === 'appName')).toBe(true);
  });

  test.each(messageKinds)('%s: the email shows the code (or the username and code)', (kind: MessageKind) => {
    const { blocks } = catalog.messages[kind].email;
    if (kind === 'AdminCreateUser') {
      const fields = blocks.find((block) => block.kind === 'fields');
      expect(fields?.kind === 'fields' && fields.items.map((item) => item.slot).sort()).toEqual([
        'code',
        'username',
      ]);
      expect(blocks.some((block) => block.kind === 'signInButton')).toBe(true);
    } else {
      expect(blocks.filter((block) => block.kind === 'code')).toHaveLength(1);
    }
  });

  test.each(messageKinds)(
    '%s: every SMS variant carries its placeholders and no name',
    (kind: MessageKind) => {
      for (const variant of catalog.messages[kind].sms) {
        const slots = slotsOf(variant);
        expect(slots).toContain('code');
        if (kind === 'AdminCreateUser') expect(slots).toContain('username');
        for (const slot of slots) expect(SMS_SLOTS).toContain(slot);
      }
    },
  );

  test('every sign-in code SMS variant carries the code', () => {
    for (const variant of catalog.otpSms) {
      expect(slotsOf(variant)).toContain('code');
      for (const slot of slotsOf(variant)) expect(OTP_SLOTS).toContain(slot);
    }
  });

  test('greeting, footer and link fallback use only known slots', () => {
    expect(slotsOf(catalog.greeting.named)).toEqual(['name']);
    expect(slotsOf(catalog.greeting.anonymous)).toEqual([]);
    expect(slotsOf(catalog.linkFallback)).toEqual(['signInUrl']);
    for (const line of catalog.footer) for (const slot of slotsOf(line)) expect(EMAIL_SLOTS).toContain(slot);
  });
});

describe('resolveLocale', () => {
  test.each([
    ['de', 'de'],
    ['de-DE', 'de'],
    ['de_AT', 'de'],
    ['DE-ch', 'de'],
    ['es-419', 'es'],
    ['es-MX,es;q=0.9,en;q=0.8', 'es'],
    ['en-GB', 'en'],
  ])('%s -> %s', (tag, expected) => {
    expect(resolveLocale(tag)).toBe(expected);
  });

  test.each([
    ['an unsupported language', 'fr-FR'],
    ['an empty value', ''],
    ['garbage', '<script>'],
    ['a prototype key', '__proto__'],
    ['a prototype key as a language', 'constructor'],
  ])('falls back to English for %s', (_what, tag) => {
    expect(resolveLocale(tag)).toBe('en');
  });

  test('takes the first candidate that names a supported language (attribute before metadata)', () => {
    expect(resolveLocale('es', 'de')).toBe('es');
    expect(resolveLocale('fr', 'de')).toBe('de');
    expect(resolveLocale(undefined, null, 'es')).toBe('es');
    expect(resolveLocale(undefined, 'xx')).toBe('en');
  });
});
