/**
 * CreateAuthChallenge use-case: builds the custom round Define asked for.
 *
 * First, for a real user: ONE Query of the user's account status (`assertSignInAllowed`, the same
 * reading and rule as the users CLI). A suspended or locked-out user gets "Sign-in is not allowed"
 * here, after the password was proven, and no code. (PreAuthentication, which runs before the
 * password is checked, no longer denies: its answer would tell a stranger the account's state.)
 *
 * The round comes from the session (`planCustomRound`, the same reading Define uses):
 * - PHONE_REQUIRED (no verified phone yet): a fresh round id; nothing stored, nothing sent.
 * - SMS_OTP, first round: the number is the verified `phone_number` on file, or the number that
 *   Verify accepted in the PHONE_REQUIRED round just before (stored under that round's id; the
 *   answer itself never reaches Create). Then:
 *   1. ONE transaction: the new code becomes the user's current code and one unit of each send
 *      limit is taken (the user's hour; for a sign-in code the verified number's day, for an
 *      enrolment code the unproven number's day and the account's enrolment day). If the stored
 *      code is for this very round (same session shape and number), younger than the resend
 *      cooldown, unexpired, unused and within its wrong-answer budget, nothing changes and that
 *      code is reused: nothing is sent. This is what makes a Cognito retry (or a double-tapped
 *      sign-in) send one SMS and keeps that SMS's code valid. Over a limit nothing changes and the
 *      user gets a short error, nothing sent;
 *   2. the SMS through SNS; if that fails the code is removed and the error surfaces (the counters
 *      keep the attempt: a failing send still counts against SMS pumping).
 *   That is 3 calls on the success path: the status Query, the transaction and the Publish.
 * - SMS_OTP after a wrong code: the same code again (found by the round id in the session), no SMS,
 *   unless the code is dead meanwhile (used by another sign-in, its shared wrong-answer budget
 *   spent, replaced or expired): then the sign-in ends with the expired-code message.
 * - SMS_OTP after the reserved answer `RESEND` (Verify marked the code's item `resendFor`; the
 *   answer itself never reaches Create), read with the same one GetItem:
 *   - a used code or one whose shared budget is spent: the expired-code message;
 *   - MAX_RESENDS new codes already sent in this sign-in: the send-limit message;
 *   - younger than RESEND_COOLDOWN_SECONDS: the same code, metadata `SMS_OTP:<id>:wait`, public
 *     `retryAfter` (whole seconds); nothing written or sent;
 *   - otherwise a new code exactly as in the first round (same transaction and send limits, to the
 *     verified number on file or to the number being enrolled), metadata `SMS_OTP:<new id>:resent`.
 *     The new code replaces the item, so the old code is dead at once. A Cognito retry of this
 *     Create finds the new code under this session's round key and reuses it.
 * - A user whose phone is verified is never asked for a number and never sent an enrolment code
 *   (a stale sign-in left on the phone path ends with the expired-code message).
 * - `userNotFound`: an SMS_OTP round of the same shape with a stable, plausible masked destination,
 *   counted against a send limit like a real user, nothing sent, after a pause standing in for SNS.
 *   A `RESEND` (recorded by Verify on the decoy item) gets the same `wait` / `resent` / limit
 *   answers as a real user's, the decoy round's time taken from the decoy item.
 *
 * The public parameters carry `type`, `destination` (masked) and `length`; the private ones the
 * round id, the code's hash and salt, its expiry and purpose (and the number for `verify_phone`),
 * so Verify judges the answer without a read; the metadata `SMS_OTP:<id>`. The code exists in
 * clear only in the SMS.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  type AccountStatusStore,
  assertSignInAllowed,
  type LockoutPolicy,
} from '#shared/auth-state/account-status';
import {
  type ChallengeStore,
  type CodeRecord,
  deadCode,
  isReusable,
} from '#shared/auth-state/challenge-store';
import { CODE_SK, challengePk, decoyKey } from '#shared/auth-state/keys';
import { type SendLimits, sendCounters, userCounter } from '#shared/auth-state/send-limits';
import { generateCode, hashCode } from '#shared/challenge/code';
import {
  ChallengeExpiredError,
  DependencyError,
  SendLimitError,
  SmsUnavailableError,
} from '#shared/challenge/errors';
import { maskFromLastDigits, maskPhone } from '#shared/challenge/mask';
import {
  type ChallengeType,
  type CodePurpose,
  type CodeRound,
  formatMetadata,
  newRoundId,
  PARAM,
  privateParameters,
  type RoundMark,
} from '#shared/challenge/protocol';
import {
  onPhonePath,
  phoneVerified,
  planCustomRound,
  type RoundPlan,
  sessionShape,
} from '#shared/challenge/session';
import { InvalidEventError } from '#shared/errors';
import type { CreateAuthChallengeEvent } from '#shared/events/create-auth-challenge';
import { logger } from '#shared/logger';
import { renderOtpSms } from '#shared/messages/index';
import { countMetric } from '#shared/metrics';
import { checkPhone } from '#shared/phone';
import type { SmsSender } from './sms';

export interface CreateSettings {
  codeLength: number;
  codeTtlSeconds: number;
  resendCooldownSeconds: number;
  perUserPerHour: number;
  perPhonePerDay: number;
  unprovenPerPhonePerDay: number;
  unprovenPerUserPerDay: number;
  /** Wrong answers one code takes (all sign-ins together) before it is dead. */
  maxCodeAttempts: number;
  /** New codes per sign-in in answer to `RESEND`. */
  maxResends: number;
  lockout: LockoutPolicy;
  allowedCountries: readonly string[];
  appName: string;
}

