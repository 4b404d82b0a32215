/**
 * VerifyAuthChallengeResponse use-case: is the answer to this round right? (docs/protocol.md)
 *
 * For a real user, first ONE Query of the account status (`assertSignInAllowed`, the rule Create
 * applies too): a suspended or locked-out user's answer is never accepted, whatever it is, and the
 * sign-in ends with "Sign-in is not allowed" (the password was proven before any custom round).
 *
 * PHONE_REQUIRED: a round for a first enrolment (`verify_phone`) is refused for a user whose phone
 * is verified (a stale sign-in left on the enrolment path must not bind another number); a round
 * for a new number (`replace_phone`, after a full second factor or a right recovery code) is not.
 * Otherwise the answer (trimmed, at most 32 characters, international format) must be a valid,
 * possible mobile number in an allowed country (libphonenumber-js). If it is, the E.164 number is
 * stored under this round's id for the next round's Create to send a code to; it is not the user's
 * number yet.
 *
 * SMS_OTP / EMAIL_OTP: the round's private parameters carry the code's hash and salt, expiry,
 * purpose and, for a number being bound, the number it went to, so the digits are judged without a
 * read (length, expiry, constant-time HMAC). Every answer is then recorded on the code's item with
 * ONE write:
 * - right digits: a conditional UpdateItem marks the code used. It succeeds only while the code is
 *   the user's current code, unused (or used by this very answer: a Cognito retry), within its
 *   shared wrong-answer budget (MAX_CODE_ATTEMPTS, all sign-ins together) and unexpired; otherwise
 *   the answer is wrong, right digits or not;
 * - wrong digits (or a dead code): one transaction counts the wrong answer on the code's item,
 *   writes the failure record the lockout reads and the round's `ANSWERED#<nonce>` mark, so a
 *   retried Verify counts nothing twice. The wrong answer that starts a lockout sends the
 *   `locked_out` notice.
 * A right code that binds a number (from the private parameters, never from an answer) makes it
 * the user's verified `phone_number`: a first enrolment (`verify_phone`) only if the user has no
 * verified phone now, a new number (`replace_phone`) in place of the old one, which gets an SMS
 * notice. Each sends its security notice (`phone_bound`, `phone_changed`). A code is used once and
 * a user has one current code, so two sign-ins cannot both bind.
 *
 * Reserved answers to a code round (trimmed, any case) are never judged as a guess: ONE conditional
 * UpdateItem marks the code's item, only while it is the user's current code (a retry writes the
 * same again); the answer is "wrong" so Cognito asks Create for the next round, and no failure
 * record is written and no attempt counted. `RESEND` marks `resendFor` (Create sends a new code or
 * answers `retryAfter`); `RECOVERY`, to a sign-in code only, marks `recoveryFor` (Create asks for a
 * recovery code). `RECOVERY` to any other code round is refused with nothing written.
 *
 * RECOVERY_CODE and RECOVERY_CODES: recovery-answers.ts. DEVICE_PROOF, and the registration of a
 * remembered device with a right SMS code (`ClientMetadata.rememberDevice`, checked before the
 * answer is judged): device-answers.ts. A sign-in code registers no device once the user has no
 * verified phone (the round was built before an operator's reset-phone).
 *
 * An unknown user (`userNotFound`) is always wrong and nothing is read; its answer to a decoy code
 * round is recorded on the decoy item (ONE UpdateItem: a reserved answer or not), so that Create
 * answers a `RESEND` or `RECOVERY` exactly as it would for a real user.
 */
import { assertSignInAllowed, recoveryPending } from '#shared/auth-state/account-status';
import type { FailureReason } from '#shared/auth-state/keys';
import { codeMatches, normaliseCodeAnswer } from '#shared/challenge/code';
import type { RememberRequest } from '#shared/challenge/device-proof';
import { maskPhone } from '#shared/challenge/mask';
import {
  isRecoveryAnswer,
  isResendAnswer,
  type PrivateRound,
  parsePrivateParameters,
} from '#shared/challenge/protocol';
import { phoneVerified } from '#shared/challenge/session';
import { InvalidEventError } from '#shared/errors';
import type { VerifyAuthChallengeEvent } from '#shared/events/verify-auth-challenge';
import { logger } from '#shared/logger';
import { countMetric } from '#shared/metrics';
import { checkPhone } from '#shared/phone';
import { type Answering, countWrong } from './answering';
import type { VerifyDeps } from './deps';
import { rememberDevice, rememberRequest, verifyDeviceAnswer } from './device-answers';
import { noticeTarget } from './notices';
import { verifyRecoveryCode, verifyRecoveryCodesAcknowledged } from './recovery-answers';

