import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { CodeRecord } from '#shared/auth-state/challenge-store';
import { dynamodb } from '#shared/aws/dynamodb';
import { sns } from '#shared/aws/sns';
import { codeMatches, hashCode } from '#shared/challenge/code';
import { ROUND_ID_PATTERN } from '#shared/challenge/protocol';
import { DEFAULT_BRANDING, renderOtpSms, supportedLocales } from '#shared/messages/index';
import phoneRequired from '../../../fixtures/create-auth-challenge.phone-required.json';
import smsOtp from '../../../fixtures/create-auth-challenge.sms-otp.json';
import newPhone from '../../../fixtures/create-auth-challenge.sms-otp-new-phone.json';
import retry from '../../../fixtures/create-auth-challenge.sms-otp-retry.json';
import userNotFound from '../../../fixtures/create-auth-challenge.user-not-found.json';
import { handler } from '../../../functions/create-auth-challenge/handler';
import { snsSmsSender } from '../../../functions/create-auth-challenge/sms';
import { loadIsolated } from '../shared/isolated';

/** Every round's private parameters carry a fresh nonce (Verify's retry detection). */
const FRESH_NONCE = expect.stringMatching(/^[0-9a-f]{32}$/);
const ddb = mockClient(dynamodb);
const snsMock = mockClient(sns);

type Event = Parameters<typeof handler>[0];
const run = (event: unknown) => handler(structuredClone(event) as Event);

const SUB = smsOtp.request.userAttributes.sub;
const CODE_ID = 'a3f9c1e7b5d24f6a8c0e2b4d6f8a1c3e';
const PHONE_ROUND_ID = '5e1b0c7d9a2f4e8b6c3d1a0f9e8d7c6b';

const conditionFailed = (item?: object) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    Item: item ? marshall(item as Record<string, unknown>, { removeUndefinedValues: true }) : undefined,
  });

function storedCode(overrides: Partial<CodeRecord> = {}): CodeRecord {
  const now = Date.now();
  return {
    pk: `CHALLENGE#${SUB}`,
    sk: 'CODE',
    id: CODE_ID,
    roundKey: 'not-this-round',
    purpose: 'sign_in',
    phone: '+12015550123',
    destination: '+*******0123',
    length: 6,
    ...hashCode('123456'),
    attempts: 1,
    createdAt: now - 10_000,
    expiresAt: now + 170_000,
    sentAt: now - 9_000,
    ttl: Math.floor(now / 1000) + 3780,
    ...overrides,
  };
}

/** Counter updates go to `SENDS#USER#…` / `SENDS#PHONE#…`; everything else is the code item. */
function routeUpdates(handlers: { user?: () => unknown; phone?: () => unknown; other?: () => unknown }) {
  ddb.on(UpdateCommand).callsFake((input: UpdateCommandInput) => {
    const pk = String(input.Key?.pk);
    const route = pk.startsWith('SENDS#USER#')
      ? handlers.user
      : pk.startsWith('SENDS#PHONE#')
        ? handlers.phone
        : handlers.other;
    return route ? route() : {};
  });
}

const putItem = () => ddb.commandCalls(PutCommand)[0]?.args[0].input.Item as CodeRecord;
const sentCode = () =>
  /\b(\d{6})\b/.exec(String(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message))?.[1];

