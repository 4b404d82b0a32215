/**
 * A security event: a line in the user's audit trail, and a notice to their verified email.
 *
 * `recordSecurityEvent(deps, sub, event, user)`:
 *   1. masks the phone numbers of the event (a full number never reaches the table or the email);
 *   2. ONE PutItem of `securityEventRecord(sub, event, at)` (auth-state/keys.ts), conditional on
 *      the record being new: a `duplicate` (a Cognito retry passing the same `at`) stops here;
 *   3. only when a sender is configured (`deps.email`) and the user has an email with
 *      `email_verified` 'true': the notice rendered in the user's `locale`
 *      (#shared/messages `renderSecurityNotice`), ONE SendEmail;
 *   4. counts `SecurityNoticesSent` (reason: the event) for a trigger.
 *
 * Best effort, by design: the event has already happened (a phone is bound, a code is used, the
 * user is locked out) and the sign-in that caused it must not fail because the trail or the
 * mailbox could not be reached. So nothing here throws: a failed write or send is logged (the
 * event, the step, the error's name; never an address or a number) and counted as a
 * `DependencyFailures` (`dynamodb`, `ses` or `deadline`), and the outcome says what happened.
 * A failed write does not stop the email: the user hears of the event either way.
 *
 * An unverified email gets nothing: it may belong to someone else (an address changed and not yet
 * confirmed), and a notice there would tell a stranger about the account.
 */
import {
  type SecurityEventKind,
  type SecurityEventRecord,
  securityEventRecord,
} from '#shared/auth-state/keys';
import type { EmailSender } from '#shared/aws/ses';
import { maskPhone } from '#shared/challenge/mask';
import { logger } from '#shared/logger';
import type { Branding } from '#shared/messages/branding';
import { renderSecurityNotice } from '#shared/messages/notices';
import type { TriggerName } from '#shared/metric-catalog';
import { countFailure, countMetric } from '#shared/metrics';
import type { AuditWriter } from './audit-store';

/** The user as the notice needs them: Cognito's attribute values, as a trigger event carries them. */
export interface NoticeRecipient {
  email?: string | undefined;
  /** Cognito's `email_verified`: only 'true' (or true) lets a notice go out. */
  emailVerified?: string | boolean | undefined;
  /** The `locale` attribute: the notice's language (English when absent or unknown). */
  locale?: string | undefined;
  /** The `name` attribute, for the greeting (cleaned and escaped by the renderer). */
  name?: string | undefined;
}

/** A recipient from Cognito's `userAttributes` (a trigger's `event.request.userAttributes`). */
export function noticeRecipient(attributes: Readonly<Record<string, string | undefined>>): NoticeRecipient {
  return {
    email: attributes.email,
    emailVerified: attributes.email_verified,
    locale: attributes.locale,
    name: attributes.name,
  };
}

/** What to record: the record's fields without its keys; `at` defaults to `deps.now()`. */
export type SecurityEvent = Omit<SecurityEventRecord, 'pk' | 'sk' | 'at' | 'ttl'> & {
  /** When it happened. Pass a time that a retry of the same request repeats to make it idempotent. */
  at?: Date | undefined;
};

export interface SecurityEventDeps {
  audit: AuditWriter;
  /** Undefined when no sender is configured: the event is recorded, no notice is sent. */
  email?: EmailSender | undefined;
  branding: Branding;
  /** The trigger that counts the metrics; absent (the users CLI): nothing is counted. */
  trigger?: TriggerName | undefined;
  now?: () => Date;
  /** Where the outcome is logged: the functions' logger unless given (a CLI keeps its stdout clean). */
  log?: NoticeLog | undefined;
}

/** The two logger methods used here (the shared logger's). */
export interface NoticeLog {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
}

export interface SecurityEventOutcome {
  recorded: 'recorded' | 'duplicate' | 'failed';
  notice: 'sent' | 'failed' | 'no_sender' | 'no_verified_email' | 'duplicate';
}

