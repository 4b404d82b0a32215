import { AdminUpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  type PutCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { CodeRecord } from '#shared/auth-state/challenge-store';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
import { hashCode } from '#shared/challenge/code';
import phoneRequired from '../../../fixtures/verify-auth-challenge.phone-required.json';
import smsOtp from '../../../fixtures/verify-auth-challenge.sms-otp.json';
import userNotFound from '../../../fixtures/verify-auth-challenge.user-not-found.json';
import { handler } from '../../../functions/verify-auth-challenge/handler';

const ddb = mockClient(dynamodb);
const idp = mockClient(cognito);

type Event = Parameters<typeof handler>[0];
const run = (event: unknown) => handler(structuredClone(event) as Event);

const SUB = smsOtp.request.userAttributes.sub;
const CODE_ID = smsOtp.request.privateChallengeParameters.id;
const PHONE_ROUND_ID = phoneRequired.request.privateChallengeParameters.id;

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
    roundKey: 'k',
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

/** The attempt counter returns the code after counting; the consume write succeeds. */
function codeStored(code: CodeRecord, consume: () => unknown = () => ({})) {
  ddb.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => {
    if (input.UpdateExpression === 'ADD attempts :one') return { Attributes: code };
    return consume();
  });
}

const putsBySk = (prefix: string) =>
  ddb
    .commandCalls(PutCommand)
    .map((call) => call.args[0].input as PutCommandInput)
    .filter((input) => String(input.Item?.sk).startsWith(prefix));
const failures = () => putsBySk('FAIL#').map((input) => input.Item);

beforeEach(() => {
  ddb.reset();
  idp.reset();
  ddb.on(PutCommand).resolves({});
  idp.on(AdminUpdateUserAttributesCommand).resolves({});
});

describe('PHONE_REQUIRED answers', () => {
  test('a valid mobile number is accepted and kept (E.164) under the round id; the user is not changed', async () => {
    const event = structuredClone(phoneRequired);
    event.request.challengeAnswer = ' +1 (201) 555-0123 ';
    const { response } = await run(event);
    expect(response.answerCorrect).toBe(true);
    const [candidate] = putsBySk('PHONE#');
    expect(candidate?.Item).toMatchObject({
      pk: `CHALLENGE#${SUB}`,
      sk: `PHONE#${PHONE_ROUND_ID}`,
      phone: '+12015550123',
    });
    expect(failures()).toHaveLength(0);
    expect(idp.calls()).toHaveLength(0);
  });

  test.each([
    ['no country code', '2015550123'],
    ['a landline', '+442071838750'],
    ['a number in a country not allowed', '+33612345678'],
    ['too short', '+1201555'],
    ['letters', '+1 call me'],
    ['an extension', '+12015550123 ext. 9'],
    ['far too long', `+1${'5'.repeat(100)}`],
    ['empty', ''],
  ])('%s is wrong: a failure record (invalid_phone), nothing else stored or sent', async (_name, answer) => {
    const event = structuredClone(phoneRequired);
    event.request.challengeAnswer = answer;
    const { response } = await run(event);
    expect(response.answerCorrect).toBe(false);
    expect(failures()).toEqual([
      {
        pk: `USER#${SUB}`,
        sk: expect.stringMatching(/^FAIL#\d{4}-\d\d-\d\dT[\d:.]+Z#[0-9a-f]{8}$/),
        at: expect.any(String),
        reason: 'invalid_phone',
        ttl: expect.any(Number),
      },
    ]);
    const [failure] = failures();
    expect(Number(failure?.ttl) - Date.parse(String(failure?.at)) / 1000).toBeCloseTo(86_400, -1);
    expect(putsBySk('PHONE#')).toHaveLength(0);
    expect(idp.calls()).toHaveLength(0);
  });
});

describe('SMS_OTP answers', () => {
  test('the right code to the verified phone: counted, used once, last success recorded; the user is not changed', async () => {
    codeStored(storedCode());
    const { response } = await run(smsOtp);
    expect(response.answerCorrect).toBe(true);
    const updates = ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(updates[0]).toMatchObject({
      UpdateExpression: 'ADD attempts :one',
      ExpressionAttributeValues: { ':id': CODE_ID, ':maxAttempts': 3 },
    });
    expect(updates[1]).toMatchObject({
      UpdateExpression: 'SET consumedAt = :at',
      ConditionExpression: expect.stringContaining('attribute_not_exists(consumedAt)'),
    });
    expect(putsBySk('SIGNIN#LAST_SUCCESS')).toEqual([
      expect.objectContaining({
        Item: { pk: `USER#${SUB}`, sk: 'SIGNIN#LAST_SUCCESS', at: expect.any(String) },
      }),
    ]);
    expect(failures()).toHaveLength(0);
    expect(idp.calls()).toHaveLength(0);
  });

  test('the answer is trimmed before it is checked', async () => {
    codeStored(storedCode());
    const event = structuredClone(smsOtp);
    event.request.challengeAnswer = '  123456\n';
    expect((await run(event)).response.answerCorrect).toBe(true);
  });

  test('the right code to a new number: that number (from the stored code, not any answer) becomes the verified phone', async () => {
    codeStored(storedCode({ purpose: 'verify_phone', phone: '+447400123456', destination: '+*******3456' }));
    const event = structuredClone(smsOtp);
    event.request.userAttributes.phone_number = '+19999999999';
    const { response } = await run(event);
    expect(response.answerCorrect).toBe(true);
    expect(idp).toHaveReceivedCommandWith(AdminUpdateUserAttributesCommand, {
      UserPoolId: smsOtp.userPoolId,
      Username: smsOtp.userName,
      UserAttributes: [
        { Name: 'phone_number', Value: '+447400123456' },
        { Name: 'phone_number_verified', Value: 'true' },
      ],
    });
  });

  test('if Cognito fails to save the number, the code stays unused and the caller gets the generic message', async () => {
    codeStored(storedCode({ purpose: 'verify_phone' }));
    idp.on(AdminUpdateUserAttributesCommand).rejects(new Error('Invalid phone number format +447400123456'));
    await expect(run(smsOtp)).rejects.toThrow('Something went wrong, please try again');
    expect(ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input.UpdateExpression)).toEqual([
      'ADD attempts :one',
    ]);
  });

  test('a wrong code: wrong_code recorded, nothing else', async () => {
    codeStored(storedCode());
    const event = structuredClone(smsOtp);
    event.request.challengeAnswer = '654321';
    const { response } = await run(event);
    expect(response.answerCorrect).toBe(false);
    expect(failures().map((item) => item?.reason)).toEqual(['wrong_code']);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(putsBySk('SIGNIN#')).toHaveLength(0);
  });

  test('a wrong code that used the last attempt is recorded as attempts_exhausted', async () => {
    codeStored(storedCode({ attempts: 3 }));
    const event = structuredClone(smsOtp);
    event.request.challengeAnswer = '654321';
    expect((await run(event)).response.answerCorrect).toBe(false);
    expect(failures().map((item) => item?.reason)).toEqual(['attempts_exhausted']);
  });

  test.each([['12345'], ['1234567'], ['abcdef'], ['12 456'], ['']])(
    'a malformed answer %j is wrong without touching the code (wrong_code recorded)',
    async (answer) => {
      const event = structuredClone(smsOtp);
      event.request.challengeAnswer = answer;
      expect((await run(event)).response.answerCorrect).toBe(false);
      expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
      expect(failures().map((item) => item?.reason)).toEqual(['wrong_code']);
    },
  );

  test.each([
    ['gone', undefined, 'expired_code'],
    ['replaced by a newer code', storedCode({ id: 'b'.repeat(32) }), 'expired_code'],
    ['already used', storedCode({ consumedAt: Date.now() }), 'expired_code'],
    ['out of attempts', storedCode({ attempts: 3 }), 'attempts_exhausted'],
    ['expired', storedCode({ expiresAt: Date.now() - 1 }), 'expired_code'],
  ])('an answer to a code that is %s is wrong even if it matches (%s)', async (_name, current, reason) => {
    ddb.on(UpdateCommand).rejects(conditionFailed(current));
    ddb.on(GetCommand).resolves({ Item: current });
    const { response } = await run(smsOtp);
    expect(response.answerCorrect).toBe(false);
    expect(failures().map((item) => item?.reason)).toEqual([reason]);
  });

  test('a correct code that someone else used a moment earlier is wrong (one-time use)', async () => {
    codeStored(storedCode(), () => {
      throw conditionFailed();
    });
    const { response } = await run(smsOtp);
    expect(response.answerCorrect).toBe(false);
    expect(failures().map((item) => item?.reason)).toEqual(['expired_code']);
  });

  test('failing to record the last success does not fail a correct sign-in', async () => {
    codeStored(storedCode());
    ddb.on(PutCommand).rejects(new Error('throttled'));
    expect((await run(smsOtp)).response.answerCorrect).toBe(true);
  });

  test('failing to record a failure fails closed: an error, never a silent pass', async () => {
    codeStored(storedCode());
    ddb.on(PutCommand).rejects(new Error('throttled'));
    const event = structuredClone(smsOtp);
    event.request.challengeAnswer = '000000';
    await expect(run(event)).rejects.toThrow('Something went wrong, please try again');
  });
});

