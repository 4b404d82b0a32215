/**
 * SMS send limits, enforced atomically in the auth-state table: a counter item per (user, UTC
 * hour) and per (phone number hash, UTC day), each incremented by one conditional UpdateItem that
 * fails once the counter has reached its limit. However many sends race, a counter never passes
 * its limit.
 *
 * Windows are fixed (calendar hour / day, UTC), so a user can get up to twice the hourly limit
 * across the turn of an hour; the per-phone daily limit caps that too. Create takes one unit of
 * both counters in the same transaction that claims the code (challenge-store.ts), so a refused
 * send changes nothing. `SendLimits.takeUnit` is the transaction-free form for one counter alone:
 * the unknown-user path, which has no number. Counters carry a TTL a day past their window.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AuthStateAdapter } from '#shared/auth-state/client';
import {
  dayWindowSk,
  hourWindowSk,
  phoneSendsPk,
  unprovenPhoneSendsPk,
  unprovenUserSendsPk,
  userSendsPk,
} from '#shared/auth-state/keys';
import type { SendLimitName } from '#shared/challenge/errors';

export interface SendLimitInput {
  /** The user's `sub`. */
  userKey: string;
  /** E.164 (SMS codes; none for an email code). */
  phone?: string | undefined;
  /**
   * A sign-in code to the verified number, a code to a number not yet proven (a first enrolment or
   * a new number), or an email code.
   */
  purpose: 'sign_in' | 'verify_phone' | 'replace_phone' | 'email_proof';
  now: Date;
  perUserPerHour: number;
  perPhonePerDay: number;
  unprovenPerPhonePerDay: number;
  unprovenPerUserPerDay: number;
}

const HOUR_S = 3600;
const DAY_S = 86_400;

/** One send counter: its key, its limit and the TTL it gets when created. */
export interface SendCounter {
  key: { pk: string; sk: string };
  limit: number;
  ttl: number;
}

/** A user's (or an unknown username's decoy key's) counter for the UTC hour of `now`. */
export function userCounter(userKey: string, now: Date, perHour: number): SendCounter {
  const nowS = Math.floor(now.getTime() / 1000);
  return {
    key: { pk: userSendsPk(userKey), sk: hourWindowSk(now) },
    limit: perHour,
    ttl: (Math.floor(nowS / HOUR_S) + 1) * HOUR_S + DAY_S,
  };
}

/** A number's counter for the UTC day of `now` (all users together). */
export function phoneCounter(phone: string, now: Date, perDay: number): SendCounter {
  return dayCounter(phoneSendsPk(phone), now, perDay);
}

function dayCounter(pk: string, now: Date, perDay: number): SendCounter {
  const nowS = Math.floor(now.getTime() / 1000);
  return { key: { pk, sk: dayWindowSk(now) }, limit: perDay, ttl: (Math.floor(nowS / DAY_S) + 2) * DAY_S };
}

/** A counter with the name of the limit it enforces (what a refusal reports). */
export interface NamedCounter {
  name: SendLimitName;
  counter: SendCounter;
}

/**
 * The counters one send takes a unit of. Every send: the user's hour. A sign-in code: the verified
 * number's day. An email code: nothing more. A code to a new number: the unproven number's day and the account's enrolment day,
 * never the verified owner's counter, so two phone-less accounts typing a victim's number cannot
 * use up the victim's sign-in SMS.
 */
export function sendCounters(input: SendLimitInput): NamedCounter[] {
  const user: NamedCounter = {
    name: 'user',
    counter: userCounter(input.userKey, input.now, input.perUserPerHour),
  };
  // An email code costs nothing per message, but it is mail to someone's inbox: the user's hour.
  if (input.purpose === 'email_proof' || !input.phone) return [user];
  if (input.purpose === 'sign_in') {
    return [user, { name: 'phone', counter: phoneCounter(input.phone, input.now, input.perPhonePerDay) }];
  }
  return [
    user,
    {
      name: 'unproven_phone',
      counter: dayCounter(unprovenPhoneSendsPk(input.phone), input.now, input.unprovenPerPhonePerDay),
    },
    {
      name: 'unproven_user',
      counter: dayCounter(unprovenUserSendsPk(input.userKey), input.now, input.unprovenPerUserPerDay),
    },
  ];
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
  /** Adds one send if `counter` is below its limit; false (and nothing changed) otherwise. */
  async takeUnit(counter: SendCounter): Promise<boolean> {
    const result = await this.send('UpdateItem', new UpdateCommand(takeOneUpdate(this.tableName, counter)));
    return result.ok;
  }
}
