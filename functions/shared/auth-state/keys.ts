/**
 * The auth-state table (env AUTH_STATE_TABLE; pk `pk`, sk `sk`, TTL attribute `ttl`): key builders
 * and record types. This file is the contract between writers and readers (see
 * helpers' common.md); change it only together with every reader.
 *
 * Everything the pre-authentication trigger needs about a user is under pk `USER#<sub>` and is
 * read with ONE Query on that pk:
 *   FAIL#<ISO at>#<8 hex>   a failed answer (wrong code, rejected phone, …), TTL at + 24 h
 *   INVITE#RECONCILED       set by pre-authentication once the user's invite is settled
 *   LIFECYCLE#CONFIRMED     set by post-confirmation: when the sign-up was confirmed (enrolment grace)
 *   LOCKOUT#RESET           set by the users CLI (`unlock`): failures up to its `at` no longer count
 *   RECOVERY#PENDING        a recovery code was used; the new number is not proven yet (Verify)
 *   REMEMBERED#<device id>  a remembered device's public key (Verify; revoked by deleting it)
 *   SUSPENSION              set by the users CLI
 * They sort in that order (`FAIL#…` < `INVITE#…` < `LIFECYCLE#…` < `LOCKOUT#…` < `RECOVERY#…` <
 * `REMEMBERED#…` < `SUSPENSION`), so the Query's
 * range `FAIL#<window start>` .. `SUSPENSION` holds all of them.
 * The triggers' working state lives under other prefixes, never mixed into that Query:
 *   CHALLENGE#<sub> / CODE              the user's current code, SMS or email (hash, destination, round)
 *   CHALLENGE#<sub> / RECOVERY          the user's recovery codes (hashes only)
 *   CHALLENGE#<sub> / PHONE#<round id>  a phone number accepted in a PHONE_REQUIRED round
 *   CHALLENGE#DECOY#<hash> / DECOY      the masked destination shown for an unknown username
 *   SENDS#USER#<sub or DECOY#hash> / HOUR#<yyyy-mm-ddThh>   codes sent for a user in that UTC hour
 *   SENDS#PHONE#<hash> / DAY#<yyyy-mm-dd>   sign-in SMS sent to a verified number that UTC day
 *   SENDS#UNPROVEN#PHONE#<hash> / DAY#<yyyy-mm-dd>   enrolment SMS to a number not yet proven
 *   SENDS#UNPROVEN#USER#<sub> / DAY#<yyyy-mm-dd>     enrolment SMS one account asked for that day
 *   CHALLENGE#<sub> / ANSWERED#<nonce>  a failed answer to the round with that nonce was counted
 */
import { createHash } from 'node:crypto';

// ---- per-user records (read by pre-authentication) -------------------------------------------

export const USER_PK_PREFIX = 'USER#';
export const FAILURE_SK_PREFIX = 'FAIL#';
export const SUSPENSION_SK = 'SUSPENSION';
/** An operator's early end of a lockout (attributes `at`, `by`, optional `reason`); no TTL. */
export const LOCKOUT_RESET_SK = 'LOCKOUT#RESET';
/** How long a failure record lives (DynamoDB deletes it some time after). */
export const FAILURE_TTL_SECONDS = 24 * 60 * 60;

export const userPk = (sub: string): string => `${USER_PK_PREFIX}${sub}`;

/** `FAIL#2025-01-31T12:00:00.000Z#a1b2c3d4`: sorts by time; the suffix keeps same-ms failures apart. */
export const failureSk = (at: Date, randomHex8: string): string =>
  `${FAILURE_SK_PREFIX}${at.toISOString()}#${randomHex8}`;

/** Why an answer failed. Every reason counts as a failure for lockout. */
export type FailureReason =
  /** A code that is not the one sent (or not a well-formed code at all). */
  | 'wrong_code'
  /** A PHONE_REQUIRED answer that is not a valid mobile number in an allowed country. */
  | 'invalid_phone'
  /** The right code or not, after the code's expiry. */
  | 'expired_code'
  /** The right digits of a code that was already used, spent its wrong-answer budget or was replaced. */
  | 'dead_code'
  /** A RECOVERY_CODE answer that is not one of the user's unused recovery codes. */
  | 'wrong_recovery_code'
  /** A DEVICE_PROOF answer that is not a valid signature of a remembered device (or a used challenge). */
  | 'wrong_device_proof';

export interface FailureRecord {
  pk: string;
  sk: string;
  /** ISO-8601. */
  at: string;
  reason: FailureReason;
  /** Epoch seconds: at + 24 h. */
  ttl: number;
}

export interface SuspensionRecord {
  pk: string;
  sk: typeof SUSPENSION_SK;
  reason: string;
  /** ISO-8601. */
  at: string;
  /** Who suspended the user (operator name or tool). */
  by: string;
}

export type UserRecord = ({ kind: 'failure' } & FailureRecord) | ({ kind: 'suspension' } & SuspensionRecord);

