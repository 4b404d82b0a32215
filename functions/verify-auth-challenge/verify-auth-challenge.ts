/**
 * VerifyAuthChallengeResponse use-case: is the answer to this round right?
 *
 * For a real user, first ONE Query of the account status (`assertSignInAllowed`, the rule Create
 * applies too): a suspended or locked-out user's answer is never accepted, whatever it is, and the
 * sign-in ends with "Sign-in is not allowed" (the password was proven before any custom round).
 *
 * PHONE_REQUIRED: refused for a user whose phone is verified (a stale sign-in left on the phone
 * path must not bind another number). Otherwise the answer (trimmed, at most 32 characters,
 * international format) must be a valid, possible mobile number in an allowed country
 * (libphonenumber-js). If it is, the E.164 number is stored under this round's id for the next
 * round's Create to send a code to; it is not the user's number yet.
 *
 * SMS_OTP: the round's private parameters carry the code's hash and salt, expiry, purpose and, for
 * `verify_phone`, the number it went to, so the digits are judged without a read (length, expiry,
 * constant-time HMAC). Every answer is then recorded on the code's item with ONE write:
 * - right digits: a conditional UpdateItem marks the code used. It succeeds only while the code is
 *   the user's current code, unused (or used by this very answer: a Cognito retry), within its
 *   shared wrong-answer budget (MAX_CODE_ATTEMPTS, all sign-ins together) and unexpired; otherwise
 *   the answer is wrong, right digits or not;
 * - wrong digits (or a dead code): one transaction counts the wrong answer on the code's item,
 *   writes the failure record the lockout reads and the round's `ANSWERED#<nonce>` mark, so a
 *   retried Verify counts nothing twice.
 * A right `verify_phone` code binds the number (from the private parameters, never from an answer)
 * as the user's verified `phone_number`, only if the user has no verified phone now; a code is used
 * once, and a user has one current code, so two sign-ins cannot both bind.
 *
 * The reserved answer `RESEND` (trimmed, any case) to an SMS_OTP round is never judged as a guess:
 * ONE conditional UpdateItem marks the code's item `resendFor = <id>` (only while it is the user's
 * current code; a retry writes the same again), the answer is "wrong" so Cognito asks Create for
 * the next round, and no failure record is written and no attempt counted. Create then sends a new
 * code or answers `retryAfter` (create-auth-challenge.ts).
 *
 * An unknown user (`userNotFound`) is always wrong and nothing is read; its answer to a decoy code
 * round is recorded on the decoy item (ONE UpdateItem: a `RESEND` or not), so that Create answers a
 * `RESEND` exactly as it would for a real user.
 */
import {
  type AccountStatusStore,
  assertSignInAllowed,
  type LockoutPolicy,
} from '#shared/auth-state/account-status';
import type { ChallengeStore } from '#shared/auth-state/challenge-store';
import { type FailureReason, failureRecord } from '#shared/auth-state/keys';
import { codeMatches, normaliseCodeAnswer } from '#shared/challenge/code';
import { maskPhone } from '#shared/challenge/mask';
import { isResendAnswer, type PrivateRound, parsePrivateParameters } from '#shared/challenge/protocol';
import { phoneVerified } from '#shared/challenge/session';
import { InvalidEventError } from '#shared/errors';
import type { VerifyAuthChallengeEvent } from '#shared/events/verify-auth-challenge';
import { logger } from '#shared/logger';
import { countMetric } from '#shared/metrics';
import { checkPhone } from '#shared/phone';
import type { PhoneWriter } from './cognito';

export interface VerifySettings {
  allowedCountries: readonly string[];
  /** Wrong answers one code takes (all sign-ins together) before it is dead. */
  maxCodeAttempts: number;
  lockout: LockoutPolicy;
}

export interface VerifyDeps {
  accounts: Pick<AccountStatusStore, 'read'>;
  challenges: Pick<
    ChallengeStore,
    'savePhoneCandidate' | 'useCode' | 'countWrongAnswer' | 'requestResend' | 'recordDecoyAnswer'
  >;
  users: PhoneWriter;
  settings: VerifySettings;
  now: () => Date;
  /** 4 random bytes as hex: keeps failure records of the same millisecond apart. */
  randomHex8: () => string;
}

/**
 * How long a number accepted in a PHONE_REQUIRED round waits for the next round's Create. That
 * Create runs within the same RespondToAuthChallenge call (Verify -> Define -> Create), retries
 * included, so a few minutes is generous.
 */
export const PHONE_CANDIDATE_TTL_SECONDS = 300;

type CodeRoundOf = Extract<PrivateRound, { type: 'SMS_OTP' }>;

