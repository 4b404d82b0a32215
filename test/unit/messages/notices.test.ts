/**
 * Our own emails (messages/notices.ts): the EMAIL_OTP code and a security notice for every event,
 * in every language: subject, text and HTML say the same thing, numbers are always masked, the
 * time is in UTC, and every notice says what to do if it was not the user.
 */
import { SECURITY_EVENTS, type SecurityEventKind } from '#shared/auth-state/keys';
import {
  DEFAULT_BRANDING,
  formatNoticeTime,
  renderEmailOtp,
  renderSecurityNotice,
  supportedLocales,
} from '#shared/messages/index';

const AT = new Date('2025-01-31T12:34:56.789Z');
const FULL = '+14155550123';
const OLD_FULL = '+447700900987';
const WITH_NUMBER: readonly SecurityEventKind[] = ['phone_bound', 'phone_changed', 'phone_reset'];

const notice = (event: SecurityEventKind, locale = 'en') =>
  renderSecurityNotice({
    event,
    at: AT,
    locale,
    branding: DEFAULT_BRANDING,
    destination: FULL,
    oldDestination: OLD_FULL,
    recoveryCodesLeft: 7,
    deviceName: 'Ada’s laptop',
    devicesRevoked: 3,
  });

const cases = supportedLocales.flatMap((locale) => SECURITY_EVENTS.map((event) => [locale, event] as const));

