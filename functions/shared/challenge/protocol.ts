/**
 * The wire protocol of the phone-after-sign-up 2FA flow: what the client sees, what the triggers
 * hand each other through Cognito, and nothing else. docs/two-factor.md describes it for app
 * developers.
 *
 * - Public challenge parameters (sent to the client): `type`, and for SMS_OTP also `destination`
 *   (masked) and `length`.
 * - Private challenge parameters (Create -> Verify of the same round, never sent to the client):
 *   `type`, `id`, `nonce` and, for SMS_OTP, `length`. No code, no hash, no phone number: the
 *   code's hash and the phone live in the auth-state table, found by the user's `sub` and checked
 *   against `id`. The `nonce` is fresh for every round Create builds; a round's session can be
 *   answered only once, so a Verify that sees a nonce again is Cognito retrying that one answer,
 *   and must give the same result without counting it twice.
 * - Challenge metadata (Create -> later Define/Create calls, visible to triggers only):
 *   `<TYPE>:<id>`, e.g. `SMS_OTP:3f9c…`. It is how Define tells the custom rounds apart and how
 *   the next round finds the state of the previous one (the phone number proven valid in a
 *   PHONE_REQUIRED round, the code of an SMS_OTP round).
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
} as const;

/** 128 random bits as 32 lower-case hex characters: a round's id (never a secret on its own). */
export const ROUND_ID_PATTERN = /^[0-9a-f]{32}$/;

export function newRoundId(): string {
  return randomBytes(16).toString('hex');
}

export interface RoundTag {
  type: ChallengeType;
  id: string;
}

export function formatMetadata(tag: RoundTag): string {
  return `${tag.type}:${tag.id}`;
}

/** `PHONE_REQUIRED:<id>` / `SMS_OTP:<id>` -> the tag; anything else -> `undefined`. */
export function parseMetadata(metadata: string | null | undefined): RoundTag | undefined {
  if (typeof metadata !== 'string') return undefined;
  const separator = metadata.indexOf(':');
  if (separator < 0) return undefined;
  const type = metadata.slice(0, separator);
  const id = metadata.slice(separator + 1);
  if (!isChallengeType(type) || !ROUND_ID_PATTERN.test(id)) return undefined;
  return { type, id };
}

export function isChallengeType(value: unknown): value is ChallengeType {
  return (CHALLENGE_TYPES as readonly unknown[]).includes(value);
}

/** What Verify needs from Create, as read back from `privateChallengeParameters`. */
export type PrivateRound = (
  | { type: 'PHONE_REQUIRED'; id: string }
  | { type: 'SMS_OTP'; id: string; length: number }
) & {
  /**
   * Fresh for every round Create builds (see the module comment). Absent only in rounds created
   * before nonces existed; those are verified as before, without retry detection.
   */
  nonce?: string | undefined;
};

type NewRound = { type: 'PHONE_REQUIRED'; id: string } | { type: 'SMS_OTP'; id: string; length: number };

/** The private parameters of a new round, with a fresh nonce. */
export function privateParameters(round: NewRound): Record<string, string> {
  const nonce = newRoundId();
  return round.type === 'SMS_OTP'
    ? {
        [PARAM.type]: round.type,
        [PARAM.id]: round.id,
        [PARAM.length]: String(round.length),
        [PARAM.nonce]: nonce,
      }
    : { [PARAM.type]: round.type, [PARAM.id]: round.id, [PARAM.nonce]: nonce };
}

export function parsePrivateParameters(params: Record<string, string>): PrivateRound | undefined {
  const type = params[PARAM.type];
  const id = params[PARAM.id];
  if (!id || !ROUND_ID_PATTERN.test(id)) return undefined;
  const rawNonce = params[PARAM.nonce];
  if (rawNonce !== undefined && !ROUND_ID_PATTERN.test(rawNonce)) return undefined;
  const nonce = rawNonce === undefined ? {} : { nonce: rawNonce };
  if (type === 'PHONE_REQUIRED') return { type, id, ...nonce };
  if (type === 'SMS_OTP') {
    const length = Number(params[PARAM.length]);
    if (!Number.isInteger(length) || length < 4 || length > 10) return undefined;
    return { type, id, length, ...nonce };
  }
  return undefined;
}
