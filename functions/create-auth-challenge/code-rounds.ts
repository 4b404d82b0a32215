/**
 * Code rounds (SMS_OTP and EMAIL_OTP): a new code, the same code after a wrong answer, and the
 * answers to the reserved `RESEND` and `RECOVERY` (create-auth-challenge.ts describes when each
 * happens and what it costs).
 */
import { type CodeRecord, deadCode, isReusable } from '#shared/auth-state/challenge-store';
import { CODE_SK, challengePk } from '#shared/auth-state/keys';
import { sendCounters } from '#shared/auth-state/send-limits';
import { generateCode, hashCode } from '#shared/challenge/code';
import {
  ChallengeExpiredError,
  DependencyError,
  EmailUnavailableError,
  SendLimitError,
  SmsUnavailableError,
} from '#shared/challenge/errors';
import { maskEmailDestination, maskPhone } from '#shared/challenge/mask';
import {
  type CodeChannel,
  type CodePurpose,
  newRoundId,
  privateParameters,
  type RoundMark,
} from '#shared/challenge/protocol';
import type { RoundPlan } from '#shared/challenge/session';
import type { CreateAuthChallengeEvent } from '#shared/events/create-auth-challenge';
import { logger } from '#shared/logger';
import { renderOtpSms } from '#shared/messages/index';
import { countMetric } from '#shared/metrics';
import { checkPhone } from '#shared/phone';
import type { CreateDeps } from './deps';
import { respond, respondWithCode, roundKey, secondsUntil } from './respond';

/** Where a new code goes: a checked number, or the verified email. */
export type CodeTarget =
  | { channel: 'SMS_OTP'; phone: string; purpose: Exclude<CodePurpose, 'email_proof'> }
  | { channel: 'EMAIL_OTP'; email: string; purpose: 'email_proof' };

const channelOf = (code: CodeRecord): CodeChannel =>
  code.purpose === 'email_proof' ? 'EMAIL_OTP' : 'SMS_OTP';

export async function repeatCode(
  event: CreateAuthChallengeEvent,
  sub: string,
  plan: Extract<RoundPlan, { kind: 'repeat_code' }>,
  deps: CreateDeps,
): Promise<void> {
  const id = plan.codeRoundId;
  const stored = await deps.challenges.getCode(sub);
  // A code of the other channel is not this round's code, whatever its id says.
  const code = stored && channelOf(stored) === plan.channel ? stored : undefined;
  if (code?.id === id && code.recoveryFor === id && code.purpose === 'sign_in') return askRecoveryCode(event);
  if (code?.id === id && code.resendFor === id) return resend(event, sub, code, plan.resends, deps);
  if (code && code.id !== id && isRetriedResend(event, code, deps)) {
    respondWithCode(event, channelOf(code), shown(code), { mark: 'resent' });
    logger.info('new code for this resend already sent; reused, nothing sent', { roundId: code.id });
    return;
  }
  const dead = deadCode(code, { id, now: deps.now().getTime(), maxAttempts: deps.settings.maxCodeAttempts });
  if (dead || !code) throw new ChallengeExpiredError(`code_${dead ?? 'replaced'}`);
  respondWithCode(event, plan.channel, shown(code));
  logger.info('same code asked for again; nothing sent', { roundId: id, destination: code.destination });
}

/** A RECOVERY_CODE round: nothing read, nothing stored (Verify checks the answer against the set). */
export function askRecoveryCode(event: CreateAuthChallengeEvent): void {
  const id = newRoundId();
  respond(event, 'RECOVERY_CODE', id, {}, privateParameters({ type: 'RECOVERY_CODE', id }));
  logger.info('recovery code requested', { roundId: id });
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
    respondWithCode(event, channelOf(code), shown(code), { mark: 'wait', retryAfter });
    logger.info('resend asked for too early; same code, nothing sent', { roundId: code.id, retryAfter });
    return;
  }
  await issueAndSend(event, sub, resendTarget(event, code), deps, 'resent');
}

/**
 * Where a resent code goes: a sign-in code to the verified number on file now; an enrolment or new
 * number's code to the number the code being replaced went to (proven valid in this sign-in's
 * PHONE_REQUIRED round); an email code to the address the old one went to.
 */
function resendTarget(event: CreateAuthChallengeEvent, code: CodeRecord): CodeTarget {
  if (code.purpose === 'email_proof') {
    if (!code.email) throw new EmailUnavailableError('no_email_on_code');
    return { channel: 'EMAIL_OTP', email: code.email, purpose: 'email_proof' };
  }
  const phone = code.purpose === 'sign_in' ? event.request.userAttributes.phone_number : code.phone;
  if (!phone) throw new SmsUnavailableError('no_phone_on_file');
  return { channel: 'SMS_OTP', phone, purpose: code.purpose };
}