describe.each(cases)('%s %s', (locale, event) => {
  const out = notice(event, locale);

  test('is in that language, with a one-line subject naming the app', () => {
    expect(out.locale).toBe(locale);
    expect(out.html).toMatch(new RegExp(`^<!DOCTYPE html>\\n<html lang="${locale}" dir="ltr">`));
    expect(out.subject).toContain(DEFAULT_BRANDING.appName);
    expect(out.subject).not.toMatch(/[\r\n]/);
    expect(out.subject.length).toBeLessThanOrEqual(100);
  });

  test('says when, in UTC, in the text and the HTML', () => {
    expect(out.text).toContain('2025-01-31 12:34 UTC');
    expect(out.html).toContain('2025-01-31 12:34 UTC');
  });

  test('never shows a whole phone number, only the masked one where the event concerns a number', () => {
    // No run of five digits anywhere a reader sees (the HTML's colours live in its style attributes).
    const shown = [out.subject, out.text, out.html.replace(/ style="[^"]*"/g, '')];
    for (const part of shown) {
      expect(part).not.toContain('4155550123');
      expect(part).not.toContain('7700900987');
      expect(part).not.toMatch(/\d{5,}/);
    }
    if (event === 'phone_reset') {
      // The number removed: the record's old destination.
      expect(out.text).toContain('+*******0987');
      expect(out.html).toContain('+*******0987');
    } else if (WITH_NUMBER.includes(event)) {
      expect(out.text).toContain('+*******0123');
      expect(out.html).toContain('+*******0123');
    } else {
      expect(out.text).not.toContain('+*******');
    }
  });

  test('tells the reader whom to write to (the support address of the branding)', () => {
    expect(out.text).toContain(DEFAULT_BRANDING.supportEmail);
    expect(out.html).toContain(`href="mailto:${DEFAULT_BRANDING.supportEmail}"`);
  });

  test('the text part is plain: no markup, and every line of copy is also in the HTML', () => {
    expect(out.text).not.toMatch(/<[a-z/]/i);
    const heading = out.text.split('\n')[0] ?? '';
    expect(heading.length).toBeGreaterThan(0);
    expect(out.html).toContain(`>${heading}</h1>`);
  });
});

describe('what each notice shows', () => {
  test('phone_changed shows the new and the previous number, both masked', () => {
    const { text } = notice('phone_changed');
    expect(text).toContain('New number: +*******0123');
    expect(text).toContain('Previous number: +*******0987');
  });

  test('device_remembered names the device; devices_revoked says how many, and which when one', () => {
    expect(notice('device_remembered').text).toContain('Device: Ada’s laptop');
    const revoked = notice('devices_revoked').text;
    expect(revoked).toContain('Devices removed: 3');
    expect(revoked).toContain('Device: Ada’s laptop');
    const all = renderSecurityNotice({
      event: 'devices_revoked',
      at: AT,
      branding: DEFAULT_BRANDING,
      devicesRevoked: 4,
    });
    expect(all.text).toContain('Devices removed: 4');
    expect(all.text).not.toContain('Device:');
    expect(all.html).not.toContain('>Device<');
  });

  test('a device name is cleaned like a name: no control or bidi characters, no braces, at most 64 characters', () => {
    const out = renderSecurityNotice({
      event: 'device_remembered',
      at: AT,
      branding: DEFAULT_BRANDING,
      deviceName: `Ada\u202E\u0007 {username}\n${'x'.repeat(200)}`,
    });
    const line = out.text.split('\n').find((text) => text.startsWith('Device: ')) ?? '';
    const shown = line.slice('Device: '.length);
    expect(shown.startsWith('Ada username x')).toBe(true);
    expect(shown).not.toMatch(/[\p{Cc}\u202e{}]/u);
    expect([...shown]).toHaveLength(64);
    expect(shown.endsWith('…')).toBe(true);
  });

  test('the device_remembered advice says a password reset makes every device ask for a code again', () => {
    expect(notice('device_remembered').text).toContain(
      'reset your password at https://example.com/sign-in now (that makes every remembered device ask for a code again)',
    );
  });

  test('recovery_code_used says how many codes are left', () => {
    expect(notice('recovery_code_used').text).toContain('Recovery codes left: 7');
  });

  test('a fact with nothing to show is left out, in the text and the HTML', () => {
    const out = renderSecurityNotice({ event: 'phone_bound', at: AT, branding: DEFAULT_BRANDING });
    expect(out.text).not.toContain('Phone number:');
    expect(out.html).not.toContain('>Phone number<');
    expect(out.text).toContain('When: 2025-01-31 12:34 UTC');
    const left = renderSecurityNotice({ event: 'recovery_code_used', at: AT, branding: DEFAULT_BRANDING });
    expect(left.text).not.toContain('Recovery codes left');
  });

  test('a masked number stays as it is (the audit record already holds masks)', () => {
    const out = renderSecurityNotice({
      event: 'phone_bound',
      at: AT,
      branding: DEFAULT_BRANDING,
      destination: '+*******4321',
    });
    expect(out.text).toContain('Phone number: +*******4321');
  });

  test('the not-you advice points at the sign-in page and the support address', () => {
    const { text } = notice('phone_bound');
    expect(text).toContain(
      'If this was not you, reset your password at https://example.com/sign-in now and write to support@example.com.',
    );
  });

  test('an unknown or absent language falls back to English; a regional tag finds its language', () => {
    expect(notice('suspended', 'fr-FR').locale).toBe('en');
    expect(renderSecurityNotice({ event: 'suspended', at: AT, branding: DEFAULT_BRANDING }).locale).toBe(
      'en',
    );
    expect(notice('suspended', 'de-AT').locale).toBe('de');
    expect(notice('suspended', 'es_MX').subject).toBe(
      'Aviso de seguridad: su cuenta de Example App fue suspendida',
    );
  });

  test('the name greets the reader, cleaned like in Cognito`s messages', () => {
    const out = renderSecurityNotice({
      event: 'locked_out',
      at: AT,
      branding: DEFAULT_BRANDING,
      name: 'Ada\u202E {username}',
    });
    expect(out.text).toContain('Hello Ada username,');
  });

  test('formatNoticeTime: minutes in UTC, whatever the machine`s time zone', () => {
    expect(formatNoticeTime(new Date('2025-12-31T23:59:59.999Z'))).toBe('2025-12-31 23:59 UTC');
  });
});

describe('renderEmailOtp', () => {
  test.each(supportedLocales)(
    '%s: the code on its own line, its lifetime and the app, in text and HTML',
    (locale) => {
      const out = renderEmailOtp({ code: '048213', validMinutes: 5, locale, branding: DEFAULT_BRANDING });
      expect(out.locale).toBe(locale);
      expect(out.text).toContain('\n    048213\n');
      expect(out.html).toMatch(/<p style="[^"]*monospace[^"]*">048213<\/p>/);
      expect(out.text).toContain('5');
      expect(out.subject).toContain(DEFAULT_BRANDING.appName);
      expect(out.subject).not.toContain('048213');
    },
  );

  test('English wording', () => {
    const out = renderEmailOtp({ code: '048213', validMinutes: 5, branding: DEFAULT_BRANDING, name: 'Ada' });
    expect(out.subject).toBe('Your Example App sign-in code');
    expect(out.text).toBe(
      [
        'Your sign-in code',
        '',
        'Hello Ada,',
        '',
        'Enter this code to finish signing in to Example App. It expires in 5 minutes.',
        '',
        '    048213',
        '',
        'Never share this code. If you are not signing in right now, someone knows your password: reset it at https://example.com/sign-in and write to support@example.com.',
        '',
        '-- ',
        'Need help? Write to support@example.com.',
        'Sent by Example App.',
        '',
      ].join('\n'),
    );
  });

  test('the code is escaped like any value (it is ours, not a Cognito placeholder)', () => {
    const out = renderEmailOtp({ code: '<b>1</b>', validMinutes: 3, branding: DEFAULT_BRANDING });
    expect(out.html).not.toContain('<b>');
    expect(out.html).toContain('&lt;b&gt;1&lt;/b&gt;');
  });

  test('a line break in a value never reaches the subject (a mail header)', () => {
    const out = renderEmailOtp({
      code: '1',
      validMinutes: 3,
      branding: { ...DEFAULT_BRANDING, appName: 'Evil\r\nBcc: x@example.com' },
    });
    expect(out.subject).toBe('Your Evil Bcc: x@example.com sign-in code');
  });
});
