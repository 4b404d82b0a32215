/**
 * The state of custom-auth rounds in the auth-state table (see keys.ts).
 *
 * - The user's current SMS code: ONE item per user (`CHALLENGE#<sub>` / `CODE`). The round's
 *   private parameters carry the code's hash, so Verify judges the digits without reading it; but
 *   every answer is recorded on it with one conditional write: wrong answers counted (`attempts`,
 *   one budget shared by every sign-in that was given the code) and the right one marked
 *   (`usedAt`/`usedBy`), so a code is single-use and a spent or used code is dead for everyone.
 *   The item also makes a Cognito retry of Create, or a double-tapped sign-in, get the code already
 *   on its way instead of a second SMS, and lets the round after a wrong code ask for it again.
 * - A phone number accepted in a PHONE_REQUIRED round, under that round's id, for the next
 *   round's Create to send the code to.
 * - The decoy destination shown to a username that does not exist.
 *
 * A new code is claimed and the send counters taken in ONE transaction (`issueCode`), so
 * concurrent invocations cannot both win, and a refused send leaves nothing behind.
 */

import { randomInt } from 'node:crypto';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { AuthStateAdapter, type CancellationReason } from '#shared/auth-state/client';
import type { FailureRecord } from '#shared/auth-state/keys';
import {
  answeredSk,
  CODE_SK,
  challengePk,
  DECOY_SK,
  decoyPk,
  phoneCandidateSk,
} from '#shared/auth-state/keys';
import { type NamedCounter, takeOneUpdate } from '#shared/auth-state/send-limits';
import { DependencyError, type SendLimitName } from '#shared/challenge/errors';
import type { CodePurpose } from '#shared/challenge/protocol';

export interface CodeRecord {
  pk: string;
  sk: typeof CODE_SK;
  /** The SMS_OTP round id (also in the round's metadata and private parameters). */
  id: string;
  /** Fingerprint of the session round that created the code: a repeat of that round reuses it. */
  roundKey: string;
  purpose: CodePurpose;
  /** E.164, for an SMS code. Needed to make it the user's number (verify_phone, replace_phone). */
  phone?: string | undefined;
  /** The address an EMAIL_OTP code (`email_proof`) went to. */
  email?: string | undefined;
  /** Masked, as shown to the user. */
  destination: string;
  length: number;
  codeHash: string;
  salt: string;
  /** Epoch milliseconds. */
  createdAt: number;
  expiresAt: number;
  /** Epoch seconds. */
  ttl: number;
  /** Wrong answers so far, all sign-ins together (absent: none). */
  attempts?: number | undefined;
  /** Epoch milliseconds: when the right answer used the code (absent: unused). */
  usedAt?: number | undefined;
  /** The nonce of the round whose answer used it: a retry of that very answer is right again. */
  usedBy?: string | undefined;
  /**
   * This code's id while the last answer recorded on it was `RESEND` (Verify sets it, a wrong
   * answer removes it): the next round's Create sends a new code instead of asking again.
   */
  resendFor?: string | undefined;
  /**
   * This code's id while the last answer recorded on it was `RECOVERY` (Verify sets it, any other
   * answer removes it): the next round's Create asks for a recovery code.
   */
  recoveryFor?: string | undefined;
}

/** What the last answer recorded on a code asked for: a new code or a recovery code. */
export type CodeRequest = 'resend' | 'recovery';

/** The decoy item of an unknown username: its stable digits and its decoy code's round. */
export interface DecoyState {
  digits: string;
  /** The decoy code's round id and when it was "sent" (epoch ms), for the resend cooldown. */
  codeId?: string | undefined;
  codeAt?: number | undefined;
  /** As on a real code: the round whose last answer was `RESEND` or `RECOVERY`. */
  resendFor?: string | undefined;
  recoveryFor?: string | undefined;
}

/** Why a stored code can take no more answers (or `undefined` while it can). */
export type DeadCode = 'replaced' | 'used' | 'exhausted' | 'expired';

/** The pure twin of `useCode`'s condition. */
export function deadCode(
  code: CodeRecord | undefined,
  expect: { id: string; now: number; maxAttempts: number; nonce?: string | undefined },
): DeadCode | undefined {
  if (!code || code.id !== expect.id) return 'replaced';
  if (expect.nonce !== undefined && code.usedBy === expect.nonce) return undefined;
  if (code.usedAt !== undefined) return 'used';
  if ((code.attempts ?? 0) >= expect.maxAttempts) return 'exhausted';
  if (code.expiresAt <= expect.now) return 'expired';
  return undefined;
}

