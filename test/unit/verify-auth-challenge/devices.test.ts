/**
 * Remembered devices in Verify (issue 15), with its ports faked (fakes.ts):
 * - DEVICE_PROOF: the answer is checked against the public key of the device read with the status
 *   Query (never a key the client sends), for this pool, user and challenge; a right signature is
 *   recorded with ONE conditional write (DeviceStore.prove); a wrong one, a device gone or expired,
 *   or a challenge already used is a wrong answer counted toward the lockout (`wrong_device_proof`);
 *   a Cognito retry of the right answer is right again;
 * - registration: `ClientMetadata.rememberDevice` with the right SMS code (only then) stores the
 *   device, the oldest dropped beyond MAX_REMEMBERED_DEVICES; never with REMEMBER_DEVICE_DAYS=0, a
 *   wrong code, a dead code, a RESEND or an EMAIL_OTP round; a malformed key or name is a clear
 *   error before anything is read or written (the same for an unknown user's decoy round);
 * - a right recovery code revokes every remembered device.
 * Then through the handler with the AWS clients faked: the calls each of these costs.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { RememberedDevice } from '#shared/auth-state/account-status';
import { dynamodb } from '#shared/aws/dynamodb';
import { deviceIdOf, deviceProofMessage, newDeviceChallenge } from '#shared/challenge/device-proof';
import type { NewRound } from '#shared/challenge/protocol';
import { InvalidClientMetadataError } from '#shared/errors';
import { countMetric } from '#shared/metrics';
import { handler } from '../../../functions/verify-auth-challenge/handler';
import { verifyAuthChallenge } from '../../../functions/verify-auth-challenge/verify-auth-challenge';
import { id } from '../../helpers/session-rounds';
import {
  CODE,
  codeRound,
  EMAIL,
  type FakeInput,
  fakes,
  NEW_PHONE,
  NOW,
  SUB,
  verifyEvent,
  withPhone,
} from './fakes';

jest.mock('#shared/metrics', () => ({ ...jest.requireActual('#shared/metrics'), countMetric: jest.fn() }));
const counted = () =>
  jest.mocked(countMetric).mock.calls.map(([, name, reason]) => (reason ? `${name}:${reason}` : name));
beforeEach(() => jest.mocked(countMetric).mockClear());

const POOL = 'us-east-1_EXAMPLE1';
const KEY_ERROR = 'rememberDevice must be the base64url SPKI of an ECDSA P-256 public key';

/** A device made with Node's crypto: its SPKI, id and a signer. */
function newDevice() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    id: deviceIdOf(der),
    spki: der.toString('base64url'),
    privateKey,
    sign: (text: string, key: KeyObject = privateKey) =>
      sign('sha256', Buffer.from(text, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url'),
  };
}
const DEVICE = newDevice();
const CHALLENGE = newDeviceChallenge();
const PROOF = DEVICE.sign(deviceProofMessage(POOL, SUB, CHALLENGE));

const isoFromNow = (days: number) => new Date(NOW.getTime() + days * 86_400_000).toISOString();
const stored = (
  device: { id: string; spki: string } = DEVICE,
  over: Partial<RememberedDevice> = {},
): RememberedDevice => ({
  id: device.id,
  publicKey: device.spki,
  createdAt: isoFromNow(-3),
  expiresAt: isoFromNow(27),
  ...over,
});
const proofRound = (over: { deviceId?: string; challenge?: string } = {}): NewRound => ({
  type: 'DEVICE_PROOF',
  id: id('d'),
  deviceId: over.deviceId ?? DEVICE.id,
  challenge: over.challenge ?? CHALLENGE,
});

