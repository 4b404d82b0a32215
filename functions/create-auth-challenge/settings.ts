/**
 * Settings only Create reads (environment variables, read once at cold start); Define's are in
 * `#shared/challenge/settings`. docs/two-factor.md lists every setting with its default and the
 * reason for it.
 */
import * as z from 'zod/mini';
import { ConfigError, setting } from '#shared/config';

export const codeSettings = {
  OTP_LENGTH: setting.integer(6, 6, 10),
  OTP_TTL_SECONDS: setting.integer(180, 30, 900),
  /** Must equal the app client's AuthSessionValidity (3..15 minutes, Cognito's default 3). */
  AUTH_SESSION_VALIDITY_MINUTES: setting.integer(3, 3, 15),
  /**
   * A repeated Create for the same round within this window sends nothing and reuses the code:
   * 30 s covers Cognito's 3 attempts x 5 s with margin, and a double tap. Kept short because a
   * reused code can complete any of the sign-ins it was given to (each needs the password).
   */
  RESEND_COOLDOWN_SECONDS: setting.integer(30, 15, 900),
};

export const sendLimitSettings = {
  /** Every code a user is sent (sign-in and enrolment), per UTC hour. */
  SEND_LIMIT_PER_USER_PER_HOUR: setting.integer(5, 1, 100),
  /** Sign-in codes to one verified number (all its users), per UTC day. */
  SEND_LIMIT_PER_PHONE_PER_DAY: setting.integer(10, 1, 1000),
  /**
   * Enrolment codes to one number nobody has proven yet, per UTC day (all accounts together).
   * Stricter, and apart from the verified owner's budget: a typed number may be anyone's.
   */
  SEND_LIMIT_UNPROVEN_PER_PHONE_PER_DAY: setting.integer(3, 1, 100),
  /** Enrolment codes one account may ask for, per UTC day (whatever numbers it types). */
  SEND_LIMIT_UNPROVEN_PER_USER_PER_DAY: setting.integer(5, 1, 100),
};

/** An optional string: unset or empty means "not configured". */
const optional = (pattern: RegExp, message: string) =>
  z.pipe(
    z.transform((value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)),
    z.optional(z.string({ error: message }).check(z.trim(), z.regex(pattern, { error: message }))),
  );

/** The app name in the SMS text is the messages module's `APP_NAME` (brandingSettings). */
export const deliverySettings = {
  /** Alphanumeric sender ID (1-11 letters/digits, at least one letter), where countries allow it. */
  SMS_SENDER_ID: optional(
    /^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/,
    'must be 1-11 letters or digits with a letter',
  ),
  /** An origination number of the account (E.164), e.g. a toll-free or 10DLC number for the US. */
  SMS_ORIGINATION_NUMBER: optional(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 (+15555550100)'),
  /**
   * The most (USD) one SMS may cost; SNS does not send a message that would cost more
   * (`AWS.SNS.SMS.MaxPrice`). Unset: no cap beyond the account's monthly spend limit.
   */
  SMS_MAX_PRICE_USD: optional(
    /^(0|[1-9]\d?)(\.\d{1,5})?$/,
    'must be a price in USD such as 0.05 (below 100)',
  ),
};

/**
 * Safe enrolment (docs/two-factor.md): a first phone is bound only after a fresh proof of the
 * mailbox (an EMAIL_OTP round), unless the account was confirmed (with the invite's email code)
 * less than ENROLMENT_GRACE_MINUTES ago. `always`: an email code every time; `never`: the password
 * alone may bind the first phone (only for pools whose users all enrol at sign-up).
 */
export const enrolmentSettings = {
  ENROLMENT_EMAIL_PROOF: setting.oneOf('after-grace', ['after-grace', 'always', 'never']),
  ENROLMENT_GRACE_MINUTES: setting.integer(60, 0, 1440),
};

/** Cross-setting rules readConfig cannot express on one variable. */
export function checkCodeTimings(config: {
  OTP_TTL_SECONDS: number;
  AUTH_SESSION_VALIDITY_MINUTES: number;
  RESEND_COOLDOWN_SECONDS: number;
}): void {
  const problems: string[] = [];
  if (config.OTP_TTL_SECONDS > config.AUTH_SESSION_VALIDITY_MINUTES * 60) {
    problems.push(
      'OTP_TTL_SECONDS must not exceed AUTH_SESSION_VALIDITY_MINUTES (a code never outlives its session)',
    );
  }
  if (config.RESEND_COOLDOWN_SECONDS > config.OTP_TTL_SECONDS) {
    problems.push('RESEND_COOLDOWN_SECONDS must not exceed OTP_TTL_SECONDS');
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}
