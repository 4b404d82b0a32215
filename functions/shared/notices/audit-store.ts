/**
 * The audit trail's writer: one security event (auth-state/keys.ts `securityEventRecord`) as one
 * PutItem under the user's partition, `USER#<sub>` / `AUDIT#<ISO at>#<action>`, with its 400-day
 * TTL. The Put is conditional on the item being new, so a Cognito retry that records the same
 * event at the same time (the caller passes the time it already recorded, e.g. the code's
 * `usedAt`) is told `duplicate` and sends no second email.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { AuthStateAdapter } from '#shared/auth-state/client';
import type { SecurityEventRecord } from '#shared/auth-state/keys';

/** Where security events are written: this store, or a fake in tests. */
export interface AuditWriter {
  /** `recorded`, or `duplicate` when that very record exists already. Other failures throw. */
  put(record: SecurityEventRecord): Promise<'recorded' | 'duplicate'>;
}

export class SecurityEventStore extends AuthStateAdapter implements AuditWriter {
  async put(record: SecurityEventRecord): Promise<'recorded' | 'duplicate'> {
    const result = await this.send(
      'PutItem',
      new PutCommand({
        TableName: this.tableName,
        Item: record,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return result.ok ? 'recorded' : 'duplicate';
  }
}