async function verify(
  round: NewRound,
  answer: string,
  fake: FakeInput = {},
  clientMetadata?: Record<string, string>,
  userNotFound = false,
) {
  const f = fakes(fake);
  const event = verifyEvent(round, answer, userNotFound ? {} : withPhone());
  if (clientMetadata) event.request.clientMetadata = clientMetadata;
  if (userNotFound) event.request.userNotFound = true;
  await verifyAuthChallenge(event, f.deps);
  return { f, event, correct: event.response.answerCorrect };
}
const nonceOf = (event: { request: { privateChallengeParameters?: Record<string, string> | null } }) =>
  event.request.privateChallengeParameters?.nonce as string;

describe('DEVICE_PROOF: a right signature', () => {
  test('right: the status Query, then ONE conditional write (prove) for this device, challenge and round nonce', async () => {
    const { f, event, correct } = await verify(proofRound(), PROOF, { devices: [stored()] });
    expect(correct).toBe(true);
    expect(f.accounts.read).toHaveBeenCalledTimes(1);
    expect(f.devices.prove).toHaveBeenCalledTimes(1);
    expect(f.devices.prove).toHaveBeenCalledWith(SUB, {
      deviceId: DEVICE.id,
      challenge: CHALLENGE,
      nonce: nonceOf(event),
      now: NOW,
    });
    expect(f.writes()).toHaveLength(1);
    expect(f.challenges.countWrongAnswer).not.toHaveBeenCalled();
    expect(f.notices.record).not.toHaveBeenCalled();
    expect(counted()).toEqual(['DeviceProofs']);
  });

  test('made with WebCrypto (a browser app) too', async () => {
    const { subtle } = globalThis.crypto;
    const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const spki = Buffer.from(await subtle.exportKey('spki', pair.publicKey));
    const web = { id: deviceIdOf(spki), spki: spki.toString('base64url') };
    const signature = Buffer.from(
      await subtle.sign(
        { name: 'ECDSA', hash: 'SHA-256' },
        pair.privateKey,
        Buffer.from(deviceProofMessage(POOL, SUB, CHALLENGE)),
      ),
    ).toString('base64url');
    const { correct } = await verify(proofRound({ deviceId: web.id }), signature, { devices: [stored(web)] });
    expect(correct).toBe(true);
  });

  test('a Cognito retry of the right answer (prove reports a retry): right again, not counted twice', async () => {
    const { f, correct } = await verify(proofRound(), PROOF, {
      devices: [stored()],
      proof: { outcome: 'proven', retry: true },
    });
    expect(correct).toBe(true);
    expect(f.challenges.countWrongAnswer).not.toHaveBeenCalled();
    expect(counted()).toEqual([]);
  });

  test('the key is the stored one, whichever the client names: rememberDevice with the answer changes nothing', async () => {
    const attacker = newDevice();
    const forged = attacker.sign(deviceProofMessage(POOL, SUB, CHALLENGE));
    const { f, correct } = await verify(
      proofRound(),
      forged,
      { devices: [stored()] },
      { rememberDevice: attacker.spki, deviceId: attacker.id },
    );
    expect(correct).toBe(false);
    expect(f.devices.remember).not.toHaveBeenCalled();
    expect(f.devices.prove).not.toHaveBeenCalled();
  });
});

