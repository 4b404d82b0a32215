/**
 * What the custom-auth triggers may tell a user when they refuse. Cognito shows the message as
 * `CreateAuthChallenge failed with error <message>.`; the reason is only logged.
 */
import { UserFacingError } from '#shared/errors';

export const SEND_LIMIT_MESSAGE = 'Too many codes requested. Please try again later';
export const CODE_EXPIRED_MESSAGE = 'Your sign-in code has expired. Please sign in again';
export const SMS_UNAVAILABLE_MESSAGE = 'A code cannot be sent to this phone number';
export const SIGN_IN_NOT_ALLOWED_MESSAGE = 'Sign-in is not allowed right now';
export const EMAIL_UNAVAILABLE_MESSAGE =
  'A code cannot be sent to your email address. Please contact support to add a phone number';

/**
 * A suspended or locked-out user proved the password: one message for every cause, the cause only
 * in `reason`. Thrown by Create and Verify, never before the password is checked (a stranger must
 * not learn that an account exists or what state it is in; docs/two-factor.md, "Threat model").
 */
export class SignInNotAllowedError extends UserFacingError {
  override name = 'SignInNotAllowedError';
  constructor(reason: string) {
    super(SIGN_IN_NOT_ALLOWED_MESSAGE, reason);
  }
}

/**
 * The send counters a code takes a unit of (see send-limits.ts), and `resends`: a `RESEND` beyond
 * MAX_RESENDS in one sign-in.
 */
export type SendLimitName = 'user' | 'phone' | 'unproven_phone' | 'unproven_user' | 'resends';

/** A per-user or per-phone send limit is reached; nothing was sent. */
export class SendLimitError extends UserFacingError {
  override name = 'SendLimitError';
  constructor(limit: SendLimitName) {
    super(SEND_LIMIT_MESSAGE, `send_limit_${limit}`);
  }
}

/** The state a later round needs (a code, a proven phone number) is gone, used up or replaced. */
export class ChallengeExpiredError extends UserFacingError {
  override name = 'ChallengeExpiredError';
  constructor(reason: string) {
    super(CODE_EXPIRED_MESSAGE, reason);
  }
}

/** The number on file cannot receive a code (outside the allowed countries, not a mobile). */
export class SmsUnavailableError extends UserFacingError {
  override name = 'SmsUnavailableError';
  constructor(reason: string) {
    super(SMS_UNAVAILABLE_MESSAGE, reason);
  }
}

/**
 * A first enrolment needs an email code (docs/two-factor.md, "Safe enrolment") but none can be
 * sent: the account has no verified email, or no sender is configured. Fail closed: a password
 * alone never binds a phone.
 */
export class EmailUnavailableError extends UserFacingError {
  override name = 'EmailUnavailableError';
  constructor(reason: string) {
    super(EMAIL_UNAVAILABLE_MESSAGE, reason);
  }
}

/**
 * A dependency failed. SDK errors can quote their input (SNS echoes the phone number it refused),
 * so adapters replace them with this: the service, the operation and the error's name only.
 */
export class DependencyError extends Error {
  override name = 'DependencyError';
  /** `DynamoDB`, `SNS` or `Cognito`: the `reason` of the DependencyFailures metric. */
  readonly service: string;
  constructor(service: string, operation: string, cause: unknown) {
    const kind = cause instanceof Error ? cause.name : typeof cause;
    const status = (cause as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
      ?.httpStatusCode;
    super(`${service} ${operation} failed: ${kind}${status ? ` (HTTP ${status})` : ''}`);
    this.service = service;
  }
}
