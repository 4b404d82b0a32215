/**
 * What `users show` says about a user's second factor: the phone on file (masked) and whether it is
 * verified, when it was enrolled, how many recovery codes are left, and the latest security events.
 *
 * The phone comes from the user pool's attributes (already read to find the user); the recovery
 * codes from `CHALLENGE#<sub>` / `RECOVERY` (only hashes: the set's size is all there is to say);
 * the enrolment date and the events from the audit trail, read newest first only as far as needed.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RecoveryStore } from '#shared/auth-state/recovery-store';
import { maskPhone } from '#shared/challenge/mask';
import { type AuditEntry, isSecurityEvent, readTrail } from './trail';

/** How many security events `show` lists. */
export const RECENT_EVENTS = 5;
/** Events that bind a phone: the newest is the enrolment date. */
const ENROLMENT_ACTIONS = new Set(['phone_bound', 'phone_changed']);

export interface SecondFactorView {
  /** The number on file, masked (`+*******1234`), and whether the pool marks it verified. */
  phone?: { destination: string; verified: boolean } | undefined;
  /** ISO-8601 time of the newest phone_bound / phone_changed event; absent when the trail has none. */
  enrolledAt?: string | undefined;
  /** Unused recovery codes (0 when the user has none). */
  recoveryCodesLeft: number;
  /** When the current set of recovery codes was made (ISO-8601), if there is one. */
  recoveryCodesIssuedAt?: string | undefined;
  /** The newest security events, newest first (at most RECENT_EVENTS). */
  recentSecurityEvents: AuditEntry[];
}

export interface SecondFactorSource {
  dynamodb: DynamoDBDocumentClient;
  tableName: string;
}

export async function secondFactorView(
  source: SecondFactorSource,
  user: { sub: string; attributes?: Record<string, string> | undefined },
): Promise<SecondFactorView> {
  const [recovery, trail] = await Promise.all([
    recoveryCodes(source, user.sub),
    securityHistory(source, user.sub),
  ]);
  const number = user.attributes?.phone_number;
  return {
    phone: number
      ? { destination: maskPhone(number), verified: user.attributes?.phone_number_verified === 'true' }
      : undefined,
    enrolledAt: trail.enrolledAt,
    recoveryCodesLeft: recovery.left,
    recoveryCodesIssuedAt: recovery.createdAt,
    recentSecurityEvents: trail.events,
  };
}

/** The size of the stored set of recovery-code hashes (a DynamoDB string set: absent when empty). */
async function recoveryCodes(
  source: SecondFactorSource,
  sub: string,
): Promise<{ left: number; createdAt?: string | undefined }> {
  const record = await new RecoveryStore(source.dynamodb, source.tableName).read(sub);
  const left = record?.codes instanceof Set ? record.codes.size : 0;
  const createdAt =
    typeof record?.createdAt === 'number' && Number.isFinite(record.createdAt)
      ? new Date(record.createdAt).toISOString()
      : undefined;
  return { left, createdAt };
}

/**
 * Reads the trail newest first until it has RECENT_EVENTS security events and the newest
 * enrolment (or the trail ends): a long trail costs only the pages up to both.
 */
async function securityHistory(
  source: SecondFactorSource,
  sub: string,
): Promise<{ events: AuditEntry[]; enrolledAt?: string | undefined }> {
  const events: AuditEntry[] = [];
  let enrolledAt: string | undefined;
  for await (const entry of readTrail(source, sub, 25)) {
    if (!isSecurityEvent(entry)) continue;
    if (events.length < RECENT_EVENTS) events.push(entry);
    if (enrolledAt === undefined && ENROLMENT_ACTIONS.has(entry.action)) enrolledAt = entry.at;
    if (events.length >= RECENT_EVENTS && enrolledAt !== undefined) break;
  }
  return { events, enrolledAt };
}
