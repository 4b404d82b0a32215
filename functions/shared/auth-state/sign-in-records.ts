/**
 * Per-user sign-in records under pk `USER#<sub>` (see keys.ts): a failure record for every failed
 * answer. The pre-authentication trigger reads
 * them (and the suspension record) with one Query: `readUserRecords`.
 */

import { randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { AuthStateAdapter } from '#shared/auth-state/client';
import {
  classifyUserItem,
  type FailureReason,
  type FailureRecord,
  failureRecord,
  type UserRecord,
  userPk,
} from '#shared/auth-state/keys';

export class SignInRecords extends AuthStateAdapter {
  async recordFailure(sub: string, reason: FailureReason, at: Date): Promise<FailureRecord> {
    const record = failureRecord(sub, reason, at, randomBytes(4).toString('hex'));
    await this.call('PutItem', new PutCommand({ TableName: this.tableName, Item: record }));
    return record;
  }

  /** Everything about a user, in one strongly consistent Query. */
  async readUserRecords(sub: string): Promise<UserRecord[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': userPk(sub) },
      ConsistentRead: true,
    });
    return items.map(classifyUserItem).filter((record): record is UserRecord => record !== undefined);
  }
}
