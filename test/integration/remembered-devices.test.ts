/**
 * Remembered devices (issue 15) against a real engine (DynamoDB Local):
 * - DeviceStore: remember (one write; beyond the maximum the oldest go in the same transaction; the
 *   same key again renews it), list, revoke (some or all), and `prove`, ONE conditional UpdateItem
 *   that makes a challenge single-use: a replay with another nonce is refused, a Cognito retry
 *   (same nonce) is right again, and of 10 answers racing with one challenge exactly one wins; it
 *   never brings back a revoked device;
 * - the status Query (AccountStatusStore.read) returns the devices with the rest of the status;
 * - expiry with a controllable clock, through the real Define, Create and Verify handlers
 *   (test/helpers/custom-auth.ts): a device past its expiresAt is neither offered by Create nor
 *   proven by Verify, even for a round Create built while it was valid.
 */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { AccountStatusStore, usableDevice } from '#shared/auth-state/account-status';
import { DeviceStore, devicesToDrop } from '#shared/auth-state/device-store';
import { rememberedDeviceSk, userPk } from '#shared/auth-state/keys';
import { SignInRecords } from '#shared/auth-state/sign-in-records';
import { dynamodb } from '#shared/aws/dynamodb';
import { sns } from '#shared/aws/sns';
import { deviceIdOf, deviceProofMessage, newDeviceChallenge } from '#shared/challenge/device-proof';
import { handler as verifyHandler } from '../../functions/verify-auth-challenge/handler';
import { common, newUser, SignIn, type TestUser } from '../helpers/custom-auth';

const TABLE = 'auth-state-test';
const DAY = 86_400_000;
const devices = new DeviceStore(dynamodb, TABLE);
const accounts = new AccountStatusStore(dynamodb, TABLE);
const records = new SignInRecords(dynamodb, TABLE);

const nonce = () => randomUUID().replaceAll('-', '');
const rawItem = async (sub: string, deviceId: string) =>
  (
    await dynamodb.send(
      new GetCommand({
        TableName: TABLE,
        Key: { pk: userPk(sub), sk: rememberedDeviceSk(deviceId) },
        ConsistentRead: true,
      }),
    )
  ).Item;

function newDevice() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    id: deviceIdOf(der),
    spki: der.toString('base64url'),
    sign: (text: string) =>
      sign('sha256', Buffer.from(text, 'utf8'), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString(
        'base64url',
      ),
  };
}

/** Remembers `device` for `sub` as Verify does: the oldest beyond `max` dropped. */
async function rememberAt(sub: string, device: { id: string; spki: string }, now: Date, max = 10, days = 30) {
  const drop = devicesToDrop(await devices.list(sub), device.id, max);
  return devices.remember(sub, { id: device.id, publicKey: device.spki, now, days, drop });
}

