/**
 * The audit half of a security event, on its own so that a trigger that only records (PostConfirmation:
 * the devices a password reset revokes) loads neither the message catalogs nor SES.
 *
 * `recordAuditEvent(deps, sub, event)`: the phone numbers masked, then ONE conditional PutItem of
 * `securityEventRecord(sub, event, at)` (auth-state/keys.ts). Best effort like every security
 * event (security-events.ts): a failed write is logged (the event, the step, the error's name) and
 * counted as a `DependencyFailures` for a trigger, never thrown; the outcome says what happened.
 */
import {
  type SecurityEventKind,
  type SecurityEventRecord,
  securityEventRecord,
} from '#shared/auth-state/keys';
import { maskPhone } from '#shared/challenge/mask';
import { logger } from '#shared/logger';
import type { TriggerName } from '#shared/metric-catalog';
import { countFailure } from '#shared/metrics';
import type { SecurityEventStore } from './audit-store';

/** What to record: the record's fields without its keys; `at` defaults to `deps.now()`. */
export type SecurityEvent = Omit<SecurityEventRecord, 'pk' | 'sk' | 'at' | 'ttl'> & {
  /** When it happened. Pass a time that a retry of the same request repeats to make it idempotent. */
  at?: Date | undefined;
};

/** The two logger methods used here (the shared logger's). */
export interface NoticeLog {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
}

export interface AuditDeps {
  /**
   * The trail's writer: the store, or a fake. Typed by the store's own method so that the IAM
   * test's static analysis follows this call to the PutItem it sends (an interface hides it).
   */
  audit: Pick<SecurityEventStore, 'put'>;
  /** The trigger that counts the metrics; absent (the users CLI): nothing is counted. */
  trigger?: TriggerName | undefined;
  now?: () => Date;
  /** Where the outcome is logged: the functions' logger unless given (a CLI keeps its stdout clean). */
  log?: NoticeLog | undefined;
}

export type AuditOutcome = 'recorded' | 'duplicate' | 'failed';

/**
 * The audit record alone, no email: for an event the user hears of through another notice of the
 * same moment (devices revoked with a phone reset, a suspension or a recovery code) or through
 * Cognito's own emails (a password reset).
 */
export async function recordAuditEvent(
  deps: AuditDeps,
  sub: string,
  event: SecurityEvent,
): Promise<AuditOutcome> {
  const { recorded } = await writeAuditRecord(deps, sub, event);
  (deps.log ?? logger).info('security event', { securityEvent: event.action, recorded, notice: 'none' });
  return recorded;
}

/** The record as written (numbers masked) and the outcome of its write; never throws. */
export async function writeAuditRecord(
  deps: AuditDeps,
  sub: string,
  event: SecurityEvent,
): Promise<{ record: SecurityEventRecord; recorded: AuditOutcome }> {
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
    noticeFailed(deps, event.action, 'audit', error);
    return { record, recorded: 'failed' };
  }
}

/** Logged with the step and the error's name (a DependencyError's message holds no data); counted. */
export function noticeFailed(
  deps: Pick<AuditDeps, 'trigger' | 'log'>,
  event: SecurityEventKind,
  step: 'audit' | 'email',
  error: unknown,
): void {
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
