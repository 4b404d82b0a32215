/**
 * The auth-state adapters against a real engine (DynamoDB Local): the one transaction that claims
 * a code and takes the send limits (one winner per round, limits exact under concurrency, nothing
 * written when refused), and the per-user records the pre-authentication trigger reads with one
 * Query.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ChallengeStore, type CodeRecord, type ReusePolicy } from '#shared/auth-state/challenge-store';
import { failureRecord, phoneSendsPk, userPk, userSendsPk } from '#shared/auth-state/keys';
import { phoneCounter, SendLimits, sendCounters, userCounter } from '#shared/auth-state/send-limits';
import { SignInRecords } from '#shared/auth-state/sign-in-records';
import { dynamodb } from '#shared/aws/dynamodb';
import { hashCode } from '#shared/challenge/code';

const TABLE = 'auth-state-test';
const challenges = new ChallengeStore(dynamodb, TABLE);
const limits = new SendLimits(dynamodb, TABLE);
const records = new SignInRecords(dynamodb, TABLE);

let phoneSerial = 0;
const uniquePhone = () =>
  `+1202${String(process.pid % 1000).padStart(3, '0')}${String(phoneSerial++).padStart(4, '0')}`;

function code(sub: string, overrides: Partial<CodeRecord> = {}): CodeRecord {
  const now = Date.now();
  return {
    pk: `CHALLENGE#${sub}`,
    sk: 'CODE',
    id: randomUUID().replaceAll('-', ''),
    roundKey: 'round-1',
    purpose: 'sign_in',
    phone: '+12015550123',
    destination: '+*******0123',
    length: 6,
    ...hashCode('123456'),
    createdAt: now,
    expiresAt: now + 180_000,
    ttl: Math.floor(now / 1000) + 3780,
    ...overrides,
  };
}

const policy = (overrides: Partial<ReusePolicy> = {}): ReusePolicy => {
  const now = Date.now();
  return {
    roundKey: 'round-1',
    now,
    cooldownStart: now - 60_000,
    maxAttempts: 3,
    ...overrides,
  };
};

/** A sign-in code's counters (the list issueCode takes), with the two named for the checks. */
const counters = (sub: string, phone: string, now = new Date(), perUserPerHour = 5, perPhonePerDay = 10) => {
  const list = sendCounters({
    userKey: sub,
    phone,
    purpose: 'sign_in',
    now,
    perUserPerHour,
    perPhonePerDay,
    unprovenPerPhonePerDay: 3,
    unprovenPerUserPerDay: 5,
  });
  const [user, perPhone] = list;
  if (!user || !perPhone) throw new Error('a sign-in code takes two counters');
  return Object.assign(list, { user: user.counter, phone: perPhone.counter });
};
const counter = async (key: { pk: string; sk: string }) =>
  (await dynamodb.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }))).Item?.sends;