/** When a new Create may reuse the stored code instead of sending another. */
export interface ReusePolicy {
  roundKey: string;
  now: number;
  /** Codes created at or before this instant are outside the resend cooldown. */
  cooldownStart: number;
  /** A code with this many wrong answers is dead and is replaced, never reused. */
  maxAttempts: number;
}

/** The pure twin of the claim's condition: is `code` the one to reuse for this round? */
export function isReusable(code: CodeRecord | undefined, policy: ReusePolicy): code is CodeRecord {
  return (
    code !== undefined &&
    code.roundKey === policy.roundKey &&
    code.createdAt > policy.cooldownStart &&
    code.expiresAt > policy.now &&
    code.usedAt === undefined &&
    (code.attempts ?? 0) < policy.maxAttempts
  );
}

export type IssueResult =
  | { outcome: 'claimed' }
  | { outcome: 'reuse'; code: CodeRecord }
  | { outcome: 'limited'; limit: SendLimitName };

/** How one answer was recorded on the code's item. */
export type AnswerRecord =
  /** The right answer used the code (or this very answer already had: a retry). */
  | { outcome: 'used'; retry: boolean }
  /** The code takes no more answers: this one is wrong whatever its digits. */
  | { outcome: 'dead'; why: DeadCode };

/** How a wrong answer was counted. */
export type WrongAnswerRecord = 'counted' | 'already_counted';

/** How often a transaction cancelled by a concurrent writer (or a changed item) is tried again. */
const ISSUE_TRIES = 3;