describe('DEVICE_PROOF: a wrong answer, counted toward the lockout like a wrong code', () => {
  const wrongly = async (round: NewRound, answer: string, fake: FakeInput = {}) => {
    const result = await verify(round, answer, { devices: [stored()], ...fake });
    expect(result.correct).toBe(false);
    expect(result.f.challenges.countWrongAnswer).toHaveBeenCalledTimes(1);
    expect(result.f.challenges.countWrongAnswer).toHaveBeenCalledWith(SUB, {
      nonce: nonceOf(result.event),
      now: NOW.getTime(),
      failure: expect.objectContaining({ reason: 'wrong_device_proof' }),
      codeId: undefined,
    });
    expect(counted()).toEqual(['AnswersRejected:wrong_device_proof']);
    return result.f;
  };

  test.each<[string, () => string]>([
    ['signed by another key', () => newDevice().sign(deviceProofMessage(POOL, SUB, CHALLENGE))],
    ['signed for another user', () => DEVICE.sign(deviceProofMessage(POOL, id('e'), CHALLENGE))],
    ['signed for another pool', () => DEVICE.sign(deviceProofMessage('eu-west-1_OTHER', SUB, CHALLENGE))],
    ['signed over another challenge', () => DEVICE.sign(deviceProofMessage(POOL, SUB, newDeviceChallenge()))],
    [
      'DER-encoded',
      () =>
        sign('sha256', Buffer.from(deviceProofMessage(POOL, SUB, CHALLENGE)), DEVICE.privateKey).toString(
          'base64url',
        ),
    ],
    ['garbage', () => 'not a signature'],
    ['empty', () => ''],
    ['RESEND (no reserved answers in this round)', () => 'RESEND'],
  ])('%s: wrong, no write but the count', async (_what, answer) => {
    const f = await wrongly(proofRound(), answer());
    expect(f.devices.prove).not.toHaveBeenCalled();
  });

  test('the device was revoked since Create built the round (not in the status read): wrong, counted', async () => {
    const f = await wrongly(proofRound(), PROOF, { devices: [] });
    expect(f.devices.prove).not.toHaveBeenCalled();
  });

  test('the device expired since Create built the round: wrong, counted, even with a right signature', async () => {
    const f = await wrongly(proofRound(), PROOF, {
      devices: [stored(DEVICE, { expiresAt: NOW.toISOString() })],
    });
    expect(f.devices.prove).not.toHaveBeenCalled();
  });

  test('the conditional write fails (revoked or expired meanwhile, or the challenge used by another answer): wrong, counted', async () => {
    const f = await wrongly(proofRound(), PROOF, { proof: { outcome: 'dead' } });
    expect(f.devices.prove).toHaveBeenCalledTimes(1);
  });

  test("a round naming another of the user's devices than the one that signed: wrong", async () => {
    const other = newDevice();
    await wrongly(proofRound({ deviceId: other.id }), PROOF, { devices: [stored(), stored(other)] });
  });

  test('the 5th failure in the window: the locked_out notice, once', async () => {
    const { f } = await verify(proofRound(), 'wrong', {
      devices: [stored()],
      failuresMinutesAgo: [14, 10, 6, 2],
    });
    expect(f.notices.record).toHaveBeenCalledTimes(1);
    expect(f.notices.record).toHaveBeenCalledWith(
      SUB,
      { kind: 'locked_out', by: 'system' },
      expect.objectContaining({ email: EMAIL }),
    );
  });

  test('a Cognito retry of a wrong answer (already counted): still wrong, no second notice', async () => {
    const { f, correct } = await verify(proofRound(), 'wrong', {
      devices: [stored()],
      failuresMinutesAgo: [14, 10, 6, 2],
      wrong: 'already_counted',
    });
    expect(correct).toBe(false);
    expect(f.notices.record).not.toHaveBeenCalled();
  });

  test('a locked-out user: "Sign-in is not allowed" even with a right proof; nothing written', async () => {
    const f = fakes({ devices: [stored()], failuresMinutesAgo: [14, 10, 6, 4, 2] });
    const event = verifyEvent(proofRound(), PROOF);
    await expect(verifyAuthChallenge(event, f.deps)).rejects.toThrow('Sign-in is not allowed right now');
    expect(f.writes()).toEqual([]);
  });

  test('an unknown user: wrong, nothing read or written', async () => {
    const { f, correct } = await verify(proofRound(), PROOF, { devices: [stored()] }, undefined, true);
    expect(correct).toBe(false);
    expect(f.accounts.read).not.toHaveBeenCalled();
    expect(f.writes()).toEqual([]);
  });
});

