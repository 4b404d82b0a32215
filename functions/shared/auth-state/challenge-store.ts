/**
 * The state of custom-auth rounds in the auth-state table (see keys.ts).
 *
 * - The user's current SMS code: ONE item per user (`CHALLENGE#<sub>` / `CODE`). A new code
 *   replaces the previous one, so only the latest code works.
 * - A phone number accepted in a PHONE_REQUIRED round, under that round's id, for the next
 *   round's Create to send the code to.
 * - The decoy destination shown to a username that does not exist.
 *
 * Every write that decides something is a single conditional write, so concurrent invocations
 * (Cognito retrying a slow trigger) cannot both win.
 */

import { randomInt } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AuthStateAdapter } from '#shared/auth-state/client';
import {
  answeredSk,
  CODE_SK,
  challengePk,
  DECOY_SK,
  decoyPk,
  phoneCandidateSk,
} from '#shared/auth-state/keys';

export type CodePurpose =
  /** A sign-in code to the verified phone on file. */
  | 'sign_in'
  /** A code to a number given in a PHONE_REQUIRED round: when entered, the number becomes the user's. */
  | 'verify_phone';

export interface CodeRecord {
  pk: string;
  sk: typeof CODE_SK;
  /** The SMS_OTP round id (also in the round's metadata and private parameters). */
  id: string;
  /** Fingerprint of the session round that created the code: a repeat of that round reuses it. */
  roundKey: string;
  purpose: CodePurpose;
  /** E.164. Needed to make it the user's number (verify_phone) and to re-show the destination. */
  phone: string;
  /** Masked, as shown to the user. */
  destination: string;
  length: number;
  codeHash: string;
  salt: string;
  /** Answers checked against this code so far (across sign-ins). */
  attempts: number;
  /** Epoch milliseconds. */
  createdAt: number;
  expiresAt: number;
  /** Set once SNS accepted the SMS. */
  sentAt?: number | undefined;
  /** Set when the code was entered correctly: it never works again. */
  consumedAt?: number | undefined;
  /** The nonce of the round whose answer consumed it (a retry of that answer is still right). */
  consumedBy?: string | undefined;
  /** Nonces of the rounds whose answers were counted (a retry of one is not counted again). */
  answered?: Set<string> | undefined;
  /** Epoch seconds. */
  ttl: number;
}

/** When a new Create may reuse the stored code instead of sending another. */
export interface ReusePolicy {
  roundKey: string;
  now: number;
  /** Codes created at or before this instant are outside the resend cooldown. */
  cooldownStart: number;
  /** A code never marked sent and created at or before this instant was abandoned mid-send. */
  abandonedBefore: number;
  maxAttempts: number;
}

/** The pure twin of the claim's condition: is `code` the one to reuse for this round? */
export function isReusable(code: CodeRecord | undefined, policy: ReusePolicy): code is CodeRecord {
  return (
    code !== undefined &&
    code.roundKey === policy.roundKey &&
    code.createdAt > policy.cooldownStart &&
    code.expiresAt > policy.now &&
    code.attempts < policy.maxAttempts &&
    code.consumedAt === undefined &&
    (code.sentAt !== undefined || code.createdAt > policy.abandonedBefore)
  );
}

export type ClaimResult = { outcome: 'claimed' } | { outcome: 'reuse'; code: CodeRecord };