/** Sorts the items of the `USER#<sub>` Query into typed records; unknown items are skipped. */
export function classifyUserItem(item: Record<string, unknown>): UserRecord | undefined {
  const sk = item.sk;
  if (typeof sk !== 'string' || typeof item.pk !== 'string') return undefined;
  if (sk.startsWith(FAILURE_SK_PREFIX)) return { kind: 'failure', ...(item as unknown as FailureRecord) };
  if (sk === SUSPENSION_SK) return { kind: 'suspension', ...(item as unknown as SuspensionRecord) };
  return undefined;
}

// ---- challenge state (create/verify-auth-challenge only) -------------------------------------

export const challengePk = (sub: string): string => `CHALLENGE#${sub}`;
export const CODE_SK = 'CODE';
export const phoneCandidateSk = (phoneRoundId: string): string => `PHONE#${phoneRoundId}`;
/** Marks that a failed answer to the round with this private-parameter nonce was recorded (retry detection). */
export const answeredSk = (nonce: string): string => `ANSWERED#${nonce}`;

/**
 * An unknown username's stand-in for a `sub`: a hash of the pool and the username, so the table
 * never holds usernames someone merely tried. Used for its decoy and its send counter.
 */
export const decoyKey = (userPoolId: string, userName: string): string =>
  `DECOY#${sha256Hex(`${userPoolId}\n${userName}`).slice(0, 32)}`;
export const decoyPk = (userPoolId: string, userName: string): string =>
  `CHALLENGE#${decoyKey(userPoolId, userName)}`;
export const DECOY_SK = 'DECOY';

// ---- send counters ---------------------------------------------------------------------------

export const userSendsPk = (userKey: string): string => `SENDS#USER#${userKey}`;
/** Numbers are counted under a hash (pseudonymous, not secret: the number space is small). */
export const phoneSendsPk = (e164: string): string =>
  `SENDS#PHONE#${sha256Hex(`phone:${e164}`).slice(0, 32)}`;
/**
 * Enrolment sends (a number typed at PHONE_REQUIRED, not yet proven) are counted apart from the
 * sign-in sends of the number's verified owner, so nobody else's enrolment attempts can use up the
 * owner's budget (docs/two-factor.md, "Send limits").
 */
export const unprovenPhoneSendsPk = (e164: string): string =>
  `SENDS#UNPROVEN#PHONE#${sha256Hex(`phone:${e164}`).slice(0, 32)}`;
export const unprovenUserSendsPk = (sub: string): string => `SENDS#UNPROVEN#USER#${sub}`;

/** `HOUR#2025-01-31T13` (UTC). */
export const hourWindowSk = (at: Date): string => `HOUR#${at.toISOString().slice(0, 13)}`;
/** `DAY#2025-01-31` (UTC). */
export const dayWindowSk = (at: Date): string => `DAY#${at.toISOString().slice(0, 10)}`;

/** A failure record for the lockout (written by Verify, inside the transaction that counts it). */
export function failureRecord(
  sub: string,
  reason: FailureReason,
  at: Date,
  randomHex8: string,
): FailureRecord {
  return {
    pk: userPk(sub),
    sk: failureSk(at, randomHex8),
    at: at.toISOString(),
    reason,
    ttl: Math.floor(at.getTime() / 1000) + FAILURE_TTL_SECONDS,
  };
}

// ---- the audit trail: security events and operators' changes ---------------------------------

/**
 * `USER#<sub>` / `AUDIT#<ISO at>#<action>`: one event in the user's trail. Written by the triggers
 * (a phone bound or changed, a recovery code used, a new set of recovery codes, a lockout, a device
 * remembered, devices revoked by a recovery code or a password reset) and by the operators' tools
 * (`users migrate --apply`, `reset-phone`, `suspend`, `devices revoke`), read by `users show`
 * and `users audit`. It sorts before `FAIL#`, outside the account-status Query's range, so
 * sign-ins never read it. Every record expires after AUDIT_TTL_DAYS (docs/operations.md).
 */
export const AUDIT_SK_PREFIX = 'AUDIT#';
export const auditSk = (at: Date, action: string): string =>
  `${AUDIT_SK_PREFIX}${at.toISOString()}#${action}`;
/** How long an audit record is kept: 400 days, a year of reviews and a month to spare. */
export const AUDIT_TTL_DAYS = 400;
export const auditTtl = (at: Date): number => Math.floor(at.getTime() / 1000) + AUDIT_TTL_DAYS * 86_400;

/** The security events: each is an audit record and (when a sender is set) an email to the user. */
export const SECURITY_EVENTS = [
  'phone_bound',
  'phone_changed',
  'phone_reset',
  'recovery_code_used',
  'recovery_codes_new',
  'locked_out',
  'suspended',
  'device_remembered',
  'devices_revoked',
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENTS)[number];

