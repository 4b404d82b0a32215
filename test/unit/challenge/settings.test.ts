import { lockoutSettings } from '#shared/auth-state/lockout-settings';
import { attemptSettings, roundSettings } from '#shared/challenge/settings';
import { readConfig } from '#shared/config';
import {
  checkCodeTimings,
  codeSettings,
  deliverySettings,
  sendLimitSettings,
} from '../../../functions/create-auth-challenge/settings';

const all = {
  ...attemptSettings,
  ...roundSettings,
  ...codeSettings,
  ...sendLimitSettings,
  ...deliverySettings,
  ...lockoutSettings,
};

test('defaults', () => {
  expect(readConfig(all, {})).toEqual({
    MAX_CODE_ATTEMPTS: 3,
    MAX_PHONE_ATTEMPTS: 3,
    MAX_ROUNDS: 16,
    OTP_LENGTH: 6,
    OTP_TTL_SECONDS: 180,
    AUTH_SESSION_VALIDITY_MINUTES: 3,
    RESEND_COOLDOWN_SECONDS: 30,
    SEND_LIMIT_PER_USER_PER_HOUR: 5,
    SEND_LIMIT_PER_PHONE_PER_DAY: 10,
    // Enrolment sends to a number nobody has proven: stricter, and apart from its owner's budget.
    SEND_LIMIT_UNPROVEN_PER_PHONE_PER_DAY: 3,
    SEND_LIMIT_UNPROVEN_PER_USER_PER_DAY: 5,
    SMS_SENDER_ID: undefined,
    SMS_ORIGINATION_NUMBER: undefined,
    SMS_MAX_PRICE_USD: undefined,
    LOCKOUT_MAX_FAILURES: 5,
    LOCKOUT_WINDOW_MINUTES: 15,
  });
});

test.each([
  ['OTP_LENGTH', '5'],
  ['OTP_LENGTH', '11'],
  ['OTP_TTL_SECONDS', '901'],
  ['MAX_CODE_ATTEMPTS', '0'],
  ['MAX_ROUNDS', '3'],
  ['RESEND_COOLDOWN_SECONDS', '10'],
  ['SEND_LIMIT_PER_USER_PER_HOUR', 'five'],
  ['SMS_SENDER_ID', 'TOO-LONG-SENDER'],
  ['SMS_SENDER_ID', '12345'],
  ['SMS_ORIGINATION_NUMBER', '0123'],
  ['SEND_LIMIT_UNPROVEN_PER_PHONE_PER_DAY', '0'],
  ['SEND_LIMIT_UNPROVEN_PER_USER_PER_DAY', '101'],
  ['SMS_MAX_PRICE_USD', '0.05 USD'],
  ['SMS_MAX_PRICE_USD', '-0.05'],
  ['SMS_MAX_PRICE_USD', '0.123456'],
  ['SMS_MAX_PRICE_USD', '100'],
  ['LOCKOUT_MAX_FAILURES', '0'],
  ['LOCKOUT_WINDOW_MINUTES', '1441'],
])('%s=%j is refused with the variable named', (name, value) => {
  expect(() => readConfig(all, { [name]: value })).toThrow(new RegExp(name));
});

test('empty optional SMS settings mean "not configured"', () => {
  const config = readConfig(deliverySettings, {
    SMS_SENDER_ID: ' ',
    SMS_ORIGINATION_NUMBER: '',
    SMS_MAX_PRICE_USD: '',
  });
  expect(config).toEqual({
    SMS_SENDER_ID: undefined,
    SMS_ORIGINATION_NUMBER: undefined,
    SMS_MAX_PRICE_USD: undefined,
  });
  expect(
    readConfig(deliverySettings, {
      SMS_SENDER_ID: 'MyApp',
      SMS_ORIGINATION_NUMBER: '+18005550100',
      SMS_MAX_PRICE_USD: '0.05',
    }),
  ).toEqual({
    SMS_SENDER_ID: 'MyApp',
    SMS_ORIGINATION_NUMBER: '+18005550100',
    SMS_MAX_PRICE_USD: '0.05',
  });
});

test.each(['0', '0.5', '0.00581', '12', '99.99999'])('SMS_MAX_PRICE_USD=%j is a price SNS takes', (price) => {
  expect(readConfig(deliverySettings, { SMS_MAX_PRICE_USD: price }).SMS_MAX_PRICE_USD).toBe(price);
});

describe('checkCodeTimings', () => {
  const ok = { OTP_TTL_SECONDS: 180, AUTH_SESSION_VALIDITY_MINUTES: 3, RESEND_COOLDOWN_SECONDS: 60 };
  test('accepts the defaults', () => {
    expect(() => checkCodeTimings(ok)).not.toThrow();
  });
  test('a code may not outlive the auth session', () => {
    expect(() => checkCodeTimings({ ...ok, OTP_TTL_SECONDS: 181 })).toThrow(
      /OTP_TTL_SECONDS.*AUTH_SESSION_VALIDITY_MINUTES/,
    );
    expect(() =>
      checkCodeTimings({ ...ok, OTP_TTL_SECONDS: 600, AUTH_SESSION_VALIDITY_MINUTES: 10 }),
    ).not.toThrow();
  });
  test('the cooldown may not exceed the code lifetime', () => {
    expect(() => checkCodeTimings({ ...ok, RESEND_COOLDOWN_SECONDS: 181 })).toThrow(
      /RESEND_COOLDOWN_SECONDS/,
    );
  });
});
