/**
 * VerifyAuthChallengeResponse use-case: is the answer to this round right?
 *
 * PHONE_REQUIRED: the answer (trimmed, at most 32 characters, international format) must be a
 * valid, possible mobile number in an allowed country (libphonenumber-js). If it is, the E.164
 * number is stored under this round's id for the next round's Create to send a code to; it is not
 * the user's number yet. If not: `answerCorrect = false`, a failure record, nothing else stored.
 *
 * SMS_OTP: everything needed is in the round's private parameters (the code's hash and salt, its
 * expiry, its purpose and, for `verify_phone`, the number it went to), so a sign-in code is judged
 * with no call at all. The answer (trimmed) must be exactly `length` digits, the round unexpired,
 * and its HMAC equal to the stored one (constant-time). On a correct `verify_phone` code the number
 * (from the private parameters, never from any answer) becomes the user's `phone_number`, verified:
 * the one call of the success path, and only on the first sign-in.
 * Every failed answer writes a failure record under `USER#<sub>` for the lockout. Wrong codes per
 * sign-in are limited by Define (it counts them in the session, which Cognito keeps server-side);
 * wrong codes across sign-ins by the lockout (pre-authentication).
 *
 * Cognito retries a Verify that took too long with the very same event. Judging the answer is a
 * pure function of the event, so a retry gets the same answer; the failure record is written once
 * per round (keyed by the round's fresh `nonce`), and the phone write is idempotent.
 *
 * An unknown user (`userNotFound`) is always wrong and nothing is written.
 */
import type { ChallengeStore } from '#shared/auth-state/challenge-store';
import type { FailureReason } from '#shared/auth-state/keys';
import type { SignInRecords } from '#shared/auth-state/sign-in-records';
import { codeMatches, normaliseCodeAnswer } from '#shared/challenge/code';
import { maskPhone } from '#shared/challenge/mask';
import { type PrivateRound, parsePrivateParameters } from '#shared/challenge/protocol';
import { InvalidEventError } from '#shared/errors';
import type { VerifyAuthChallengeEvent } from '#shared/events/verify-auth-challenge';
import { logger } from '#shared/logger';
import { checkPhone } from '#shared/phone';
import type { PhoneWriter } from './cognito';

export interface VerifySettings {
  allowedCountries: readonly string[];
}

export interface VerifyDeps {
  challenges: Pick<ChallengeStore, 'savePhoneCandidate' | 'markAnswered'>;
  records: Pick<SignInRecords, 'recordFailure'>;
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
  const failed = async (reason: FailureReason, detail: string): Promise<false> => {
    await recordFailureOnce(sub, round, reason, now, deps);
    logger.info('code rejected', { roundId: round.id, reason, detail });
    return false;
  };

  const answer = normaliseCodeAnswer(event.request.challengeAnswer, round.length);
  if (answer === undefined) return failed('wrong_code', 'malformed');
  if (round.expiresAt <= now.getTime()) return failed('expired_code', 'expired');
  if (!codeMatches(answer, round)) return failed('wrong_code', 'mismatch');

  if (round.purpose === 'verify_phone') {
    if (!round.phone) throw new InvalidEventError('private challenge parameters malformed');
    await deps.users.setVerifiedPhone({
      userPoolId: event.userPoolId,
      userName: event.userName,
      phone: round.phone,
    });
    logger.info('phone number proven and saved as verified', { destination: maskPhone(round.phone) });
  }
  logger.info('code accepted', { roundId: round.id, purpose: round.purpose });
  return true;
}

/** A failure record for the answer to this round: once per round, Cognito's retries included. */
async function recordFailureOnce(
  sub: string,
  round: PrivateRound,
  reason: FailureReason,
  now: Date,
  deps: VerifyDeps,
): Promise<void> {
  if (!(await deps.challenges.markAnswered(sub, round.nonce, now.getTime()))) {
    logger.info('retried answer; failure already recorded', { roundId: round.id });
    return;
  }
  await deps.records.recordFailure(sub, reason, now);
}
