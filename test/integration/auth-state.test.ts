/**
 * The auth-state adapters against a real engine (dynalite): the conditional writes that make
 * codes single-use, attempts bounded and send limits exact under concurrency, and the per-user
 * records the pre-authentication trigger reads with one Query.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ChallengeStore, type CodeRecord, type ReusePolicy } from '#shared/auth-state/challenge-store';
import { dayWindowSk, hourWindowSk, phoneSendsPk, userPk, userSendsPk } from '#shared/auth-state/keys';
import { SendLimits } from '#shared/auth-state/send-limits';
import { SignInRecords } from '#shared/auth-state/sign-in-records';
import { dynamodb } from '#shared/aws/dynamodb';
import { codeMatches, hashCode } from '#shared/challenge/code';

const TABLE = 'auth-state-test';
const challenges = new ChallengeStore(dynamodb, TABLE);
const limits = new SendLimits(dynamodb, TABLE);
const records = new SignInRecords(dynamodb, TABLE);

let phoneCounter = 0;
const uniquePhone = () =>
  `+1202${String(process.pid % 1000).padStart(3, '0')}${String(phoneCounter++).padStart(4, '0')}`;

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
    attempts: 0,
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
    abandonedBefore: now - 5000,
    maxAttempts: 3,
    ...overrides,
  };
};

describe('ChallengeStore: the current code', () => {
  test('the first claim stores the code; a repeat of the same round within the cooldown reuses it', async () => {
    const sub = randomUUID();
    const first = code(sub, { sentAt: Date.now() });
    expect(await challenges.claimCode(sub, first, policy())).toEqual({ outcome: 'claimed' });
    const second = code(sub);
    const result = await challenges.claimCode(sub, second, policy());
    expect(result).toEqual({ outcome: 'reuse', code: expect.objectContaining({ id: first.id }) });
    expect((await challenges.getCode(sub))?.id).toBe(first.id);
  });

  test.each<[string, Partial<CodeRecord>, Partial<ReusePolicy>]>([
    ['for another round', {}, { roundKey: 'round-2' }],
    ['created before the cooldown', { createdAt: Date.now() - 61_000, sentAt: Date.now() - 61_000 }, {}],
    ['that expired', { expiresAt: Date.now() - 1 }, {}],
    ['out of attempts', { attempts: 3 }, {}],
    ['already used', { consumedAt: Date.now() }, {}],
    ['abandoned mid-send', { createdAt: Date.now() - 6000, sentAt: undefined }, {}],
  ])('a stored code %s is replaced by the new one', async (_name, stored, overrides) => {
    const sub = randomUUID();
    await challenges.claimCode(sub, code(sub, { sentAt: Date.now(), ...stored }), policy());
    const fresh = code(sub);
    expect(await challenges.claimCode(sub, fresh, policy(overrides))).toEqual({ outcome: 'claimed' });
    expect((await challenges.getCode(sub))?.id).toBe(fresh.id);
  });

  test('a code being sent right now (claimed, not yet marked sent) is reused, not sent twice', async () => {
    const sub = randomUUID();
    const inFlight = code(sub);
    await challenges.claimCode(sub, inFlight, policy());
    expect(await challenges.claimCode(sub, code(sub), policy())).toMatchObject({
      outcome: 'reuse',
      code: { id: inFlight.id },
    });
  });

  test('of 10 concurrent claims for one round exactly one wins; the others reuse its code', async () => {
    const sub = randomUUID();
    const candidates = Array.from({ length: 10 }, () => code(sub));
    const results = await Promise.all(
      candidates.map((candidate) => challenges.claimCode(sub, candidate, policy())),
    );
    const claimed = results.filter((r) => r.outcome === 'claimed');
    expect(claimed).toHaveLength(1);
    const stored = await challenges.getCode(sub);
    for (const r of results) if (r.outcome === 'reuse') expect(r.code.id).toBe(stored?.id);
  });

  test('attempts are counted atomically: 10 parallel answers to a 3-attempt code get exactly 3 checks', async () => {
    const sub = randomUUID();
    const stored = code(sub);
    await challenges.claimCode(sub, stored, policy());
    const results = await Promise.all(
      Array.from({ length: 10 }, () => challenges.countAttempt(sub, stored.id, Date.now(), 3)),
    );
    expect(results.filter((r) => r.outcome === 'counted')).toHaveLength(3);
    expect(results.filter((r) => r.outcome === 'unavailable' && r.reason === 'exhausted')).toHaveLength(7);
    expect((await challenges.getCode(sub))?.attempts).toBe(3);
  });

  test('countAttempt says why a code takes no answers', async () => {
    const sub = randomUUID();
    expect(await challenges.countAttempt(sub, 'x'.repeat(32), Date.now(), 3)).toEqual({
      outcome: 'unavailable',
      reason: 'missing',
    });
    const stored = code(sub, { expiresAt: Date.now() + 1000 });
    await challenges.claimCode(sub, stored, policy());
    expect(await challenges.countAttempt(sub, 'y'.repeat(32), Date.now(), 3)).toEqual({
      outcome: 'unavailable',
      reason: 'replaced',
    });
    expect(await challenges.countAttempt(sub, stored.id, Date.now() + 2000, 3)).toEqual({
      outcome: 'unavailable',
      reason: 'expired',
    });
    const counted = await challenges.countAttempt(sub, stored.id, Date.now(), 3);
    expect(counted.outcome === 'counted' && codeMatches('123456', counted.code)).toBe(true);
    expect(await challenges.consumeCode(sub, stored.id, Date.now())).toBe(true);
    expect(await challenges.countAttempt(sub, stored.id, Date.now(), 3)).toEqual({
      outcome: 'unavailable',
      reason: 'used',
    });
  });

  test('a code is used once: of 5 concurrent consumes exactly one succeeds', async () => {
    const sub = randomUUID();
    const stored = code(sub);
    await challenges.claimCode(sub, stored, policy());
    const results = await Promise.all(
      Array.from({ length: 5 }, () => challenges.consumeCode(sub, stored.id, Date.now())),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  test('markSent and releaseCode touch only the code they name', async () => {
    const sub = randomUUID();
    const stored = code(sub);
    await challenges.claimCode(sub, stored, policy());
    expect(await challenges.markSent(sub, 'z'.repeat(32), Date.now())).toBe(false);
    await challenges.releaseCode(sub, 'z'.repeat(32));
    expect((await challenges.getCode(sub))?.sentAt).toBeUndefined();
    expect(await challenges.markSent(sub, stored.id, 1234)).toBe(true);
    expect((await challenges.getCode(sub))?.sentAt).toBe(1234);
    await challenges.releaseCode(sub, stored.id);
    expect(await challenges.getCode(sub)).toBeUndefined();
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

describe('SendLimits', () => {
  const take = (userKey: string, phone: string | undefined, now = new Date()) =>
    limits.take({ userKey, phone, now, perUserPerHour: 5, perPhonePerDay: 10 });

  test('20 concurrent sends for one user: exactly 5 allowed', async () => {
    const sub = randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => take(sub, uniquePhone())));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(results.filter((r) => !r.allowed && r.limit === 'user')).toHaveLength(15);
  });

  test('30 concurrent sends to one number from different users: exactly 10 allowed, refused users keep their units', async () => {
    const phone = uniquePhone();
    const subs = Array.from({ length: 30 }, () => randomUUID());
    const now = new Date();
    const results = await Promise.all(subs.map((sub) => take(sub, phone, now)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.filter((r) => !r.allowed && r.limit === 'phone')).toHaveLength(20);
    const { Item: counter } = await dynamodb.send(
      new GetCommand({ TableName: TABLE, Key: { pk: phoneSendsPk(phone), sk: dayWindowSk(now) } }),
    );
    expect(counter?.sends).toBe(10);
    // A refused send gave its user unit back.
    const refused = subs[results.findIndex((r) => !r.allowed)] as string;
    const { Item: userCounter } = await dynamodb.send(
      new GetCommand({ TableName: TABLE, Key: { pk: userSendsPk(refused), sk: hourWindowSk(now) } }),
    );
    expect(userCounter?.sends).toBe(0);
  });

  test('counters are per window and carry a TTL past it; the phone is never stored in clear', async () => {
    const sub = randomUUID();
    const phone = uniquePhone();
    const now = new Date('2030-05-06T07:08:09Z');
    await take(sub, phone, now);
    const { Item } = await dynamodb.send(
      new GetCommand({ TableName: TABLE, Key: { pk: userSendsPk(sub), sk: 'HOUR#2030-05-06T07' } }),
    );
    expect(Item).toEqual({
      pk: userSendsPk(sub),
      sk: 'HOUR#2030-05-06T07',
      sends: 1,
      ttl: Date.parse('2030-05-07T08:00:00Z') / 1000,
    });
    expect(phoneSendsPk(phone)).not.toContain(phone.slice(1));
    // The next hour is a new window.
    expect(await take(sub, phone, new Date('2030-05-06T08:00:00Z'))).toEqual({ allowed: true });
  });

  test('an unknown username is limited per user only', async () => {
    const key = `DECOY#${randomUUID()}`;
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await take(key, undefined));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, true, false]);
  });
});

describe('SignInRecords: what pre-authentication reads', () => {
  test('failures, the last success and a suspension come back from one Query on USER#<sub>', async () => {
    const sub = randomUUID();
    const t0 = new Date('2030-01-01T10:00:00.000Z');
    const a = await records.recordFailure(sub, 'wrong_code', t0);
    const b = await records.recordFailure(sub, 'invalid_phone', t0);
    await records.recordSuccess(sub, new Date('2030-01-01T10:05:00.000Z'));
    await records.recordSuccess(sub, new Date('2030-01-01T10:01:00.000Z')); // older: ignored
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
        { kind: 'last_success', pk: userPk(sub), sk: 'SIGNIN#LAST_SUCCESS', at: '2030-01-01T10:05:00.000Z' },
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
    expect(found).toHaveLength(4);
    expect(a.ttl).toBe(Date.parse('2030-01-02T10:00:00.000Z') / 1000);
  });
});