export interface CreateDeps {
  /** Suspension and lockout, read once per real user's round. */
  accounts: Pick<AccountStatusStore, 'read'>;
  challenges: Pick<ChallengeStore, 'getCode' | 'issueCode' | 'getPhoneCandidate' | 'decoyState'>;
  /**
   * Undoing a claimed code must work even when the invocation's deadline has just aborted the
   * call that failed: a store with its own short budget, made when needed.
   */
  cleanup: () => Pick<ChallengeStore, 'releaseCode'>;
  /** The unknown-user path's counter (the real path takes its units inside `issueCode`). */
  sendLimits: Pick<SendLimits, 'takeUnit'>;
  sms: SmsSender;
  settings: CreateSettings;
  now: () => Date;
  /** Waits about as long as a real send takes (the unknown-user path). */
  pauseLikeASend: () => Promise<void>;
}

export async function createAuthChallenge(event: CreateAuthChallengeEvent, deps: CreateDeps): Promise<void> {
  const { request } = event;
  if (request.challengeName !== 'CUSTOM_CHALLENGE') {
    throw new InvalidEventError(`unexpected challengeName ${request.challengeName}`);
  }
  const user = {
    phoneVerified: phoneVerified(request.userAttributes),
    userNotFound: request.userNotFound === true,
  };
  const plan = planCustomRound(request.session, user);
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
  await assertSignInAllowed(deps.accounts, sub, deps.now(), deps.settings.lockout);
  switch (plan.kind) {
    case 'ask_phone':
      return askForPhone(event);
    case 'repeat_code':
      return repeatCode(event, sub, plan, deps);
    case 'send_code':
      return sendCode(event, sub, plan, deps);
  }
}

function askForPhone(event: CreateAuthChallengeEvent): void {
  const id = newRoundId();
  respond(event, 'PHONE_REQUIRED', id, {}, privateParameters({ type: 'PHONE_REQUIRED', id }));
  logger.info('phone number requested', { roundId: id });
}

async function repeatCode(
  event: CreateAuthChallengeEvent,
  sub: string,
  plan: Extract<RoundPlan, { kind: 'repeat_code' }>,
  deps: CreateDeps,
): Promise<void> {
  const id = plan.codeRoundId;
  const code = await deps.challenges.getCode(sub);
  if (code?.id === id && code.resendFor === id) return resend(event, sub, code, plan.resends, deps);
  if (code && code.id !== id && isRetriedResend(event, code, deps)) {
    respondWithCode(event, code, { mark: 'resent' });
    logger.info('new code for this resend already sent; reused, nothing sent', { roundId: code.id });
    return;
  }
  const dead = deadCode(code, { id, now: deps.now().getTime(), maxAttempts: deps.settings.maxCodeAttempts });
  if (dead || !code) throw new ChallengeExpiredError(`code_${dead ?? 'replaced'}`);
  respondWithCode(event, code);
  logger.info('same code asked for again; nothing sent', { roundId: id, destination: code.destination });
}

