/**
 * VerifyAuthChallengeResponse use-case: is the answer to this round right?
 *
 * PHONE_REQUIRED: the answer (trimmed, at most 32 characters, international format) must be a
 * valid, possible mobile number in an allowed country (libphonenumber-js). If it is, the E.164
 * number is stored under this round's id for the next round's Create to send a code to; it is not
 * the user's number yet. If not: `answerCorrect = false`, a failure record, nothing else stored.
 *
 * SMS_OTP: the answer (trimmed) must be exactly `length` digits; then one attempt is counted
 * against the stored code atomically (an expired, used, replaced or exhausted code takes none),
 * and the answer is compared with the stored hash in constant time. On a correct code:
 *   1. for a code sent to a number given in a PHONE_REQUIRED round, that number (from the stored
 *      code, never from any answer) becomes the user's `phone_number`, verified;
 *   2. the code is marked used (one conditional write: it can succeed only once);
 *   3. the last-success marker is moved forward (best effort: missing it only keeps older
 *      failures counting, the safe direction).
 * Every failed answer writes a failure record under `USER#<sub>` for the lockout.
 *
 * Cognito retries a Verify that took too long with the very same event. Each round carries a
 * fresh `nonce` in its private parameters and a session can be answered only once, so a nonce
 * seen again is such a retry: it gets the same answer and counts nothing twice (no second
 * attempt, no second failure record, a correct code still correct although already used).
 *
 * An unknown user (`userNotFound`) is always wrong and nothing is written.
 */
import type { ChallengeStore } from '#shared/auth-state/challenge-store';
import type { FailureReason } from '#shared/auth-state/keys';
import type { SignInRecords } from '#shared/auth-state/sign-in-records';
import { codeMatches, normaliseCodeAnswer } from '#shared/challenge/code';
import { DependencyError } from '#shared/challenge/errors';
import { maskPhone } from '#shared/challenge/mask';
import { type PrivateRound, parsePrivateParameters } from '#shared/challenge/protocol';
import { InvalidEventError } from '#shared/errors';
import type { VerifyAuthChallengeEvent } from '#shared/events/verify-auth-challenge';
import { logger } from '#shared/logger';
import { checkPhone } from '#shared/phone';
import type { PhoneWriter } from './cognito';

export interface VerifySettings {
  maxCodeAttempts: number;
  allowedCountries: readonly string[];
}

export interface VerifyDeps {
  challenges: Pick<ChallengeStore, 'savePhoneCandidate' | 'countAttempt' | 'consumeCode' | 'markAnswered'>;
  records: Pick<SignInRecords, 'recordFailure' | 'recordSuccess'>;
  users: PhoneWriter;
  settings: VerifySettings;
  now: () => Date;
}

/**
 * How long a number accepted in a PHONE_REQUIRED round waits for the next round's Create. That
 * Create runs within the same RespondToAuthChallenge call (Verify -> Define -> Create), retries
 * included, so a few minutes is generous.
 */
export const PHONE_CANDIDATE_TTL_SECONDS = 300;

export async function verifyAuthChallenge(event: VerifyAuthChallengeEvent, deps: VerifyDeps): Promise<void> {
  event.response.answerCorrect = false;
  const { request } = event;
  if (request.userNotFound === true) {
    logger.info('answer for an unknown user rejected');
    return;
  }
  const sub = request.userAttributes.sub;
  if (!sub) throw new InvalidEventError('user attribute sub missing');
  const round = parsePrivateParameters(request.privateChallengeParameters);
  if (!round) throw new InvalidEventError('private challenge parameters malformed');

  event.response.answerCorrect =
    round.type === 'PHONE_REQUIRED'
      ? await verifyPhoneAnswer(sub, round, request.challengeAnswer, deps)
      : await verifyCodeAnswer(event, sub, round, deps);
}

