/**
 * Every language file is complete and well-formed: each template uses only known slots, each SMS
 * variant carries the placeholders its message needs, and locale choice falls back to English.
 */
import { SECURITY_EVENTS, type SecurityEventKind } from '#shared/auth-state/keys';
import type { Block, Catalog, EmailCopy, MessageKind } from '#shared/messages/catalog';
import { messageKinds } from '#shared/messages/catalog';
import { catalogs, FALLBACK_LOCALE, resolveLocale, supportedLocales } from '#shared/messages/registry';
import { slotsOf } from '#shared/messages/text';

const EMAIL_SLOTS = new Set(['appName', 'signInUrl', 'supportEmail', 'name', 'code', 'username', 'link']);
const SMS_SLOTS = new Set(['appName', 'signInUrl', 'code', 'username']);
const OTP_SLOTS = new Set(['appName', 'code', 'minutes']);
/** Our own emails (messages/notices.ts): branding, the name, and the facts of the event. */
const NOTICE_SLOTS = new Set([
  'appName',
  'signInUrl',
  'supportEmail',
  'name',
  'code',
  'minutes',
  'time',
  'destination',
  'oldDestination',
  'codesLeft',
  'deviceName',
  'devicesRevoked',
]);
/** The facts each security notice must show (besides `time`, which every one shows). */
const NOTICE_FACTS: Record<SecurityEventKind, string[]> = {
  phone_bound: ['destination'],
  phone_changed: ['destination', 'oldDestination'],
  phone_reset: ['oldDestination'],
  recovery_code_used: ['codesLeft'],
  recovery_codes_new: [],
  locked_out: [],
  suspended: [],
  device_remembered: ['deviceName'],
  devices_revoked: ['devicesRevoked', 'deviceName'],
};

/** Every template of an email: subject, heading, and each block's texts. */
function templatesOf(email: EmailCopy): string[] {
  const ofBlock = (block: Block): string[] => {
    switch (block.kind) {
      case 'text':
      case 'signInButton':
        return [block.text];
      case 'fields':
        return block.items.map((item) => item.label);
      case 'facts':
        return block.items.flatMap((item) => [item.label, item.value]);
      case 'code':
        return [];
    }
  };
  return [email.subject, email.heading, ...email.blocks.flatMap(ofBlock)];
}

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

  test('the EMAIL_OTP email: known slots only, one code block, its lifetime, a subject without the code', () => {
    const email = catalog.notices.emailOtp;
    for (const text of templatesOf(email))
      for (const slot of slotsOf(text)) expect(NOTICE_SLOTS).toContain(slot);
    expect(email.blocks.filter((block) => block.kind === 'code')).toHaveLength(1);
    expect(templatesOf(email).flatMap(slotsOf)).toContain('minutes');
    expect(slotsOf(email.subject).every((slot) => slot === 'appName')).toBe(true);
  });

  test.each(SECURITY_EVENTS)(
    '%s notice: known slots only, the time and its facts, the support address, a subject naming the app only',
    (event) => {
      const email = catalog.notices.security[event];
      const slots = templatesOf(email).flatMap(slotsOf);
      for (const slot of slots) expect(NOTICE_SLOTS).toContain(slot);
      const facts = email.blocks.flatMap((block) =>
        block.kind === 'facts' ? block.items.flatMap((item) => slotsOf(item.value)) : [],
      );
      expect(facts.sort()).toEqual([...NOTICE_FACTS[event], 'time'].sort());
      expect(slots).toContain('supportEmail');
      expect(slots).not.toContain('code');
      expect(slotsOf(email.subject)).toEqual(['appName']);
    },
  );

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