describe('DeviceStore', () => {
  test('remember writes the public key (never a private one), its times and a TTL at its expiry; list reads it back', async () => {
    const sub = randomUUID();
    const device = newDevice();
    const now = new Date();
    await devices.remember(sub, {
      id: device.id,
      publicKey: device.spki,
      name: 'Ada’s laptop',
      now,
      days: 30,
      drop: [],
    });
    const expiresAt = new Date(now.getTime() + 30 * DAY);
    expect(await rawItem(sub, device.id)).toEqual({
      pk: userPk(sub),
      sk: rememberedDeviceSk(device.id),
      id: device.id,
      publicKey: device.spki,
      name: 'Ada’s laptop',
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      ttl: Math.ceil(expiresAt.getTime() / 1000),
    });
    expect(await devices.list(sub)).toEqual([
      {
        id: device.id,
        publicKey: device.spki,
        name: 'Ada’s laptop',
        createdAt: now.toISOString(),
        expiresAt: expiresAt.toISOString(),
        lastUsedAt: undefined,
      },
    ]);
  });

  test('the status Query reads the devices with the rest of the status (no extra read for Create and Verify)', async () => {
    const sub = randomUUID();
    const [a, b] = [newDevice(), newDevice()];
    await rememberAt(sub, a, new Date());
    await rememberAt(sub, b, new Date());
    const read = await accounts.read(sub, new Date(Date.now() - 15 * 60_000));
    expect(read.devices?.map((device) => device.id).sort()).toEqual([a.id, b.id].sort());
  });

  test('beyond the maximum the oldest go, in the same write; the same key again renews its device and drops none', async () => {
    const sub = randomUUID();
    const four = [newDevice(), newDevice(), newDevice(), newDevice()];
    const t0 = Date.now();
    for (const [i, device] of four.entries()) await rememberAt(sub, device, new Date(t0 + i * 1000), 3);
    expect((await devices.list(sub)).map((device) => device.id)).toEqual(
      four.slice(1).map((device) => device.id),
    );
    expect(await rawItem(sub, (four[0] as { id: string }).id)).toBeUndefined();

    // The newest, remembered again later: still 3, its expiry moved on.
    const again = four[3] as (typeof four)[number];
    await rememberAt(sub, again, new Date(t0 + DAY), 3);
    const listed = await devices.list(sub);
    expect(listed).toHaveLength(3);
    expect(listed.find((device) => device.id === again.id)?.expiresAt).toBe(
      new Date(t0 + 31 * DAY).toISOString(),
    );

    // A maximum of 1: everything else goes at once.
    const last = newDevice();
    await rememberAt(sub, last, new Date(t0 + 2 * DAY), 1);
    expect((await devices.list(sub)).map((device) => device.id)).toEqual([last.id]);
  });

  test('revoke: by id (the others stay), then all; it returns what it removed', async () => {
    const sub = randomUUID();
    const three = [newDevice(), newDevice(), newDevice()];
    for (const device of three) await rememberAt(sub, device, new Date());
    const [first, ...rest] = three as [ReturnType<typeof newDevice>, ...ReturnType<typeof newDevice>[]];
    expect((await devices.revoke(sub, [first.id])).map((device) => device.id)).toEqual([first.id]);
    expect((await devices.list(sub)).map((device) => device.id).sort()).toEqual(rest.map((d) => d.id).sort());
    expect((await devices.revoke(sub, 'all')).map((device) => device.id).sort()).toEqual(
      rest.map((d) => d.id).sort(),
    );
    expect(await devices.list(sub)).toEqual([]);
    expect(await devices.revoke(sub, 'all')).toEqual([]);
    expect(await devices.revoke(sub, [first.id])).toEqual([]);
  });

  test('revoking one user’s devices leaves another user’s alone', async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    const device = newDevice();
    await rememberAt(alice, device, new Date());
    await rememberAt(bob, device, new Date());
    await devices.revoke(alice, 'all');
    expect((await devices.list(bob)).map((d) => d.id)).toEqual([device.id]);
  });
});

