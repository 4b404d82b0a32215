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
import type { SecurityEventRecord } from '#shared/auth-state/keys';
import type { EmailSender } from '#shared/aws/ses';
import { logger } from '#shared/logger';
import type { Branding } from '#shared/messages/branding';
import { renderSecurityNotice } from '#shared/messages/notices';
import type { TriggerName } from '#shared/metric-catalog';
import { countMetric } from '#shared/metrics';
import {
  type AuditOutcome,
  type NoticeLog,
  noticeFailed,
  type SecurityEvent,
  writeAuditRecord,
} from './audit-event';
import type { AuditWriter } from './audit-store';

export { type AuditOutcome, type NoticeLog, recordAuditEvent, type SecurityEvent } from './audit-event';

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

export interface SecurityEventOutcome {
  recorded: AuditOutcome;
  notice: 'sent' | 'failed' | 'no_sender' | 'no_verified_email' | 'duplicate';
}

export async function recordSecurityEvent(
  deps: SecurityEventDeps,
  sub: string,
  event: SecurityEvent,
  user: NoticeRecipient,
): Promise<SecurityEventOutcome> {
  const { record, recorded } = await writeAuditRecord(deps, sub, event);
  if (recorded === 'duplicate') return { recorded, notice: 'duplicate' };

  const notice = await notify(deps, record, new Date(record.at), user);
  (deps.log ?? logger).info('security event', { securityEvent: event.action, recorded, notice });
  return { recorded, notice };
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
    noticeFailed(deps, record.action, 'email', error);
    return 'failed';
  }
  if (deps.trigger) countMetric(deps.trigger, 'SecurityNoticesSent', record.action);
  return 'sent';
}