/**
 * Why remembered devices were revoked (`devices_revoked`'s `cause`): an operator's
 * `users devices revoke`, or what revokes them all on its own: a phone reset, a suspension, a
 * recovery code standing in for the phone, a password reset (PostConfirmation_ConfirmForgotPassword).
 */
export const DEVICE_REVOCATION_CAUSES = [
  'operator',
  'phone_reset',
  'suspended',
  'recovery_code_used',
  'password_reset',
] as const;
export type DeviceRevocationCause = (typeof DEVICE_REVOCATION_CAUSES)[number];

/**
 * A security event's audit record. Never a full number: `destination`/`oldDestination` are masked
 * (`+*******1234`). `by` is `user` (the user's own sign-in), `system` (a trigger's own decision,
 * such as a lockout) or the operator's name.
 */
export interface SecurityEventRecord {
  pk: string;
  sk: string;
  /** ISO-8601. */
  at: string;
  action: SecurityEventKind;
  by: string;
  reason?: string | undefined;
  destination?: string | undefined;
  oldDestination?: string | undefined;
  /** recovery_code_used: codes left after this one. */
  recoveryCodesLeft?: number | undefined;
  /** device_remembered, and devices_revoked of one named device: its id (base64url SHA-256 of its key). */
  deviceId?: string | undefined;
  /** The device's name as the app gave it (untrusted: cleaned and escaped wherever it is shown). */
  deviceName?: string | undefined;
  /** devices_revoked: how many devices were revoked. */
  devicesRevoked?: number | undefined;
  /** devices_revoked: why (`reason` keeps the operator's own words, when they gave some). */
  cause?: DeviceRevocationCause | undefined;
  /** Epoch seconds. */
  ttl: number;
}

export function securityEventRecord(
  sub: string,
  event: Omit<SecurityEventRecord, 'pk' | 'sk' | 'at' | 'ttl'>,
  at: Date,
): SecurityEventRecord {
  const defined = Object.fromEntries(Object.entries(event).filter(([, value]) => value !== undefined));
  return {
    ...(defined as Omit<SecurityEventRecord, 'pk' | 'sk' | 'at' | 'ttl'>),
    pk: userPk(sub),
    sk: auditSk(at, event.action),
    at: at.toISOString(),
    ttl: auditTtl(at),
  };
}

// ---- second-factor lifecycle -----------------------------------------------------------------

/**
 * `CHALLENGE#<sub>` / `RECOVERY`: the user's recovery codes, only as hashes (`codes`, a DynamoDB
 * string set of `recoveryCodeHash` values), `createdAt` (epoch ms), `issued` (how many the set
 * had), and the last use (`lastUsedBy` = the round's nonce, `lastUsedHash`) so that a Cognito retry
 * of the answer that burnt a code is right again. A new set replaces the item; `users reset-phone`
 * deletes it. No TTL.
 */
export const RECOVERY_SK = 'RECOVERY';

/**
 * `USER#<sub>` / `LIFECYCLE#CONFIRMED`: when the account was confirmed (PostConfirmation, sign-up
 * confirmed with the invite's email code), attribute `at` (ISO-8601). Inside the account-status
 * Query's range (`FAIL#…` < `LIFECYCLE#…` < `SUSPENSION`), so Create learns the enrolment grace
 * with the read it makes anyway. TTL: two days after (the grace is at most one).
 */
export const CONFIRMED_SK = 'LIFECYCLE#CONFIRMED';

/**
 * `USER#<sub>` / `REMEMBERED#<device id>`: a remembered device (docs/protocol.md, "Remembered
 * devices"): `publicKey` (base64url SPKI), `name` (optional), `createdAt`, `expiresAt`,
 * `lastUsedAt` (ISO-8601), and the last proof (`lastChallenge`, `lastNonce`) that makes a
 * challenge single-use while a Cognito retry of the same answer stays right. Inside the
 * account-status Query's range (`LOCKOUT#…` < `REMEMBERED#…` < `SUSPENSION`), so Create and Verify
 * see the user's devices with the read they make anyway. TTL: `expiresAt`. Revoking deletes it.
 */
export const REMEMBERED_SK_PREFIX = 'REMEMBERED#';

/**
 * `USER#<sub>` / `RECOVERY#PENDING`: a right recovery code was entered at `at`; until the new
 * number is proven (attribute `until`, ISO-8601: the longest auth session, then it no longer
 * counts; TTL a day later) the lost phone is still the verified one. While it stands no device is
 * remembered with a sign-in code, and the bind of the new number revokes every device and signs
 * the user out everywhere (docs/protocol.md, "Remembered devices"). Inside the account-status
 * Query's range, so both Verify calls see it with the read they make anyway.
 */
export const RECOVERY_PENDING_SK = 'RECOVERY#PENDING';
export const rememberedDeviceSk = (deviceId: string): string => `${REMEMBERED_SK_PREFIX}${deviceId}`;

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
