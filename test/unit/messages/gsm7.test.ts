/**
 * SMS encoding and cost: every SMS text goes out in GSM-7 (160 characters in one part, 153 per part
 * when split) where its letters allow, because one character outside it (Spanish "ó") makes the
 * whole message UCS-2 (70 characters, 67 per part) and doubles what a code SMS costs.
 */
import { isGsm7, smsSize, toGsm7 } from '#shared/messages/gsm7';
import {
  DEFAULT_BRANDING,
  messageKinds,
  renderCustomMessage,
  renderOtpSms,
  SMS_MAX_CHARS,
  supportedLocales,
} from '#shared/messages/index';

describe('isGsm7', () => {
  test.each([
    ['plain ASCII letters, digits and punctuation', 'Hello 123: yes! (a/b) "ok" #1 & 50% @home'],
    ["the basic table's accented letters", 'é è ù ì ò Ç Ø ø Å å Æ æ ß É Ä Ö Ñ Ü ä ö ñ ü à ¿ ¡ £ ¥ §'],
    ['Greek capitals of the basic table', 'Δ Φ Γ Λ Ω Π Ψ Σ Θ Ξ'],
    ['the extension table', '^ { } \\ [ ~ ] | €'],
    ['newlines', 'line 1\nline 2\r\n'],
  ])('%s are GSM-7', (_name, text) => {
    expect(isGsm7(text)).toBe(true);
  });

  test.each([
    ['ó', 'código'],
    ['í', 'sesión aquí'],
    ['an emoji', 'ok 👍'],
    ['Chinese', '验证码'],
    ['the ellipsis', 'Example…'],
    ['a curly apostrophe', 'don\u2019t'],
    ['a lower-case ç (only Ç is in the table)', 'français'],
  ])('%s is not', (_name, text) => {
    expect(isGsm7(text)).toBe(false);
  });
});

describe('toGsm7', () => {
  test.each([
    ['código de confirmación', 'codigo de confirmacion'],
    ['sesión, teléfono, número', 'sesion, teléfono, numero'],
    ['ÁÍÓÚ áíóú', 'AIOU aiou'],
    ['âêîôû ëï', 'aeiou ei'],
    ['ça', 'Ça'],
    ['don\u2019t \u2018x\u2019 \u201cy\u201d a\u2013b\u2014c', "don't 'x' \"y\" a-b-c"],
    ['no\u00a0break', 'no break'],
  ])('folds %j to %j', (text, folded) => {
    expect(toGsm7(text)).toBe(folded);
    expect(isGsm7(toGsm7(text))).toBe(true);
  });

  test('leaves letters GSM-7 already has untouched (é, ñ, ü, ¿, ß, Ä)', () => {
    const text = '¿Año? Müller, Straße, Äpfel, café';
    expect(toGsm7(text)).toBe(text);
  });

  test('composes decomposed letters first (o + combining acute is ó, folded to o)', () => {
    expect(toGsm7('co\u0301digo')).toBe('codigo');
  });

  test('leaves what has no GSM-7 form as it is (the text then stays UCS-2)', () => {
    expect(toGsm7('ok 👍 验证')).toBe('ok 👍 验证');
  });
});

