/**
 * The unknown-user path (`userNotFound`, PreventUserExistenceErrors): rounds of the same shape as a
 * real user's, with a stable, plausible masked destination, counted against a send limit like a
 * real user, nothing sent, after a pause standing in for SNS. A `RESEND` or `RECOVERY` (recorded by
 * Verify on the decoy item) gets the same answers as a real user's, the decoy round's time taken
 * from the decoy item.
 */
import { randomBytes } from 'node:crypto';
import { decoyKey } from '#shared/auth-state/keys';
import { userCounter } from '#shared/auth-state/send-limits';
import { hashCode } from '#shared/challenge/code';
import { SendLimitError } from '#shared/challenge/errors';
import { maskFromLastDigits } from '#shared/challenge/mask';
import { newRoundId, type RoundMark } from '#shared/challenge/protocol';
import type { RoundPlan } from '#shared/challenge/session';
import { InvalidEventError } from '#shared/errors';
import type { CreateAuthChallengeEvent } from '#shared/events/create-auth-challenge';
import { logger } from '#shared/logger';
import { askRecoveryCode } from './code-rounds';
import type { CreateDeps } from './deps';
import { respondWithCode, secondsUntil } from './respond';

export async function decoyRound(
  event: CreateAuthChallengeEvent,
  plan: RoundPlan,
  deps: CreateDeps,
): Promise<void> {
  const { userPoolId, userName } = event;
  const { settings } = deps;
  if (plan.kind === 'ask_recovery_code') return askRecoveryCode(event);
  if (plan.kind !== 'send_code' && plan.kind !== 'repeat_code')
    throw new InvalidEventError(`${plan.kind} round for an unknown user`);
  const sendsNow = plan.kind === 'send_code';
  let id = sendsNow ? newRoundId() : plan.codeRoundId;
  let state = await deps.challenges.decoyState(
    userPoolId,
    userName,
    deps.now().getTime(),
    sendsNow ? { id } : undefined,
  );
  let mark: RoundMark | undefined;
  let retryAfter: number | undefined;
  if (plan.kind === 'repeat_code' && state.recoveryFor === id) return askRecoveryCode(event);
  if (plan.kind === 'repeat_code' && state.resendFor === id) {
    // The same checks as a real resend, in the same order (a real code is never used or spent here).
    if (plan.resends >= settings.maxResends) throw new SendLimitError('resends');
    const wait = secondsUntil((state.codeAt ?? 0) + settings.resendCooldownSeconds * 1000, deps.now());
    if (wait > 0) {
      mark = 'wait';
      retryAfter = wait;
    } else {
      mark = 'resent';
      id = newRoundId();
      state = await deps.challenges.decoyState(userPoolId, userName, deps.now().getTime(), { id });
    }
  }
  if (sendsNow || mark === 'resent') {
    const counter = userCounter(decoyKey(userPoolId, userName), deps.now(), settings.perUserPerHour);
    if (!(await deps.sendLimits.takeUnit(counter))) throw new SendLimitError('user');
    await deps.pauseLikeASend();
  }
  // Same shape as a real round, down to a hash of a code nobody is sent: Verify rejects it anyway.
  const expiresAt = deps.now().getTime() + settings.codeTtlSeconds * 1000;
  respondWithCode(
    event,
    'SMS_OTP',
    {
      id,
      destination: maskFromLastDigits(state.digits),
      length: settings.codeLength,
      ...hashCode(randomBytes(8).toString('hex')),
      expiresAt,
      purpose: 'sign_in',
    },
    { mark, retryAfter },
  );
  logger.info('unknown user: decoy code round, nothing sent', { roundId: id, mark });
}
