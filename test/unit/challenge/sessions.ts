/** Builders for custom-auth sessions, shared by the challenge tests. */
import type { SessionEntry } from '#shared/challenge/session';

export const PHONE_ID = '5e1b0c7d9a2f4e8b6c3d1a0f9e8d7c6b';
export const CODE_ID = 'a3f9c1e7b5d24f6a8c0e2b4d6f8a1c3e';

export const srp = (ok = true): SessionEntry => ({
  challengeName: 'SRP_A',
  challengeResult: ok,
  challengeMetadata: null,
});
export const password = (ok = true): SessionEntry => ({
  challengeName: 'PASSWORD_VERIFIER',
  challengeResult: ok,
  challengeMetadata: null,
});
/** Cognito's own step for a user created by AdminCreateUser (FORCE_CHANGE_PASSWORD), if recorded. */
export const newPassword = (ok = true): SessionEntry => ({
  challengeName: 'NEW_PASSWORD_REQUIRED',
  challengeResult: ok,
  challengeMetadata: null,
});
export const phone = (ok: boolean, id = PHONE_ID): SessionEntry => ({
  challengeName: 'CUSTOM_CHALLENGE',
  challengeResult: ok,
  challengeMetadata: `PHONE_REQUIRED:${id}`,
});
export const code = (ok: boolean, id = CODE_ID): SessionEntry => ({
  challengeName: 'CUSTOM_CHALLENGE',
  challengeResult: ok,
  challengeMetadata: `SMS_OTP:${id}`,
});
/** An SMS_OTP round Create built in answer to RESEND: a new code, or the same one (too early). */
export const resent = (ok: boolean, id = CODE_ID): SessionEntry => ({
  challengeName: 'CUSTOM_CHALLENGE',
  challengeResult: ok,
  challengeMetadata: `SMS_OTP:${id}:resent`,
});
export const wait = (ok: boolean, id = CODE_ID): SessionEntry => ({
  challengeName: 'CUSTOM_CHALLENGE',
  challengeResult: ok,
  challengeMetadata: `SMS_OTP:${id}:wait`,
});
export const custom = (ok: boolean, metadata: string | null | undefined): SessionEntry => ({
  challengeName: 'CUSTOM_CHALLENGE',
  challengeResult: ok,
  challengeMetadata: metadata,
});

/** Challenge names of Cognito's own MFA and device tracking: never part of this flow. */
export const FOREIGN_CHALLENGES = [
  'SMS_MFA',
  'SOFTWARE_TOKEN_MFA',
  'EMAIL_OTP',
  'MFA_SETUP',
  'SELECT_MFA_TYPE',
  'SELECT_CHALLENGE',
  'DEVICE_SRP_AUTH',
  'DEVICE_PASSWORD_VERIFIER',
  'ADMIN_NO_SRP_AUTH',
  'PASSWORD',
  'WEB_AUTHN',
] as const;

export const LIMITS = { maxCodeAttempts: 3, maxPhoneAttempts: 3, maxRounds: 8, maxResends: 2 };
export const VERIFIED = { phoneVerified: true, userNotFound: false };
export const UNVERIFIED = { phoneVerified: false, userNotFound: false };
export const UNKNOWN = { phoneVerified: false, userNotFound: true };