export class ChallengeStore extends AuthStateAdapter {
  async getCode(sub: string): Promise<CodeRecord | undefined> {
    const { Item } = await this.call<{ Item?: Record<string, unknown> }>(
      'GetItem',
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: challengePk(sub), sk: CODE_SK },
        ConsistentRead: true,
      }),
    );
    return Item as CodeRecord | undefined;
  }

  /**
   * Makes `code` the user's current code and takes one unit of each send counter, all in one
   * transaction, unless the stored code is to be reused for this round (same round, within the
   * cooldown, unexpired): then nothing changes and that code comes back. Of several concurrent
   * Creates for one round exactly one claims; a counter at its limit refuses the whole send.
   */
  async issueCode(
    sub: string,
    code: CodeRecord,
    policy: ReusePolicy,
    counters: readonly NamedCounter[],
  ): Promise<IssueResult> {
    const claim = {
      Put: {
        TableName: this.tableName,
        Item: code,
        ConditionExpression: [
          'attribute_not_exists(pk)',
          'roundKey <> :roundKey',
          'createdAt <= :cooldownStart',
          'expiresAt <= :now',
          'attribute_exists(usedAt)',
          'attempts >= :maxAttempts',
        ].join(' OR '),
        ExpressionAttributeValues: {
          ':roundKey': policy.roundKey,
          ':cooldownStart': policy.cooldownStart,
          ':now': policy.now,
          ':maxAttempts': policy.maxAttempts,
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    };
    const takes = counters.map(({ counter }) => ({ Update: takeOneUpdate(this.tableName, counter) }));
    for (let attempt = 1; attempt <= ISSUE_TRIES; attempt++) {
      const result = await this.transact(new TransactWriteCommand({ TransactItems: [claim, ...takes] }));
      if (result.ok) return { outcome: 'claimed' };
      const [codeReason, ...counterReasons] = result.reasons;
      if (codeReason?.code === 'ConditionalCheckFailed') {
        // DynamoDB returns the item with the reason; read it if an engine does not.
        const current = (codeReason.item as CodeRecord | undefined) ?? (await this.getCode(sub));
        if (isReusable(current, policy)) return { outcome: 'reuse', code: current };
        continue; // The item changed in between (released or replaced): decide again.
      }
      if (result.reasons.some(conflict)) {
        await pause(attempt);
        continue;
      }
      const refused = counterReasons.findIndex((reason) => reason.code === 'ConditionalCheckFailed');
      const limit = counters[refused]?.name;
      if (limit) return { outcome: 'limited', limit };
      throw new DependencyError('DynamoDB', 'TransactWriteItems', new Error(describe(result.reasons)));
    }
    throw new DependencyError('DynamoDB', 'TransactWriteItems', new Error('contention'));
  }

  /** Removes code `id` (nothing was sent for it); a newer code is left alone. */
  async releaseCode(sub: string, id: string): Promise<void> {
    await this.send(
      'DeleteItem',
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: challengePk(sub), sk: CODE_SK },
        ConditionExpression: 'id = :id',
        ExpressionAttributeValues: { ':id': id },
      }),
    );
  }

  /**
   * Records the right digits of code `id` on the user's code item: ONE conditional UpdateItem that
   * marks the code used, if it is still the user's current code, unused (or used by this very
   * round's answer: Cognito retrying Verify gets the same result), within its wrong-answer budget
   * and unexpired. Otherwise the code is dead and the answer wrong, whatever its digits.
   */
  async useCode(
    sub: string,
    answer: { id: string; nonce: string; now: number; maxAttempts: number },
  ): Promise<AnswerRecord> {
    const result = await this.send(
      'UpdateItem',
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: challengePk(sub), sk: CODE_SK },
        UpdateExpression: 'SET usedAt = if_not_exists(usedAt, :now), usedBy = if_not_exists(usedBy, :nonce)',
        // This very answer again (Cognito retrying Verify) stays right whatever happened since;
        // any other answer needs a live code.
        ConditionExpression:
          'id = :id AND (usedBy = :nonce OR (attribute_not_exists(usedAt) AND expiresAt > :now AND ' +
          '(attribute_not_exists(attempts) OR attempts < :maxAttempts)))',
        ExpressionAttributeValues: {
          ':id': answer.id,
          ':nonce': answer.nonce,
          ':now': answer.now,
          ':maxAttempts': answer.maxAttempts,
        },
        // The old `usedAt`, if any: this very answer used the code before (a retry), so whatever
        // counts a completed sign-in does not count it twice.
        ReturnValues: 'UPDATED_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    if (result.ok) {
      const old = (result.output as { Attributes?: { usedAt?: unknown } }).Attributes;
      return { outcome: 'used', retry: old?.usedAt !== undefined };
    }
    const current = result.item as CodeRecord | undefined;
    return { outcome: 'dead', why: deadCode(current, answer) ?? 'used' };
  }

  /**
   * Counts one wrong answer, once per round (Cognito may retry Verify with the same event): ONE
   * transaction of the round's `ANSWERED#<nonce>` mark (fails when it exists: a retry, nothing
   * counted twice), the failure record the lockout reads and, for a code round, one more wrong
   * answer on the code's item (`codeId`: only while it is still the user's current code).
   */
  async countWrongAnswer(
    sub: string,
    answer: { nonce: string; now: number; failure: FailureRecord; codeId?: string | undefined },
  ): Promise<WrongAnswerRecord> {
    const mark = {
      Put: {
        TableName: this.tableName,
        Item: {
          pk: challengePk(sub),
          sk: answeredSk(answer.nonce),
          at: answer.now,
          ttl: Math.ceil(answer.now / 1000) + 3600,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    const failure = { Put: { TableName: this.tableName, Item: answer.failure } };
    const count = answer.codeId
      ? {
          Update: {
            TableName: this.tableName,
            Key: { pk: challengePk(sub), sk: CODE_SK },
            // A wrong answer also withdraws an earlier RESEND or RECOVERY: only the last answer asks.
            UpdateExpression: 'ADD attempts :one REMOVE resendFor, recoveryFor',
            ConditionExpression: 'id = :id',
            ExpressionAttributeValues: { ':one': 1, ':id': answer.codeId },
          },
        }
      : undefined;
    let items = count ? [mark, failure, count] : [mark, failure];
    for (let attempt = 1; attempt <= ISSUE_TRIES; attempt++) {
      const result = await this.transact(new TransactWriteCommand({ TransactItems: items }));
      if (result.ok) return 'counted';
      const [markReason, , countReason] = result.reasons;
      if (markReason?.code === 'ConditionalCheckFailed') return 'already_counted';
      if (countReason?.code === 'ConditionalCheckFailed') {
        // The code was replaced or removed meanwhile: the answer still counts for the lockout.
        items = [mark, failure];
        continue;
      }
      if (result.reasons.some(conflict)) {
        await pause(attempt);
        continue;
      }
      throw new DependencyError('DynamoDB', 'TransactWriteItems', new Error(describe(result.reasons)));
    }
    throw new DependencyError('DynamoDB', 'TransactWriteItems', new Error('contention'));
  }

  /**
   * Records a reserved answer to code `id` (`RESEND` or `RECOVERY`): ONE conditional UpdateItem,
   * only while `id` is still the user's current code (a retry sets the same value again); the other
   * request is withdrawn (only the last answer asks). `false`: the code was replaced or removed,
   * nothing was written (the next Create ends the sign-in).
   */
  async requestForCode(sub: string, id: string, request: CodeRequest): Promise<boolean> {
    const [set, remove] = request === 'resend' ? ['resendFor', 'recoveryFor'] : ['recoveryFor', 'resendFor'];
    const result = await this.send(
      'UpdateItem',
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: challengePk(sub), sk: CODE_SK },
        UpdateExpression: `SET ${set} = :id REMOVE ${remove}`,
        ConditionExpression: 'id = :id',
        ExpressionAttributeValues: { ':id': id },
      }),
    );
    return result.ok;
  }

  /** `requestForCode(sub, id, 'resend')`. */
  requestResend(sub: string, id: string): Promise<boolean> {
    return this.requestForCode(sub, id, 'resend');
  }

  /**
   * An unknown username's answer to decoy round `roundId`, recorded as a real one would be: a
   * `RESEND` sets `resendFor`, a `RECOVERY` sets `recoveryFor`, any other answer removes both
   * (ONE UpdateItem; no item, no write).
   */
  async recordDecoyAnswer(
    userPoolId: string,
    userName: string,
    roundId: string,
    request: CodeRequest | undefined,
  ): Promise<void> {
    const update =
      request === 'resend'
        ? 'SET resendFor = :id REMOVE recoveryFor'
        : request === 'recovery'
          ? 'SET recoveryFor = :id REMOVE resendFor'
          : 'REMOVE resendFor, recoveryFor';
    await this.send(
      'UpdateItem',
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: decoyPk(userPoolId, userName), sk: DECOY_SK },
        UpdateExpression: update,
        ConditionExpression: 'attribute_exists(pk)',
        ...(request ? { ExpressionAttributeValues: { ':id': roundId } } : {}),
      }),
    );
  }

  /** Keeps a number accepted in PHONE_REQUIRED round `roundId` for the next round's Create. */
  async savePhoneCandidate(input: {
    sub: string;
    roundId: string;
    phone: string;
    now: number;
    ttlSeconds: number;
  }): Promise<void> {
    const expiresAt = input.now + input.ttlSeconds * 1000;
    await this.call(
      'PutItem',
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: challengePk(input.sub),
          sk: phoneCandidateSk(input.roundId),
          phone: input.phone,
          createdAt: input.now,
          expiresAt,
          ttl: Math.ceil(expiresAt / 1000),
        },
      }),
    );
  }

  /** The number accepted in round `roundId`, if it has not expired. */
  async getPhoneCandidate(sub: string, roundId: string, now: number): Promise<string | undefined> {
    const { Item } = await this.call<{ Item?: { phone?: unknown; expiresAt?: unknown } }>(
      'GetItem',
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: challengePk(sub), sk: phoneCandidateSk(roundId) },
        ConsistentRead: true,
      }),
    );
    if (!Item || typeof Item.phone !== 'string' || typeof Item.expiresAt !== 'number') return undefined;
    return Item.expiresAt > now ? Item.phone : undefined;
  }

  /**
   * The last four digits shown for an unknown username: random once, then the same for
   * `DECOY_TTL_DAYS`, as a real user's number would be. Stored, not derived, because this code is
   * public: any derivation from the username could be recomputed by a prober.
   */
  async decoyDigits(userPoolId: string, userName: string, now: number): Promise<string> {
    return (await this.decoyState(userPoolId, userName, now)).digits;
  }

  /**
   * The decoy item, read and kept in ONE UpdateItem: the digits (see `decoyDigits`) and, with
   * `issued`, a new decoy code's round id and time (an earlier `RESEND` request is then spent).
   */
  async decoyState(
    userPoolId: string,
    userName: string,
    now: number,
    issued?: { id: string } | undefined,
  ): Promise<DecoyState> {
    const sets = ['lastDigits = if_not_exists(lastDigits, :digits)', '#ttl = if_not_exists(#ttl, :ttl)'];
    if (issued) sets.push('codeId = :codeId', 'codeAt = :now');
    const { Attributes } = await this.call<{ Attributes?: Record<string, unknown> }>(
      'UpdateItem',
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: decoyPk(userPoolId, userName), sk: DECOY_SK },
        UpdateExpression: `SET ${sets.join(', ')}${issued ? ' REMOVE resendFor, recoveryFor' : ''}`,
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':digits': String(randomInt(0, 10_000)).padStart(4, '0'),
          ':ttl': Math.floor(now / 1000) + DECOY_TTL_DAYS * 86_400,
          ...(issued ? { ':codeId': issued.id, ':now': now } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = Attributes ?? {};
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    return {
      digits: text(item.lastDigits) ?? '0000',
      codeId: text(item.codeId),
      codeAt: typeof item.codeAt === 'number' ? item.codeAt : undefined,
      resendFor: text(item.resendFor),
      recoveryFor: text(item.recoveryFor),
    };
  }
}

export const DECOY_TTL_DAYS = 30;

const conflict = (reason: CancellationReason): boolean => reason.code === 'TransactionConflict';

/** A short random pause before trying a transaction again, growing with the attempt. */
function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, randomInt(5, 20) * attempt));
}

/** The reason codes only (never the items: they hold phone numbers). */
function describe(reasons: CancellationReason[]): string {
  return `transaction cancelled: ${reasons.map((reason) => reason.code).join(', ')}`;
}
