/**
 * The wire protocol of the phone-after-sign-up 2FA flow: what the client sees, what the triggers
 * hand each other through Cognito, and nothing else. docs/two-factor.md describes it for app
 * developers.
 *
 * - Public challenge parameters (sent to the client): `type`, and for SMS_OTP also `destination`
 *   (masked) and `length`.
 * - Private challenge parameters (Create -> Verify of the same round, never sent to the client):
 *   `type`, `id`, `nonce` and, for SMS_OTP, everything Verify needs to judge the answer without a
 *   read: `length`, the code's `hash` and `salt` (HMAC-SHA256, never the code), `expiresAt` (epoch
 *   ms), `purpose` and, for a `verify_phone` code, the `phone` (E.164) it was sent to, which
 *   becomes the user's number when the code is entered. Cognito keeps these server-side for the
 *   round; the client only ever holds the opaque session. The `nonce` is fresh for every round
 *   Create builds; a round's session can be answered only once, so a Verify that sees a nonce again
 *   is Cognito retrying that one answer, and must not record a second failure.
 * - Challenge metadata (Create -> later Define/Create calls, visible to triggers only):
 *   `<TYPE>:<id>`, e.g. `SMS_OTP:3f9c…`. It is how Define tells the custom rounds apart and how
 *   the next round finds the state of the previous one (the phone number proven valid in a
 *   PHONE_REQUIRED round, the code of an SMS_OTP round). An SMS_OTP round Create built in answer
 *   to the reserved answer `RESEND` carries a mark: `SMS_OTP:<id>:resent` (a new code was sent)
 *   or `SMS_OTP:<id>:wait` (too early: the same code, public parameter `retryAfter`). Only Create
 *   writes metadata, so the mark is how Define tells a resend from a wrong code with no read.
 */
import { randomBytes } from 'node:crypto';

export const CHALLENGE_TYPES = ['PHONE_REQUIRED', 'SMS_OTP'] as const;
export type ChallengeType = (typeof CHALLENGE_TYPES)[number];

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
} as const;

/** The reserved answer to an SMS_OTP round that asks for a new code (trimmed, any case). */
export const RESEND_ANSWER = 'RESEND';

export function isResendAnswer(answer: unknown): boolean {
  return typeof answer === 'string' && answer.trim().toUpperCase() === RESEND_ANSWER;
}

/** How an SMS_OTP round answered a `RESEND`: a new code sent, or the same code (too early). */
export type RoundMark = 'resent' | 'wait';
const ROUND_MARKS: readonly string[] = ['resent', 'wait'] satisfies RoundMark[];

/** 128 random bits as 32 lower-case hex characters: a round's id (never a secret on its own). */
export const ROUND_ID_PATTERN = /^[0-9a-f]{32}$/;
const HASH_PATTERN = /^[0-9a-f]{64}$/;
const E164_PATTERN = /^\+[1-9][0-9]{6,14}$/;

export function newRoundId(): string {
  return randomBytes(16).toString('hex');
}

export interface RoundTag {
  type: ChallengeType;
  id: string;
  /** SMS_OTP only: the round answers a `RESEND`. */
  mark?: RoundMark | undefined;
}

export function formatMetadata(tag: RoundTag): string {
  return tag.mark ? `${tag.type}:${tag.id}:${tag.mark}` : `${tag.type}:${tag.id}`;
}

/**
 * `PHONE_REQUIRED:<id>`, `SMS_OTP:<id>` or `SMS_OTP:<id>:resent|wait` -> the tag; anything else
 * -> `undefined`.
 */
export function parseMetadata(metadata: string | null | undefined): RoundTag | undefined {
  if (typeof metadata !== 'string') return undefined;
  const [type, id, mark, ...rest] = metadata.split(':');
  if (rest.length > 0 || !isChallengeType(type) || !id || !ROUND_ID_PATTERN.test(id)) return undefined;
  if (mark === undefined) return { type, id };
  if (type !== 'SMS_OTP' || !ROUND_MARKS.includes(mark)) return undefined;
  return { type, id, mark: mark as RoundMark };
}

export function isChallengeType(value: unknown): value is ChallengeType {
  return (CHALLENGE_TYPES as readonly unknown[]).includes(value);
}

export type CodePurpose =
  /** A sign-in code to the verified phone on file. */
  | 'sign_in'
  /** A code to a number given in a PHONE_REQUIRED round: when entered, the number becomes the user's. */
  | 'verify_phone';

/** An SMS code round as Verify needs it: enough to judge an answer with no read. */
export interface CodeRound {
  type: 'SMS_OTP';
  id: string;
  length: number;
  /** Hex HMAC-SHA256 of the code, keyed with `salt`. */
  codeHash: string;
  salt: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  purpose: CodePurpose;
  /** E.164; only for `verify_phone`. */
  phone?: string | undefined;
}

export type NewRound = { type: 'PHONE_REQUIRED'; id: string } | CodeRound;

/** What Verify reads back from `privateChallengeParameters`: the round and its nonce. */
export type PrivateRound = NewRound & { nonce: string };

/** The private parameters of a new round, with a fresh nonce. */
export function privateParameters(round: NewRound): Record<string, string> {
  const common = { [PARAM.type]: round.type, [PARAM.id]: round.id, [PARAM.nonce]: newRoundId() };
  if (round.type === 'PHONE_REQUIRED') return common;
  return {
    ...common,
    [PARAM.length]: String(round.length),
    [PARAM.hash]: round.codeHash,
    [PARAM.salt]: round.salt,
    [PARAM.expiresAt]: String(round.expiresAt),
    [PARAM.purpose]: round.purpose,
    ...(round.purpose === 'verify_phone' && round.phone ? { [PARAM.phone]: round.phone } : {}),
  };
}

/** The round, or `undefined` if anything is missing or malformed (never a partial round). */
export function parsePrivateParameters(params: Record<string, string>): PrivateRound | undefined {
  const type = params[PARAM.type];
  const id = params[PARAM.id];
  const nonce = params[PARAM.nonce];
  if (!id || !ROUND_ID_PATTERN.test(id) || !nonce || !ROUND_ID_PATTERN.test(nonce)) return undefined;
  if (type === 'PHONE_REQUIRED') return { type, id, nonce };
  if (type !== 'SMS_OTP') return undefined;
  const length = Number(params[PARAM.length]);
  const expiresAt = Number(params[PARAM.expiresAt]);
  const codeHash = params[PARAM.hash];
  const salt = params[PARAM.salt];
  const purpose = params[PARAM.purpose];
  const phone = params[PARAM.phone];
  if (!Number.isInteger(length) || length < 4 || length > 10) return undefined;
  if (!Number.isSafeInteger(expiresAt) || expiresAt <= 0) return undefined;
  if (!codeHash || !HASH_PATTERN.test(codeHash) || !salt || !ROUND_ID_PATTERN.test(salt)) return undefined;
  if (purpose === 'sign_in') {
    if (phone !== undefined) return undefined;
    return { type, id, nonce, length, codeHash, salt, expiresAt, purpose };
  }
  if (purpose === 'verify_phone' && phone !== undefined && E164_PATTERN.test(phone))
    return { type, id, nonce, length, codeHash, salt, expiresAt, purpose, phone };
  return undefined;
}
