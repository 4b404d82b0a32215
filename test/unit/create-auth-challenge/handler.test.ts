import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import {
  DeleteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { CodeRecord } from '#shared/auth-state/challenge-store';
import { dynamodb } from '#shared/aws/dynamodb';
import { snsSmsSender } from '#shared/aws/sms';
import { sns } from '#shared/aws/sns';
import { codeMatches, hashCode } from '#shared/challenge/code';
import { parsePrivateParameters, ROUND_ID_PATTERN } from '#shared/challenge/protocol';
import { logger } from '#shared/logger';
import { DEFAULT_BRANDING, renderOtpSms, supportedLocales } from '#shared/messages/index';
import phoneRequired from '../../../fixtures/create-auth-challenge.phone-required.json';
import smsOtp from '../../../fixtures/create-auth-challenge.sms-otp.json';
import newPhone from '../../../fixtures/create-auth-challenge.sms-otp-new-phone.json';
import retry from '../../../fixtures/create-auth-challenge.sms-otp-retry.json';
import userNotFound from '../../../fixtures/create-auth-challenge.user-not-found.json';
import { handler } from '../../../functions/create-auth-challenge/handler';
import { captureLogs } from '../shared/capture-logs';
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
const SIGN_IN_NOT_ALLOWED = 'Sign-in is not allowed right now';
const CODE_EXPIRED = 'Your sign-in code has expired. Please sign in again';

/** The user's status items as the one status Query returns them. */
const USER_PK = `USER#${SUB}`;
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const failure = (minutes: number) => {
  const at = minutesAgo(minutes);
  return { pk: USER_PK, sk: `FAIL#${at}#0a1b2c3d`, at, reason: 'wrong_code' };
};
const suspension = { pk: USER_PK, sk: 'SUSPENSION', reason: 'fraud review', at: minutesAgo(60), by: 'ops' };
/** The confirmation record post-confirmation writes (the start of the enrolment grace). */
const confirmed = (minutes: number) => ({ pk: USER_PK, sk: 'LIFECYCLE#CONFIRMED', at: minutesAgo(minutes) });
const statusReturns = (...items: Record<string, unknown>[]) =>
  ddb.on(QueryCommand).resolves({ Items: items });
/** The class names of the DynamoDB commands sent, in order. */
const ddbCommands = () => ddb.calls().map((call) => (call.args[0] as object).constructor.name);

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
    createdAt: now - 10_000,
    expiresAt: now + 170_000,
    ttl: Math.floor(now / 1000) + 3780,
    ...overrides,
  };
}

type Reason = { Code: string; Item?: object };
/** A cancelled transaction: one reason per item (code claim, user counter, phone counter). */
const cancelled = (...reasons: Reason[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: reasons.map(({ Code, Item }) => ({
      Code,
      ...(Item ? { Item: marshall(Item as Record<string, unknown>, { removeUndefinedValues: true }) } : {}),
    })),
  });
const NONE = { Code: 'None' };
const FAILED = { Code: 'ConditionalCheckFailed' };

type TransactItem = {
  Put?: { Item: CodeRecord; ConditionExpression: string; ReturnValuesOnConditionCheckFailure?: string };
  Update?: { Key: { pk: string; sk: string }; ConditionExpression: string; UpdateExpression: string };
};
const transactItems = (n = 0) =>
  (ddb.commandCalls(TransactWriteCommand)[n]?.args[0].input.TransactItems ?? []) as TransactItem[];
const putItem = () => transactItems()[0]?.Put?.Item as CodeRecord;
const sentCode = () =>
  /\b(\d{6})\b/.exec(String(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message))?.[1];

/** The retry must recognise its own round: give the stored code this attempt's round key. */
function reusable(existing: CodeRecord, withItem = true) {
  ddb.on(TransactWriteCommand).callsFake(async (input) => {
    existing.roundKey = (input.TransactItems[0].Put.Item as CodeRecord).roundKey;
    throw cancelled({ ...FAILED, ...(withItem ? { Item: existing } : {}) }, NONE, NONE);
  });
}

