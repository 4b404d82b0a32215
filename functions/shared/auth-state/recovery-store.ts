/**
 * The user's recovery codes in the auth-state table (`CHALLENGE#<sub>` / `RECOVERY`, keys.ts):
 * hashes only, in a DynamoDB string set, so burning one is ONE conditional UpdateItem that removes
 * it from the set while it is there. Two sign-ins typing the same code race on that condition:
 * exactly one wins. The winner's nonce is kept (`lastUsedBy`) so that Cognito retrying the very
 * Verify that burnt the code gets "right" again instead of a wrong answer.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AuthStateAdapter } from '#shared/auth-state/client';
import { challengePk, RECOVERY_SK } from '#shared/auth-state/keys';

export interface RecoveryRecord {
  pk: string;
  sk: typeof RECOVERY_SK;
  /** Hashes of the codes not yet used (absent when none is left: DynamoDB keeps no empty set). */
  codes?: Set<string> | undefined;
  /** How many the set had when it was made. */
  issued: number;
  /** Epoch milliseconds. */
  createdAt: number;
  lastUsedBy?: string | undefined;
  lastUsedHash?: string | undefined;
  lastUsedAt?: number | undefined;
  /** The nonce of the RECOVERY_CODES round whose `OK` stored this set. */
  setBy?: string | undefined;
}

export type BurnResult = { outcome: 'burnt'; retry: boolean; left: number } | { outcome: 'unknown_code' };

export class RecoveryStore extends AuthStateAdapter {
  /**
   * A new set replaces the old one: ONE PutItem, unless the stored set is this very round's
   * (`setBy` = the acknowledging round's nonce: Cognito retrying Verify), which is left alone and
   * reported as a retry, so the notice and the count happen once.
   */
  async replaceSet(
    sub: string,
    set: { hashes: readonly string[]; nonce: string; now: number },
  ): Promise<'stored' | 'retry'> {
    const result = await this.send(
      'PutItem',
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: challengePk(sub),
          sk: RECOVERY_SK,
          codes: new Set(set.hashes),
          issued: set.hashes.length,
          createdAt: set.now,
          setBy: set.nonce,
        },
        ConditionExpression: 'attribute_not_exists(setBy) OR setBy <> :nonce',
        ExpressionAttributeValues: { ':nonce': set.nonce },
      }),
    );
    return result.ok ? 'stored' : 'retry';
  }

  /**
   * Burns the code with hash `hash`: ONE UpdateItem that removes it from the set, only while it is
   * in the set, or when this very answer (`nonce`) burnt it before (Cognito retrying Verify).
   */
  async burn(sub: string, answer: { hash: string; nonce: string; now: number }): Promise<BurnResult> {
    const result = await this.send<{ Attributes?: Record<string, unknown> }>(
      'UpdateItem',
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: challengePk(sub), sk: RECOVERY_SK },
        UpdateExpression:
          'DELETE codes :burnt SET lastUsedBy = :nonce, lastUsedHash = :hash, lastUsedAt = :now',
        ConditionExpression: 'contains(codes, :hash) OR (lastUsedBy = :nonce AND lastUsedHash = :hash)',
        ExpressionAttributeValues: {
          ':burnt': new Set([answer.hash]),
          ':hash': answer.hash,
          ':nonce': answer.nonce,
          ':now': answer.now,
        },
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (!result.ok) return { outcome: 'unknown_code' };
    const old = result.output.Attributes ?? {};
    const before = old.codes instanceof Set ? old.codes : new Set<string>();
    const retry = !before.has(answer.hash);
    return { outcome: 'burnt', retry, left: before.size - (retry ? 0 : 1) };
  }

  /** The set as stored (for `users show` and tests). */
  async read(sub: string): Promise<RecoveryRecord | undefined> {
    const { Item } = await this.call<{ Item?: Record<string, unknown> }>(
      'GetItem',
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: challengePk(sub), sk: RECOVERY_SK },
        ConsistentRead: true,
      }),
    );
    return Item as RecoveryRecord | undefined;
  }

  async remove(sub: string): Promise<void> {
    await this.call(
      'DeleteItem',
      new DeleteCommand({ TableName: this.tableName, Key: { pk: challengePk(sub), sk: RECOVERY_SK } }),
    );
  }
}
