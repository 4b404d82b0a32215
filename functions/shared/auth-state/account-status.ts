/**
 * A user's account status in the auth-state table: suspension, recent failed sign-ins, an
 * operator's lockout reset, and whether the user's invite has been reconciled. Everything lives in the
 * user's partition `USER#<sub>`, so pre-authentication reads it with ONE Query:
 *
 *   sk BETWEEN `FAIL#<since>` AND `SUSPENSION`
 *
 * Sort keys are compared as strings and ISO-8601 timestamps sort in time order, so that range
 * holds exactly: the failures at or after `since` (older ones, kept for the 24 h audit trail, are
 * not read at all, which keeps the read small even under attack), `INVITE#RECONCILED`,
 * `LIFECYCLE#CONFIRMED`, `LOCKOUT#RESET`, the remembered devices (`REMEMBERED#<id>`) and
 * `SUSPENSION`. Other items a later feature puts in between are ignored.
 *
 * Decisions (`lockoutState`, `accountDecision`) are pure functions over the records read here.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  CONFIRMED_SK,
  FAILURE_SK_PREFIX,
  LOCKOUT_RESET_SK,
  RECOVERY_PENDING_SK,
  REMEMBERED_SK_PREFIX,
  SUSPENSION_SK,
  userPk,
} from '#shared/auth-state/keys';
import { DependencyError, SignInNotAllowedError } from '#shared/challenge/errors';
import { logger } from '#shared/logger';

/**
 * Written by pre-authentication once the user's invite is settled (see its reconciliation). An
 * addition to the contract of keys.ts: it lives in the user's partition so the same Query sees it.
 */
export const INVITE_RECONCILED_SK = 'INVITE#RECONCILED';
/** The confirmation record outlives the longest enrolment grace (one day) by a day. */
export const CONFIRMED_TTL_SECONDS = 2 * 24 * 60 * 60;

export interface Suspension {
  reason: string;
  at: string;
  by: string;
}

/** An operator lifted the lockout early (`users unlock`): failures up to `at` no longer count. */
export interface LockoutReset {
  /** ISO-8601; always a readable time (an item whose `at` is not is ignored when read). */
  at: string;
  by: string;
  reason?: string | undefined;
}

export interface FailureEntry {
  at: string;
  reason?: string | undefined;
}

export interface AccountRecords {
  suspension?: Suspension | undefined;
  /** Failures at or after the `since` the records were read with, oldest first. */
  failures: FailureEntry[];
  lockoutReset?: LockoutReset | undefined;
  inviteReconciledAt?: string | undefined;
  /** When the sign-up was confirmed (post-confirmation; the enrolment grace), ISO-8601. */
  confirmedAt?: string | undefined;
  /** A recovery code was used and the new number is not proven yet: until when it counts (ISO-8601). */
  recoveryPendingUntil?: string | undefined;
  /** The user's remembered devices, expired ones included (their TTL deletes them later). */
  devices?: RememberedDevice[] | undefined;
}

/** Is a recovery in progress now (a recovery code used, the new number not proven yet)? */
export function recoveryPending(records: Pick<AccountRecords, 'recoveryPendingUntil'>, now: Date): boolean {
  const until = Date.parse(records.recoveryPendingUntil ?? '');
  return !Number.isNaN(until) && until > now.getTime();
}

/** A remembered device as stored (keys.ts, `REMEMBERED#<id>`). */
export interface RememberedDevice {
  /** base64url SHA-256 of the SPKI. */
  id: string;
  /** base64url SPKI of its ECDSA P-256 public key. */
  publicKey: string;
  name?: string | undefined;
  /** ISO-8601. */
  createdAt: string;
  /** ISO-8601. */
  expiresAt: string;
  /** ISO-8601; absent until its first proof. */
  lastUsedAt?: string | undefined;
}

/** A device that may prove a sign-in now: stored, not expired. */
export function usableDevice(
  records: Pick<AccountRecords, 'devices'>,
  deviceId: string | undefined,
  now: Date,
): RememberedDevice | undefined {
  if (deviceId === undefined) return undefined;
  const device = records.devices?.find((candidate) => candidate.id === deviceId);
  const expiresAt = Date.parse(device?.expiresAt ?? '');
  return device && !Number.isNaN(expiresAt) && expiresAt > now.getTime() ? device : undefined;
}

export interface LockoutPolicy {
  maxFailures: number;
  windowMinutes: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, windowMinutes: 15 };
/** Failure records live 24 h (their TTL), so a longer window could never be counted. */
export const MAX_WINDOW_MINUTES = 24 * 60;

export interface LockoutState {
  /** Failures that count: those inside the window. */
  counted: number;
  /** Set while locked: the moment enough failures leave the window to allow a sign-in again. */
  lockedUntil?: Date | undefined;
}

