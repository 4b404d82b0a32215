/**
 * CreateAuthChallenge use-case: builds the custom round Define asked for (docs/protocol.md).
 *
 * First, for a real user: ONE Query of the user's account status (`assertSignInAllowed`, the same
 * reading and rule as the users CLI). A suspended or locked-out user gets "Sign-in is not allowed"
 * here, after the password was proven, and no code. The same read gives the confirmation time the
 * enrolment grace needs.
 *
 * The round comes from the session (`planCustomRound`, the same reading Define uses):
 * - A user without a verified phone starts enrolment. A first phone is bound only after a fresh
 *   proof of the mailbox: an EMAIL_OTP round first, unless ENROLMENT_EMAIL_PROOF is `never`, or it
 *   is `after-grace` (the default) and the sign-up was confirmed less than ENROLMENT_GRACE_MINUTES
 *   ago (the invite's email code just proved the mailbox). No verified email, or no sender: the
 *   sign-in ends with "A code cannot be sent to your email address" (fail closed).
 * - PHONE_REQUIRED: a fresh round id; nothing stored, nothing sent.
 * - SMS_OTP / EMAIL_OTP, first round: the number is the verified `phone_number` on file, or the
 *   number Verify accepted in the PHONE_REQUIRED round just before (stored under that round's id;
 *   the answer itself never reaches Create); the email is the verified `email`. Then:
 *   1. ONE transaction: the new code becomes the user's current code and one unit of each send
 *      limit is taken (the user's hour; for a sign-in code the verified number's day, for a code to
 *      a number not yet proven that number's day and the account's enrolment day). If the stored
 *      code is for this very round (same session shape and address), younger than the resend
 *      cooldown, unexpired, unused and within its wrong-answer budget, nothing changes and that
 *      code is reused: nothing is sent. This is what makes a Cognito retry (or a double-tapped
 *      sign-in) send one message and keeps that message's code valid. Over a limit nothing changes
 *      and the user gets a short error, nothing sent;
 *   2. the SMS through SNS (the email through SES); if that fails the code is removed and the error
 *      surfaces (the counters keep the attempt: a failing send still counts against SMS pumping).
 *   That is 3 calls on the success path: the status Query, the transaction and the send.
 * - A code round after a failed answer, read with ONE GetItem of the user's code:
 *   - Verify marked it `recoveryFor` (the answer was `RECOVERY`, sign-in codes only): a
 *     RECOVERY_CODE round;
 *   - Verify marked it `resendFor` (the answer was `RESEND`): a used code or one whose shared budget
 *     is spent gets the expired-code message; MAX_RESENDS new codes already sent in this sign-in the
 *     send-limit message; younger than RESEND_COOLDOWN_SECONDS the same code, metadata
 *     `<TYPE>:<id>:wait`, public `retryAfter`; otherwise a new code exactly as in the first round,
 *     metadata `<TYPE>:<new id>:resent` (the old code is dead at once; a Cognito retry of this Create
 *     finds the new code under this session's round key and reuses it);
 *   - otherwise it was a wrong code: the same code again, no message, unless the code is dead
 *     meanwhile (used by another sign-in, its shared wrong-answer budget spent, replaced or
 *     expired): then the sign-in ends with the expired-code message.
 * - DEVICE_PROOF: the first custom round of a sign-in to the verified phone becomes a DEVICE_PROOF
 *   round instead of the SMS code when the app names a device (`ClientMetadata.deviceId` of the
 *   PASSWORD_VERIFIER answer) that the user has remembered, unexpired (read with the status Query:
 *   no extra call), and remembered devices are on: public `challenge` (32 random bytes), private
 *   the device id and the challenge. Nothing written, nothing sent: 1 call. Any other device id,
 *   expired, revoked or unknown, gets the SMS round exactly as if none were named. An unknown user
 *   gets the decoy SMS round whatever it names.
 * - RECOVERY_CODE: a fresh round id; nothing read (Verify checks the answer against the set).
 * - RECOVERY_CODES: a new set of recovery codes, shown in the public `codes` parameter; their hashes
 *   go to Verify in the private parameters and are stored only when the user answers `OK`.
 * - A user whose phone is verified is never asked for a first number and never sent an enrolment
 *   code (a stale sign-in left on the enrolment path ends with the expired-code message).
 * - `userNotFound`: decoy rounds (decoy.ts).
 *
 * The code exists in clear only in the SMS or email.
 */
import { type AccountRecords, assertSignInAllowed, usableDevice } from '#shared/auth-state/account-status';
import { newDeviceChallenge, readDeviceId } from '#shared/challenge/device-proof';
import { ChallengeExpiredError, EmailUnavailableError, SmsUnavailableError } from '#shared/challenge/errors';
import { newRoundId, PARAM, privateParameters, readIntent } from '#shared/challenge/protocol';
import { newRecoverySet, RECOVERY_CODE_COUNT } from '#shared/challenge/recovery-codes';
import { onPhonePath, phoneVerified, planCustomRound, type RoundPlan } from '#shared/challenge/session';
import { InvalidEventError } from '#shared/errors';
import type { CreateAuthChallengeEvent } from '#shared/events/create-auth-challenge';
import { logger } from '#shared/logger';
import { askRecoveryCode, issueAndSend, repeatCode } from './code-rounds';
import { decoyRound } from './decoy';
import type { CreateDeps } from './deps';
import { respond } from './respond';

export type { CreateDeps, CreateSettings, EmailCodeSender } from './deps';

