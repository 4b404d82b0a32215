/** Builders for custom-auth sessions, shared by the challenge tests. */
import type { ChallengeType, RoundMark } from '#shared/challenge/protocol';
import type { SessionEntry } from '#shared/challenge/session';

export const PHONE_ID = '5e1b0c7d9a2f4e8b6c3d1a0f9e8d7c6b';
export const CODE_ID = 'a3f9c1e7b5d24f6a8c0e2b4d6f8a1c3e';
/** The SMS block to a new number (after a PHONE_REQUIRED round of a change or a recovery). */
export const NEW_CODE_ID = '0c1d2e3f405162738495a6b7c8d9eaf0';
export const EMAIL_ID = 'e0e1e2e3e4e5e6e7e8e9eaebecedeeef';
export const RECOVERY_ID = '7f6e5d4c3b2a19087f6e5d4c3b2a1908';
export const CODES_ID = 'c0dec0dec0dec0dec0dec0dec0dec0de';
export const DEVICE_ID = 'de71ce00de71ce00de71ce00de71ce00';

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
export const custom = (ok: boolean, metadata: string | null | undefined): SessionEntry => ({
  challengeName: 'CUSTOM_CHALLENGE',
  challengeResult: ok,
  challengeMetadata: metadata,
});
const round = (type: ChallengeType, ok: boolean, id: string, mark?: RoundMark): SessionEntry =>
  custom(ok, mark ? `${type}:${id}:${mark}` : `${type}:${id}`);

export const phone = (ok: boolean, id = PHONE_ID): SessionEntry => round('PHONE_REQUIRED', ok, id);
/** An SMS_OTP round (a code to the verified phone, or to the number of the PHONE_REQUIRED round before). */
export const code = (ok: boolean, id = CODE_ID): SessionEntry => round('SMS_OTP', ok, id);
/** An SMS_OTP round Create built in answer to RESEND: a new code, or the same one (too early). */
export const resent = (ok: boolean, id = CODE_ID): SessionEntry => round('SMS_OTP', ok, id, 'resent');
export const wait = (ok: boolean, id = CODE_ID): SessionEntry => round('SMS_OTP', ok, id, 'wait');
/** An EMAIL_OTP round (the mailbox proof before a first enrolment), and its resend rounds. */
export const email = (ok: boolean, id = EMAIL_ID): SessionEntry => round('EMAIL_OTP', ok, id);
export const emailResent = (ok: boolean, id = EMAIL_ID): SessionEntry => round('EMAIL_OTP', ok, id, 'resent');
export const emailWait = (ok: boolean, id = EMAIL_ID): SessionEntry => round('EMAIL_OTP', ok, id, 'wait');
/** A RECOVERY_CODE round (the answer is one recovery code). */
export const recoveryCode = (ok: boolean, id = RECOVERY_ID): SessionEntry => round('RECOVERY_CODE', ok, id);
/** A RECOVERY_CODES round (new codes shown; `OK` acknowledges them). */
export const recoveryCodes = (ok: boolean, id = CODES_ID): SessionEntry => round('RECOVERY_CODES', ok, id);

/** A DEVICE_PROOF round (a remembered device signs the round's challenge). */
export const device = (ok: boolean, id = DEVICE_ID): SessionEntry => round('DEVICE_PROOF', ok, id);

/** The two password steps, then `rounds`. */
export const signIn = (...rounds: SessionEntry[]): SessionEntry[] => [srp(), password(), ...rounds];

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

/** The defaults of the settings (MAX_CODE_ATTEMPTS, MAX_PHONE_ATTEMPTS, MAX_ROUNDS, MAX_RESENDS). */
export const LIMITS = { maxCodeAttempts: 3, maxPhoneAttempts: 3, maxRounds: 16, maxResends: 2 };
export const VERIFIED = { phoneVerified: true, userNotFound: false };
export const UNVERIFIED = { phoneVerified: false, userNotFound: false };
export const UNKNOWN = { phoneVerified: false, userNotFound: true };