describe('registration: rememberDevice with the right SMS code', () => {
  const remember = { rememberDevice: DEVICE.spki, deviceName: '  Ada’s laptop ' };

  test('the right sign-in code: the device stored for REMEMBER_DEVICE_DAYS, after the code is marked used', async () => {
    const { f, correct } = await verify(codeRound(), CODE, {}, remember);
    expect(correct).toBe(true);
    expect(f.devices.remember).toHaveBeenCalledTimes(1);
    expect(f.devices.remember).toHaveBeenCalledWith(SUB, {
      id: DEVICE.id,
      publicKey: DEVICE.spki,
      name: 'Ada’s laptop',
      now: NOW,
      days: 30,
      drop: [],
    });
    expect(f.challenges.useCode.mock.invocationCallOrder[0]).toBeLessThan(
      f.devices.remember.mock.invocationCallOrder[0] as number,
    );
    expect(counted()).toEqual(['DevicesRemembered', 'SignInsCompleted']);
  });

  test('without a name: stored without one', async () => {
    const { f } = await verify(codeRound(), CODE, {}, { rememberDevice: DEVICE.spki });
    expect(f.devices.remember).toHaveBeenCalledWith(SUB, expect.objectContaining({ name: undefined }));
  });

  test('REMEMBER_DEVICE_DAYS sets the days', async () => {
    const { f } = await verify(codeRound(), CODE, { rememberDeviceDays: 7 }, remember);
    expect(f.devices.remember).toHaveBeenCalledWith(SUB, expect.objectContaining({ days: 7 }));
  });

  test('the right code to a new number (replace_phone): the number bound, then the device stored', async () => {
    const { f, correct } = await verify(
      codeRound({ purpose: 'replace_phone', phone: NEW_PHONE }),
      CODE,
      {},
      remember,
    );
    expect(correct).toBe(true);
    expect(f.users.setVerifiedPhone).toHaveBeenCalledTimes(1);
    expect(f.devices.remember).toHaveBeenCalledTimes(1);
  });

  test('a Cognito retry of the right answer stores it again (the same item: idempotent), not counted twice', async () => {
    const { f, correct } = await verify(
      codeRound(),
      CODE,
      { used: { outcome: 'used', retry: true } },
      remember,
    );
    expect(correct).toBe(true);
    expect(f.devices.remember).toHaveBeenCalledTimes(1);
    expect(counted()).toEqual([]);
  });

  test.each<[string, NewRound, string, FakeInput]>([
    ['a wrong code', codeRound(), '654321', {}],
    ['the right digits of a dead code', codeRound(), CODE, { used: { outcome: 'dead', why: 'used' } }],
    ['an expired code', codeRound({ expiresAt: NOW.getTime() }), CODE, {}],
    ['RESEND', codeRound(), 'RESEND', {}],
    ['RECOVERY', codeRound(), 'RECOVERY', {}],
    [
      'the right EMAIL_OTP code (a mailbox proof is no second factor)',
      codeRound({ type: 'EMAIL_OTP', purpose: 'email_proof' }),
      CODE,
      {},
    ],
    ['the right code with REMEMBER_DEVICE_DAYS=0', codeRound(), CODE, { rememberDeviceDays: 0 }],
  ])('%s: nothing stored', async (_what, round, answer, fake) => {
    const { f } = await verify(round, answer, fake, remember);
    expect(f.devices.remember).not.toHaveBeenCalled();
  });

  test('a right proof with rememberDevice registers nothing (only an SMS code does)', async () => {
    const { f } = await verify(
      proofRound(),
      PROOF,
      { devices: [stored()] },
      { rememberDevice: newDevice().spki },
    );
    expect(f.devices.remember).not.toHaveBeenCalled();
  });
});