describe('smsSize: parts counted by the encoding the text goes out in', () => {
  test.each([
    ['160 GSM-7 characters: one part', 'a'.repeat(160), { encoding: 'GSM-7', units: 160, segments: 1 }],
    ['161: two parts of 153', 'a'.repeat(161), { encoding: 'GSM-7', units: 161, segments: 2 }],
    ['306: still two parts', 'a'.repeat(306), { encoding: 'GSM-7', units: 306, segments: 2 }],
    ['307: three parts', 'a'.repeat(307), { encoding: 'GSM-7', units: 307, segments: 3 }],
    [
      'an extension character takes two septets',
      `${'a'.repeat(158)}€`,
      { encoding: 'GSM-7', units: 160, segments: 1 },
    ],
    [
      '...and tips a full message into two parts',
      `${'a'.repeat(159)}{`,
      { encoding: 'GSM-7', units: 161, segments: 2 },
    ],
    ['70 UCS-2 characters: one part', `ó${'a'.repeat(69)}`, { encoding: 'UCS-2', units: 70, segments: 1 }],
    ['71: two parts of 67', `ó${'a'.repeat(70)}`, { encoding: 'UCS-2', units: 71, segments: 2 }],
    ['135: three parts', `ó${'a'.repeat(134)}`, { encoding: 'UCS-2', units: 135, segments: 3 }],
    [
      'an emoji counts two UTF-16 units',
      `👍${'a'.repeat(68)}`,
      { encoding: 'UCS-2', units: 70, segments: 1 },
    ],
    ['the empty text', '', { encoding: 'GSM-7', units: 0, segments: 1 }],
  ])('%s', (_name, text, size) => {
    expect(smsSize(text)).toEqual(size);
  });

  test('the Spanish code SMS as it was written (with "ó") would take two parts; folded, it takes one', () => {
    const unfolded =
      '123456 es su código de inicio de sesión de Example App. Caduca en 3 min. No lo comparta.';
    expect(smsSize(unfolded)).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(smsSize(toGsm7(unfolded))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });
});

describe('every SMS the suite sends: GSM-7, one part', () => {
  const placeholders = { code: '{####}', username: '{username}', link: '{##Click Here##}' };
  // Cognito puts a code of up to 8 digits (or a temporary password) where the placeholder is.
  const withCode = (sms: string) =>
    sms.replace('{####}', 'Xy7#kP2!qR9$').replace('{username}', 'ada.lovelace');
  const brandings = [
    ['the default app name', DEFAULT_BRANDING],
    ['a 40-character app name', { ...DEFAULT_BRANDING, appName: 'The Extremely Long Application Name Inc.' }],
    ['an app name with German and Spanish letters', { ...DEFAULT_BRANDING, appName: 'Müller & Peña Ñandú' }],
  ] as const;
  const kinds = supportedLocales.flatMap((locale) =>
    brandings.flatMap(([label, branding]) =>
      messageKinds.map((kind) => [locale, kind, label, branding] as const),
    ),
  );

  test.each(kinds)('%s %s, %s', (locale, kind, _label, branding) => {
    const { smsMessage } = renderCustomMessage({ kind, locale, branding, placeholders });
    expect(smsMessage.length).toBeLessThanOrEqual(SMS_MAX_CHARS);
    expect(isGsm7(smsMessage)).toBe(true);
    expect(smsSize(withCode(smsMessage))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  const otp = supportedLocales.flatMap((locale) =>
    brandings.flatMap(([label, branding]) =>
      [6, 8].map((length) => [locale, label, length, branding.appName] as const),
    ),
  );
  test.each(otp)('the sign-in code SMS, %s, %s, %i digits', (locale, _label, length, appName) => {
    const sms = renderOtpSms({ code: '9'.repeat(length), appName, validMinutes: 15, locale });
    expect(sms.startsWith(`${'9'.repeat(length)} `)).toBe(true);
    expect(smsSize(sms)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  test('an app name with letters GSM-7 lacks (Chinese): still one part, with the name where one UCS-2 part (70) holds it, else the wording without it', () => {
    for (const locale of supportedLocales) {
      const sms = renderOtpSms({ code: '123456', appName: '示例应用', validMinutes: 3, locale });
      expect(sms.startsWith('123456 ')).toBe(true);
      expect(smsSize(sms).segments).toBe(1);
      if (sms.includes('示例应用')) expect(sms.length).toBeLessThanOrEqual(70);
      else expect(isGsm7(sms)).toBe(true);
    }
    // English fits exactly 70 with the name; German does not and drops it.
    expect(renderOtpSms({ code: '123456', appName: '示例应用', validMinutes: 3, locale: 'en' })).toContain(
      '示例应用',
    );
    expect(
      renderOtpSms({ code: '123456', appName: '示例应用', validMinutes: 3, locale: 'de' }),
    ).not.toContain('示例应用');
  });
});
