/**
 * Issue 12's auth-state against a real engine (DynamoDB Local):
 * - RecoveryStore: a set replaces the old one; burning a code is one conditional UpdateItem that
 *   works once (a Cognito retry of the very answer that burnt it is right again; anyone else finds
 *   it gone), exactly one of many racing answers wins, and the last code leaves no empty set;
 * - ChallengeStore.requestForCode: RESEND and RECOVERY are marks on the user's current code, one at
 *   a time (the last answer asks), that a wrong answer withdraws;
 * - AccountStatusStore.markConfirmed: the first confirmation time stays (Cognito retries
 *   PostConfirmation) and the one status Query reads it back (the enrolment grace).
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { AccountStatusStore, CONFIRMED_TTL_SECONDS } from '#shared/auth-state/account-status';
import { ChallengeStore, type CodeRecord } from '#shared/auth-state/challenge-store';
import { CONFIRMED_SK, failureRecord, RECOVERY_SK, userPk } from '#shared/auth-state/keys';
import { RecoveryStore } from '#shared/auth-state/recovery-store';
import { sendCounters } from '#shared/auth-state/send-limits';
import { dynamodb } from '#shared/aws/dynamodb';
import { hashCode } from '#shared/challenge/code';
import { newRecoverySet, normaliseRecoveryCode, recoveryCodeHash } from '#shared/challenge/recovery-codes';

const TABLE = 'auth-state-test';
const recovery = new RecoveryStore(dynamodb, TABLE);
const challenges = new ChallengeStore(dynamodb, TABLE);
const accounts = new AccountStatusStore(dynamodb, TABLE);

const nonce = () => randomUUID().replaceAll('-', '');
const hashOf = (sub: string, code: string) => recoveryCodeHash(sub, normaliseRecoveryCode(code) as string);
const rawItem = async (key: { pk: string; sk: string }) =>
  (await dynamodb.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }))).Item;

/** A user with a stored set of `count` codes; the codes as shown. */
async function userWithCodes(count = 10) {
  const sub = randomUUID();
  const set = newRecoverySet(sub, count);
  await recovery.replaceSet(sub, { hashes: set.hashes, nonce: nonce(), now: Date.now() });
  return { sub, codes: set.codes, hashes: set.hashes };
}

