/**
 * The wire protocol of the phone-after-sign-up 2FA flow: what the client sees, what the triggers
 * hand each other through Cognito, and nothing else. docs/two-factor.md describes it for app
 * developers.
 *
 * docs/protocol.md describes every round for app developers, with a state diagram.
 *
 * - Public challenge parameters (sent to the client): `type`; for SMS_OTP and EMAIL_OTP also
 *   `destination` (masked) and `length` (and `retryAfter` on a `wait` round); for RECOVERY_CODES
 *   `codes` (the new recovery codes, space-separated); for DEVICE_PROOF `challenge` (32 random
 *   bytes, base64url, for the remembered device to sign). PHONE_REQUIRED and RECOVERY_CODE have none.
 * - Private challenge parameters (Create -> Verify of the same round, never sent to the client):
 *   `type`, `id`, `nonce` and, for SMS_OTP / EMAIL_OTP, everything Verify needs to judge the answer
 *   without a read: `length`, the code's `hash` and `salt` (HMAC-SHA256, never the code),
 *   `expiresAt` (epoch ms), `purpose` and, for a `verify_phone` or `replace_phone` code, the `phone`
 *   (E.164) it was sent to, which becomes the user's number when the code is entered. A
 *   RECOVERY_CODES round carries the new codes' `hashes` (space-separated): Verify stores them
 *   when the user acknowledges the round, so a set nobody saw never replaces the old one. A
 *   DEVICE_PROOF round carries the `deviceId` and the `challenge`. Cognito keeps these server-side for the
 *   round; the client only ever holds the opaque session. The `nonce` is fresh for every round
 *   Create builds; a round's session can be answered only once, so a Verify that sees a nonce again
 *   is Cognito retrying that one answer, and must not record a second failure.
 * - Challenge metadata (Create -> later Define/Create calls, visible to triggers only):
 *   `<TYPE>:<id>`, e.g. `SMS_OTP:3f9c…`. It is how Define tells the custom rounds apart and how
 *   the next round finds the state of the previous one (the phone number proven valid in a
 *   PHONE_REQUIRED round, the code of an SMS_OTP round). A code round Create built in answer
 *   to the reserved answer `RESEND` carries a mark: `SMS_OTP:<id>:resent` (a new code was sent)
 *   or `SMS_OTP:<id>:wait` (too early: the same code, public parameter `retryAfter`); the same for
 *   EMAIL_OTP. Only Create writes metadata, so the mark is how Define tells a resend from a wrong
 *   code with no read; likewise a RECOVERY_CODE round right after a failed SMS_OTP round says that
 *   the failed answer was the reserved `RECOVERY`.
 * - Reserved answers (trimmed, any case): `RESEND` to a code round, `RECOVERY` to a sign-in
 *   SMS_OTP round. Never judged as a guess, never counted as a wrong answer.
 * - Intents (`ClientMetadata.intent` of the RespondToAuthChallenge call that answers the sign-in
 *   code): `change_phone`, `new_recovery_codes`. An intent only adds rounds after a complete
 *   second factor; it never skips one.
 * - Remembered devices (device-proof.ts): `ClientMetadata.rememberDevice` (+ `deviceName`) with
 *   the answer that completes an SMS code registers a device; `ClientMetadata.deviceId` with the
 *   PASSWORD_VERIFIER answer asks for a DEVICE_PROOF round instead of the SMS code.
 */
import { randomBytes } from 'node:crypto';
import { DEVICE_ID_PATTERN, isDeviceChallenge } from '#shared/challenge/device-proof';

export const CHALLENGE_TYPES = [
  'PHONE_REQUIRED',
  'SMS_OTP',
  'EMAIL_OTP',
  'RECOVERY_CODE',
  'RECOVERY_CODES',
  'DEVICE_PROOF',
] as const;
export type ChallengeType = (typeof CHALLENGE_TYPES)[number];
/** The rounds that send a code (and take `RESEND`). */
export type CodeChannel = 'SMS_OTP' | 'EMAIL_OTP';
export const isCodeChannel = (type: ChallengeType): type is CodeChannel =>
  type === 'SMS_OTP' || type === 'EMAIL_OTP';

/** The intents an app may pass as `ClientMetadata.intent` (see above). */
export const INTENTS = ['change_phone', 'new_recovery_codes'] as const;
export type Intent = (typeof INTENTS)[number];

/**
 * The intent of this call: `undefined` when none is given, `'unknown'` for any other value (Define
 * fails such a sign-in: an app's typo must not quietly skip the phone change it asked for).
 */
export function readIntent(
  clientMetadata: Record<string, string> | null | undefined,
): Intent | 'unknown' | undefined {
  const value = clientMetadata?.intent;
  if (value === undefined || value === '') return undefined;
  return (INTENTS as readonly string[]).includes(value) ? (value as Intent) : 'unknown';
}