/**
 * Sliding-window lockout. Failures count when they are later than the window start
 * (`now - window`) and later than an operator's lockout reset, if any (the failure records stay,
 * as the audit trail; the reset only moves the start of what counts). A successful sign-in does
 * not reset the count (that would cost a write on every sign-in, and an attacker holding the
 * password gains nothing from it). With `max` or more
 * counted failures the user is locked until the oldest failure
 * that keeps the count at `max` leaves the window; at that instant sign-in is allowed again.
 * Because a locked user cannot reach the challenge, no failures are added while locked, and at
 * most `max` failures can ever happen within any window.
 */
export function lockoutState(
  records: Pick<AccountRecords, 'failures' | 'lockoutReset'>,
  now: Date,
  policy: LockoutPolicy,
): LockoutState {
  const windowMs = policy.windowMinutes * 60_000;
  // An unreadable reset time is NaN, and Math.max with NaN is NaN: fall back to the window alone.
  const resetAt = Date.parse(records.lockoutReset?.at ?? '');
  const cutoff = Number.isNaN(resetAt)
    ? now.getTime() - windowMs
    : Math.max(now.getTime() - windowMs, resetAt);
  const times = records.failures
    .map((failure) => Date.parse(failure.at))
    .filter((time) => !Number.isNaN(time) && time > cutoff)
    .sort((a, b) => a - b);
  const counted = times.length;
  if (counted < policy.maxFailures) return { counted };
  const oldestThatMatters = times[counted - policy.maxFailures] ?? now.getTime();
  return { counted, lockedUntil: new Date(oldestThatMatters + windowMs) };
}

export type AccountDecision =
  | { allow: true; lockout: LockoutState }
  | { allow: false; reason: 'suspended'; lockout: LockoutState }
  | { allow: false; reason: 'locked_out'; lockout: LockoutState & { lockedUntil: Date } };

/** May this user start a sign-in now? Suspension first, then lockout. */
export function accountDecision(records: AccountRecords, now: Date, policy: LockoutPolicy): AccountDecision {
  const lockout = lockoutState(records, now, policy);
  if (records.suspension) return { allow: false, reason: 'suspended', lockout };
  if (lockout.lockedUntil)
    return { allow: false, reason: 'locked_out', lockout: { ...lockout, lockedUntil: lockout.lockedUntil } };
  return { allow: true, lockout };
}

/**
 * Create and Verify: throws `SignInNotAllowedError` when the user is suspended or locked out now.
 * They run only after the password was proven (Define asks for no custom round before), so the
 * denial tells nothing to someone without the password. The reason is logged, never shown.
 */
export async function assertSignInAllowed(
  accounts: Pick<AccountStatusStore, 'read'>,
  sub: string,
  now: Date,
  policy: LockoutPolicy,
): Promise<{ records: AccountRecords; lockout: LockoutState }> {
  const records = await accounts.read(sub, new Date(now.getTime() - policy.windowMinutes * 60_000));
  const decision = accountDecision(records, now, policy);
  if (decision.allow) return { records, lockout: decision.lockout };
  if (decision.reason === 'locked_out') {
    logger.warn('sign-in denied after the password: locked out', {
      failures: decision.lockout.counted,
      lockedUntil: decision.lockout.lockedUntil.toISOString(),
    });
  } else {
    logger.warn('sign-in denied after the password: suspended');
  }
  throw new SignInNotAllowedError(decision.reason);
}

/**
 * Reads and writes of a user's status items. PreAuthentication and the CLIs make one instance per
 * table at module scope; Create and Verify one per invocation, with the invocation's deadline.
 */