beforeEach(() => {
  ddb.reset();
  snsMock.reset();
  ddb.on(PutCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  routeUpdates({});
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('PHONE_REQUIRED round (no verified phone)', () => {
  test('asks for a number: type only in public, a fresh id in private and metadata; no state, no SMS', async () => {
    const { response } = await run(phoneRequired);
    expect(response.publicChallengeParameters).toEqual({ type: 'PHONE_REQUIRED' });
    const id = response.privateChallengeParameters?.id;
    expect(id).toMatch(ROUND_ID_PATTERN);
    expect(response.privateChallengeParameters).toEqual({ type: 'PHONE_REQUIRED', id, nonce: FRESH_NONCE });
    expect(response.challengeMetadata).toBe(`PHONE_REQUIRED:${id}`);
    expect(ddb.calls()).toHaveLength(0);
    expect(snsMock.calls()).toHaveLength(0);
  });
});

describe('first SMS_OTP round to the verified phone', () => {
  test('stores a hashed code, takes both send limits, sends one Transactional SMS, marks it sent', async () => {
    const { response } = await run(smsOtp);

    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    const publish = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(publish?.PhoneNumber).toBe('+12015550123');
    expect(publish?.TopicArn).toBeUndefined();
    expect(publish?.MessageAttributes).toEqual({
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
    });
    const code = sentCode();
    expect(code).toMatch(/^\d{6}$/);

    const item = putItem();
    expect(item).toMatchObject({
      pk: `CHALLENGE#${SUB}`,
      sk: 'CODE',
      purpose: 'sign_in',
      phone: '+12015550123',
      attempts: 0,
    });
    expect(codeMatches(code as string, item)).toBe(true);
    expect(JSON.stringify(item)).not.toContain(`"${code}"`);
    expect(item.expiresAt - item.createdAt).toBe(180_000);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.ConditionExpression).toContain(
      'roundKey <> :roundKey',
    );

    const updates = ddb.commandCalls(UpdateCommand).map((call) => String(call.args[0].input.Key?.pk));
    expect(updates).toEqual([
      expect.stringMatching(/^SENDS#USER#8f3c2b1a/),
      expect.stringMatching(/^SENDS#PHONE#[0-9a-f]{32}$/),
      `CHALLENGE#${SUB}`,
    ]);
    expect(updates.join()).not.toContain('2015550123');

    expect(response.publicChallengeParameters).toEqual({
      type: 'SMS_OTP',
      destination: '+*******0123',
      length: '6',
    });
    expect(response.privateChallengeParameters).toEqual({
      type: 'SMS_OTP',
      id: item.id,
      length: '6',
      nonce: FRESH_NONCE,
    });
    expect(response.challengeMetadata).toBe(`SMS_OTP:${item.id}`);
    expect(JSON.stringify(response)).not.toContain(code as string);
  });

  test('every AWS call carries the invocation deadline as an abort signal', async () => {
    await run(smsOtp);
    const calls = [...ddb.calls(), ...snsMock.calls()];
    expect(calls.length).toBeGreaterThan(3);
    for (const call of calls)
      expect(
        ((call.args as unknown[])[1] as { abortSignal?: unknown } | undefined)?.abortSignal,
      ).toBeInstanceOf(AbortSignal);
  });

  test('a repeat of the same round (Cognito retry) reuses the code already sent: no SMS, no limits taken', async () => {
    const existing = storedCode({ attempts: 0 });
    // The claim's condition fails because the stored code is reusable; DynamoDB returns it.
    ddb.on(PutCommand).callsFake(async (input) => {
      // The retry must recognise its own round: make the stored code carry this round's key.
      existing.roundKey = input.Item.roundKey;
      throw conditionFailed(existing);
    });
    const { response } = await run(smsOtp);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 0);
    expect(response.privateChallengeParameters).toEqual({
      type: 'SMS_OTP',
      id: CODE_ID,
      length: '6',
      nonce: FRESH_NONCE,
    });
    expect(response.challengeMetadata).toBe(`SMS_OTP:${CODE_ID}`);
  });

  test('without the item on the condition failure (dynalite), the stored code is read back', async () => {
    const existing = storedCode({ attempts: 0 });
    ddb.on(PutCommand).callsFake(async (input) => {
      existing.roundKey = input.Item.roundKey;
      throw conditionFailed();
    });
    ddb.on(GetCommand).callsFake(async () => ({ Item: existing }));
    const { response } = await run(smsOtp);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(response.challengeMetadata).toBe(`SMS_OTP:${CODE_ID}`);
  });

  test('if the stored code changed between the failed condition and the read, the claim is decided again', async () => {
    ddb.on(PutCommand).rejectsOnce(conditionFailed()).resolves({});
    ddb.on(GetCommand).resolves({ Item: storedCode({ consumedAt: Date.now() }) });
    await run(smsOtp);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 2);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  test('over the per-user limit: short error, the new code removed, nothing sent', async () => {
    routeUpdates({
      user: () => {
        throw conditionFailed();
      },
    });
    await expect(run(smsOtp)).rejects.toThrow('Too many codes requested. Please try again later');
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { pk: `CHALLENGE#${SUB}`, sk: 'CODE' },
      ExpressionAttributeValues: { ':id': putItem().id },
    });
  });

  test('over the per-phone limit: the user unit is given back, the code removed, nothing sent', async () => {
    let userUpdates = 0;
    routeUpdates({
      user: () => {
        userUpdates++;
        return {};
      },
      phone: () => {
        throw conditionFailed();
      },
    });
    await expect(run(smsOtp)).rejects.toThrow('Too many codes requested. Please try again later');
    expect(userUpdates).toBe(2);
    const giveBack = ddb
      .commandCalls(UpdateCommand)
      .find((call) => call.args[0].input.UpdateExpression === 'ADD sends :minusOne');
    expect(giveBack).toBeDefined();
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(ddb).toHaveReceivedCommandTimes(DeleteCommand, 1);
  });

  test('SNS failing: the code is removed and the caller gets the generic message', async () => {
    snsMock
      .on(PublishCommand)
      .rejects(new Error('Invalid parameter: PhoneNumber Reason: +12015550123 is not valid'));
    await expect(run(smsOtp)).rejects.toThrow('Something went wrong, please try again');
    expect(ddb).toHaveReceivedCommandTimes(DeleteCommand, 1);
  });

  test('failing to mark the code sent does not fail the round (the SMS is out)', async () => {
    routeUpdates({
      other: () => {
        throw new Error('throttled');
      },
    });
    const { response } = await run(smsOtp);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(response.publicChallengeParameters?.type).toBe('SMS_OTP');
  });

  test('a number on file outside the allowed countries gets a short error; nothing stored or sent', async () => {
    const event = structuredClone(smsOtp);
    event.request.userAttributes.phone_number = '+33612345678';
    await expect(run(event)).rejects.toThrow('A code cannot be sent to this phone number');
    expect(ddb.calls()).toHaveLength(0);
    expect(snsMock.calls()).toHaveLength(0);
  });

  test.each(supportedLocales)(
    "the SMS text is the message module's, in the user locale (%s)",
    async (locale) => {
      const event = structuredClone(smsOtp) as unknown as {
        request: { userAttributes: Record<string, string> };
      };
      event.request.userAttributes.locale = locale;
      await run(event);
      const expected = renderOtpSms({
        code: sentCode() as string,
        appName: DEFAULT_BRANDING.appName,
        validMinutes: 3,
        locale,
      });
      expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message).toBe(expected);
    },
  );
});

describe('settings', () => {
  test('SMS_SENDER_ID and SMS_ORIGINATION_NUMBER become message attributes', async () => {
    const sender = snsSmsSender(sns, { senderId: 'MyApp', originationNumber: '+18005550100' });
    await sender.send({ phone: '+12015550123', message: 'hello' });
    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, {
      PhoneNumber: '+12015550123',
      MessageAttributes: {
        'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'MyApp' },
        'AWS.MM.SMS.OriginationNumber': { DataType: 'String', StringValue: '+18005550100' },
      },
    });
  });

  test('OTP_LENGTH and OTP_TTL_SECONDS shape the code, the stored expiry and the public length', async () => {
    // A fresh module registry: the handler, its clients and the command classes all come from it.
    const isolated = loadIsolated({ OTP_LENGTH: '8', OTP_TTL_SECONDS: '120' }, () => ({
      handler: require('../../../functions/create-auth-challenge/handler').handler as typeof handler,
      ddb: mockClient(require('#shared/aws/dynamodb').dynamodb),
      sns: mockClient(require('#shared/aws/sns').sns),
      Put: require('@aws-sdk/lib-dynamodb').PutCommand as typeof PutCommand,
      Publish: require('@aws-sdk/client-sns').PublishCommand as typeof PublishCommand,
    }));
    isolated.ddb.resolves({});
    isolated.sns.resolves({});
    const { response } = await isolated.handler(structuredClone(smsOtp) as Event);
    expect(response.publicChallengeParameters?.length).toBe('8');
    const message = String(isolated.sns.commandCalls(isolated.Publish)[0]?.args[0].input.Message);
    expect(message).toMatch(/\b\d{8}\b/);
    const item = isolated.ddb.commandCalls(isolated.Put)[0]?.args[0].input.Item as CodeRecord;
    expect(item.expiresAt - item.createdAt).toBe(120_000);
  });

  test.each([
    [{ OTP_TTL_SECONDS: '600' }, /OTP_TTL_SECONDS must not exceed AUTH_SESSION_VALIDITY_MINUTES/],
    [{ AUTH_STATE_TABLE: '' }, /AUTH_STATE_TABLE/],
    [{ ALLOWED_COUNTRIES: 'US,ZZ' }, /ALLOWED_COUNTRIES/],
  ])('a deployment with %j fails at start-up, naming the variable', (env, message) => {
    expect(() =>
      loadIsolated(env, () => require('../../../functions/create-auth-challenge/handler')),
    ).toThrow(message);
  });
});