/** Keys of the public and private challenge parameters. */
export const PARAM = {
  type: 'type',
  destination: 'destination',
  length: 'length',
  id: 'id',
  nonce: 'nonce',
  hash: 'hash',
  salt: 'salt',
  expiresAt: 'expiresAt',
  purpose: 'purpose',
  phone: 'phone',
  /** Public, on a `wait` round only: whole seconds before `RESEND` can send a new code. */
  retryAfter: 'retryAfter',
  /** Public, RECOVERY_CODES: the new codes, space-separated. */
  codes: 'codes',
  /** Private, RECOVERY_CODES: their hashes, space-separated, in the same order. */
  hashes: 'hashes',
  /** Public and private, DEVICE_PROOF: what the device signs (device-proof.ts). */
  challenge: 'challenge',
  /** Private, DEVICE_PROOF: the remembered device asked to prove itself. */
  deviceId: 'deviceId',
} as const;

/** The reserved answer to a code round that asks for a new code (trimmed, any case). */
export const RESEND_ANSWER = 'RESEND';
/** The reserved answer to a sign-in SMS_OTP round that switches to a RECOVERY_CODE round. */
export const RECOVERY_ANSWER = 'RECOVERY';
/** The answer that acknowledges a RECOVERY_CODES round. */
export const ACKNOWLEDGE_ANSWER = 'OK';

const reserved = (answer: unknown, word: string): boolean =>
  typeof answer === 'string' && answer.trim().toUpperCase() === word;
export const isResendAnswer = (answer: unknown): boolean => reserved(answer, RESEND_ANSWER);
export const isRecoveryAnswer = (answer: unknown): boolean => reserved(answer, RECOVERY_ANSWER);
export const isAcknowledgement = (answer: unknown): boolean => reserved(answer, ACKNOWLEDGE_ANSWER);

/** How an SMS_OTP round answered a `RESEND`: a new code sent, or the same code (too early). */
export type RoundMark = 'resent' | 'wait';
const ROUND_MARKS: readonly string[] = ['resent', 'wait'] satisfies RoundMark[];

/** 128 random bits as 32 lower-case hex characters: a round's id (never a secret on its own). */
export const ROUND_ID_PATTERN = /^[0-9a-f]{32}$/;
const HASH_PATTERN = /^[0-9a-f]{64}$/;
/** The most recovery codes one set may hold (the setting's upper bound). */
export const MAX_RECOVERY_CODES = 20;
const E164_PATTERN = /^\+[1-9][0-9]{6,14}$/;

export function newRoundId(): string {
  return randomBytes(16).toString('hex');
}

export interface RoundTag {
  type: ChallengeType;
  id: string;
  /** Code rounds only: the round answers a `RESEND`. */
  mark?: RoundMark | undefined;
}

export function formatMetadata(tag: RoundTag): string {
  return tag.mark ? `${tag.type}:${tag.id}:${tag.mark}` : `${tag.type}:${tag.id}`;
}

/** `<TYPE>:<id>`, or `<SMS_OTP|EMAIL_OTP>:<id>:resent|wait` -> the tag; anything else -> `undefined`. */
export function parseMetadata(metadata: string | null | undefined): RoundTag | undefined {
  if (typeof metadata !== 'string') return undefined;
  const [type, id, mark, ...rest] = metadata.split(':');
  if (rest.length > 0 || !isChallengeType(type) || !id || !ROUND_ID_PATTERN.test(id)) return undefined;
  if (mark === undefined) return { type, id };
  if (!isCodeChannel(type) || !ROUND_MARKS.includes(mark)) return undefined;
  return { type, id, mark: mark as RoundMark };
}

export function isChallengeType(value: unknown): value is ChallengeType {
  return (CHALLENGE_TYPES as readonly unknown[]).includes(value);
}

export type CodePurpose =
  /** A sign-in code to the verified phone on file. */
  | 'sign_in'
  /**
   * A code to a number given in a PHONE_REQUIRED round of a first enrolment (the user has no
   * verified phone): when entered, the number becomes the user's.
   */
  | 'verify_phone'
  /**
   * A code to a new number after a complete second factor (intent `change_phone`) or a right
   * recovery code: when entered, the number replaces the verified one.
   */
  | 'replace_phone'
  /** An EMAIL_OTP code to the verified email: proves the mailbox before a first enrolment. */
  | 'email_proof';

/** The purposes whose code, once entered, makes its number the user's. */
export const bindsPhone = (purpose: CodePurpose): boolean =>
  purpose === 'verify_phone' || purpose === 'replace_phone';

/** A code round as Verify needs it: enough to judge an answer with no read. */
export interface CodeRound {
  type: CodeChannel;
  id: string;
  length: number;
  /** Hex HMAC-SHA256 of the code, keyed with `salt`. */
  codeHash: string;
  salt: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  purpose: CodePurpose;
  /** E.164; only for `verify_phone` and `replace_phone`. */
  phone?: string | undefined;
}