describe('other events', () => {
  test('an unknown user is always wrong and nothing is written', async () => {
    const { response } = await run(userNotFound);
    expect(response.answerCorrect).toBe(false);
    expect(ddb.calls()).toHaveLength(0);
    expect(idp.calls()).toHaveLength(0);
  });

  type Request = { privateChallengeParameters: unknown; userAttributes: Record<string, string> };
  const changes: [string, (request: Request) => void][] = [
    [
      'no sub',
      (request) => {
        delete request.userAttributes.sub;
      },
    ],
    [
      'no private parameters',
      (request) => {
        request.privateChallengeParameters = null;
      },
    ],
    [
      'foreign private parameters',
      (request) => {
        request.privateChallengeParameters = { code: '123456' };
      },
    ],
  ];
  test.each(changes)('%s: the short generic message, nothing written', async (_name, change) => {
    const event = structuredClone(smsOtp);
    change(event.request as unknown as Request);
    await expect(run(event)).rejects.toThrow('The request could not be processed');
    expect(ddb.calls()).toHaveLength(0);
  });

  test('a missing answer counts as an empty, wrong one', async () => {
    const event = structuredClone(smsOtp) as unknown as { request: Record<string, unknown> };
    delete event.request.challengeAnswer;
    expect((await run(event)).response.answerCorrect).toBe(false);
  });

  test('every AWS call carries the invocation deadline as an abort signal', async () => {
    codeStored(storedCode({ purpose: 'verify_phone' }));
    await run(smsOtp);
    const calls = [...ddb.calls(), ...idp.calls()];
    expect(calls.length).toBe(4);
    for (const call of calls)
      expect(
        ((call.args as unknown[])[1] as { abortSignal?: unknown } | undefined)?.abortSignal,
      ).toBeInstanceOf(AbortSignal);
  });
});