describe('registration: a malformed key or name is a clear error, and nothing is read or written', () => {
  test.each<[string, Record<string, string>, string]>([
    [
      'a P-384 key',
      {
        rememberDevice: generateKeyPairSync('ec', { namedCurve: 'P-384' })
          .publicKey.export({ type: 'spki', format: 'der' })
          .toString('base64url'),
      },
      KEY_ERROR,
    ],
    ['garbage', { rememberDevice: 'my-device' }, KEY_ERROR],
    [
      'a name of 65 characters',
      { rememberDevice: DEVICE.spki, deviceName: 'x'.repeat(65) },
      'deviceName must be at most 64 characters, without control characters',
    ],
    [
      'a name with a newline',
      { rememberDevice: DEVICE.spki, deviceName: 'a\nb' },
      'deviceName must be at most 64 characters, without control characters',
    ],
  ])('%s', async (_what, metadata, message) => {
    for (const [answer, fake] of [
      [CODE, {}],
      ['654321', {}],
      // The feature off does not make a malformed key acceptable.
      [CODE, { rememberDeviceDays: 0 }],
    ] as const) {
      const f = fakes(fake);
      const event = verifyEvent(codeRound(), answer);
      event.request.clientMetadata = metadata;
      const error = await verifyAuthChallenge(event, f.deps).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidClientMetadataError);
      expect(error).toMatchObject({ message });
      expect(f.accounts.read).not.toHaveBeenCalled();
      expect(f.writes()).toEqual([]);
      expect(event.response.answerCorrect).toBe(false);
    }
  });

  test("an unknown user's decoy SMS round gets the very same error, nothing recorded", async () => {
    const f = fakes();
    const event = verifyEvent(codeRound(), CODE, {});
    event.request.userNotFound = true;
    event.request.clientMetadata = { rememberDevice: 'my-device' };
    await expect(verifyAuthChallenge(event, f.deps)).rejects.toThrow(KEY_ERROR);
    expect(f.writes()).toEqual([]);
  });

  test('an unknown user with a well-formed key: wrong, nothing stored', async () => {
    const { f, correct } = await verify(codeRound(), CODE, {}, { rememberDevice: DEVICE.spki }, true);
    expect(correct).toBe(false);
    expect(f.devices.remember).not.toHaveBeenCalled();
  });
});

describe('at most MAX_REMEMBERED_DEVICES: the oldest dropped in the same write', () => {
  const others = [3, 1, 2].map((daysAgo) => {
    const device = newDevice();
    return { daysAgo, device: stored(device, { createdAt: isoFromNow(-daysAgo) }) };
  });
  const byAge = [...others].sort((a, b) => b.daysAgo - a.daysAgo).map(({ device }) => device.id);
  const devices = others.map(({ device }) => device);

  test.each<[number, string[]]>([
    [10, []],
    [4, []],
    [3, byAge.slice(0, 1)],
    [2, byAge.slice(0, 2)],
    [1, byAge],
  ])('with 3 devices and a maximum of %i: drops %p', async (max, drop) => {
    const { f } = await verify(
      codeRound(),
      CODE,
      { devices, maxRememberedDevices: max },
      { rememberDevice: DEVICE.spki },
    );
    expect(f.devices.remember).toHaveBeenCalledWith(SUB, expect.objectContaining({ drop }));
  });

  test('remembering a device again (a new key pair would be a new device) drops none for it and renews it', async () => {
    const { f } = await verify(
      codeRound(),
      CODE,
      { devices: [...devices.slice(0, 2), stored()], maxRememberedDevices: 3 },
      { rememberDevice: DEVICE.spki },
    );
    expect(f.devices.remember).toHaveBeenCalledWith(
      SUB,
      expect.objectContaining({ id: DEVICE.id, drop: [] }),
    );
  });
});

