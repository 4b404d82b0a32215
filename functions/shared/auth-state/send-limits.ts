/**
 * SMS send limits, enforced atomically in the auth-state table: a counter item per (user, UTC
 * hour) and per (phone number hash, UTC day), each incremented by one conditional UpdateItem that
 * fails once the counter has reached its limit. However many sends race, a counter never passes
 * its limit.
 *
 * Windows are fixed (calendar hour / day, UTC), so a user can get up to twice the hourly limit
 * across the turn of an hour; the per-phone daily limit caps that too. Create takes one unit of
 * both counters in the same transaction that claims the code (challenge-store.ts), so a refused
 * send changes nothing. `take` is the transaction-free form for a single counter (the unknown-user
 * path): with a number too it takes the user's unit, then the phone's, and gives the user's back
 * (best effort) if the phone's is full. Counters carry a TTL a day past their window.
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

/** One send counter: its key, its limit and the TTL it gets when created. */
export interface SendCounter {
  key: { pk: string; sk: string };
  limit: number;
  ttl: number;
}

/** The counters one send takes a unit of: the user's hour and, with a number, the number's day. */
export function sendCounters(input: SendLimitInput): { user: SendCounter; phone?: SendCounter } {
  const nowS = Math.floor(input.now.getTime() / 1000);
  const user: SendCounter = {
    key: { pk: userSendsPk(input.userKey), sk: hourWindowSk(input.now) },
    limit: input.perUserPerHour,
    ttl: (Math.floor(nowS / HOUR_S) + 1) * HOUR_S + DAY_S,
  };
  if (input.phone === undefined) return { user };
  const phone: SendCounter = {
    key: { pk: phoneSendsPk(input.phone), sk: dayWindowSk(input.now) },
    limit: input.perPhonePerDay,
    ttl: (Math.floor(nowS / DAY_S) + 2) * DAY_S,
  };
  return { user, phone };
}

/**
 * The UpdateItem that adds one send if the counter is below its limit and fails its condition
 * (changing nothing) otherwise. Used alone and inside Create's transaction.
 */
export function takeOneUpdate(tableName: string, counter: SendCounter) {
  return {
    TableName: tableName,
    Key: counter.key,
    UpdateExpression: 'ADD sends :one SET #ttl = if_not_exists(#ttl, :ttl)',
    ConditionExpression: 'attribute_not_exists(sends) OR sends < :limit',
    ExpressionAttributeNames: { '#ttl': 'ttl' },
    ExpressionAttributeValues: { ':one': 1, ':limit': counter.limit, ':ttl': counter.ttl },
  };
}

export class SendLimits extends AuthStateAdapter {
  async take(input: SendLimitInput): Promise<SendLimitResult> {
    const counters = sendCounters(input);
    if (!(await this.increment(counters.user))) return { allowed: false, limit: 'user' };
    if (!counters.phone) return { allowed: true };
    if (await this.increment(counters.phone)) return { allowed: true };
    await this.giveBack(counters.user.key).catch(() => undefined);
    return { allowed: false, limit: 'phone' };
  }

  private async increment(counter: SendCounter): Promise<boolean> {
    const result = await this.send('UpdateItem', new UpdateCommand(takeOneUpdate(this.tableName, counter)));
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