export type AttemptResult =
  | { outcome: 'counted'; code: CodeRecord }
  /** This round's answer was counted before: Cognito is retrying Verify with the same event. */
  | { outcome: 'repeat'; code: CodeRecord }
  | { outcome: 'unavailable'; reason: 'missing' | 'replaced' | 'expired' | 'exhausted' | 'used' };

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
   * Stores `code` as the user's current code unless the stored one is to be reused for this round
   * (same round, within the cooldown, unexpired, unused, attempts left, sent or being sent). One
   * conditional put decides: of several concurrent Creates for one round exactly one claims.
   */
  async claimCode(sub: string, code: CodeRecord, policy: ReusePolicy): Promise<ClaimResult> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await this.send(
        'PutItem',
        new PutCommand({
          TableName: this.tableName,
          Item: code,
          ConditionExpression: [
            'attribute_not_exists(pk)',
            'roundKey <> :roundKey',
            'createdAt <= :cooldownStart',
            'expiresAt <= :now',
            'attempts >= :maxAttempts',
            'attribute_exists(consumedAt)',
            '(attribute_not_exists(sentAt) AND createdAt <= :abandonedBefore)',
          ].join(' OR '),
          ExpressionAttributeValues: {
            ':roundKey': policy.roundKey,
            ':cooldownStart': policy.cooldownStart,
            ':now': policy.now,
            ':maxAttempts': policy.maxAttempts,
            ':abandonedBefore': policy.abandonedBefore,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      if (result.ok) return { outcome: 'claimed' };
      // dynalite does not return the item with the error; DynamoDB does.
      const current = (result.item as CodeRecord | undefined) ?? (await this.getCode(sub));
      if (isReusable(current, policy)) return { outcome: 'reuse', code: current };
      // The item changed in between (released or replaced): decide again.
    }
    throw new Error('could not claim the code item');
  }

  /** Records that SNS accepted the SMS for code `id`. False if the code was replaced meanwhile. */
  async markSent(sub: string, id: string, at: number): Promise<boolean> {
    const result = await this.send(
      'UpdateItem',
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: challengePk(sub), sk: CODE_SK },
        UpdateExpression: 'SET sentAt = :at',
        ConditionExpression: 'id = :id',
        ExpressionAttributeValues: { ':at': at, ':id': id },
      }),
    );
    return result.ok;
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
   * Counts one answer against code `id`, atomically, before it is compared: parallel guesses
   * cannot exceed `maxAttempts`, and an expired, used or replaced code takes no answers.
   */
  async countAttempt(
    sub: string,
    id: string,
    now: number,
    maxAttempts: number,
    nonce?: string,
  ): Promise<AttemptResult> {
    // With the round's nonce, the count and the record of who was counted are one atomic write.
    const once = nonce === undefined ? undefined : { ':nonces': new Set([nonce]), ':nonce': nonce };
    const result = await this.send<{ Attributes?: Record<string, unknown> }>(
      'UpdateItem',
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: challengePk(sub), sk: CODE_SK },
        UpdateExpression: once ? 'ADD attempts :one, answered :nonces' : 'ADD attempts :one',
        ConditionExpression: `id = :id AND attempts < :maxAttempts AND expiresAt > :now AND attribute_not_exists(consumedAt)${
          once ? ' AND NOT contains(answered, :nonce)' : ''
        }`,
        ExpressionAttributeValues: {
          ':one': 1,
          ':id': id,
          ':maxAttempts': maxAttempts,
          ':now': now,
          ...once,
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    if (result.ok) {
      // DynamoDB always returns the item for ALL_NEW; an engine that does not is a fault, not a TypeError.
      if (!result.output.Attributes) throw new Error('DynamoDB UpdateItem returned no attributes');
      return { outcome: 'counted', code: result.output.Attributes as unknown as CodeRecord };
    }
    const current = (result.item as CodeRecord | undefined) ?? (await this.getCode(sub));
    if (!current) return { outcome: 'unavailable', reason: 'missing' };
    if (current.id !== id) return { outcome: 'unavailable', reason: 'replaced' };
    if (nonce !== undefined && current.answered?.has(nonce)) return { outcome: 'repeat', code: current };
    if (current.consumedAt !== undefined) return { outcome: 'unavailable', reason: 'used' };
    if (current.attempts >= maxAttempts) return { outcome: 'unavailable', reason: 'exhausted' };
    return { outcome: 'unavailable', reason: 'expired' };
  }

  /**
   * Marks code `id` used. False if it was used (or replaced) by someone else first. With the
   * round's nonce, a retry of the answer that used it succeeds again (and changes nothing).
   */
  async consumeCode(sub: string, id: string, at: number, nonce?: string): Promise<boolean> {
    const result = await this.send(
      'UpdateItem',
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: challengePk(sub), sk: CODE_SK },
        UpdateExpression:
          nonce === undefined
            ? 'SET consumedAt = :at'
            : 'SET consumedAt = if_not_exists(consumedAt, :at), consumedBy = if_not_exists(consumedBy, :nonce)',
        ConditionExpression:
          nonce === undefined
            ? 'id = :id AND attribute_not_exists(consumedAt)'
            : 'id = :id AND (attribute_not_exists(consumedAt) OR consumedBy = :nonce)',
        ExpressionAttributeValues: {
          ':at': at,
          ':id': id,
          ...(nonce === undefined ? {} : { ':nonce': nonce }),
        },
      }),
    );
    return result.ok;
  }

  /**
   * Records that the answer of the round with this nonce was judged; false if it already was
   * (Cognito retrying Verify). Used where no code attempt is counted, so that a retry writes no
   * second failure record. Kept as long as a sign-in can last.
   */
  async markAnswered(sub: string, nonce: string, now: number): Promise<boolean> {
    const result = await this.send(
      'PutItem',
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: challengePk(sub), sk: answeredSk(nonce), at: now, ttl: Math.ceil(now / 1000) + 3600 },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return result.ok;
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
    const { Attributes } = await this.call<{ Attributes?: { lastDigits?: unknown } }>(
      'UpdateItem',
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: decoyPk(userPoolId, userName), sk: DECOY_SK },
        UpdateExpression:
          'SET lastDigits = if_not_exists(lastDigits, :digits), #ttl = if_not_exists(#ttl, :ttl)',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':digits': String(randomInt(0, 10_000)).padStart(4, '0'),
          ':ttl': Math.floor(now / 1000) + DECOY_TTL_DAYS * 86_400,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const digits = Attributes?.lastDigits;
    return typeof digits === 'string' ? digits : '0000';
  }
}

export const DECOY_TTL_DAYS = 30;
