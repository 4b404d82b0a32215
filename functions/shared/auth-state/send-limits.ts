/**
 * SMS send limits, enforced atomically in the auth-state table: a counter item per (user, UTC
 * hour) and per (phone number hash, UTC day), each incremented by one conditional UpdateItem that
 * fails once the counter has reached its limit. However many sends race, a counter never passes
 * its limit.
 *
 * Windows are fixed (calendar hour / day, UTC), so a user can get up to twice the hourly limit
 * across the turn of an hour; the per-phone daily limit caps that too. A send takes one unit of
 * both counters: the user's first, then the phone's; if the phone's is full the user's unit is
 * given back (best effort), so a refused send costs the user nothing. Counters carry a TTL a day
 * past their window.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AuthStateAdapter } from '#shared/auth-state/client';
import { dayWindowSk, hourWindowSk, phoneSendsPk, userSendsPk } from '#shared/auth-state/keys';

export interface SendLimitInput {
  /** The user's `sub` (or the decoy key of an unknown username). */
  userKey: string;
  /** E.164; omitted for an unknown username (there is no number). */
  phone?: string | undefined;
  now: Date;
  perUserPerHour: number;
  perPhonePerDay: number;
}

export type SendLimitResult = { allowed: true } | { allowed: false; limit: 'user' | 'phone' };

const HOUR_S = 3600;
const DAY_S = 86_400;

export class SendLimits extends AuthStateAdapter {
  async take(input: SendLimitInput): Promise<SendLimitResult> {
    const nowS = Math.floor(input.now.getTime() / 1000);
    const userKey = { pk: userSendsPk(input.userKey), sk: hourWindowSk(input.now) };
    const userTtl = (Math.floor(nowS / HOUR_S) + 1) * HOUR_S + DAY_S;
    if (!(await this.increment(userKey, input.perUserPerHour, userTtl)))
      return { allowed: false, limit: 'user' };
    if (input.phone === undefined) return { allowed: true };

    const phoneKey = { pk: phoneSendsPk(input.phone), sk: dayWindowSk(input.now) };
    const phoneTtl = (Math.floor(nowS / DAY_S) + 2) * DAY_S;
    if (await this.increment(phoneKey, input.perPhonePerDay, phoneTtl)) return { allowed: true };
    await this.giveBack(userKey).catch(() => undefined);
    return { allowed: false, limit: 'phone' };
  }

  /** Adds one send if the counter is below `limit`; false (and nothing changed) otherwise. */
  private async increment(key: { pk: string; sk: string }, limit: number, ttl: number): Promise<boolean> {
    const result = await this.send(
      'UpdateItem',
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'ADD sends :one SET #ttl = if_not_exists(#ttl, :ttl)',
        ConditionExpression: 'attribute_not_exists(sends) OR sends < :limit',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': ttl },
      }),
    );
    return result.ok;
  }

  private async giveBack(key: { pk: string; sk: string }): Promise<void> {
    await this.send(
      'UpdateItem',
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'ADD sends :minusOne',
        ConditionExpression: 'sends > :zero',
        ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
      }),
    );
  }
}