export type NewRound =
  /** `purpose`: what the number will be, once its code is entered (absent in older rounds: a first enrolment). */
  | { type: 'PHONE_REQUIRED'; id: string; purpose: 'verify_phone' | 'replace_phone' }
  | { type: 'RECOVERY_CODE'; id: string }
  | { type: 'RECOVERY_CODES'; id: string; hashes: readonly string[] }
  | { type: 'DEVICE_PROOF'; id: string; deviceId: string; challenge: string }
  | CodeRound;

/** What Verify reads back from `privateChallengeParameters`: the round and its nonce. */
export type PrivateRound = NewRound & { nonce: string };

/** The private parameters of a new round, with a fresh nonce. */
export function privateParameters(round: NewRound): Record<string, string> {
  const common = { [PARAM.type]: round.type, [PARAM.id]: round.id, [PARAM.nonce]: newRoundId() };
  if (round.type === 'PHONE_REQUIRED') return { ...common, [PARAM.purpose]: round.purpose };
  if (round.type === 'RECOVERY_CODE') return common;
  if (round.type === 'RECOVERY_CODES') return { ...common, [PARAM.hashes]: round.hashes.join(' ') };
  if (round.type === 'DEVICE_PROOF')
    return { ...common, [PARAM.deviceId]: round.deviceId, [PARAM.challenge]: round.challenge };
  return {
    ...common,
    [PARAM.length]: String(round.length),
    [PARAM.hash]: round.codeHash,
    [PARAM.salt]: round.salt,
    [PARAM.expiresAt]: String(round.expiresAt),
    [PARAM.purpose]: round.purpose,
    ...(bindsPhone(round.purpose) && round.phone ? { [PARAM.phone]: round.phone } : {}),
  };
}

/** The round, or `undefined` if anything is missing or malformed (never a partial round). */
export function parsePrivateParameters(params: Record<string, string>): PrivateRound | undefined {
  const type = params[PARAM.type];
  const id = params[PARAM.id];
  const nonce = params[PARAM.nonce];
  if (!id || !ROUND_ID_PATTERN.test(id) || !nonce || !ROUND_ID_PATTERN.test(nonce)) return undefined;
  if (type === 'PHONE_REQUIRED') {
    const purpose = params[PARAM.purpose] ?? 'verify_phone';
    if (purpose !== 'verify_phone' && purpose !== 'replace_phone') return undefined;
    return { type, id, nonce, purpose };
  }
  if (type === 'RECOVERY_CODE') return { type, id, nonce };
  if (type === 'RECOVERY_CODES') {
    const hashes = (params[PARAM.hashes] ?? '').split(' ');
    if (hashes.length < 1 || hashes.length > MAX_RECOVERY_CODES || !hashes.every((h) => HASH_PATTERN.test(h)))
      return undefined;
    return { type, id, nonce, hashes };
  }
  if (type === 'DEVICE_PROOF') {
    const deviceId = params[PARAM.deviceId];
    const challenge = params[PARAM.challenge];
    if (!deviceId || !DEVICE_ID_PATTERN.test(deviceId) || !isDeviceChallenge(challenge)) return undefined;
    return { type, id, nonce, deviceId, challenge };
  }
  if (type !== 'SMS_OTP' && type !== 'EMAIL_OTP') return undefined;
  const length = Number(params[PARAM.length]);
  const expiresAt = Number(params[PARAM.expiresAt]);
  const codeHash = params[PARAM.hash];
  const salt = params[PARAM.salt];
  const purpose = params[PARAM.purpose];
  const phone = params[PARAM.phone];
  if (!Number.isInteger(length) || length < 4 || length > 10) return undefined;
  if (!Number.isSafeInteger(expiresAt) || expiresAt <= 0) return undefined;
  if (!codeHash || !HASH_PATTERN.test(codeHash) || !salt || !ROUND_ID_PATTERN.test(salt)) return undefined;
  // Each purpose belongs to one channel; only a binding purpose names a number.
  if (type === 'EMAIL_OTP') {
    if (purpose !== 'email_proof' || phone !== undefined) return undefined;
    return { type, id, nonce, length, codeHash, salt, expiresAt, purpose };
  }
  if (purpose === 'sign_in') {
    if (phone !== undefined) return undefined;
    return { type, id, nonce, length, codeHash, salt, expiresAt, purpose };
  }
  if (
    (purpose === 'verify_phone' || purpose === 'replace_phone') &&
    phone !== undefined &&
    E164_PATTERN.test(phone)
  )
    return { type, id, nonce, length, codeHash, salt, expiresAt, purpose, phone };
  return undefined;
}