/**
 * Is `code` the new code an earlier run of this very Create (Cognito retrying it) sent in answer to
 * the `RESEND`? Its round key is this session's, and it is reusable like any retry's code.
 */
function isRetriedResend(event: CreateAuthChallengeEvent, code: CodeRecord, deps: CreateDeps): boolean {
  const { settings } = deps;
  const nowMs = deps.now().getTime();
  const address = code.purpose === 'email_proof' ? code.email : code.phone;
  if (!address) return false;
  return isReusable(code, {
    roundKey: roundKey(event, address, code.purpose),
    now: nowMs,
    cooldownStart: nowMs - settings.resendCooldownSeconds * 1000,
    maxAttempts: settings.maxCodeAttempts,
  });
}

/** A new code to `target`: claimed with the send limits in one transaction, then the SMS or email. */
export async function issueAndSend(
  event: CreateAuthChallengeEvent,
  sub: string,
  target: CodeTarget,
  deps: CreateDeps,
  mark?: RoundMark,
): Promise<void> {
  const { settings } = deps;
  const now = deps.now();
  const nowMs = now.getTime();
  let address: { phone?: string; email?: string; destination: string; key: string };
  if (target.channel === 'SMS_OTP') {
    const check = checkPhone(target.phone, settings.allowedCountries);
    if (!check.ok) throw new SmsUnavailableError(`phone_${check.reason}`);
    address = { phone: check.e164, destination: maskPhone(check.e164), key: check.e164 };
  } else {
    if (!deps.email) throw new EmailUnavailableError('no_sender');
    address = { email: target.email, destination: maskEmailDestination(target.email), key: target.email };
  }

  const code = generateCode(settings.codeLength);
  const expiresAt = nowMs + settings.codeTtlSeconds * 1000;
  const record: CodeRecord = {
    pk: challengePk(sub),
    sk: CODE_SK,
    id: newRoundId(),
    roundKey: roundKey(event, address.key, target.purpose),
    purpose: target.purpose,
    ...(address.phone ? { phone: address.phone } : {}),
    ...(address.email ? { email: address.email } : {}),
    destination: address.destination,
    length: settings.codeLength,
    ...hashCode(code),
    createdAt: nowMs,
    expiresAt,
    // A wrong answer's next round reads it back until it expires; DynamoDB removes it after.
    ttl: Math.ceil(expiresAt / 1000) + 3600,
  };
  const log = { roundId: record.id, destination: record.destination, purpose: target.purpose };

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
      phone: address.phone,
      purpose: target.purpose,
      now,
      perUserPerHour: settings.perUserPerHour,
      perPhonePerDay: settings.perPhonePerDay,
      unprovenPerPhonePerDay: settings.unprovenPerPhonePerDay,
      unprovenPerUserPerDay: settings.unprovenPerUserPerDay,
    }),
  );
  if (issued.outcome === 'reuse') {
    // The round key covers the purpose and the address, so the reused code is of this channel.
    respondWithCode(event, channelOf(issued.code), shown(issued.code), { mark });
    logger.info('code for this round already sent; reused, nothing sent', {
      ...log,
      roundId: issued.code.id,
    });
    return;
  }
  if (issued.outcome === 'limited') throw new SendLimitError(issued.limit);

  const validMinutes = Math.ceil(settings.codeTtlSeconds / 60);
  const locale = event.request.userAttributes.locale;
  try {
    if (target.channel === 'SMS_OTP' && address.phone) {
      const message = renderOtpSms({ code, appName: settings.appName, validMinutes, locale });
      await deps.sms.send({ phone: address.phone, message });
    } else if (deps.email && address.email) {
      await deps.email.send({ to: address.email, code, validMinutes, locale });
    }
  } catch (error) {
    await releaseQuietly(deps, sub, record.id);
    throw error;
  }
  respondWithCode(event, target.channel, shown(record), { mark });
  countMetric('CreateAuthChallenge', 'CodesSent', target.purpose);
  logger.info(mark === 'resent' ? 'new code sent in answer to a resend' : 'code sent', log);
}

/** A stored code as its round shows it. */
function shown(code: CodeRecord) {
  return {
    id: code.id,
    destination: code.destination,
    length: code.length,
    codeHash: code.codeHash,
    salt: code.salt,
    expiresAt: code.expiresAt,
    purpose: code.purpose,
    phone: code.phone,
  };
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