describe('DeviceStore.prove: a challenge is single-use', () => {
  async function rememberedUser() {
    const sub = randomUUID();
    const device = newDevice();
    await rememberAt(sub, device, new Date());
    return { sub, device };
  }

  test('the first proof of a challenge is recorded (last used, challenge, nonce)', async () => {
    const { sub, device } = await rememberedUser();
    const challenge = newDeviceChallenge();
    const by = nonce();
    const now = new Date();
    expect(await devices.prove(sub, { deviceId: device.id, challenge, nonce: by, now })).toEqual({
      outcome: 'proven',
      retry: false,
    });
    expect(await rawItem(sub, device.id)).toMatchObject({
      lastUsedAt: now.toISOString(),
      lastChallenge: challenge,
      lastNonce: by,
    });
  });

  test('a replay of the challenge by another answer (another nonce) is refused; a Cognito retry of the same answer is right again', async () => {
    const { sub, device } = await rememberedUser();
    const challenge = newDeviceChallenge();
    const by = nonce();
    const prove = (n: string) =>
      devices.prove(sub, { deviceId: device.id, challenge, nonce: n, now: new Date() });
    expect(await prove(by)).toEqual({ outcome: 'proven', retry: false });
    expect(await prove(nonce())).toEqual({ outcome: 'dead' });
    expect(await prove(by)).toEqual({ outcome: 'proven', retry: true });
    // The refused replay changed nothing: the stored proof is still the first answer's.
    expect(await rawItem(sub, device.id)).toMatchObject({ lastChallenge: challenge, lastNonce: by });
    // A new round (new challenge) proves again.
    expect(
      await devices.prove(sub, {
        deviceId: device.id,
        challenge: newDeviceChallenge(),
        nonce: nonce(),
        now: new Date(),
      }),
    ).toEqual({ outcome: 'proven', retry: false });
  });

  test('10 answers racing with one challenge (each its own nonce): exactly one wins', async () => {
    const { sub, device } = await rememberedUser();
    const challenge = newDeviceChallenge();
    const nonces = Array.from({ length: 10 }, nonce);
    const outcomes = await Promise.all(
      nonces.map((n) => devices.prove(sub, { deviceId: device.id, challenge, nonce: n, now: new Date() })),
    );
    const winners = outcomes.flatMap((outcome, i) => (outcome.outcome === 'proven' ? [nonces[i]] : []));
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.outcome === 'dead')).toHaveLength(9);
    expect((await rawItem(sub, device.id))?.lastNonce).toBe(winners[0]);
  });

  test('10 concurrent retries of the one answer (same nonce, Cognito retrying): all right, one first proof', async () => {
    const { sub, device } = await rememberedUser();
    const challenge = newDeviceChallenge();
    const by = nonce();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () =>
        devices.prove(sub, { deviceId: device.id, challenge, nonce: by, now: new Date() }),
      ),
    );
    expect(outcomes.every((outcome) => outcome.outcome === 'proven')).toBe(true);
    expect(outcomes.filter((outcome) => outcome.outcome === 'proven' && !outcome.retry)).toHaveLength(1);
  });

  test('a revoked (or never remembered) device is never proven, and the proof does not create its item', async () => {
    const { sub, device } = await rememberedUser();
    await devices.revoke(sub, 'all');
    const proof = { deviceId: device.id, challenge: newDeviceChallenge(), nonce: nonce(), now: new Date() };
    expect(await devices.prove(sub, proof)).toEqual({ outcome: 'dead' });
    expect(await devices.prove(randomUUID(), proof)).toEqual({ outcome: 'dead' });
    expect(await rawItem(sub, device.id)).toBeUndefined();
  });

  test('expiry by the given clock: proven until its expiresAt, never at or after it', async () => {
    const sub = randomUUID();
    const device = newDevice();
    const t0 = new Date();
    await rememberAt(sub, device, t0, 10, 30);
    const at = (ms: number) =>
      devices.prove(sub, {
        deviceId: device.id,
        challenge: newDeviceChallenge(),
        nonce: nonce(),
        now: new Date(ms),
      });
    const expiry = t0.getTime() + 30 * DAY;
    expect(await at(expiry - 1)).toEqual({ outcome: 'proven', retry: false });
    expect(await at(expiry)).toEqual({ outcome: 'dead' });
    expect(await at(expiry + DAY)).toEqual({ outcome: 'dead' });
    // Still listed (its TTL deletes it later), but not usable.
    const listed = await devices.list(sub);
    expect(listed).toHaveLength(1);
    expect(usableDevice({ devices: listed }, device.id, new Date(expiry))).toBeUndefined();
    expect(usableDevice({ devices: listed }, device.id, new Date(expiry - 1))?.id).toBe(device.id);
  });
});