/**
 * The answer to `RESEND` for the user's current code `code` (the round's code, marked by Verify):
 * a new code, or the same round with `retryAfter`, or the limit / expired-code message.
 */
async function resend(
  event: CreateAuthChallengeEvent,
  sub: string,
  code: CodeRecord,
  resends: number,
  deps: CreateDeps,
): Promise<void> {
  const { settings } = deps;
  if (code.usedAt !== undefined) throw new ChallengeExpiredError('code_used');
  if ((code.attempts ?? 0) >= settings.maxCodeAttempts) throw new ChallengeExpiredError('code_exhausted');
  if (resends >= settings.maxResends) throw new SendLimitError('resends');
  const retryAfter = secondsUntil(code.createdAt + settings.resendCooldownSeconds * 1000, deps.now());
  if (retryAfter > 0) {
    respondWithCode(event, code, { mark: 'wait', retryAfter });
    logger.info('resend asked for too early; same code, nothing sent', { roundId: code.id, retryAfter });
    return;
  }
  // A sign-in code goes to the verified number on file now; an enrolment code to the number the
  // code being replaced was sent to (proven valid in this sign-in's PHONE_REQUIRED round).
  const phone = code.purpose === 'sign_in' ? event.request.userAttributes.phone_number : code.phone;
  if (!phone) throw new SmsUnavailableError('no_phone_on_file');
  await issueAndSend(event, sub, phone, code.purpose, deps, 'resent');
}

