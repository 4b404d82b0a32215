import { AdminUpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
import type { CodeRound } from '#shared/challenge/protocol';
import phoneRequired from '../../../fixtures/verify-auth-challenge.phone-required.json';
import smsOtp from '../../../fixtures/verify-auth-challenge.sms-otp.json';
import userNotFound from '../../../fixtures/verify-auth-challenge.user-not-found.json';
import { handler } from '../../../functions/verify-auth-challenge/handler';
import { codeRoundParameters } from '../../helpers/code-round';

const ddb = mockClient(dynamodb);
const idp = mockClient(cognito);

type Event = Parameters<typeof handler>[0];
const run = (event: unknown) => handler(structuredClone(event) as Event);

const SUB = smsOtp.request.userAttributes.sub;
const CODE_ID = smsOtp.request.privateChallengeParameters.id;
const PHONE_ROUND_ID = phoneRequired.request.privateChallengeParameters.id;

/** An SMS_OTP answer event whose round was built by Create for code 123456 (or as overridden). */
function codeAnswer(answer: string, round: Partial<CodeRound> = {}) {
  const event = structuredClone(smsOtp);
  event.request.challengeAnswer = answer;
  event.request.privateChallengeParameters = codeRoundParameters('123456', {
    id: CODE_ID,
    ...round,
  }) as typeof event.request.privateChallengeParameters;
  return event;
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
  test('the right code to the verified phone: accepted with no AWS call at all', async () => {
    const { response } = await run(codeAnswer('123456'));
    expect(response.answerCorrect).toBe(true);
    expect(ddb.calls()).toHaveLength(0);
    expect(idp.calls()).toHaveLength(0);
  });

  test('the fixture (a round built for 123456) is right too', async () => {
    expect((await run(smsOtp)).response.answerCorrect).toBe(true);
  });

  test('the answer is trimmed before it is checked', async () => {
    expect((await run(codeAnswer('  123456\n'))).response.answerCorrect).toBe(true);
  });

  test('the right code to a new number: that number (from the private parameters, never an answer) becomes the verified phone, in 1 call', async () => {
    const event = codeAnswer('123456', { purpose: 'verify_phone', phone: '+447400123456' });
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
    expect(idp.calls()).toHaveLength(1);
    expect(ddb.calls()).toHaveLength(0);
  });

  test('if Cognito fails to save the number, the caller gets the generic message (Cognito retries; the write is idempotent)', async () => {
    idp.on(AdminUpdateUserAttributesCommand).rejects(new Error('Invalid phone number format +447400123456'));
    const event = codeAnswer('123456', { purpose: 'verify_phone', phone: '+447400123456' });
    await expect(run(event)).rejects.toThrow('Something went wrong, please try again');
  });

  test('a wrong code: wrong_code recorded once for the round, nothing else', async () => {
    const { response } = await run(codeAnswer('654321'));
    expect(response.answerCorrect).toBe(false);
    expect(failures().map((item) => item?.reason)).toEqual(['wrong_code']);
    expect(putsBySk('ANSWERED#')).toHaveLength(1);
    expect(idp.calls()).toHaveLength(0);
  });

  test('a wrong code to a new number changes nothing about the user', async () => {
    const event = codeAnswer('654321', { purpose: 'verify_phone', phone: '+447400123456' });
    expect((await run(event)).response.answerCorrect).toBe(false);
    expect(idp.calls()).toHaveLength(0);
  });

  test.each([['12345'], ['1234567'], ['abcdef'], ['12 456'], ['']])(
    'a malformed answer %j is wrong (wrong_code recorded)',
    async (answer) => {
      expect((await run(codeAnswer(answer))).response.answerCorrect).toBe(false);
      expect(failures().map((item) => item?.reason)).toEqual(['wrong_code']);
    },
  );

  test('the right code after its expiry is wrong (expired_code recorded)', async () => {
    const { response } = await run(codeAnswer('123456', { expiresAt: Date.now() - 1 }));
    expect(response.answerCorrect).toBe(false);
    expect(failures().map((item) => item?.reason)).toEqual(['expired_code']);
  });

  test('a retried wrong answer (same round nonce, Cognito retrying) records no second failure', async () => {
    const event = codeAnswer('654321');
    const answered = new Set<string>();
    ddb.on(PutCommand).callsFake(async (input: PutCommandInput) => {
      if (String(input.Item?.sk).startsWith('ANSWERED#') && answered.has(String(input.Item?.sk)))
        throw new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: {},
        });
      answered.add(String(input.Item?.sk));
      return {};
    });
    for (let i = 0; i < 3; i++) expect((await run(event)).response.answerCorrect).toBe(false);
    expect(failures()).toHaveLength(1);
  });

  test('failing to record a failure fails closed: an error, never a silent pass', async () => {
    ddb.on(PutCommand).rejects(new Error('throttled'));
    await expect(run(codeAnswer('000000'))).rejects.toThrow('Something went wrong, please try again');
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
    [
      'a code round without its hash',
      (request) => {
        const { hash: _hash, ...rest } = request.privateChallengeParameters as Record<string, string>;
        request.privateChallengeParameters = rest;
      },
    ],
    [
      'a verify_phone round without its number',
      (request) => {
        request.privateChallengeParameters = {
          ...(request.privateChallengeParameters as Record<string, string>),
          purpose: 'verify_phone',
        };
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
    await run(codeAnswer('123456', { purpose: 'verify_phone', phone: '+447400123456' }));
    await run(codeAnswer('000000'));
    const calls = [...ddb.calls(), ...idp.calls()];
    expect(calls.length).toBe(3);
    for (const call of calls)
      expect(
        ((call.args as unknown[])[1] as { abortSignal?: unknown } | undefined)?.abortSignal,
      ).toBeInstanceOf(AbortSignal);
  });
});