describe('RecoveryStore', () => {
  test('replaceSet stores the hashes only, with the count and time; a new set replaces the old one whole', async () => {
    const { sub, codes, hashes } = await userWithCodes();
    const stored = await recovery.read(sub);
    expect(stored?.codes).toEqual(new Set(hashes));
    expect(stored).toMatchObject({ sk: RECOVERY_SK, issued: 10 });
    expect(JSON.stringify([...(stored?.codes ?? [])])).not.toContain(codes[0]?.slice(0, 4) ?? 'none');

    const next = newRecoverySet(sub, 10);
    expect(await recovery.replaceSet(sub, { hashes: next.hashes, nonce: nonce(), now: Date.now() })).toBe(
      'stored',
    );
    expect((await recovery.read(sub))?.codes).toEqual(new Set(next.hashes));
    // A code of the old set is dead.
    const old = await recovery.burn(sub, { hash: hashes[0] as string, nonce: nonce(), now: Date.now() });
    expect(old).toEqual({ outcome: 'unknown_code' });
  });

  test('a new set also forgets who burnt the last code (no retry of an old answer is right again)', async () => {
    const { sub, hashes } = await userWithCodes();
    const by = nonce();
    expect(
      (await recovery.burn(sub, { hash: hashes[0] as string, nonce: by, now: Date.now() })).outcome,
    ).toBe('burnt');
    await recovery.replaceSet(sub, {
      hashes: newRecoverySet(sub, 10).hashes,
      nonce: nonce(),
      now: Date.now(),
    });
    expect(await recovery.burn(sub, { hash: hashes[0] as string, nonce: by, now: Date.now() })).toEqual({
      outcome: 'unknown_code',
    });
  });

  test('a retry of the acknowledgement that stored the set (same nonce): reported as a retry, and a code burnt meanwhile stays burnt', async () => {
    const sub = randomUUID();
    const set = newRecoverySet(sub, 10);
    const acknowledgement = { hashes: set.hashes, nonce: nonce(), now: Date.now() };
    expect(await recovery.replaceSet(sub, acknowledgement)).toBe('stored');
    // Another sign-in uses one of the new codes before Cognito's retry of the acknowledgement.
    const burnt = hashOf(sub, set.codes[0] as string);
    expect((await recovery.burn(sub, { hash: burnt, nonce: nonce(), now: Date.now() })).outcome).toBe(
      'burnt',
    );
    expect(await recovery.replaceSet(sub, acknowledgement)).toBe('retry');
    const stored = await recovery.read(sub);
    expect(stored?.codes?.size).toBe(9);
    expect(stored?.codes?.has(burnt)).toBe(false);
    // Another round's acknowledgement (a new nonce) replaces it.
    const next = newRecoverySet(sub, 10);
    expect(await recovery.replaceSet(sub, { hashes: next.hashes, nonce: nonce(), now: Date.now() })).toBe(
      'stored',
    );
    expect((await recovery.read(sub))?.codes).toEqual(new Set(next.hashes));
  });

  test('a right code burns once and counts down; a second answer with it finds it gone', async () => {
    const { sub, codes } = await userWithCodes();
    const hash = hashOf(sub, codes[3] as string);
    expect(await recovery.burn(sub, { hash, nonce: nonce(), now: Date.now() })).toEqual({
      outcome: 'burnt',
      retry: false,
      left: 9,
    });
    expect(await recovery.burn(sub, { hash, nonce: nonce(), now: Date.now() })).toEqual({
      outcome: 'unknown_code',
    });
    const stored = await recovery.read(sub);
    expect(stored?.codes?.size).toBe(9);
    expect(stored?.codes?.has(hash)).toBe(false);
    expect(stored).toMatchObject({ lastUsedHash: hash, issued: 10 });
  });

  test('Cognito retrying the Verify that burnt it (same nonce, same code): burnt again as a retry, nothing more removed', async () => {
    const { sub, codes } = await userWithCodes();
    const answer = { hash: hashOf(sub, codes[0] as string), nonce: nonce(), now: Date.now() };
    expect(await recovery.burn(sub, answer)).toEqual({ outcome: 'burnt', retry: false, left: 9 });
    expect(await recovery.burn(sub, answer)).toEqual({ outcome: 'burnt', retry: true, left: 9 });
    expect(await recovery.burn(sub, answer)).toEqual({ outcome: 'burnt', retry: true, left: 9 });
    expect((await recovery.read(sub))?.codes?.size).toBe(9);
  });

  test('the same nonce with another code is no retry: a code not in the set stays unknown', async () => {
    const { sub, codes } = await userWithCodes();
    const by = nonce();
    await recovery.burn(sub, { hash: hashOf(sub, codes[0] as string), nonce: by, now: Date.now() });
    expect(
      await recovery.burn(sub, { hash: hashOf(sub, 'ZZZZ-ZZZZ-ZZZZ'), nonce: by, now: Date.now() }),
    ).toEqual({
      outcome: 'unknown_code',
    });
  });

  test('a code of another user, or any code for a user with no set: unknown, and no item is created', async () => {
    const alice = await userWithCodes();
    const bob = randomUUID();
    const aliceCode = alice.codes[0] as string;
    expect(
      await recovery.burn(bob, { hash: hashOf(bob, aliceCode), nonce: nonce(), now: Date.now() }),
    ).toEqual({
      outcome: 'unknown_code',
    });
    expect(await recovery.read(bob)).toBeUndefined();
    // Bob's hash of Alice's code is not Alice's hash either (keyed per user).
    expect(
      await recovery.burn(alice.sub, { hash: hashOf(bob, aliceCode), nonce: nonce(), now: Date.now() }),
    ).toEqual({ outcome: 'unknown_code' });
  });

  test('10 answers with the same code by different sign-ins at once: exactly one wins', async () => {
    const { sub, codes } = await userWithCodes();
    const hash = hashOf(sub, codes[5] as string);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => recovery.burn(sub, { hash, nonce: nonce(), now: Date.now() })),
    );
    expect(results.filter((result) => result.outcome === 'burnt')).toEqual([
      { outcome: 'burnt', retry: false, left: 9 },
    ]);
    expect(results.filter((result) => result.outcome === 'unknown_code')).toHaveLength(9);
    expect((await recovery.read(sub))?.codes?.size).toBe(9);
  });

  test('the codes count down to none; the last one leaves no `codes` attribute and nothing more burns', async () => {
    const { sub, codes } = await userWithCodes(3);
    const lefts = [];
    for (const code of codes) {
      const result = await recovery.burn(sub, { hash: hashOf(sub, code), nonce: nonce(), now: Date.now() });
      lefts.push(result.outcome === 'burnt' ? result.left : -1);
    }
    expect(lefts).toEqual([2, 1, 0]);
    const item = await rawItem({ pk: `CHALLENGE#${sub}`, sk: RECOVERY_SK });
    expect(item).toBeDefined();
    expect(item).not.toHaveProperty('codes');
    expect(item?.issued).toBe(3);
    expect(
      await recovery.burn(sub, { hash: hashOf(sub, codes[0] as string), nonce: nonce(), now: Date.now() }),
    ).toEqual({ outcome: 'unknown_code' });
  });

  test('a retry of the answer that burnt the last code is still right (left 0)', async () => {
    const { sub, codes } = await userWithCodes(1);
    const answer = { hash: hashOf(sub, codes[0] as string), nonce: nonce(), now: Date.now() };
    expect(await recovery.burn(sub, answer)).toEqual({ outcome: 'burnt', retry: false, left: 0 });
    expect(await recovery.burn(sub, answer)).toEqual({ outcome: 'burnt', retry: true, left: 0 });
  });

  test('remove deletes the set', async () => {
    const { sub } = await userWithCodes();
    await recovery.remove(sub);
    expect(await recovery.read(sub)).toBeUndefined();
  });
});