async function verifyPhoneAnswer(
  sub: string,
  round: Extract<PrivateRound, { type: 'PHONE_REQUIRED' }>,
  answer: string,
  deps: VerifyDeps,
): Promise<boolean> {
  const check = checkPhone(answer, deps.settings.allowedCountries);
  const now = deps.now();
  if (!check.ok) {
    await recordFailureOnce(sub, round, 'invalid_phone', now, deps);
    logger.info('phone number rejected', {
      roundId: round.id,
      reason: 'invalid_phone',
      detail: check.reason,
    });
    return false;
  }
  await deps.challenges.savePhoneCandidate({
    sub,
    roundId: round.id,
    phone: check.e164,
    now: now.getTime(),
    ttlSeconds: PHONE_CANDIDATE_TTL_SECONDS,
  });
  logger.info('phone number accepted; a code goes to it next', {
    roundId: round.id,
    destination: maskPhone(check.e164),
    country: check.country,
  });
  return true;
}

async function verifyCodeAnswer(
  event: VerifyAuthChallengeEvent,
  sub: string,
  round: Extract<PrivateRound, { type: 'SMS_OTP' }>,
  deps: VerifyDeps,
): Promise<boolean> {
  const now = deps.now();
  const { maxCodeAttempts } = deps.settings;
  const failed = async (reason: FailureReason, detail: string): Promise<false> => {
    await deps.records.recordFailure(sub, reason, now);
    logger.info('code rejected', { roundId: round.id, reason, detail });
    return false;
  };

  const answer = normaliseCodeAnswer(event.request.challengeAnswer, round.length);
  if (answer === undefined) {
    // No attempt is counted for a malformed answer, so the failure record itself is made once.
    await recordFailureOnce(sub, round, 'wrong_code', now, deps);
    logger.info('code rejected', { roundId: round.id, reason: 'wrong_code', detail: 'malformed' });
    return false;
  }

  const attempt = await deps.challenges.countAttempt(
    sub,
    round.id,
    now.getTime(),
    maxCodeAttempts,
    round.nonce,
  );
  if (attempt.outcome === 'unavailable') {
    return failed(attempt.reason === 'exhausted' ? 'attempts_exhausted' : 'expired_code', attempt.reason);
  }
  const { code } = attempt;
  const retried = attempt.outcome === 'repeat';
  if (!codeMatches(answer, code)) {
    if (retried) {
      logger.info('retried answer rejected again; already counted', { roundId: round.id });
      return false;
    }
    return failed(code.attempts >= maxCodeAttempts ? 'attempts_exhausted' : 'wrong_code', 'mismatch');
  }
  if (retried && code.consumedAt !== undefined && code.consumedBy === round.nonce) {
    logger.info('retried answer accepted again; already done', { roundId: round.id });
    return true;
  }

  if (code.purpose === 'verify_phone') {
    await deps.users.setVerifiedPhone({
      userPoolId: event.userPoolId,
      userName: event.userName,
      phone: code.phone,
    });
    logger.info('phone number proven and saved as verified', { destination: code.destination });
  }
  if (!(await deps.challenges.consumeCode(sub, code.id, now.getTime(), round.nonce)))
    return failed('expired_code', 'used');
  await deps.records.recordSuccess(sub, now).catch((error: unknown) => {
    logger.warn('could not record the successful sign-in', {
      error:
        error instanceof DependencyError ? error.message : error instanceof Error ? error.name : 'unknown',
    });
  });
  logger.info('code accepted', { roundId: round.id, purpose: code.purpose });
  return true;
}

/** A failure record for an answer that counts no code attempt: once per round, retries included. */
async function recordFailureOnce(
  sub: string,
  round: PrivateRound,
  reason: FailureReason,
  now: Date,
  deps: VerifyDeps,
): Promise<void> {
  if (round.nonce !== undefined && !(await deps.challenges.markAnswered(sub, round.nonce, now.getTime()))) {
    logger.info('retried answer; failure already recorded', { roundId: round.id });
    return;
  }
  await deps.records.recordFailure(sub, reason, now);
}