beforeEach(() => {
  ddb.reset();
  snsMock.reset();
  statusReturns();
  ddb.on(TransactWriteCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('PHONE_REQUIRED round (no verified phone)', () => {
  test('within the enrolment grace, asks for a number after the one status Query: type only in public, a fresh id and the purpose in private, id in metadata; nothing stored, no SMS', async () => {
    // Confirmed 5 minutes ago: the invite's email code just proved the mailbox (no EMAIL_OTP first).
    statusReturns(confirmed(5));
    const { response } = await run(phoneRequired);
    expect(response.publicChallengeParameters).toEqual({ type: 'PHONE_REQUIRED' });
    const id = response.privateChallengeParameters?.id;
    expect(id).toMatch(ROUND_ID_PATTERN);
    expect(response.privateChallengeParameters).toEqual({
      type: 'PHONE_REQUIRED',
      id,
      nonce: FRESH_NONCE,
      purpose: 'verify_phone',
    });
    expect(response.challengeMetadata).toBe(`PHONE_REQUIRED:${id}`);
    expect(ddbCommands()).toEqual(['QueryCommand']);
    expect(snsMock.calls()).toHaveLength(0);
  });
});

describe('first SMS_OTP round to the verified phone', () => {
  test('the status Query, one transaction (hashed code + both send limits), then one Transactional SMS: 3 calls in all', async () => {
    const { response } = await run(smsOtp);

    expect(ddbCommands()).toEqual(['QueryCommand', 'TransactWriteCommand']);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    const publish = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(publish?.PhoneNumber).toBe('+12015550123');
    expect(publish?.TopicArn).toBeUndefined();
    expect(publish?.MessageAttributes).toEqual({
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
    });
    const code = sentCode();
    expect(code).toMatch(/^\d{6}$/);

    const [claim, user, phone, ...rest] = transactItems();
    expect(rest).toEqual([]);
    const item = putItem();
    expect(item).toMatchObject({
      pk: `CHALLENGE#${SUB}`,
      sk: 'CODE',
      purpose: 'sign_in',
      phone: '+12015550123',
    });
    expect(codeMatches(code as string, item)).toBe(true);
    expect(JSON.stringify(item)).not.toContain(`"${code}"`);
    expect(item.expiresAt - item.createdAt).toBe(180_000);
    expect(claim?.Put?.ConditionExpression).toContain('roundKey <> :roundKey');
    // A used code or one whose wrong-answer budget is spent is replaced, never reused.
    expect(claim?.Put?.ConditionExpression).toContain('attribute_exists(usedAt)');
    expect(claim?.Put?.ConditionExpression).toContain('attempts >= :maxAttempts');
    expect(claim?.Put?.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(user?.Update?.Key.pk).toMatch(/^SENDS#USER#8f3c2b1a/);
    expect(phone?.Update?.Key.pk).toMatch(/^SENDS#PHONE#[0-9a-f]{32}$/);
    for (const counter of [user, phone])
      expect(counter?.Update?.ConditionExpression).toContain('sends < :limit');
    expect(JSON.stringify([user, phone])).not.toContain('2015550123');

    expect(response.publicChallengeParameters).toEqual({
      type: 'SMS_OTP',
      destination: '+*******0123',
      length: '6',
    });
    // Verify's whole input: the hash (never the code), the expiry, the purpose; no number for sign_in.
    expect(response.privateChallengeParameters).toEqual({
      type: 'SMS_OTP',
      id: item.id,
      length: '6',
      nonce: FRESH_NONCE,
      hash: item.codeHash,
      salt: item.salt,
      expiresAt: String(item.expiresAt),
      purpose: 'sign_in',
    });
    expect(parsePrivateParameters(response.privateChallengeParameters ?? {})).toBeDefined();
    expect(response.challengeMetadata).toBe(`SMS_OTP:${item.id}`);
    expect(JSON.stringify(response)).not.toContain(code as string);
  });

  test('every AWS call carries the invocation deadline as an abort signal', async () => {
    await run(smsOtp);
    const calls = [...ddb.calls(), ...snsMock.calls()];
    expect(calls).toHaveLength(3);
    for (const call of calls)
      expect(
        ((call.args as unknown[])[1] as { abortSignal?: unknown } | undefined)?.abortSignal,
      ).toBeInstanceOf(AbortSignal);
  });

  test('a repeat of the same round (Cognito retry) reuses the code already sent: no SMS, nothing changed', async () => {
    const existing = storedCode();
    reusable(existing);
    const { response } = await run(smsOtp);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(ddbCommands()).toEqual(['QueryCommand', 'TransactWriteCommand']);
    expect(response.privateChallengeParameters).toEqual({
      type: 'SMS_OTP',
      id: CODE_ID,
      length: '6',
      nonce: FRESH_NONCE,
      hash: existing.codeHash,
      salt: existing.salt,
      expiresAt: String(existing.expiresAt),
      purpose: 'sign_in',
    });
    expect(response.challengeMetadata).toBe(`SMS_OTP:${CODE_ID}`);
  });

  test('a retry reuses the code even when the user counter is full meanwhile (the code is already out)', async () => {
    const existing = storedCode();
    ddb.on(TransactWriteCommand).callsFake(async (input) => {
      existing.roundKey = (input.TransactItems[0].Put.Item as CodeRecord).roundKey;
      throw cancelled({ ...FAILED, Item: existing }, FAILED, NONE);
    });
    const { response } = await run(smsOtp);
    expect(response.challengeMetadata).toBe(`SMS_OTP:${CODE_ID}`);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  test('without the item in the cancellation reason, the stored code is read back', async () => {
    const existing = storedCode();
    reusable(existing, false);
    ddb.on(GetCommand).callsFake(async () => ({ Item: existing }));
    const { response } = await run(smsOtp);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(response.challengeMetadata).toBe(`SMS_OTP:${CODE_ID}`);
  });

  test('if the stored code changed between the failed condition and the read, the claim is decided again', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(FAILED, NONE, NONE))
      .resolves({});
    ddb.on(GetCommand).resolves({ Item: storedCode({ expiresAt: Date.now() - 1 }) });
    await run(smsOtp);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  test('a transaction conflict with a concurrent writer is tried again', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(NONE, { Code: 'TransactionConflict' }, NONE))
      .resolves({});
    await run(smsOtp);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  test('conflicts that do not clear: the generic message, nothing sent', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled(NONE, { Code: 'TransactionConflict' }, NONE));
    await expect(run(smsOtp)).rejects.toThrow('Something went wrong, please try again');
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
    expect(snsMock.calls()).toHaveLength(0);
  });

  test.each([
    ['per-user', [NONE, FAILED, NONE]],
    ['per-phone', [NONE, NONE, FAILED]],
    ['both', [NONE, FAILED, FAILED]],
  ])(
    'over the %s limit: short error; the transaction changed nothing, so nothing to undo; nothing sent',
    async (_name, reasons) => {
      ddb.on(TransactWriteCommand).rejects(cancelled(...(reasons as Reason[])));
      await expect(run(smsOtp)).rejects.toThrow('Too many codes requested. Please try again later');
      expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
      expect(ddbCommands()).toEqual(['QueryCommand', 'TransactWriteCommand']);
    },
  );

  test('SNS failing: the code is removed and the caller gets the generic message', async () => {
    snsMock
      .on(PublishCommand)
      .rejects(new Error('Invalid parameter: PhoneNumber Reason: +12015550123 is not valid'));
    await expect(run(smsOtp)).rejects.toThrow('Something went wrong, please try again');
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { pk: `CHALLENGE#${SUB}`, sk: 'CODE' },
      ConditionExpression: 'id = :id',
      ExpressionAttributeValues: { ':id': putItem().id },
    });
  });

  test('DynamoDB failing: the generic message, nothing sent', async () => {
    ddb.on(TransactWriteCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    await expect(run(smsOtp)).rejects.toThrow('Something went wrong, please try again');
    expect(snsMock.calls()).toHaveLength(0);
  });

  test('a number on file outside the allowed countries gets a short error; nothing stored or sent', async () => {
    const event = structuredClone(smsOtp);
    event.request.userAttributes.phone_number = '+33612345678';
    await expect(run(event)).rejects.toThrow('A code cannot be sent to this phone number');
    expect(ddbCommands()).toEqual(['QueryCommand']);
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

  test('SMS_MAX_PRICE_USD becomes the AWS.SNS.SMS.MaxPrice attribute (a Number); unset, no cap is sent', async () => {
    await snsSmsSender(sns, { maxPriceUsd: '0.05' }).send({ phone: '+12015550123', message: 'hello' });
    await snsSmsSender(sns, {}).send({ phone: '+12015550123', message: 'hello' });
    const [capped, uncapped] = snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(capped?.MessageAttributes).toEqual({
      'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
      'AWS.SNS.SMS.MaxPrice': { DataType: 'Number', StringValue: '0.05' },
    });
    expect(uncapped?.MessageAttributes).not.toHaveProperty(['AWS.SNS.SMS.MaxPrice']);
  });

  test('the deployed handler sends SMS_MAX_PRICE_USD with every code', async () => {
    const isolated = loadIsolated({ SMS_MAX_PRICE_USD: '0.0123' }, () => ({
      handler: require('../../../functions/create-auth-challenge/handler').handler as typeof handler,
      ddb: mockClient(require('#shared/aws/dynamodb').dynamodb as typeof dynamodb),
      sns: mockClient(require('#shared/aws/sns').sns),
      Publish: require('@aws-sdk/client-sns').PublishCommand as typeof PublishCommand,
    }));
    isolated.ddb.resolves({});
    isolated.sns.resolves({});
    await isolated.handler(structuredClone(smsOtp) as Event);
    expect(isolated.sns.commandCalls(isolated.Publish)[0]?.args[0].input.MessageAttributes).toMatchObject({
      'AWS.SNS.SMS.MaxPrice': { DataType: 'Number', StringValue: '0.0123' },
    });
  });

  test('the SNS client makes one attempt only: a retried Publish could text a code twice', async () => {
    expect(await sns.config.maxAttempts()).toBe(1);
  });

  test('MAX_CODE_ATTEMPTS sets the shared budget: with 5, a code with 3 wrong answers is asked for again', async () => {
    const isolated = loadIsolated({ MAX_CODE_ATTEMPTS: '5' }, () => ({
      handler: require('../../../functions/create-auth-challenge/handler').handler as typeof handler,
      ddb: mockClient(require('#shared/aws/dynamodb').dynamodb as typeof dynamodb),
      Get: require('@aws-sdk/lib-dynamodb').GetCommand as typeof GetCommand,
      Query: require('@aws-sdk/lib-dynamodb').QueryCommand as typeof QueryCommand,
    }));
    isolated.ddb.on(isolated.Query).resolves({ Items: [] });
    isolated.ddb.on(isolated.Get).resolves({ Item: storedCode({ attempts: 3 }) });
    const { response } = await isolated.handler(structuredClone(retry) as Event);
    expect(response.challengeMetadata).toBe(`SMS_OTP:${CODE_ID}`);
    isolated.ddb.on(isolated.Get).resolves({ Item: storedCode({ attempts: 5 }) });
    await expect(isolated.handler(structuredClone(retry) as Event)).rejects.toThrow(CODE_EXPIRED);
  });

  test('LOCKOUT_MAX_FAILURES=3 refuses a code at the third failure in the window', async () => {
    const isolated = loadIsolated({ LOCKOUT_MAX_FAILURES: '3' }, () => ({
      handler: require('../../../functions/create-auth-challenge/handler').handler as typeof handler,
      ddb: mockClient(require('#shared/aws/dynamodb').dynamodb as typeof dynamodb),
      sns: mockClient(require('#shared/aws/sns').sns),
    }));
    isolated.sns.resolves({});
    isolated.ddb.resolves({ Items: [failure(3), failure(2), failure(1)] });
    await expect(isolated.handler(structuredClone(smsOtp) as Event)).rejects.toThrow(SIGN_IN_NOT_ALLOWED);
    isolated.ddb.resolves({ Items: [failure(2), failure(1)] });
    await expect(isolated.handler(structuredClone(smsOtp) as Event)).resolves.toBeDefined();
  });

  test('OTP_LENGTH and OTP_TTL_SECONDS shape the code, the stored expiry and the public length', async () => {
    // A fresh module registry: the handler, its clients and the command classes all come from it.
    const isolated = loadIsolated({ OTP_LENGTH: '8', OTP_TTL_SECONDS: '120' }, () => ({
      handler: require('../../../functions/create-auth-challenge/handler').handler as typeof handler,
      ddb: mockClient(require('#shared/aws/dynamodb').dynamodb as typeof dynamodb),
      sns: mockClient(require('#shared/aws/sns').sns),
      Transact: require('@aws-sdk/lib-dynamodb').TransactWriteCommand as typeof TransactWriteCommand,
      Publish: require('@aws-sdk/client-sns').PublishCommand as typeof PublishCommand,
    }));
    isolated.ddb.resolves({});
    isolated.sns.resolves({});
    const { response } = await isolated.handler(structuredClone(smsOtp) as Event);
    expect(response.publicChallengeParameters?.length).toBe('8');
    const message = String(isolated.sns.commandCalls(isolated.Publish)[0]?.args[0].input.Message);
    expect(message).toMatch(/\b\d{8}\b/);
    const items = isolated.ddb.commandCalls(isolated.Transact)[0]?.args[0].input
      .TransactItems as TransactItem[];
    const item = items[0]?.Put?.Item as CodeRecord;
    expect(item.expiresAt - item.createdAt).toBe(120_000);
  });

  test.each([
    [{ OTP_TTL_SECONDS: '600' }, /OTP_TTL_SECONDS must not exceed AUTH_SESSION_VALIDITY_MINUTES/],
    [{ AUTH_STATE_TABLE: '' }, /AUTH_STATE_TABLE/],
    [{ ALLOWED_COUNTRIES: 'US,ZZ' }, /ALLOWED_COUNTRIES/],
    [{ SMS_MAX_PRICE_USD: '-1' }, /SMS_MAX_PRICE_USD must be a price in USD/],
    [{ SMS_MAX_PRICE_USD: '100' }, /SMS_MAX_PRICE_USD must be a price in USD/],
    [
      { SEND_LIMIT_UNPROVEN_PER_PHONE_PER_DAY: '0' },
      /SEND_LIMIT_UNPROVEN_PER_PHONE_PER_DAY must be at least 1/,
    ],
    [
      { SEND_LIMIT_UNPROVEN_PER_USER_PER_DAY: '101' },
      /SEND_LIMIT_UNPROVEN_PER_USER_PER_DAY must be at most 100/,
    ],
    [{ MAX_CODE_ATTEMPTS: '11' }, /MAX_CODE_ATTEMPTS must be at most 10/],
    [{ LOCKOUT_MAX_FAILURES: '0' }, /LOCKOUT_MAX_FAILURES must be at least 1/],
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
    // The number travels to Verify in the private parameters: Verify makes it the user's.
    expect(response.privateChallengeParameters).toMatchObject({
      purpose: 'verify_phone',
      phone: '+447400123456',
    });
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
    await expect(run(newPhone)).rejects.toThrow(CODE_EXPIRED);
    expect(snsMock.calls()).toHaveLength(0);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 0);
  });

  test("an enrolment code counts on the unproven number's day and the account's enrolment day, never on the verified number's counter", async () => {
    ddb.on(GetCommand).resolves({ Item: { phone: '+447400123456', expiresAt: Date.now() + 60_000 } });
    await run(newPhone);
    const [claim, user, unprovenPhone, unprovenUser, ...rest] = transactItems();
    expect(rest).toEqual([]);
    expect(claim?.Put?.Item.purpose).toBe('verify_phone');
    expect(user?.Update?.Key).toEqual({ pk: `SENDS#USER#${SUB}`, sk: expect.stringMatching(/^HOUR#/) });
    expect(unprovenPhone?.Update?.Key).toEqual({
      pk: expect.stringMatching(/^SENDS#UNPROVEN#PHONE#[0-9a-f]{32}$/),
      sk: expect.stringMatching(/^DAY#\d{4}-\d{2}-\d{2}$/),
    });
    expect(unprovenUser?.Update?.Key).toEqual({
      pk: `SENDS#UNPROVEN#USER#${SUB}`,
      sk: expect.stringMatching(/^DAY#\d{4}-\d{2}-\d{2}$/),
    });
    const keys = transactItems().map((item) => item.Update?.Key.pk ?? '');
    expect(keys.filter((pk) => pk.startsWith('SENDS#PHONE#'))).toEqual([]);
    // Stricter defaults than a verified number's 10 a day: 3 per number, 5 per account.
    const limits = transactItems()
      .slice(1)
      .map(
        (item) =>
          (item.Update as unknown as { ExpressionAttributeValues: Record<string, unknown> })
            .ExpressionAttributeValues[':limit'],
      );
    expect(limits).toEqual([5, 3, 5]);
    expect(JSON.stringify(transactItems().slice(1))).not.toContain('7400123456');
  });

  test("the same number as a sign-in code counts on the verified number's counter instead", async () => {
    await run(smsOtp);
    const keys = transactItems().map((item) => item.Update?.Key.pk ?? '');
    expect(keys.filter((pk) => pk.startsWith('SENDS#UNPROVEN#'))).toEqual([]);
    expect(keys.filter((pk) => pk.startsWith('SENDS#PHONE#'))).toHaveLength(1);
  });

  test.each([
    ['user', [NONE, FAILED, NONE, NONE]],
    ['unproven_phone', [NONE, NONE, FAILED, NONE]],
    ['unproven_user', [NONE, NONE, NONE, FAILED]],
  ])('over the %s limit: short error (reason send_limit_%s), nothing sent', async (name, reasons) => {
    ddb.on(GetCommand).resolves({ Item: { phone: '+447400123456', expiresAt: Date.now() + 60_000 } });
    ddb.on(TransactWriteCommand).rejects(cancelled(...(reasons as Reason[])));
    const logs = captureLogs(logger, 'INFO');
    try {
      await expect(run(newPhone)).rejects.toThrow('Too many codes requested. Please try again later');
    } finally {
      logs.restore();
    }
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ message: 'request rejected', reason: `send_limit_${name}` }),
    );
    expect(snsMock.calls()).toHaveLength(0);
  });
});

describe('the phone path for a user whose phone is verified (a stale enrolment)', () => {
  type Session = { challengeName: string; challengeResult: boolean; challengeMetadata: string | null }[];
  const verifiedNow = (session: Session) => {
    const event = structuredClone(newPhone) as unknown as {
      request: { userAttributes: Record<string, string>; session: Session };
    };
    event.request.userAttributes.phone_number = '+12015550123';
    event.request.userAttributes.phone_number_verified = 'true';
    event.request.session = session;
    return event;
  };
  const PASSWORD: Session = [
    { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
    { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
  ];
  const phoneRound = (ok: boolean) => ({
    challengeName: 'CUSTOM_CHALLENGE',
    challengeResult: ok,
    challengeMetadata: `PHONE_REQUIRED:${PHONE_ROUND_ID}`,
  });
  const codeRound = (ok: boolean) => ({
    challengeName: 'CUSTOM_CHALLENGE',
    challengeResult: ok,
    challengeMetadata: `SMS_OTP:${CODE_ID}`,
  });

  test.each([
    ['a number accepted: no enrolment code to it', [...PASSWORD, phoneRound(true)]],
    ['a wrong number: no second PHONE_REQUIRED round', [...PASSWORD, phoneRound(false)]],
    [
      'a wrong enrolment code: the code is not asked for again',
      [...PASSWORD, phoneRound(true), codeRound(false)],
    ],
  ])('%s; "sign in again" (phone_already_verified), nothing read, stored or sent', async (_name, session) => {
    ddb.on(GetCommand).resolves({ Item: { phone: '+447400123456', expiresAt: Date.now() + 60_000 } });
    const logs = captureLogs(logger, 'INFO');
    try {
      await expect(run(verifiedNow(session))).rejects.toThrow(CODE_EXPIRED);
    } finally {
      logs.restore();
    }
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ message: 'request rejected', reason: 'phone_already_verified' }),
    );
    expect(ddb.calls()).toHaveLength(0);
    expect(snsMock.calls()).toHaveLength(0);
  });
});

describe('a suspended or locked-out user (the password was proven; Create enforces the lockout)', () => {
  const rounds: [string, unknown][] = [
    ['PHONE_REQUIRED round', phoneRequired],
    ['first code to the verified phone', smsOtp],
    ['enrolment code after PHONE_REQUIRED', newPhone],
    ['same code after a wrong answer', retry],
  ];
  const states: [string, Record<string, unknown>[], string][] = [
    ['suspended', [suspension], 'suspended'],
    [
      'locked out (5 failures in 15 minutes)',
      [failure(10), failure(8), failure(6), failure(4), failure(2)],
      'locked_out',
    ],
  ];
  const cases = rounds.flatMap(([round, event]) =>
    states.map(([state, items, reason]) => [round, state, event, items, reason] as const),
  );

  test.each(cases)(
    '%s, %s: "Sign-in is not allowed right now" after the one status Query; no code stored or sent',
    async (_round, _state, event, items, reason) => {
      statusReturns(...items);
      ddb.on(GetCommand).resolves({ Item: storedCode() });
      const logs = captureLogs(logger, 'INFO');
      try {
        await expect(run(event)).rejects.toThrow(SIGN_IN_NOT_ALLOWED);
      } finally {
        logs.restore();
      }
      expect(ddbCommands()).toEqual(['QueryCommand']);
      expect(snsMock.calls()).toHaveLength(0);
      expect(logs.records()).toContainEqual(expect.objectContaining({ message: 'request rejected', reason }));
      // The suspension's text is the operators' business, never logged by the trigger.
      expect(logs.text()).not.toContain('fraud review');
    },
  );

  test("the status Query reads the user's partition, strongly consistent, failures of the last 15 minutes only", async () => {
    const before = Date.now();
    await run(smsOtp);
    const input = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: 'auth-state-test',
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ConsistentRead: true,
    });
    expect(input?.ExpressionAttributeValues?.[':pk']).toBe(USER_PK);
    expect(input?.ExpressionAttributeValues?.[':to']).toBe('SUSPENSION');
    const since = Date.parse(String(input?.ExpressionAttributeValues?.[':from']).slice('FAIL#'.length));
    expect(since).toBeGreaterThanOrEqual(before - 15 * 60_000);
    expect(since).toBeLessThanOrEqual(Date.now() - 15 * 60_000);
  });

  test('four failures in the window, or five older ones, still get a code', async () => {
    statusReturns(failure(4), failure(3), failure(2), failure(1));
    await run(smsOtp);
    statusReturns(failure(20), failure(19), failure(18), failure(17), failure(16));
    await run(smsOtp);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 2);
  });

  test("an operator's unlock after the failures lets the user get a code again", async () => {
    statusReturns(failure(10), failure(8), failure(6), failure(4), failure(2), {
      pk: USER_PK,
      sk: 'LOCKOUT#RESET',
      at: minutesAgo(1),
      by: 'ops',
    });
    await run(smsOtp);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  test('the status Query failing: the generic message, nothing stored or sent (fail closed)', async () => {
    ddb.on(QueryCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    await expect(run(smsOtp)).rejects.toThrow('Something went wrong, please try again');
    expect(ddbCommands()).toEqual(['QueryCommand']);
    expect(snsMock.calls()).toHaveLength(0);
  });
});

describe('SMS_OTP round after a wrong code', () => {
  test('asks for the same code again: same id, same destination, no SMS, no write', async () => {
    const stored = storedCode();
    ddb.on(GetCommand).resolves({ Item: stored });
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
      hash: stored.codeHash,
      salt: stored.salt,
      expiresAt: expect.stringMatching(/^\d+$/),
      purpose: 'sign_in',
    });
    expect(response.challengeMetadata).toBe(`SMS_OTP:${CODE_ID}`);
    expect(snsMock.calls()).toHaveLength(0);
    expect(ddbCommands()).toEqual(['QueryCommand', 'GetCommand']);
  });

  test('a code with wrong answers left in its shared budget is asked for again', async () => {
    ddb.on(GetCommand).resolves({ Item: storedCode({ attempts: 2 }) });
    const { response } = await run(retry);
    expect(response.challengeMetadata).toBe(`SMS_OTP:${CODE_ID}`);
  });

  test.each([
    ['missing', undefined, 'code_replaced'],
    ['replaced by a newer code', storedCode({ id: 'b'.repeat(32) }), 'code_replaced'],
    ['expired', storedCode({ expiresAt: Date.now() - 1 }), 'code_expired'],
    // Another sign-in given the same code answered it right: single use.
    [
      'used by another sign-in',
      storedCode({ usedAt: Date.now() - 1000, usedBy: 'f'.repeat(32) }),
      'code_used',
    ],
    // Three wrong answers, spread over any sign-ins, spend the code's one budget.
    ['out of wrong answers (3 of 3, all sign-ins together)', storedCode({ attempts: 3 }), 'code_exhausted'],
  ])(
    'a code that is %s: "sign in again" (reason %s), nothing sent, nothing written',
    async (_name, item, reason) => {
      ddb.on(GetCommand).resolves({ Item: item });
      const logs = captureLogs(logger, 'INFO');
      try {
        await expect(run(retry)).rejects.toThrow(CODE_EXPIRED);
      } finally {
        logs.restore();
      }
      expect(logs.records()).toContainEqual(expect.objectContaining({ message: 'request rejected', reason }));
      expect(snsMock.calls()).toHaveLength(0);
      expect(ddbCommands()).toEqual(['QueryCommand', 'GetCommand']);
    },
  );
});

describe('unknown user (userNotFound)', () => {
  test('gets an SMS_OTP round of the same shape with a stable decoy destination; nothing stored, nothing sent', async () => {
    ddb
      .on(UpdateCommand)
      .callsFake(async (input: UpdateCommandInput) =>
        String(input.Key?.pk).startsWith('CHALLENGE#DECOY#') ? { Attributes: { lastDigits: '4821' } } : {},
      );
    const { response } = await run(userNotFound);
    // Nothing about an account that does not exist is looked up.
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 0);
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