describe('ChallengeStore.requestForCode: RESEND and RECOVERY marks on the current code', () => {
  async function issued(sub: string): Promise<CodeRecord> {
    const now = Date.now();
    const roundKey = nonce();
    const code: CodeRecord = {
      pk: `CHALLENGE#${sub}`,
      sk: 'CODE',
      id: nonce(),
      roundKey,
      purpose: 'sign_in',
      phone: '+12015550123',
      destination: '+*******0123',
      length: 6,
      ...hashCode('123456'),
      createdAt: now,
      expiresAt: now + 180_000,
      ttl: Math.floor(now / 1000) + 3780,
    };
    const counters = sendCounters({
      userKey: sub,
      phone: `+1202555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`,
      purpose: 'sign_in',
      now: new Date(now),
      perUserPerHour: 5,
      perPhonePerDay: 1000,
      unprovenPerPhonePerDay: 3,
      unprovenPerUserPerDay: 5,
    });
    const result = await challenges.issueCode(
      sub,
      code,
      { roundKey, now, cooldownStart: now - 30_000, maxAttempts: 3 },
      counters,
    );
    expect(result).toEqual({ outcome: 'claimed' });
    return code;
  }
  const marks = async (sub: string) => {
    const code = await challenges.getCode(sub);
    return { resendFor: code?.resendFor, recoveryFor: code?.recoveryFor, attempts: code?.attempts };
  };

  test('each request replaces the other: only the last answer asks', async () => {
    const sub = randomUUID();
    const code = await issued(sub);
    expect(await challenges.requestForCode(sub, code.id, 'recovery')).toBe(true);
    expect(await marks(sub)).toEqual({ resendFor: undefined, recoveryFor: code.id, attempts: undefined });
    expect(await challenges.requestForCode(sub, code.id, 'resend')).toBe(true);
    expect(await marks(sub)).toEqual({ resendFor: code.id, recoveryFor: undefined, attempts: undefined });
    expect(await challenges.requestForCode(sub, code.id, 'recovery')).toBe(true);
    expect(await marks(sub)).toEqual({ resendFor: undefined, recoveryFor: code.id, attempts: undefined });
    // A retry writes the same again.
    expect(await challenges.requestForCode(sub, code.id, 'recovery')).toBe(true);
    expect(await marks(sub)).toEqual({ resendFor: undefined, recoveryFor: code.id, attempts: undefined });
  });

  test('a wrong answer withdraws either mark and counts one attempt', async () => {
    const sub = randomUUID();
    for (const request of ['resend', 'recovery'] as const) {
      const code = await issued(sub);
      await challenges.requestForCode(sub, code.id, request);
      expect(
        await challenges.countWrongAnswer(sub, {
          nonce: nonce(),
          now: Date.now(),
          failure: failureRecord(sub, 'wrong_code', new Date(), nonce().slice(0, 8)),
          codeId: code.id,
        }),
      ).toBe('counted');
      expect(await marks(sub)).toEqual({ resendFor: undefined, recoveryFor: undefined, attempts: 1 });
    }
  });

  test('a replaced or missing code takes no request, and no code item is created', async () => {
    const sub = randomUUID();
    expect(await challenges.requestForCode(sub, nonce(), 'recovery')).toBe(false);
    expect(await challenges.getCode(sub)).toBeUndefined();
    const code = await issued(sub);
    expect(await challenges.requestForCode(sub, nonce(), 'resend')).toBe(false);
    expect(await marks(sub)).toEqual({ resendFor: undefined, recoveryFor: undefined, attempts: undefined });
    expect((await challenges.getCode(sub))?.id).toBe(code.id);
  });
});

describe('AccountStatusStore.markConfirmed: the start of the enrolment grace', () => {
  test('the first confirmation time wins over any repeat; read() returns it with the other records', async () => {
    const sub = randomUUID();
    const first = new Date(Date.now() - 5 * 60_000);
    await accounts.markConfirmed(sub, first);
    await accounts.markConfirmed(sub, new Date());
    await accounts.markConfirmed(sub, new Date(Date.now() + 60_000));
    const records = await accounts.read(sub, new Date(Date.now() - 15 * 60_000));
    expect(records.confirmedAt).toBe(first.toISOString());
    expect(records.failures).toEqual([]);
    const item = await rawItem({ pk: userPk(sub), sk: CONFIRMED_SK });
    expect(item).toEqual({
      pk: userPk(sub),
      sk: CONFIRMED_SK,
      at: first.toISOString(),
      ttl: Math.floor(first.getTime() / 1000) + CONFIRMED_TTL_SECONDS,
    });
  });

  test('three concurrent confirmations (Cognito retrying): one time is kept', async () => {
    const sub = randomUUID();
    const times = [1, 2, 3].map((minutes) => new Date(Date.now() - minutes * 60_000));
    await Promise.all(times.map((time) => accounts.markConfirmed(sub, time)));
    const confirmedAt = (await accounts.read(sub, new Date(0))).confirmedAt;
    expect(times.map((time) => time.toISOString())).toContain(confirmedAt);
  });

  test('an account never confirmed through the trigger has no confirmation time', async () => {
    expect((await accounts.read(randomUUID(), new Date(0))).confirmedAt).toBeUndefined();
  });
});