export async function recordSecurityEvent(
  deps: SecurityEventDeps,
  sub: string,
  event: SecurityEvent,
  user: NoticeRecipient,
): Promise<SecurityEventOutcome> {
  const { record, recorded } = await writeRecord(deps, sub, event);
  if (recorded === 'duplicate') return { recorded, notice: 'duplicate' };

  const notice = await notify(deps, record, new Date(record.at), user);
  (deps.log ?? logger).info('security event', { securityEvent: event.action, recorded, notice });
  return { recorded, notice };
}

/**
 * Steps 1 and 2 alone: the audit record, no email, for an event the user hears of through another
 * notice of the same moment (devices revoked with a phone reset, a suspension or a recovery code)
 * or not by us (a password reset: Cognito's own emails). Best effort like `recordSecurityEvent`.
 */
export async function recordAuditEvent(
  deps: Pick<SecurityEventDeps, 'audit' | 'trigger' | 'now' | 'log'>,
  sub: string,
  event: SecurityEvent,
): Promise<SecurityEventOutcome['recorded']> {
  const { recorded } = await writeRecord(deps, sub, event);
  (deps.log ?? logger).info('security event', { securityEvent: event.action, recorded, notice: 'none' });
  return recorded;
}

async function writeRecord(
  deps: Pick<SecurityEventDeps, 'audit' | 'trigger' | 'now' | 'log'>,
  sub: string,
  event: SecurityEvent,
): Promise<{ record: SecurityEventRecord; recorded: SecurityEventOutcome['recorded'] }> {
  const { at: when, ...fields } = event;
  const at = when ?? deps.now?.() ?? new Date();
  const record = securityEventRecord(
    sub,
    {
      ...fields,
      destination: fields.destination ? maskPhone(fields.destination) : undefined,
      oldDestination: fields.oldDestination ? maskPhone(fields.oldDestination) : undefined,
    },
    at,
  );
  try {
    return { record, recorded: await deps.audit.put(record) };
  } catch (error) {
    failed(deps, event.action, 'audit', error);
    return { record, recorded: 'failed' };
  }
}

/**
 * The email half alone, for an event whose audit record a caller has already written in its own
 * order (`users reset-phone` writes the record first and tells the user only once the reset is
 * done). Best effort like `recordSecurityEvent`: never throws.
 */
export function sendSecurityNotice(
  deps: SecurityEventDeps,
  record: SecurityEventRecord,
  user: NoticeRecipient,
): Promise<SecurityEventOutcome['notice']> {
  return notify(deps, record, new Date(record.at), user);
}

async function notify(
  deps: SecurityEventDeps,
  record: SecurityEventRecord,
  at: Date,
  user: NoticeRecipient,
): Promise<SecurityEventOutcome['notice']> {
  if (!deps.email) return 'no_sender';
  const verified = user.emailVerified === true || user.emailVerified === 'true';
  if (!user.email || !verified) return 'no_verified_email';
  try {
    const rendered = renderSecurityNotice({
      event: record.action,
      at,
      locale: user.locale,
      branding: deps.branding,
      name: user.name,
      destination: record.destination,
      oldDestination: record.oldDestination,
      recoveryCodesLeft: record.recoveryCodesLeft,
      deviceName: record.deviceName,
      devicesRevoked: record.devicesRevoked,
    });
    await deps.email.send({
      to: user.email,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
    });
  } catch (error) {
    failed(deps, record.action, 'email', error);
    return 'failed';
  }
  if (deps.trigger) countMetric(deps.trigger, 'SecurityNoticesSent', record.action);
  return 'sent';
}

/** Logged with the step and the error's name (a DependencyError's message holds no data); counted. */
function failed(
  deps: Pick<SecurityEventDeps, 'trigger' | 'log'>,
  event: SecurityEventKind,
  step: 'audit' | 'email',
  error: unknown,
) {
  const name = error instanceof Error ? error.name : typeof error;
  const detail =
    name === 'DependencyError' || name === 'DeadlineExceededError' ? (error as Error).message : undefined;
  (deps.log ?? logger).warn('security event not completed', {
    securityEvent: event,
    step,
    error: name,
    detail,
  });
  if (deps.trigger) countFailure(deps.trigger, error);
}
