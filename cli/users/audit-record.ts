/**
 * How the users commands write the audit record that comes before their change (`reset-phone`,
 * `devices revoke`, and the devices a reset or a suspension revokes): one conditional PutItem that
 * never replaces a record.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { type SecurityEventRecord, securityEventRecord } from '#shared/auth-state/keys';
import type { Session } from './target';

/**
 * Writes the record without ever replacing one: two runs for the same user in the same
 * millisecond (two operators at once) each keep their own record, a millisecond apart.
 */
export async function putAuditRecord(
  session: Pick<Session, 'dynamodb' | 'tableName' | 'user'>,
  record: SecurityEventRecord,
): Promise<SecurityEventRecord> {
  let candidate = record;
  for (let attempt = 0; ; attempt++) {
    try {
      await session.dynamodb.send(
        new PutCommand({
          TableName: session.tableName,
          Item: candidate,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return candidate;
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException' || attempt >= 2)
        throw error;
      const { pk: _pk, sk: _sk, at, ttl: _ttl, ...event } = candidate;
      candidate = securityEventRecord(session.user.sub, event, new Date(Date.parse(at) + 1));
    }
  }
}

/** A record as the commands print it (`--json`): every field but its keys. */
export function withoutKeys(record: SecurityEventRecord): Omit<SecurityEventRecord, 'pk' | 'sk'> {
  const { pk: _pk, sk: _sk, ...rest } = record;
  return rest;
}