export class AccountStatusStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * One strongly consistent Query (a failure written a moment ago by verify-auth-challenge must
   * count). A user's partition holds at most a window's worth of failures in range, so a second
   * page is practically never needed; it is followed when DynamoDB returns one.
   */
  async read(sub: string, since: Date): Promise<AccountRecords> {
    const records: AccountRecords = { failures: [] };
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const query = new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': userPk(sub),
          ':from': `${FAILURE_SK_PREFIX}${since.toISOString()}`,
          ':to': SUSPENSION_SK,
        },
        ConsistentRead: true,
        ExclusiveStartKey,
      });
      const page = await this.client.send(query, { abortSignal: this.signal }).catch((error: unknown) => {
        // Without the signal (CLIs, PreAuthentication) errors leave as they always did.
        if (this.signal) throw new DependencyError('DynamoDB', 'Query', error);
        throw error;
      });
      for (const item of page.Items ?? []) addRecord(records, item);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return records;
  }

  /**
   * Post-confirmation: when the sign-up was confirmed (the start of the enrolment grace). A repeat
   * (Cognito retrying the trigger) keeps the first time.
   */
  async markConfirmed(sub: string, now: Date): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: userPk(sub), sk: CONFIRMED_SK },
        UpdateExpression: 'SET #at = if_not_exists(#at, :at), #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#at': 'at', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':at': now.toISOString(),
          ':ttl': Math.floor(now.getTime() / 1000) + CONFIRMED_TTL_SECONDS,
        },
      }),
      { abortSignal: this.signal },
    );
  }

  /** Verify, a right recovery code: the recovery is in progress until `until` (a repeat moves it). */
  async markRecoveryPending(sub: string, now: Date, until: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: userPk(sub),
          sk: RECOVERY_PENDING_SK,
          at: now.toISOString(),
          until: until.toISOString(),
          ttl: Math.floor(until.getTime() / 1000) + 86_400,
        },
      }),
      { abortSignal: this.signal },
    );
  }

  /** Idempotent: a repeat only moves `at`. */
  async markInviteReconciled(sub: string, now: Date): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: userPk(sub), sk: INVITE_RECONCILED_SK, at: now.toISOString() },
      }),
    );
  }

  /**
   * Writes the lockout reset: one PutItem that replaces an earlier reset but never a later one
   * (two operators with skewed clocks: the later `at` stands, so no failure the later reset
   * forgave counts again). Returns false, writing nothing, when a later reset is already stored.
   */
  async resetLockout(sub: string, reset: LockoutReset): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: userPk(sub),
            sk: LOCKOUT_RESET_SK,
            at: reset.at,
            by: reset.by,
            ...(reset.reason === undefined ? {} : { reason: reset.reason }),
          },
          // A stored `at` that is not a string (never written by us) is replaced rather than obeyed.
          ConditionExpression: 'attribute_not_exists(pk) OR NOT attribute_type(#at, :string) OR #at <= :at',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':at': reset.at, ':string': 'S' },
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** Creates or replaces the suspension (a repeat updates reason, time and actor). */
  async suspend(sub: string, suspension: Suspension): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: userPk(sub), sk: SUSPENSION_SK, ...suspension },
      }),
    );
  }

  /** Removes the suspension; returns the one removed, or undefined if there was none. */
  async unsuspend(sub: string): Promise<Suspension | undefined> {
    const { Attributes } = await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: userPk(sub), sk: SUSPENSION_SK },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return Attributes ? toSuspension(Attributes) : undefined;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function toSuspension(item: Record<string, unknown>): Suspension {
  return { reason: text(item.reason) ?? '', at: text(item.at) ?? '', by: text(item.by) ?? '' };
}

function addRecord(records: AccountRecords, item: Record<string, unknown>): void {
  const sk = text(item.sk) ?? '';
  if (sk === SUSPENSION_SK) records.suspension = toSuspension(item);
  else if (sk === INVITE_RECONCILED_SK) records.inviteReconciledAt = text(item.at) ?? '';
  else if (sk === CONFIRMED_SK) records.confirmedAt = text(item.at);
  else if (sk === LOCKOUT_RESET_SK) {
    // A reset whose time cannot be read is ignored: it must never unlock by accident.
    const at = text(item.at);
    if (at !== undefined && !Number.isNaN(Date.parse(at))) {
      records.lockoutReset = { at, by: text(item.by) ?? '', reason: text(item.reason) };
    }
  } else if (sk === RECOVERY_PENDING_SK) {
    records.recoveryPendingUntil = text(item.until);
  } else if (sk.startsWith(REMEMBERED_SK_PREFIX)) {
    const device = toRememberedDevice(item);
    if (device) records.devices = [...(records.devices ?? []), device];
  } else if (sk.startsWith(FAILURE_SK_PREFIX)) {
    // `at` is authoritative; the timestamp in the sort key is the fallback.
    const at = text(item.at) ?? sk.slice(FAILURE_SK_PREFIX.length).split('#')[0] ?? '';
    records.failures.push({ at, reason: text(item.reason) });
  }
}

/** A device item as read; one missing its key or times is ignored (it can prove nothing). */
export function toRememberedDevice(item: Record<string, unknown>): RememberedDevice | undefined {
  const sk = text(item.sk) ?? '';
  const id = sk.slice(REMEMBERED_SK_PREFIX.length);
  const publicKey = text(item.publicKey);
  const createdAt = text(item.createdAt);
  const expiresAt = text(item.expiresAt);
  if (!id || !publicKey || !createdAt || !expiresAt) return undefined;
  return { id, publicKey, name: text(item.name), createdAt, expiresAt, lastUsedAt: text(item.lastUsedAt) };
}
