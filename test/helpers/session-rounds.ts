/**
 * Session entries as Cognito records them, for events built by hand: the two password steps, then
 * custom rounds tagged `<TYPE>:<id>[:mark]` as Create tags them.
 */
import type { ChallengeType, RoundMark } from '#shared/challenge/protocol';
import type { SessionEntry } from '#shared/challenge/session';

export const PASSWORD: readonly SessionEntry[] = [
  { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
  { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
];

/** A custom round of `type` with round id `id`, answered right (`ok`) or not. */
export function round(type: ChallengeType, id: string, ok: boolean, mark?: RoundMark): SessionEntry {
  return {
    challengeName: 'CUSTOM_CHALLENGE',
    challengeResult: ok,
    challengeMetadata: mark ? `${type}:${id}:${mark}` : `${type}:${id}`,
  };
}

/** The password steps followed by `rounds`. */
export const afterPassword = (...rounds: SessionEntry[]): SessionEntry[] => [
  ...structuredClone(PASSWORD as SessionEntry[]),
  ...rounds,
];

/** A distinct, valid round id per letter: `id('a')` -> `aaaa…` (32 hex characters). */
export const id = (hex: string): string => hex.repeat(32 / hex.length);
