/**
 * The invite record and the pure decisions about it. No I/O here.
 *
 * Lifecycle: pending -> accepted | revoked. "Expired" is not stored: it is a pending invite whose
 * `expiresAt` has passed (DynamoDB TTL removes the item some time after `ttl`).
 */
import { hashesEqual, hashInviteCode } from '#shared/invites/code';

export type InviteStatus = 'pending' | 'accepted' | 'revoked';

export interface Invite {
  /** Partition key: the normalised email the invite is bound to. */
  email: string;
  codeHash: string;
  status: InviteStatus;
  group?: string | undefined;
  createdAt: string;
  expiresAt: string;
  /** Epoch seconds for DynamoDB TTL (expiry plus a retention period for the audit trail). */
  ttl: number;
  acceptedAt?: string | undefined;
  /** The accepting user's `sub`. */
  acceptedBy?: string | undefined;
  revokedAt?: string | undefined;
}

export const DEFAULT_INVITE_DAYS = 7;
export const MAX_INVITE_DAYS = 90;
/** How long a finished (or expired) invite stays readable before TTL deletes it. */
export const RETENTION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export function newInvite(input: {
  email: string;
  code: string;
  group?: string | undefined;
  days: number;
  now: Date;
}): Invite {
  const expires = new Date(input.now.getTime() + input.days * DAY_MS);
  return {
    email: input.email,
    codeHash: hashInviteCode(input.code),
    status: 'pending',
    ...(input.group ? { group: input.group } : {}),
    createdAt: input.now.toISOString(),
    expiresAt: expires.toISOString(),
    ttl: Math.floor((expires.getTime() + RETENTION_DAYS * DAY_MS) / 1000),
  };
}

export function isExpired(invite: Invite, now: Date): boolean {
  return Date.parse(invite.expiresAt) <= now.getTime();
}

/** What a reader sees: pending invites past their expiry show as expired. */
export function effectiveStatus(invite: Invite, now: Date): InviteStatus | 'expired' {
  return invite.status === 'pending' && isExpired(invite, now) ? 'expired' : invite.status;
}

export type InviteCheck =
  | { ok: true; invite: Invite }
  | {
      ok: false;
      reason: 'no_invite_for_email' | 'code_mismatch' | 'expired' | 'revoked' | 'already_accepted';
    };

/** May this code sign up this email now? The code comparison is constant-time. */
export function checkInvite(invite: Invite | undefined, canonicalCode: string, now: Date): InviteCheck {
  if (!invite) return { ok: false, reason: 'no_invite_for_email' };
  if (!hashesEqual(invite.codeHash, hashInviteCode(canonicalCode)))
    return { ok: false, reason: 'code_mismatch' };
  if (invite.status === 'revoked') return { ok: false, reason: 'revoked' };
  if (invite.status === 'accepted') return { ok: false, reason: 'already_accepted' };
  if (isExpired(invite, now)) return { ok: false, reason: 'expired' };
  return { ok: true, invite };
}