export type { VerifyDeps, VerifySettings } from './deps';

/**
 * How long a number accepted in a PHONE_REQUIRED round waits for the next round's Create. That
 * Create runs within the same RespondToAuthChallenge call (Verify -> Define -> Create), retries
 * included, so a few minutes is generous.
 */
export const PHONE_CANDIDATE_TTL_SECONDS = 300;

type CodeRoundOf = Extract<PrivateRound, { type: 'SMS_OTP' | 'EMAIL_OTP' }>;

export async function verifyAuthChallenge(event: VerifyAuthChallengeEvent, deps: VerifyDeps): Promise<void> {
  event.response.answerCorrect = false;
  const { request } = event;
  const round = parsePrivateParameters(request.privateChallengeParameters);
  // A device to remember, checked first and for everyone (an unknown user's decoy round too), so
  // a malformed one gets the same clear error whether the user exists or not.
  const remember = round?.type === 'SMS_OTP' ? rememberRequest({ event, deps }) : undefined;
  if (request.userNotFound === true) {
    const decoy = round;
    if (decoy?.type === 'SMS_OTP') {
      const answer = request.challengeAnswer;
      const asks = isResendAnswer(answer) ? 'resend' : isRecoveryAnswer(answer) ? 'recovery' : undefined;
      await deps.challenges.recordDecoyAnswer(event.userPoolId, event.userName, decoy.id, asks);
    }
    logger.info('answer for an unknown user rejected');
    return;
  }
  const sub = request.userAttributes.sub;
  if (!sub) throw new InvalidEventError('user attribute sub missing');
  if (!round) throw new InvalidEventError('private challenge parameters malformed');

  const now = deps.now();
  const { records, lockout } = await assertSignInAllowed(deps.accounts, sub, now, deps.settings.lockout);
  const answering: Answering = { event, sub, now, lockout, records, deps };
  switch (round.type) {
    case 'PHONE_REQUIRED':
      event.response.answerCorrect = await verifyPhoneAnswer(answering, round);
      return;
    case 'RECOVERY_CODE':
      event.response.answerCorrect = await verifyRecoveryCode(answering, round);
      return;
    case 'RECOVERY_CODES':
      event.response.answerCorrect = await verifyRecoveryCodesAcknowledged(answering, round);
      return;
    case 'DEVICE_PROOF':
      event.response.answerCorrect = await verifyDeviceAnswer(answering, round, records.devices ?? []);
      return;
    default:
      event.response.answerCorrect = await verifyCodeAnswer(answering, round, remember);
  }
}