export async function createAuthChallenge(event: CreateAuthChallengeEvent, deps: CreateDeps): Promise<void> {
  const { request } = event;
  if (request.challengeName !== 'CUSTOM_CHALLENGE') {
    throw new InvalidEventError(`unexpected challengeName ${request.challengeName}`);
  }
  const user = {
    phoneVerified: phoneVerified(request.userAttributes),
    userNotFound: request.userNotFound === true,
  };
  const plan = planCustomRound(request.session, user, readIntent(request.clientMetadata));
  if (!plan) {
    // Define fails such a session too; a Create that runs anyway (a race with the enrolment)
    // sends nothing.
    if (user.phoneVerified && onPhonePath(request.session))
      throw new ChallengeExpiredError('phone_already_verified');
    throw new InvalidEventError('the session does not call for a custom round');
  }
  logger.debug('custom round planned', { plan: plan.kind, rounds: request.session.length });
  if (user.userNotFound) return decoyRound(event, plan, deps);

  const sub = request.userAttributes.sub;
  if (!sub) throw new InvalidEventError('user attribute sub missing');
  const { records } = await assertSignInAllowed(deps.accounts, sub, deps.now(), deps.settings.lockout);
  switch (plan.kind) {
    case 'start_enrolment':
      return startEnrolment(event, sub, records, deps);
    case 'ask_phone':
      return askForPhone(event, plan.purpose);
    case 'repeat_code':
      return repeatCode(event, sub, plan, deps);
    case 'send_code':
      if (plan.phoneFrom === 'profile' && plan.deviceMayProve && askDeviceProof(event, records, deps)) return;
      return sendCode(event, sub, plan, deps);
    case 'ask_recovery_code':
      return askRecoveryCode(event);
    case 'recovery_codes':
      return showRecoveryCodes(event, sub);
  }
}

/** Does a first enrolment now need an email code first? */
export function needsEmailProof(
  records: Pick<AccountRecords, 'confirmedAt'>,
  now: Date,
  settings: Pick<CreateDeps['settings'], 'enrolmentEmailProof' | 'enrolmentGraceMinutes'>,
): boolean {
  const rule = settings.enrolmentEmailProof ?? 'after-grace';
  if (rule !== 'after-grace') return rule === 'always';
  const confirmed = Date.parse(records.confirmedAt ?? '');
  if (Number.isNaN(confirmed)) return true;
  const graceMs = (settings.enrolmentGraceMinutes ?? 60) * 60_000;
  // A confirmation time in the future (clock skew) is no grace at all.
  return !(confirmed <= now.getTime() && now.getTime() - confirmed < graceMs);
}

async function startEnrolment(
  event: CreateAuthChallengeEvent,
  sub: string,
  records: AccountRecords,
  deps: CreateDeps,
): Promise<void> {
  if (!needsEmailProof(records, deps.now(), deps.settings)) return askForPhone(event, 'verify_phone');
  const { email, email_verified: verified } = event.request.userAttributes;
  if (!email || verified !== 'true') throw new EmailUnavailableError('no_verified_email');
  await issueAndSend(event, sub, { channel: 'EMAIL_OTP', email, purpose: 'email_proof' }, deps);
}

function askForPhone(event: CreateAuthChallengeEvent, purpose: 'verify_phone' | 'replace_phone'): void {
  const id = newRoundId();
  respond(event, 'PHONE_REQUIRED', id, {}, privateParameters({ type: 'PHONE_REQUIRED', id, purpose }));
  logger.info('phone number requested', { roundId: id, purpose });
}

async function sendCode(
  event: CreateAuthChallengeEvent,
  sub: string,
  plan: Extract<RoundPlan, { kind: 'send_code' }>,
  deps: CreateDeps,
): Promise<void> {
  if (plan.phoneFrom === 'profile') {
    const phone = event.request.userAttributes.phone_number;
    if (!phone) throw new SmsUnavailableError('no_phone_on_file');
    return issueAndSend(event, sub, { channel: 'SMS_OTP', phone, purpose: 'sign_in' }, deps);
  }
  const phone = await deps.challenges.getPhoneCandidate(sub, plan.phoneRoundId, deps.now().getTime());
  if (!phone) throw new ChallengeExpiredError('phone_expired');
  await issueAndSend(event, sub, { channel: 'SMS_OTP', phone, purpose: plan.purpose }, deps);
}

/** A DEVICE_PROOF round when the app names a usable remembered device; else `false` (the SMS round). */
function askDeviceProof(event: CreateAuthChallengeEvent, records: AccountRecords, deps: CreateDeps): boolean {
  if (!deps.settings.rememberDeviceDays) return false;
  const device = usableDevice(records, readDeviceId(event.request.clientMetadata), deps.now());
  if (!device) return false;
  const id = newRoundId();
  const challenge = newDeviceChallenge();
  respond(
    event,
    'DEVICE_PROOF',
    id,
    { [PARAM.challenge]: challenge },
    privateParameters({ type: 'DEVICE_PROOF', id, deviceId: device.id, challenge }),
  );
  logger.info('device proof requested', { roundId: id });
  return true;
}

/** A new set, shown once; stored by Verify only when acknowledged. Nothing read or written here. */
function showRecoveryCodes(event: CreateAuthChallengeEvent, sub: string): void {
  const id = newRoundId();
  const set = newRecoverySet(sub, RECOVERY_CODE_COUNT);
  respond(
    event,
    'RECOVERY_CODES',
    id,
    { [PARAM.codes]: set.codes.join(' ') },
    privateParameters({ type: 'RECOVERY_CODES', id, hashes: set.hashes }),
  );
  logger.info('new recovery codes shown', { roundId: id, count: set.codes.length });
}
