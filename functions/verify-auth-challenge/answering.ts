/** One answer being judged, and how a wrong one is counted (shared by every kind of round). */
import type { AccountRecords, LockoutState } from '#shared/auth-state/account-status';
import { type FailureReason, failureRecord } from '#shared/auth-state/keys';
import type { PrivateRound } from '#shared/challenge/protocol';
import type { VerifyAuthChallengeEvent } from '#shared/events/verify-auth-challenge';
import { logger } from '#shared/logger';
import { countMetric } from '#shared/metrics';
import type { VerifyDeps } from './deps';
import { noticeTarget } from './notices';

/** One answer's context: the user, the time, and the lockout as read before the answer. */
export interface Answering {
  event: VerifyAuthChallengeEvent;
  sub: string;
  now: Date;
  lockout: LockoutState;
  /** The account-status records read before the answer (the remembered devices among them). */
  records: AccountRecords;
  deps: VerifyDeps;
}

/**
 * One wrong answer to this round, counted once (Cognito's retries included). The answer that
 * brings the failures to the lockout's limit sends the `locked_out` notice.
 */
export async function countWrong(
  answering: Answering,
  round: PrivateRound,
  reason: FailureReason,
): Promise<void> {
  const { event, sub, now, lockout, deps } = answering;
  const outcome = await deps.challenges.countWrongAnswer(sub, {
    nonce: round.nonce,
    now: now.getTime(),
    failure: failureRecord(sub, reason, now, deps.randomHex8()),
    codeId: round.type === 'SMS_OTP' || round.type === 'EMAIL_OTP' ? round.id : undefined,
  });
  if (outcome === 'already_counted') {
    logger.info('retried answer; already counted', { roundId: round.id });
    return;
  }
  countMetric('VerifyAuthChallengeResponse', 'AnswersRejected', reason);
  if (lockout.counted + 1 === deps.settings.lockout.maxFailures) {
    countMetric('VerifyAuthChallengeResponse', 'LockoutsStarted');
    logger.warn('this wrong answer locks the account', { failures: lockout.counted + 1 });
    await deps.notices?.record(
      sub,
      { kind: 'locked_out', by: 'system' },
      noticeTarget(event.request.userAttributes),
    );
  }
}