describe('first SMS_OTP round after PHONE_REQUIRED', () => {
  test('sends to the number stored for that phone round, as a phone-verification code', async () => {
    ddb.on(GetCommand).resolves({ Item: { phone: '+447400123456', expiresAt: Date.now() + 60_000 } });
    const { response } = await run(newPhone);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, {
      Key: { pk: `CHALLENGE#${SUB}`, sk: `PHONE#${PHONE_ROUND_ID}` },
      ConsistentRead: true,
    });
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.PhoneNumber).toBe('+447400123456');
    expect(putItem()).toMatchObject({ purpose: 'verify_phone', phone: '+447400123456' });
    expect(response.publicChallengeParameters).toEqual({
      type: 'SMS_OTP',
      destination: '+*******3456',
      length: '6',
    });
  });

  test.each([
    ['missing', undefined],
    ['expired', { phone: '+447400123456', expiresAt: Date.now() - 1 }],
  ])('a %s stored number: "sign in again", nothing sent', async (_name, item) => {
    ddb.on(GetCommand).resolves({ Item: item });
    await expect(run(newPhone)).rejects.toThrow('Your sign-in code has expired. Please sign in again');
    expect(snsMock.calls()).toHaveLength(0);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
  });
});

describe('SMS_OTP round after a wrong code', () => {
  test('asks for the same code again: same id, same destination, no SMS, no write', async () => {
    ddb.on(GetCommand).resolves({ Item: storedCode() });
    const { response } = await run(retry);
    expect(response.publicChallengeParameters).toEqual({
      type: 'SMS_OTP',
      destination: '+*******0123',
      length: '6',
    });
    expect(response.privateChallengeParameters).toEqual({
      type: 'SMS_OTP',
      id: CODE_ID,
      length: '6',
      nonce: FRESH_NONCE,
    });
    expect(response.challengeMetadata).toBe(`SMS_OTP:${CODE_ID}`);
    expect(snsMock.calls()).toHaveLength(0);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 0);
  });

  test.each([
    ['missing', undefined],
    ['replaced by a newer code', storedCode({ id: 'b'.repeat(32) })],
    ['used', storedCode({ consumedAt: Date.now() })],
    ['expired', storedCode({ expiresAt: Date.now() - 1 })],
    ['out of attempts', storedCode({ attempts: 3 })],
  ])('a code that is %s: "sign in again", nothing sent', async (_name, item) => {
    ddb.on(GetCommand).resolves({ Item: item });
    await expect(run(retry)).rejects.toThrow('Your sign-in code has expired. Please sign in again');
    expect(snsMock.calls()).toHaveLength(0);
  });
});