describe('ChallengeStore.issueCode: one transaction claims the code and takes the send limits', () => {
  test('the first claim stores the code and one unit of each counter; a repeat of the round reuses it and takes none', async () => {
    const sub = randomUUID();
    const phone = uniquePhone();
    const first = code(sub);
    expect(await challenges.issueCode(sub, first, policy(), counters(sub, phone))).toEqual({
      outcome: 'claimed',
    });
    const second = code(sub);
    const result = await challenges.issueCode(sub, second, policy(), counters(sub, phone));
    expect(result).toEqual({ outcome: 'reuse', code: expect.objectContaining({ id: first.id }) });
    expect((await challenges.getCode(sub))?.id).toBe(first.id);
    const { user, phone: perPhone } = counters(sub, phone);
    expect(await counter(user.key)).toBe(1);
    expect(await counter(perPhone?.key as { pk: string; sk: string })).toBe(1);
  });

  test.each<[string, Partial<CodeRecord>, Partial<ReusePolicy>]>([
    ['for another round', {}, { roundKey: 'round-2' }],
    ['created before the cooldown', { createdAt: Date.now() - 61_000 }, {}],
    ['that expired', { expiresAt: Date.now() - 1 }, {}],
    ['that was used', { usedAt: Date.now() - 1000, usedBy: 'f'.repeat(32) }, {}],
    ['that spent its wrong answers', { attempts: 3 }, {}],
  ])('a stored code %s is replaced by the new one', async (_name, stored, overrides) => {
    const sub = randomUUID();
    const phone = uniquePhone();
    await challenges.issueCode(sub, code(sub, stored), policy(), counters(sub, phone));
    const fresh = code(sub);
    expect(await challenges.issueCode(sub, fresh, policy(overrides), counters(sub, phone))).toEqual({
      outcome: 'claimed',
    });
    expect((await challenges.getCode(sub))?.id).toBe(fresh.id);
  });

  test('of 10 concurrent claims for one round exactly one wins and takes one unit; the others reuse its code', async () => {
    const sub = randomUUID();
    const phone = uniquePhone();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => challenges.issueCode(sub, code(sub), policy(), counters(sub, phone))),
    );
    expect(results.filter((r) => r.outcome === 'claimed')).toHaveLength(1);
    const stored = await challenges.getCode(sub);
    for (const r of results) if (r.outcome === 'reuse') expect(r.code.id).toBe(stored?.id);
    expect(results.filter((r) => r.outcome !== 'claimed' && r.outcome !== 'reuse')).toEqual([]);
    expect(await counter(counters(sub, phone).user.key)).toBe(1);
  });

  test('over the per-user limit: refused, and the transaction wrote nothing (no code, no phone unit)', async () => {
    const sub = randomUUID();
    const phone = uniquePhone();
    const now = new Date();
    for (let i = 0; i < 2; i++) {
      const result = await challenges.issueCode(
        sub,
        code(sub, { roundKey: `round-${i}` }),
        policy({ roundKey: `round-${i}` }),
        counters(sub, phone, now, 2),
      );
      expect(result).toEqual({ outcome: 'claimed' });
    }
    const refused = code(sub, { roundKey: 'round-9' });
    expect(
      await challenges.issueCode(sub, refused, policy({ roundKey: 'round-9' }), counters(sub, phone, now, 2)),
    ).toEqual({ outcome: 'limited', limit: 'user' });
    expect((await challenges.getCode(sub))?.id).not.toBe(refused.id);
    expect(await counter(counters(sub, phone, now).user.key)).toBe(2);
    expect(await counter(counters(sub, phone, now).phone?.key as { pk: string; sk: string })).toBe(2);
  });

  test('30 concurrent first sends to one number from different users: exactly 10 claimed; refused users keep no unit and no code', async () => {
    const phone = uniquePhone();
    const now = new Date();
    const subs = Array.from({ length: 30 }, () => randomUUID());
    const issue = async (sub: string) => {
      // A refused or conflicting transaction is tried again by issueCode; keep going until decided.
      for (;;) {
        try {
          return await challenges.issueCode(sub, code(sub), policy(), counters(sub, phone, now));
        } catch (error) {
          if (!String((error as Error).message).includes('TransactWriteItems')) throw error;
        }
      }
    };
    const results = await Promise.all(subs.map(issue));
    expect(results.filter((r) => r.outcome === 'claimed')).toHaveLength(10);
    expect(results.filter((r) => r.outcome === 'limited' && r.limit === 'phone')).toHaveLength(20);
    expect(
      await counter(counters(subs[0] as string, phone, now).phone?.key as { pk: string; sk: string }),
    ).toBe(10);
    const refused = subs[results.findIndex((r) => r.outcome === 'limited')] as string;
    expect(await counter(counters(refused, phone, now).user.key)).toBeUndefined();
    expect(await challenges.getCode(refused)).toBeUndefined();
  });

  test('releaseCode removes only the code it names', async () => {
    const sub = randomUUID();
    const stored = code(sub);
    await challenges.issueCode(sub, stored, policy(), counters(sub, uniquePhone()));
    await challenges.releaseCode(sub, 'z'.repeat(32));
    expect((await challenges.getCode(sub))?.id).toBe(stored.id);
    await challenges.releaseCode(sub, stored.id);
    expect(await challenges.getCode(sub)).toBeUndefined();
  });
});

