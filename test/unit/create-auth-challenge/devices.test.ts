/**
 * Remembered devices in Create (issue 15). With its ports faked (fakes.ts): the first custom round
 * of a user with a verified phone is a DEVICE_PROOF round instead of the SMS code only when the app
 * names (ClientMetadata.deviceId) a device the user has remembered, unexpired, and
 * REMEMBER_DEVICE_DAYS is above 0; its public parameters are the type and a fresh challenge, its
 * private ones the device id and the challenge; nothing is written or sent. Anything else gets the
 * SMS round exactly as if no device had been named; an unknown user gets the decoy SMS round.
 * Then through the handler with the DynamoDB client faked: the DEVICE_PROOF round costs 1 AWS call,
 * the status Query.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { RememberedDevice } from '#shared/auth-state/account-status';
import { dynamodb } from '#shared/aws/dynamodb';
import { sns } from '#shared/aws/sns';
import { newDeviceChallenge } from '#shared/challenge/device-proof';
import { SignInNotAllowedError } from '#shared/challenge/errors';
import { createAuthChallenge } from '../../../functions/create-auth-challenge/create-auth-challenge';
import { handler } from '../../../functions/create-auth-challenge/handler';
import { afterPassword, id, round } from '../../helpers/session-rounds';
import {
  createEvent,
  type EventInput,
  enrolling,
  expectNothingSent,
  type FakeInput,
  fakes,
  minutesBefore,
  NOW,
  SUB,
  storedCode,
  withPhone,
} from './fakes';

const DEVICE_ID = newDeviceChallenge(); // any 43-character base64url text is a well-formed id
const OTHER_DEVICE_ID = newDeviceChallenge();
const FRESH_ID = expect.stringMatching(/^[0-9a-f]{32}$/);
const CHALLENGE = expect.stringMatching(/^[A-Za-z0-9_-]{43}$/);

const remembered = (over: Partial<RememberedDevice> = {}): RememberedDevice => ({
  id: DEVICE_ID,
  publicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE',
  name: 'Ada’s laptop',
  createdAt: minutesBefore(60 * 24),
  expiresAt: new Date(NOW.getTime() + 29 * 86_400_000).toISOString(),
  ...over,
});

/** The user's first custom round, the app naming `deviceId` (unless told otherwise). */
async function create(event: Partial<EventInput> = {}, fake: FakeInput = {}, days: number | undefined = 30) {
  const f = fakes({
    records: { devices: [remembered()] },
    ...fake,
    settings: { rememberDeviceDays: days, ...fake.settings },
  });
  const built = createEvent({
    session: afterPassword(),
    attributes: withPhone(),
    clientMetadata: { deviceId: DEVICE_ID },
    ...event,
  });
  await createAuthChallenge(built, f.deps);
  return { f, response: built.response };
}

const roundType = (response: { publicChallengeParameters?: Record<string, string> | null }) =>
  response.publicChallengeParameters?.type;