describe('unknown user (userNotFound)', () => {
  test('gets an SMS_OTP round of the same shape with a stable decoy destination; nothing stored, nothing sent', async () => {
    ddb
      .on(UpdateCommand)
      .callsFake(async (input: UpdateCommandInput) =>
        String(input.Key?.pk).startsWith('CHALLENGE#DECOY#') ? { Attributes: { lastDigits: '4821' } } : {},
      );
    const { response } = await run(userNotFound);
    const real = await run(smsOtp);
    expect(Object.keys(response.publicChallengeParameters ?? {}).sort()).toEqual(
      Object.keys(real.response.publicChallengeParameters ?? {}).sort(),
    );
    expect(response.publicChallengeParameters).toEqual({
      type: 'SMS_OTP',
      destination: '+*******4821',
      length: '6',
    });
    expect(response.challengeMetadata).toMatch(/^SMS_OTP:[0-9a-f]{32}$/);
    const decoyKeys = ddb
      .commandCalls(UpdateCommand)
      .slice(0, 2)
      .map((call) => String(call.args[0].input.Key?.pk));
    expect(decoyKeys).toEqual([
      expect.stringMatching(/^CHALLENGE#DECOY#[0-9a-f]{32}$/),
      expect.stringMatching(/^SENDS#USER#DECOY#/),
    ]);
    expect(decoyKeys.join()).not.toContain(userNotFound.userName);
    // Only the real user's send reached SNS.
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  test('is limited like a real user: the same short error', async () => {
    ddb.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => {
      if (String(input.Key?.pk).startsWith('CHALLENGE#DECOY#')) return { Attributes: { lastDigits: '4821' } };
      throw conditionFailed();
    });
    await expect(run(userNotFound)).rejects.toThrow('Too many codes requested. Please try again later');
  });

  test('after a wrong answer, the round keeps its id and destination', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { lastDigits: '4821' } });
    const event = structuredClone(userNotFound) as unknown as { request: { session: unknown[] } };
    event.request.session.push({
      challengeName: 'CUSTOM_CHALLENGE',
      challengeResult: false,
      challengeMetadata: `SMS_OTP:${CODE_ID}`,
    });
    const { response } = await run(event);
    expect(response.challengeMetadata).toBe(`SMS_OTP:${CODE_ID}`);
    expect(response.publicChallengeParameters?.destination).toBe('+*******4821');
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
  });
});

describe('events that do not call for a custom round are refused', () => {
  type Request = { challengeName: string; session: unknown[]; userAttributes: Record<string, string> };
  const changes: [string, (request: Request) => void][] = [
    [
      'another challengeName',
      (request) => {
        request.challengeName = 'PASSWORD_VERIFIER';
      },
    ],
    [
      'a session before the password step',
      (request) => {
        request.session = [];
      },
    ],
    [
      'a session that already ended',
      (request) => {
        request.session.push({
          challengeName: 'CUSTOM_CHALLENGE',
          challengeResult: true,
          challengeMetadata: `SMS_OTP:${CODE_ID}`,
        });
      },
    ],
    [
      'no sub',
      (request) => {
        delete request.userAttributes.sub;
      },
    ],
  ];
  test.each(changes)('%s: the short generic message, nothing stored or sent', async (_name, change) => {
    const event = structuredClone(smsOtp);
    change(event.request as unknown as Request);
    await expect(run(event)).rejects.toThrow('The request could not be processed');
    expect(ddb.calls()).toHaveLength(0);
    expect(snsMock.calls()).toHaveLength(0);
  });
});