describe('ChallengeStore: every answer recorded on the code, once', () => {
  const failure = (sub: string) => failureRecord(sub, 'wrong_code', new Date(), randomUUID().slice(0, 8));
  const issue = async (sub: string, overrides: Partial<CodeRecord> = {}) => {
    const stored = code(sub, overrides);
    await challenges.issueCode(
      sub,
      stored,
      policy({ roundKey: stored.roundKey }),
      counters(sub, uniquePhone()),
    );
    return stored;
  };

  test('useCode: the first right answer uses the code, its retry is right again, any other answer finds it dead', async () => {
    const sub = randomUUID();
    const stored = await issue(sub);
    const answer = (nonce: string) =>
      challenges.useCode(sub, { id: stored.id, nonce, now: Date.now(), maxAttempts: 3 });
    expect(await answer('a'.repeat(32))).toEqual({ outcome: 'used', retry: false });
    expect(await answer('a'.repeat(32))).toEqual({ outcome: 'used', retry: true });
    expect(await answer('b'.repeat(32))).toEqual({ outcome: 'dead', why: 'used' });
  });

  test('countWrongAnswer counts once per nonce; at the budget the right digits find the code dead', async () => {
    const sub = randomUUID();
    const stored = await issue(sub);
    const wrong = (nonce: string) =>
      challenges.countWrongAnswer(sub, { nonce, now: Date.now(), failure: failure(sub), codeId: stored.id });
    expect(await wrong('1'.repeat(32))).toBe('counted');
    expect(await wrong('1'.repeat(32))).toBe('already_counted');
    expect(await wrong('2'.repeat(32))).toBe('counted');
    expect((await challenges.getCode(sub))?.attempts).toBe(2);
    expect(await wrong('3'.repeat(32))).toBe('counted');
    expect(
      await challenges.useCode(sub, {
        id: stored.id,
        nonce: '4'.repeat(32),
        now: Date.now(),
        maxAttempts: 3,
      }),
    ).toEqual({ outcome: 'dead', why: 'exhausted' });
    const failures = (await new SignInRecords(dynamodb, TABLE).readUserRecords(sub)).filter(
      (r) => r.kind === 'failure',
    );
    expect(failures).toHaveLength(3);
  });

  test('a wrong answer to a replaced code still counts for the lockout, and leaves the new code alone', async () => {
    const sub = randomUUID();
    const old = await issue(sub);
    const fresh = await issue(sub, { roundKey: 'round-2' });
    expect(
      await challenges.countWrongAnswer(sub, {
        nonce: '5'.repeat(32),
        now: Date.now(),
        failure: failure(sub),
        codeId: old.id,
      }),
    ).toBe('counted');
    expect((await challenges.getCode(sub))?.id).toBe(fresh.id);
    expect((await challenges.getCode(sub))?.attempts).toBeUndefined();
    expect(
      await challenges.useCode(sub, { id: old.id, nonce: '6'.repeat(32), now: Date.now(), maxAttempts: 3 }),
    ).toEqual({ outcome: 'dead', why: 'replaced' });
    const failures = (await new SignInRecords(dynamodb, TABLE).readUserRecords(sub)).filter(
      (r) => r.kind === 'failure',
    );
    expect(failures).toHaveLength(1);
  });
});

describe('ChallengeStore: phone candidates and decoys', () => {
  test('a number accepted in a phone round is found by that round id until it expires', async () => {
    const sub = randomUUID();
    const now = Date.now();
    await challenges.savePhoneCandidate({
      sub,
      roundId: 'a'.repeat(32),
      phone: '+12015550123',
      now,
      ttlSeconds: 300,
    });
    expect(await challenges.getPhoneCandidate(sub, 'a'.repeat(32), now)).toBe('+12015550123');
    expect(await challenges.getPhoneCandidate(sub, 'b'.repeat(32), now)).toBeUndefined();
    expect(await challenges.getPhoneCandidate(sub, 'a'.repeat(32), now + 301_000)).toBeUndefined();
  });

  test('the decoy digits of an unknown username are random once, then stable', async () => {
    const userName = `ghost-${randomUUID()}`;
    const first = await challenges.decoyDigits('us-east-1_TEST', userName, Date.now());
    expect(first).toMatch(/^\d{4}$/);
    for (let i = 0; i < 3; i++)
      expect(await challenges.decoyDigits('us-east-1_TEST', userName, Date.now())).toBe(first);
  });
});