describe('a remembered, unexpired device named with the password: a DEVICE_PROOF round', () => {
  test('public: the type and a fresh 32-byte challenge; private: the device id and the same challenge; metadata DEVICE_PROOF:<id>', async () => {
    const { response } = await create();
    const challenge = response.publicChallengeParameters?.challenge;
    expect(response.publicChallengeParameters).toEqual({ type: 'DEVICE_PROOF', challenge: CHALLENGE });
    expect(Buffer.from(String(challenge), 'base64url')).toHaveLength(32);
    expect(response.privateChallengeParameters).toEqual({
      type: 'DEVICE_PROOF',
      id: FRESH_ID,
      nonce: FRESH_ID,
      deviceId: DEVICE_ID,
      challenge,
    });
    expect(response.challengeMetadata).toBe(`DEVICE_PROOF:${response.privateChallengeParameters?.id}`);
  });

  test('nothing written, nothing sent: the status Query is the only call', async () => {
    const { f } = await create();
    expect(f.accounts.read).toHaveBeenCalledTimes(1);
    expect(f.accounts.read).toHaveBeenCalledWith(SUB, expect.any(Date));
    expectNothingSent(f);
    expect(f.challenges.getCode).not.toHaveBeenCalled();
    expect(f.takeUnit).not.toHaveBeenCalled();
  });

  test('the public parameters name neither the device nor its key', async () => {
    const { response } = await create();
    const shown = JSON.stringify(response.publicChallengeParameters);
    expect(shown).not.toContain(DEVICE_ID);
    expect(shown).not.toContain(remembered().publicKey);
    expect(shown).not.toContain('laptop');
  });

  test('a new challenge and round id each time (a Cognito retry of Create too)', async () => {
    const a = (await create()).response;
    const b = (await create()).response;
    expect(a.publicChallengeParameters?.challenge).not.toBe(b.publicChallengeParameters?.challenge);
    expect(a.privateChallengeParameters?.id).not.toBe(b.privateChallengeParameters?.id);
    expect(a.privateChallengeParameters?.nonce).not.toBe(b.privateChallengeParameters?.nonce);
  });

  test('the right device among several', async () => {
    const devices = [remembered({ id: OTHER_DEVICE_ID }), remembered()];
    const { response } = await create({}, { records: { devices } });
    expect(response.privateChallengeParameters?.deviceId).toBe(DEVICE_ID);
  });

  test("after Cognito's own new-password step (still the first custom round)", async () => {
    const session = [
      ...afterPassword(),
      { challengeName: 'NEW_PASSWORD_REQUIRED', challengeResult: true, challengeMetadata: null },
    ];
    expect(roundType((await create({ session })).response)).toBe('DEVICE_PROOF');
  });

  test('one millisecond before its expiry', async () => {
    const devices = [remembered({ expiresAt: new Date(NOW.getTime() + 1).toISOString() })];
    expect(roundType((await create({}, { records: { devices } })).response)).toBe('DEVICE_PROOF');
  });
});

describe('otherwise the SMS round, exactly as if no device had been named', () => {
  async function expectSmsRound(event: Partial<EventInput>, fake: FakeInput = {}, days?: number) {
    const { f, response } = await create(event, fake, days);
    expect(response.publicChallengeParameters).toEqual({
      type: 'SMS_OTP',
      destination: '+*******0123',
      length: '6',
    });
    expect(f.issued).toHaveLength(1);
    expect(f.sms.send).toHaveBeenCalledTimes(1);
    return f;
  }

  test.each<[string, Partial<EventInput>, FakeInput]>([
    ['no deviceId', { clientMetadata: {} }, {}],
    ['an empty deviceId', { clientMetadata: { deviceId: '' } }, {}],
    ['a malformed deviceId (never an error)', { clientMetadata: { deviceId: `${DEVICE_ID}=` } }, {}],
    [
      'a device the user never remembered (or one revoked)',
      { clientMetadata: { deviceId: OTHER_DEVICE_ID } },
      {},
    ],
    ['a user with no devices', {}, { records: { devices: [] } }],
    ['an expired device', {}, { records: { devices: [remembered({ expiresAt: minutesBefore(1) })] } }],
    [
      'a device expiring this very millisecond',
      {},
      { records: { devices: [remembered({ expiresAt: NOW.toISOString() })] } },
    ],
    [
      'a device item with an unreadable expiry',
      {},
      { records: { devices: [remembered({ expiresAt: 'soon' })] } },
    ],
    [
      "another user's device id (devices are read from this user's partition only)",
      { clientMetadata: { deviceId: OTHER_DEVICE_ID } },
      { records: { devices: [remembered()] } },
    ],
  ])('%s', async (_what, event, fake) => {
    await expectSmsRound(event, fake);
  });

  test('REMEMBER_DEVICE_DAYS=0 (the feature off), even for a remembered device', async () => {
    await expectSmsRound({}, {}, 0);
  });

  test('REMEMBER_DEVICE_DAYS unset (absent from the settings): off', async () => {
    await expectSmsRound({}, { settings: { rememberDeviceDays: undefined } });
  });
});