export async function verifyAuthChallenge(event: VerifyAuthChallengeEvent, deps: VerifyDeps): Promise<void> {
  event.response.answerCorrect = false;
  const { request } = event;
  if (request.userNotFound === true) {
    const decoy = parsePrivateParameters(request.privateChallengeParameters);
    if (decoy?.type === 'SMS_OTP') {
      const resend = isResendAnswer(request.challengeAnswer);
      await deps.challenges.recordDecoyAnswer(event.userPoolId, event.userName, decoy.id, resend);
    }
    logger.info('answer for an unknown user rejected');
    return;
  }
  const sub = request.userAttributes.sub;
  if (!sub) throw new InvalidEventError('user attribute sub missing');
  const round = parsePrivateParameters(request.privateChallengeParameters);
  if (!round) throw new InvalidEventError('private challenge parameters malformed');

  const now = deps.now();
  await assertSignInAllowed(deps.accounts, sub, now, deps.settings.lockout);
  const verified = phoneVerified(request.userAttributes);
  event.response.answerCorrect =
    round.type === 'PHONE_REQUIRED'
      ? await verifyPhoneAnswer(sub, round, request.challengeAnswer, verified, now, deps)
      : await verifyCodeAnswer(event, sub, round, verified, now, deps);
}

async function verifyPhoneAnswer(
  sub: string,
  round: Extract<PrivateRound, { type: 'PHONE_REQUIRED' }>,
  answer: string,
  verified: boolean,
  now: Date,
  deps: VerifyDeps,
): Promise<boolean> {
  if (verified) {
    // Not a guess, so not a failure: the user's own stale tab is the usual cause.
    logger.warn('phone number refused: the user has a verified phone', { roundId: round.id });
    return false;
  }
  const check = checkPhone(answer, deps.settings.allowedCountries);
  if (!check.ok) {
    await countWrong(sub, round, 'invalid_phone', now, deps);
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
  round: CodeRoundOf,
  verified: boolean,
  now: Date,
  deps: VerifyDeps,
): Promise<boolean> {
  const failed = async (reason: FailureReason, detail: string): Promise<false> => {
    await countWrong(sub, round, reason, now, deps);
    logger.info('code rejected', { roundId: round.id, reason, detail });
    return false;
  };

  if (round.purpose === 'verify_phone' && verified) {
    logger.warn('enrolment code refused: the user has a verified phone', { roundId: round.id });
    return false;
  }
  if (isResendAnswer(event.request.challengeAnswer)) {
    // Not a guess: nothing counted, no failure record. A replaced code takes no request.
    const recorded = await deps.challenges.requestResend(sub, round.id);
    logger.info('new code requested', { roundId: round.id, recorded });
    return false;
  }
  const answer = normaliseCodeAnswer(event.request.challengeAnswer, round.length);
  if (answer === undefined) return failed('wrong_code', 'malformed');
  if (round.expiresAt <= now.getTime()) return failed('expired_code', 'expired');
  if (!codeMatches(answer, round)) return failed('wrong_code', 'mismatch');

  const used = await deps.challenges.useCode(sub, {
    id: round.id,
    nonce: round.nonce,
    now: now.getTime(),
    maxAttempts: deps.settings.maxCodeAttempts,
  });
  if (used.outcome === 'dead') return failed('dead_code', used.why);

  if (round.purpose === 'verify_phone') {
    if (!round.phone) throw new InvalidEventError('private challenge parameters malformed');
    await deps.users.setVerifiedPhone({
      userPoolId: event.userPoolId,
      userName: event.userName,
      phone: round.phone,
    });
    if (!used.retry) countMetric('VerifyAuthChallengeResponse', 'PhonesEnrolled');
    logger.info('phone number proven and saved as verified', { destination: maskPhone(round.phone) });
  }
  // A Cognito retry of this very answer is right again, but the sign-in was counted once.
  if (!used.retry) countMetric('VerifyAuthChallengeResponse', 'SignInsCompleted');
  logger.info('code accepted', { roundId: round.id, purpose: round.purpose });
  return true;
}

/** One wrong answer to this round, counted once (Cognito's retries included). */
async function countWrong(
  sub: string,
  round: PrivateRound,
  reason: FailureReason,
  now: Date,
  deps: VerifyDeps,
): Promise<void> {
  const outcome = await deps.challenges.countWrongAnswer(sub, {
    nonce: round.nonce,
    now: now.getTime(),
    failure: failureRecord(sub, reason, now, deps.randomHex8()),
    codeId: round.type === 'SMS_OTP' ? round.id : undefined,
  });
  if (outcome === 'already_counted') logger.info('retried answer; already counted', { roundId: round.id });
  else countMetric('VerifyAuthChallengeResponse', 'AnswersRejected', reason);
}
