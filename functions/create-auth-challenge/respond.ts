/** How Create answers Cognito: the round's public and private parameters and its metadata. */
import { createHash } from 'node:crypto';
import {
  type ChallengeType,
  type CodePurpose,
  type CodeRound,
  formatMetadata,
  PARAM,
  privateParameters,
  type RoundMark,
} from '#shared/challenge/protocol';
import { sessionShape } from '#shared/challenge/session';
import type { CreateAuthChallengeEvent } from '#shared/events/create-auth-challenge';

export function respond(
  event: CreateAuthChallengeEvent,
  type: ChallengeType,
  id: string,
  extraPublic: Record<string, string>,
  privateParams: Record<string, string>,
  mark?: RoundMark,
): void {
  event.response.publicChallengeParameters = { [PARAM.type]: type, ...extraPublic };
  event.response.privateChallengeParameters = privateParams;
  event.response.challengeMetadata = formatMetadata({ type, id, mark });
}

/** What a code round shows and what Verify needs to judge it. */
export type CodeShown = Omit<CodeRound, 'type'> & { destination: string };

export function respondWithCode(
  event: CreateAuthChallengeEvent,
  channel: CodeRound['type'],
  code: CodeShown,
  answer: { mark?: RoundMark | undefined; retryAfter?: number | undefined } = {},
): void {
  const round: CodeRound = {
    type: channel,
    id: code.id,
    length: code.length,
    codeHash: code.codeHash,
    salt: code.salt,
    expiresAt: code.expiresAt,
    purpose: code.purpose,
    ...(code.purpose === 'verify_phone' || code.purpose === 'replace_phone' ? { phone: code.phone } : {}),
  };
  respond(
    event,
    channel,
    code.id,
    {
      [PARAM.destination]: code.destination,
      [PARAM.length]: String(code.length),
      ...(answer.retryAfter !== undefined ? { [PARAM.retryAfter]: String(answer.retryAfter) } : {}),
    },
    privateParameters(round),
    answer.mark,
  );
}

/**
 * Identifies "this round of this sign-in" across Cognito's retries: the session so far (which
 * includes the PHONE_REQUIRED round's random id on the phone path), the address and the purpose.
 * For a user with a verified phone the session is the same on every sign-in, which is intended:
 * within the cooldown a second sign-in gets the code already on its way instead of another SMS.
 */
export function roundKey(event: CreateAuthChallengeEvent, address: string, purpose: CodePurpose): string {
  return createHash('sha256')
    .update(`${sessionShape(event.request.session)}\n${address}\n${purpose}`, 'utf8')
    .digest('hex')
    .slice(0, 32);
}

/** Whole seconds from `now` until `at` (epoch ms), at least 1 while `at` is ahead; else 0. */
export function secondsUntil(at: number, now: Date): number {
  const ms = at - now.getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}