async function verifyPhoneAnswer(
  answering: Answering,
  round: Extract<PrivateRound, { type: 'PHONE_REQUIRED' }>,
): Promise<boolean> {
  const { event, sub, now, deps } = answering;
  if (round.purpose === 'verify_phone' && phoneVerified(event.request.userAttributes)) {
    // Not a guess, so not a failure: the user's own stale tab is the usual cause.
    logger.warn('phone number refused: the user has a verified phone', { roundId: round.id });
    return false;
  }
  const check = checkPhone(event.request.challengeAnswer, deps.settings.allowedCountries);
  if (!check.ok) {
    await countWrong(answering, round, 'invalid_phone');
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
  answering: Answering,
  round: CodeRoundOf,
  remember: RememberRequest | undefined,
): Promise<boolean> {
  const { event, sub, now, deps } = answering;
  const failed = async (reason: FailureReason, detail: string): Promise<false> => {
    await countWrong(answering, round, reason);
    logger.info('code rejected', { roundId: round.id, reason, detail });
    return false;
  };
  const { userAttributes, challengeAnswer } = event.request;

  if (round.purpose === 'verify_phone' && phoneVerified(userAttributes)) {
    logger.warn('enrolment code refused: the user has a verified phone', { roundId: round.id });
    return false;
  }
  if (isResendAnswer(challengeAnswer)) {
    // Not a guess: nothing counted, no failure record. A replaced code takes no request.
    const recorded = await deps.challenges.requestForCode(sub, round.id, 'resend');
    logger.info('new code requested', { roundId: round.id, recorded });
    return false;
  }
  if (isRecoveryAnswer(challengeAnswer)) {
    // Not a guess either. Only a sign-in code stands for the phone a recovery code replaces.
    if (round.purpose !== 'sign_in') {
      logger.info('recovery refused: not a sign-in code', { roundId: round.id, purpose: round.purpose });
      return false;
    }
    const recorded = await deps.challenges.requestForCode(sub, round.id, 'recovery');
    logger.info('recovery code requested', { roundId: round.id, recorded });
    return false;
  }
  const answer = normaliseCodeAnswer(challengeAnswer, round.length);
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

  const inRecovery = recoveryPending(answering.records, now);
  if (round.purpose === 'verify_phone' || round.purpose === 'replace_phone') {
    if (!round.phone) throw new InvalidEventError('private challenge parameters malformed');
    await bindPhone(answering, round.phone, round.purpose, used.retry);
    // A number proven while a recovery is in progress: whoever held the lost phone in that window
    // (it was still the verified one) keeps nothing: every device goes, every session ends.
    if (inRecovery) await endEverySession(answering);
  }
  if (remember) {
    // A sign-in code proves the verified phone it went to. Answered after that phone was taken
    // away (an operator's reset-phone between the round and the answer), it remembers nothing: a
    // device stored now would outlive the reset (Define ends this sign-in anyway). During a
    // recovery no code remembers a device: the lost phone still answers sign-in codes then.
    if (inRecovery) logger.warn('device not remembered: a recovery is in progress', { roundId: round.id });
    else if (round.purpose === 'sign_in' && !phoneVerified(userAttributes))
      logger.warn('device not remembered: the user has no verified phone now', { roundId: round.id });
    else await rememberDevice(answering, remember, answering.records.devices ?? [], used.retry);
  }
  // A Cognito retry of this very answer is right again, but the sign-in was counted once.
  if (!used.retry && round.purpose !== 'email_proof')
    countMetric('VerifyAuthChallengeResponse', 'SignInsCompleted');
  logger.info('code accepted', { roundId: round.id, purpose: round.purpose });
  return true;
}

/**
 * The end of a recovery (a number proven within RECOVERY_PENDING_MS of a recovery code): every
 * remembered device is revoked (read again: one may have been stored since the recovery code) and
 * the user is signed out everywhere, so a refresh token won with the lost phone meanwhile dies; a
 * `devices_revoked` audit record when there was a device.
 */
async function endEverySession(answering: Answering): Promise<void> {
  const { event, sub, deps } = answering;
  const revoked = await deps.devices.revoke(sub, 'all');
  await deps.users.signOutEverywhere({ userPoolId: event.userPoolId, userName: event.userName });
  logger.info('recovery completed: devices revoked, signed out everywhere', { revoked: revoked.length });
  // Recorded by whichever attempt removed them; audit only: the phone_changed notice of this very
  // answer tells the user.
  if (revoked.length > 0) {
    countMetric('VerifyAuthChallengeResponse', 'DeviceRevocations', 'recovery_code_used');
    await deps.notices?.audit(sub, {
      kind: 'devices_revoked',
      by: 'user',
      devicesRevoked: revoked.length,
      cause: 'recovery_code_used',
    });
  }
}

/** A proven number becomes the user's verified phone; the notices follow (not on a retry). */
async function bindPhone(
  answering: Answering,
  phone: string,
  purpose: 'verify_phone' | 'replace_phone',
  retry: boolean,
): Promise<void> {
  const { event, sub, deps } = answering;
  const { userAttributes } = event.request;
  const oldPhone = phoneVerified(userAttributes) ? userAttributes.phone_number : undefined;
  await deps.users.setVerifiedPhone({ userPoolId: event.userPoolId, userName: event.userName, phone });
  const destination = maskPhone(phone);
  logger.info('phone number proven and saved as verified', { destination, purpose });
  if (retry) return;
  const changed = purpose === 'replace_phone' && oldPhone !== undefined && oldPhone !== phone;
  countMetric('VerifyAuthChallengeResponse', changed ? 'PhoneChanges' : 'PhonesEnrolled');
  if (changed && oldPhone) {
    await deps.notices?.tellOldNumber({
      phone: oldPhone,
      newDestination: destination,
      locale: userAttributes.locale,
    });
  }
  await deps.notices?.record(
    sub,
    {
      kind: changed ? 'phone_changed' : 'phone_bound',
      by: 'user',
      destination,
      oldDestination: changed && oldPhone ? maskPhone(oldPhone) : undefined,
    },
    noticeTarget(userAttributes),
  );
}