describe('SendLimits.takeUnit: one counter without a transaction (the unknown-user path)', () => {
  test('20 concurrent units of one user hour: exactly 5 taken', async () => {
    const hour = userCounter(randomUUID(), new Date(), 5);
    const results = await Promise.all(Array.from({ length: 20 }, () => limits.takeUnit(hour)));
    expect(results.filter(Boolean)).toHaveLength(5);
    expect(await counter(hour.key)).toBe(5);
  });

  test('30 concurrent units of one number day: exactly 10 taken', async () => {
    const now = new Date();
    const day = phoneCounter(uniquePhone(), now, 10);
    const results = await Promise.all(Array.from({ length: 30 }, () => limits.takeUnit(day)));
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(await counter(day.key)).toBe(10);
  });

  test('counters are per window and carry a TTL past it; the phone is never stored in clear', async () => {
    const sub = randomUUID();
    const phone = uniquePhone();
    const now = new Date('2030-05-06T07:08:09Z');
    expect(await limits.takeUnit(userCounter(sub, now, 5))).toBe(true);
    const { Item } = await dynamodb.send(
      new GetCommand({ TableName: TABLE, Key: { pk: userSendsPk(sub), sk: 'HOUR#2030-05-06T07' } }),
    );
    expect(Item).toEqual({
      pk: userSendsPk(sub),
      sk: 'HOUR#2030-05-06T07',
      sends: 1,
      ttl: Date.parse('2030-05-07T08:00:00Z') / 1000,
    });
    expect(phoneCounter(phone, now, 10).ttl).toBe(Date.parse('2030-05-08T00:00:00Z') / 1000);
    expect(phoneSendsPk(phone)).not.toContain(phone.slice(1));
    // The next hour is a new window.
    expect(await limits.takeUnit(userCounter(sub, new Date('2030-05-06T08:00:00Z'), 5))).toBe(true);
  });

  test('an unknown username is limited per user only', async () => {
    const hour = userCounter(`DECOY#${randomUUID()}`, new Date(), 5);
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await limits.takeUnit(hour));
    expect(results).toEqual([true, true, true, true, true, false]);
  });
});

describe('SignInRecords: what pre-authentication reads', () => {
  test('failures and a suspension come back from one Query on USER#<sub>', async () => {
    const sub = randomUUID();
    const t0 = new Date('2030-01-01T10:00:00.000Z');
    const a = await records.recordFailure(sub, 'wrong_code', t0);
    const b = await records.recordFailure(sub, 'invalid_phone', t0);
    await dynamodb.send(
      new PutCommand({
        TableName: TABLE,
        Item: { pk: userPk(sub), sk: 'SUSPENSION', reason: 'fraud', at: t0.toISOString(), by: 'ops' },
      }),
    );
    // Working state of the same user lives elsewhere and is not part of the Query.
    await challenges.savePhoneCandidate({
      sub,
      roundId: 'c'.repeat(32),
      phone: '+12015550123',
      now: Date.now(),
      ttlSeconds: 60,
    });

    const found = await records.readUserRecords(sub);
    expect(a.sk).not.toBe(b.sk);
    expect(found).toEqual(
      expect.arrayContaining([
        {
          kind: 'failure',
          pk: userPk(sub),
          sk: a.sk,
          at: t0.toISOString(),
          reason: 'wrong_code',
          ttl: a.ttl,
        },
        {
          kind: 'failure',
          pk: userPk(sub),
          sk: b.sk,
          at: t0.toISOString(),
          reason: 'invalid_phone',
          ttl: b.ttl,
        },
        {
          kind: 'suspension',
          pk: userPk(sub),
          sk: 'SUSPENSION',
          reason: 'fraud',
          at: t0.toISOString(),
          by: 'ops',
        },
      ]),
    );
    expect(found).toHaveLength(3);
    expect(a.ttl).toBe(Date.parse('2030-01-02T10:00:00.000Z') / 1000);
  });
});