describe('only the first custom round', () => {
  test('after a wrong proof: the SMS code, whatever device is named again', async () => {
    const { f, response } = await create({ session: afterPassword(round('DEVICE_PROOF', id('d'), false)) });
    expect(roundType(response)).toBe('SMS_OTP');
    expect(f.sms.send).toHaveBeenCalledTimes(1);
  });

  test('after a right proof with an intent: the SMS code (an intent never skips it)', async () => {
    const { response } = await create({
      session: afterPassword(round('DEVICE_PROOF', id('d'), true)),
      clientMetadata: { deviceId: DEVICE_ID, intent: 'change_phone' },
    });
    expect(roundType(response)).toBe('SMS_OTP');
  });

  test('after a wrong SMS code: the same code again, no proof', async () => {
    const { f, response } = await create(
      { session: afterPassword(round('SMS_OTP', id('a'), false)) },
      { code: storedCode() },
    );
    expect(roundType(response)).toBe('SMS_OTP');
    expect(response.privateChallengeParameters?.id).toBe(id('a'));
    expect(f.sms.send).not.toHaveBeenCalled();
  });

  test('a user without a verified phone starts the enrolment, whatever device is named', async () => {
    const { response } = await create(
      { attributes: enrolling() },
      { records: { devices: [remembered()], confirmedAt: minutesBefore(5) } },
    );
    expect(roundType(response)).toBe('PHONE_REQUIRED');
  });
});

describe('who gets no proof round at all', () => {
  test('an unknown user naming a device: the decoy SMS round (nothing read, nothing sent)', async () => {
    const { f, response } = await create({ userNotFound: true });
    expect(roundType(response)).toBe('SMS_OTP');
    expect(response.privateChallengeParameters).not.toHaveProperty('deviceId');
    expect(f.accounts.read).not.toHaveBeenCalled();
    expect(f.pause).toHaveBeenCalledTimes(1);
    expectNothingSent(f);
  });

  test('a suspended user with a remembered device: "Sign-in is not allowed", no round', async () => {
    const f = fakes({
      records: { devices: [remembered()], suspension: { reason: 'fraud', at: minutesBefore(9), by: 'ops' } },
      settings: { rememberDeviceDays: 30 },
    });
    const event = createEvent({
      session: afterPassword(),
      attributes: withPhone(),
      clientMetadata: { deviceId: DEVICE_ID },
    });
    await expect(createAuthChallenge(event, f.deps)).rejects.toBeInstanceOf(SignInNotAllowedError);
    expect(event.response.publicChallengeParameters).toBeNull();
    expectNothingSent(f);
  });
});

describe('through the handler (DynamoDB and SNS faked): the AWS calls of a DEVICE_PROOF round', () => {
  const ddb = mockClient(dynamodb);
  const snsMock = mockClient(sns);
  afterAll(() => {
    ddb.restore();
    snsMock.restore();
  });

  test('1 call, the status Query (which reads the devices with the rest of the status); no SMS', async () => {
    ddb.reset();
    snsMock.reset();
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          pk: `USER#${SUB}`,
          sk: `REMEMBERED#${DEVICE_ID}`,
          publicKey: remembered().publicKey,
          createdAt: new Date().toISOString(),
          expiresAt,
        },
      ],
    });
    const event = createEvent({
      session: afterPassword(),
      attributes: withPhone(),
      clientMetadata: { deviceId: DEVICE_ID },
    });
    const out = await handler(event);
    expect(out.response.publicChallengeParameters?.type).toBe('DEVICE_PROOF');
    expect(ddb.calls()).toHaveLength(1);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });
});