describe('a right recovery code revokes every remembered device', () => {
  const recoveryRound: NewRound = { type: 'RECOVERY_CODE', id: id('c') };

  test('the devices read with the status: revoked by id', async () => {
    const other = newDevice();
    const { f, correct } = await verify(recoveryRound, '7KQ2-M9XD-4RTB', {
      burn: { outcome: 'burnt', retry: false, left: 9 },
      devices: [stored(), stored(other)],
    });
    expect(correct).toBe(true);
    expect(f.devices.revoke).toHaveBeenCalledTimes(1);
    expect(f.devices.revoke).toHaveBeenCalledWith(SUB, [DEVICE.id, other.id]);
  });

  test('no devices: no revocation call', async () => {
    const { f } = await verify(recoveryRound, '7KQ2-M9XD-4RTB', {
      burn: { outcome: 'burnt', retry: false, left: 9 },
    });
    expect(f.devices.revoke).not.toHaveBeenCalled();
  });

  test('a wrong recovery code revokes nothing', async () => {
    const { f, correct } = await verify(recoveryRound, '7KQ2-M9XD-4RTB', {
      burn: { outcome: 'unknown_code' },
      devices: [stored()],
    });
    expect(correct).toBe(false);
    expect(f.devices.revoke).not.toHaveBeenCalled();
  });
});

describe('through the handler (DynamoDB faked): the AWS calls of each answer', () => {
  const ddb = mockClient(dynamodb);
  afterAll(() => ddb.restore());
  const ops = () => ddb.calls().map((call) => (call.args[0] as object).constructor.name);

  /** The device item as the status Query returns it, unexpired by the real clock. */
  const deviceItem = () => ({
    pk: `USER#${SUB}`,
    sk: `REMEMBERED#${DEVICE.id}`,
    publicKey: DEVICE.spki,
    createdAt: new Date(Date.now() - 86_400_000).toISOString(),
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  });
  const event = (round: NewRound, answer: string, clientMetadata?: Record<string, string>) => {
    const built = verifyEvent(round, answer);
    if (clientMetadata) built.request.clientMetadata = clientMetadata;
    return built;
  };
  const liveCode = () => codeRound({ expiresAt: Date.now() + 120_000 });

  beforeEach(() => {
    ddb.reset();
    ddb.on(QueryCommand).resolves({ Items: [deviceItem()] });
    ddb.on(UpdateCommand).resolves({});
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(PutCommand).resolves({});
  });

  test('a right proof: 2 calls, the status Query and one conditional UpdateItem on the device item', async () => {
    const out = await handler(event(proofRound(), PROOF));
    expect(out.response.answerCorrect).toBe(true);
    expect(ops()).toEqual(['QueryCommand', 'UpdateCommand']);
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual({ pk: `USER#${SUB}`, sk: `REMEMBERED#${DEVICE.id}` });
    expect(input?.ConditionExpression).toContain('attribute_exists(pk)');
    expect(input?.ConditionExpression).toContain('expiresAt > :now');
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':challenge': CHALLENGE });
  });

  test('a right proof whose conditional write fails: wrong, and counted (Query, UpdateItem, the count)', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    const out = await handler(event(proofRound(), PROOF));
    expect(out.response.answerCorrect).toBe(false);
    expect(ops()).toEqual(['QueryCommand', 'UpdateCommand', 'TransactWriteCommand']);
  });

  test('a wrong proof: 2 calls, as a wrong code (the status Query, the count with its failure record)', async () => {
    const out = await handler(event(proofRound(), 'A'.repeat(86)));
    expect(out.response.answerCorrect).toBe(false);
    expect(ops()).toEqual(['QueryCommand', 'TransactWriteCommand']);
  });

  test('the right SMS code with rememberDevice: the right code’s 2 calls + the device’s PutItem + the device_remembered audit PutItem (the email too when a sender is set)', async () => {
    const withoutDevice = await handler(event(liveCode(), CODE));
    expect(withoutDevice.response.answerCorrect).toBe(true);
    const plain = ops();
    ddb.resetHistory();
    const out = await handler(event(liveCode(), CODE, { rememberDevice: newDevice().spki }));
    expect(out.response.answerCorrect).toBe(true);
    expect(ops()).toEqual([...plain, 'PutCommand', 'PutCommand']);
    expect(plain).toEqual(['QueryCommand', 'UpdateCommand']);
  });
});