describe('through the triggers, with a controllable clock', () => {
  const snsMock = mockClient(sns);
  let outbox: { to: string; body: string }[] = [];
  let phoneCounter = 0;
  const uniquePhone = () =>
    `+1201558${String((process.pid * 13 + phoneCounter++) % 10_000).padStart(4, '0')}`;
  const lastCodeTo = (phone: string) =>
    /\b(\d{6})\b/.exec([...outbox].reverse().find((sms) => sms.to === phone)?.body ?? '')?.[1] ?? 'none';
  const typeOf = (signIn: SignIn) => signIn.round?.publicParameters.type;
  const proofFor = (user: TestUser, device: ReturnType<typeof newDevice>, signIn: SignIn) =>
    device.sign(
      deviceProofMessage('us-east-1_INTEGRATION', user.sub, String(signIn.round?.publicParameters.challenge)),
    );
  const failures = async (user: TestUser) =>
    (await records.readUserRecords(user.sub)).filter((record) => record.kind === 'failure');

  /** Moves `Date` only: the SDK's and the engine's timers keep running. */
  function setClock(now: number): void {
    jest.useFakeTimers({
      now,
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
  }

  beforeEach(() => {
    outbox = [];
    snsMock
      .reset()
      .on(PublishCommand)
      .callsFake(async (input) => {
        outbox.push({ to: String(input.PhoneNumber), body: String(input.Message) });
        return { MessageId: randomUUID() };
      });
  });
  afterEach(() => jest.useRealTimers());
  afterAll(() => snsMock.restore());

  /** A user with a verified phone who registered `device` with a right SMS code at `at`. */
  async function registered(at: number) {
    setClock(at);
    const phone = uniquePhone();
    const user = newUser(phone);
    const device = newDevice();
    const signIn = await SignIn.start(user);
    expect(typeOf(signIn)).toBe('SMS_OTP');
    expect(await signIn.answer(lastCodeTo(phone), { rememberDevice: device.spki })).toBe(true);
    expect(signIn.outcome).toBe('tokens');
    expect((await devices.list(user.sub)).map((d) => d.id)).toEqual([device.id]);
    return { user, phone, device };
  }

  test('within REMEMBER_DEVICE_DAYS (30): a DEVICE_PROOF round, the proof, tokens, no SMS', async () => {
    const t0 = Date.now();
    const { user, device } = await registered(t0);
    setClock(t0 + 29 * DAY);
    const sent = outbox.length;
    const signIn = await SignIn.start(user, { deviceId: device.id });
    expect(typeOf(signIn)).toBe('DEVICE_PROOF');
    expect(await signIn.answer(proofFor(user, device, signIn))).toBe(true);
    expect(signIn.outcome).toBe('tokens');
    expect(outbox).toHaveLength(sent);
    expect((await devices.list(user.sub))[0]?.lastUsedAt).toBe(new Date(t0 + 29 * DAY).toISOString());
  });

  test('past its expiry Create does not offer the device: the SMS code, as if none were named', async () => {
    const t0 = Date.now();
    const { user, phone, device } = await registered(t0);
    setClock(t0 + 30 * DAY + 1000);
    const signIn = await SignIn.start(user, { deviceId: device.id });
    expect(typeOf(signIn)).toBe('SMS_OTP');
    expect(outbox.at(-1)?.to).toBe(phone);
    expect(await signIn.answer(lastCodeTo(phone))).toBe(true);
    expect(signIn.outcome).toBe('tokens');
    expect(await failures(user)).toEqual([]);
  });

  test('a round built just before the expiry and answered after it: wrong (counted), then the SMS code', async () => {
    const t0 = Date.now();
    const { user, phone, device } = await registered(t0);
    setClock(t0 + 30 * DAY - 60_000);
    const signIn = await SignIn.start(user, { deviceId: device.id });
    expect(typeOf(signIn)).toBe('DEVICE_PROOF');
    setClock(t0 + 30 * DAY + 60_000);
    expect(await signIn.answer(proofFor(user, device, signIn))).toBe(false);
    expect(typeOf(signIn)).toBe('SMS_OTP');
    expect((await failures(user)).map((failure) => failure.reason)).toEqual(['wrong_device_proof']);
    expect(await signIn.answer(lastCodeTo(phone))).toBe(true);
    expect(signIn.outcome).toBe('tokens');
  });

  test('the right proof replayed in a Verify with another nonce is refused; the retry of the one answer is right again', async () => {
    const { user, device } = await registered(Date.now());
    jest.useRealTimers();
    const signIn = await SignIn.start(user, { deviceId: device.id });
    const round = signIn.round;
    if (!round) throw new Error('no round');
    const proof = proofFor(user, device, signIn);
    expect(await signIn.answer(proof)).toBe(true);
    expect(await signIn.retryVerify()).toBe(true);
    const replay = await verifyHandler({
      ...common(user),
      triggerSource: 'VerifyAuthChallengeResponse_Authentication',
      request: {
        userAttributes: { ...user.attributes },
        privateChallengeParameters: { ...round.privateParameters, nonce: nonce() },
        challengeAnswer: proof,
      },
      response: {},
    } as Parameters<typeof verifyHandler>[0]);
    expect(replay.response.answerCorrect).toBe(false);
    expect((await failures(user)).map((failure) => failure.reason)).toEqual(['wrong_device_proof']);
  });
});