/** Whole seconds from `now` until `at` (epoch ms), at least 1 while `at` is ahead; else 0. */
function secondsUntil(at: number, now: Date): number {
  const ms = at - now.getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

/**
 * Is `code` the new code an earlier run of this very Create (Cognito retrying it) sent in answer to
 * the `RESEND`? Its round key is this session's, and it is reusable like any retry's code.
 */
function isRetriedResend(event: CreateAuthChallengeEvent, code: CodeRecord, deps: CreateDeps): boolean {
  const { settings } = deps;
  const nowMs = deps.now().getTime();
  return isReusable(code, {
    roundKey: roundKey(event, code.phone, code.purpose),
    now: nowMs,
    cooldownStart: nowMs - settings.resendCooldownSeconds * 1000,
    maxAttempts: settings.maxCodeAttempts,
  });
}

async function sendCode(
  event: CreateAuthChallengeEvent,
  sub: string,
  plan: Extract<RoundPlan, { kind: 'send_code' }>,
  deps: CreateDeps,
): Promise<void> {
  const onFile = plan.phoneFrom === 'profile';
  const phone = onFile
    ? event.request.userAttributes.phone_number
    : await deps.challenges.getPhoneCandidate(sub, plan.phoneRoundId, deps.now().getTime());
  if (!phone)
    throw onFile ? new SmsUnavailableError('no_phone_on_file') : new ChallengeExpiredError('phone_expired');
  await issueAndSend(event, sub, phone, onFile ? 'sign_in' : 'verify_phone', deps);
}

/** A new code to `phone`: claimed with the send limits in one transaction, then the SMS. */
async function issueAndSend(
  event: CreateAuthChallengeEvent,
  sub: string,
  phone: string,
  purpose: CodePurpose,
  deps: CreateDeps,
  mark?: RoundMark,
): Promise<void> {
  const { settings } = deps;
  const now = deps.now();
  const nowMs = now.getTime();
  const check = checkPhone(phone, settings.allowedCountries);
  if (!check.ok) throw new SmsUnavailableError(`phone_${check.reason}`);

  const code = generateCode(settings.codeLength);
  const expiresAt = nowMs + settings.codeTtlSeconds * 1000;
  const record: CodeRecord = {
    pk: challengePk(sub),
    sk: CODE_SK,
    id: newRoundId(),
    roundKey: roundKey(event, check.e164, purpose),
    purpose,
    phone: check.e164,
    destination: maskPhone(check.e164),
    length: settings.codeLength,
    ...hashCode(code),
    createdAt: nowMs,
    expiresAt,
    // A wrong answer's next round reads it back until it expires; DynamoDB removes it after.
    ttl: Math.ceil(expiresAt / 1000) + 3600,
  };
  const log = { roundId: record.id, destination: record.destination, purpose };

  const issued = await deps.challenges.issueCode(
    sub,
    record,
    {
      roundKey: record.roundKey,
      now: nowMs,
      cooldownStart: nowMs - settings.resendCooldownSeconds * 1000,
      maxAttempts: settings.maxCodeAttempts,
    },
    sendCounters({
      userKey: sub,
      phone: check.e164,
      purpose,
      now,
      perUserPerHour: settings.perUserPerHour,
      perPhonePerDay: settings.perPhonePerDay,
      unprovenPerPhonePerDay: settings.unprovenPerPhonePerDay,
      unprovenPerUserPerDay: settings.unprovenPerUserPerDay,
    }),
  );
  if (issued.outcome === 'reuse') {
    respondWithCode(event, issued.code, { mark });
    logger.info('code for this round already sent; reused, nothing sent', {
      ...log,
      roundId: issued.code.id,
    });
    return;
  }
  if (issued.outcome === 'limited') throw new SendLimitError(issued.limit);

  const message = renderOtpSms({
    code,
    appName: settings.appName,
    validMinutes: Math.ceil(settings.codeTtlSeconds / 60),
    locale: event.request.userAttributes.locale,
  });
  try {
    await deps.sms.send({ phone: check.e164, message });
  } catch (error) {
    await releaseQuietly(deps, sub, record.id);
    throw error;
  }
  respondWithCode(event, record, { mark });
  countMetric('CreateAuthChallenge', 'CodesSent', purpose);
  logger.info(mark === 'resent' ? 'new code sent in answer to a resend' : 'code sent', log);
}

async function decoyRound(event: CreateAuthChallengeEvent, plan: RoundPlan, deps: CreateDeps): Promise<void> {
  const { userPoolId, userName } = event;
  const { settings } = deps;
  if (plan.kind === 'ask_phone') throw new InvalidEventError('phone round for an unknown user');
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
  const digits = state.digits;
  // Same shape as a real round, down to a hash of a code nobody is sent: Verify rejects it anyway.
  const expiresAt = deps.now().getTime() + deps.settings.codeTtlSeconds * 1000;
  respondWithCode(
    event,
    {
      id,
      destination: maskFromLastDigits(digits),
      length: deps.settings.codeLength,
      ...hashCode(randomBytes(8).toString('hex')),
      expiresAt,
      purpose: 'sign_in',
    },
    { mark, retryAfter },
  );
  logger.info('unknown user: decoy code round, nothing sent', { roundId: id, mark });
}

function respondWithCode(
  event: CreateAuthChallengeEvent,
  code: Omit<CodeRound, 'type'> & { destination: string },
  answer: { mark?: RoundMark | undefined; retryAfter?: number | undefined } = {},
): void {
  const round: CodeRound = {
    type: 'SMS_OTP',
    id: code.id,
    length: code.length,
    codeHash: code.codeHash,
    salt: code.salt,
    expiresAt: code.expiresAt,
    purpose: code.purpose,
    ...(code.purpose === 'verify_phone' ? { phone: code.phone } : {}),
  };
  respond(
    event,
    'SMS_OTP',
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

function respond(
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

/**
 * Identifies "this round of this sign-in" across Cognito's retries: the session so far (which
 * includes the PHONE_REQUIRED round's random id on the phone path), the number and the purpose.
 * For a user with a verified phone the session is the same on every sign-in, which is intended:
 * within the cooldown a second sign-in gets the code already on its way instead of another SMS.
 */
function roundKey(event: CreateAuthChallengeEvent, phone: string, purpose: CodePurpose): string {
  return createHash('sha256')
    .update(`${sessionShape(event.request.session)}\n${phone}\n${purpose}`, 'utf8')
    .digest('hex')
    .slice(0, 32);
}

async function releaseQuietly(deps: CreateDeps, sub: string, id: string): Promise<void> {
  await deps
    .cleanup()
    .releaseCode(sub, id)
    .catch((error: unknown) => {
      logger.warn('could not remove an unsent code', { roundId: id, error: errorName(error) });
    });
}

/** Dependency errors are already stripped of data; of anything else only the name is logged. */
function errorName(error: unknown): string {
  if (error instanceof DependencyError) return error.message;
  return error instanceof Error ? error.name : typeof error;
}
