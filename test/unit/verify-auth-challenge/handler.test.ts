/**
 * VerifyAuthChallengeResponse through its handler, with the module-scope DynamoDB and Cognito
 * clients faked. Each test scripts what the calls return and checks the calls made: for a real user
 * one status Query, then ONE write recording the answer (the code marked used, or the wrong answer
 * counted on the code with its failure record and the round's ANSWERED mark). The same rules against
 * a real engine: test/integration/two-factor.test.ts.
 */
import { AdminUpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
import type { CodeRound } from '#shared/challenge/protocol';
import { logger } from '#shared/logger';
import phoneRequired from '../../../fixtures/verify-auth-challenge.phone-required.json';
import smsOtp from '../../../fixtures/verify-auth-challenge.sms-otp.json';
import userNotFound from '../../../fixtures/verify-auth-challenge.user-not-found.json';
import { handler } from '../../../functions/verify-auth-challenge/handler';
import { codeRoundParameters } from '../../helpers/code-round';
import { captureLogs } from '../shared/capture-logs';
import { loadIsolated } from '../shared/isolated';

const ddb = mockClient(dynamodb);
const idp = mockClient(cognito);

type Event = Parameters<typeof handler>[0];
const run = (event: unknown) => handler(structuredClone(event) as Event);

const SUB = smsOtp.request.userAttributes.sub;
const CODE_ID = smsOtp.request.privateChallengeParameters.id;
const PHONE_ROUND_ID = phoneRequired.request.privateChallengeParameters.id;
const USER_PK = `USER#${SUB}`;
const SIGN_IN_NOT_ALLOWED = 'Sign-in is not allowed right now';

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

/** An enrolment-code answer from a user with no verified phone yet (an unverified one on file). */
function enrolmentAnswer(answer: string) {
  const event = codeAnswer(answer, { purpose: 'verify_phone', phone: '+447400123456' });
  event.request.userAttributes.phone_number = '+19999999999';
  event.request.userAttributes.phone_number_verified = 'false';
  return event;
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const failureItem = (minutes: number) => {
  const at = minutesAgo(minutes);
  return { pk: USER_PK, sk: `FAIL#${at}#0a1b2c3d`, at, reason: 'wrong_code' };
};
const suspension = { pk: USER_PK, sk: 'SUSPENSION', reason: 'fraud review', at: minutesAgo(60), by: 'ops' };
const statusReturns = (...items: Record<string, unknown>[]) =>
  ddb.on(QueryCommand).resolves({ Items: items });

/** The class names of every AWS command sent, DynamoDB first. */
const ddbCommands = () => ddb.calls().map((call) => (call.args[0] as object).constructor.name);

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
const transactions = () =>
  ddb
    .commandCalls(TransactWriteCommand)
    .map((call) => (call.args[0].input.TransactItems ?? []) as TransactItem[]);
/** The failure records written (they travel inside the wrong-answer transactions). */
const failures = () =>
  transactions()
    .flat()
    .map((item) => item.Put?.Item)
    .filter((item) => String(item?.sk).startsWith('FAIL#'));
const putsBySk = (prefix: string) =>
  ddb
    .commandCalls(PutCommand)
    .map((call) => call.args[0].input as PutCommandInput)
    .filter((input) => String(input.Item?.sk).startsWith(prefix));
const useCodeInput = () =>
  ddb.commandCalls(UpdateCommand)[0]?.args[0].input as UpdateCommandInput | undefined;

const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    Item: item ? marshall(item, { removeUndefinedValues: true }) : undefined,
  });
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

/** The user's code item as DynamoDB would return it with a failed condition. */
const storedCode = (over: Record<string, unknown> = {}) => ({
  pk: `CHALLENGE#${SUB}`,
  sk: 'CODE',
  id: CODE_ID,
  expiresAt: Date.now() + 60_000,
  ...over,
});

async function logsOf(action: () => Promise<unknown>) {
  const logs = captureLogs(logger, 'INFO');
  try {
    await action();
  } finally {
    logs.restore();
  }
  return logs;
}

beforeEach(() => {
  ddb.reset();
  idp.reset();
  statusReturns();
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  ddb.on(TransactWriteCommand).resolves({});
  idp.on(AdminUpdateUserAttributesCommand).resolves({});
});

describe('PHONE_REQUIRED answers', () => {
  const askedForPhone = (answer: string) => {
    const event = structuredClone(phoneRequired);
    event.request.challengeAnswer = answer;
    return event;
  };

  test('a valid mobile number is accepted and kept (E.164) under the round id; the user is not changed', async () => {
    const { response } = await run(askedForPhone(' +1 (201) 555-0123 '));
    expect(response.answerCorrect).toBe(true);
    expect(ddbCommands()).toEqual(['QueryCommand', 'PutCommand']);
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
  ])(
    '%s is wrong: one transaction of the round mark and a failure record (invalid_phone), nothing else',
    async (_name, answer) => {
      const { response } = await run(askedForPhone(answer));
      expect(response.answerCorrect).toBe(false);
      expect(ddbCommands()).toEqual(['QueryCommand', 'TransactWriteCommand']);
      const [items] = transactions();
      // No code exists on this path: only the mark and the failure.
      expect(items).toHaveLength(2);
      expect(items?.[0]?.Put?.Item).toMatchObject({
        pk: `CHALLENGE#${SUB}`,
        sk: `ANSWERED#${phoneRequired.request.privateChallengeParameters.nonce}`,
      });
      expect(items?.[0]?.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
      expect(failures()).toEqual([
        {
          pk: USER_PK,
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
    },
  );

  test('from a user whose phone is verified (a stale enrolment): wrong, whatever the number; nothing stored, no failure counted', async () => {
    const event = askedForPhone('+447400123456');
    Object.assign(event.request.userAttributes, {
      phone_number: '+12015550123',
      phone_number_verified: 'true',
    });
    const logs = await logsOf(async () => {
      expect((await run(event)).response.answerCorrect).toBe(false);
    });
    expect(ddbCommands()).toEqual(['QueryCommand']);
    expect(idp.calls()).toHaveLength(0);
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ message: 'phone number refused: the user has a verified phone' }),
    );
  });

  test('a number on file that is not verified does not count as verified', async () => {
    const event = askedForPhone('+12015550123');
    Object.assign(event.request.userAttributes, {
      phone_number: '+12015550123',
      phone_number_verified: 'false',
    });
    expect((await run(event)).response.answerCorrect).toBe(true);
  });
});

describe('SMS_OTP answers: right digits', () => {
  test('the right code to the verified phone: the status Query and ONE conditional write marking the code used', async () => {
    const event = codeAnswer('123456');
    const { response } = await run(event);
    expect(response.answerCorrect).toBe(true);
    expect(ddbCommands()).toEqual(['QueryCommand', 'UpdateCommand']);
    const input = useCodeInput();
    expect(input?.Key).toEqual({ pk: `CHALLENGE#${SUB}`, sk: 'CODE' });
    expect(input?.UpdateExpression).toBe(
      'SET usedAt = if_not_exists(usedAt, :now), usedBy = if_not_exists(usedBy, :nonce)',
    );
    // Only the user's current code, unused (or used by this very answer), within its shared
    // wrong-answer budget, unexpired.
    for (const part of [
      'id = :id',
      'expiresAt > :now',
      'attempts < :maxAttempts',
      'usedBy = :nonce OR (attribute_not_exists(usedAt)',
    ])
      expect(input?.ConditionExpression).toContain(part);
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':id': CODE_ID,
      ':nonce': event.request.privateChallengeParameters.nonce,
      ':maxAttempts': 3,
    });
    expect(input?.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(idp.calls()).toHaveLength(0);
  });

  test('the fixture (a round built for 123456) is right too', async () => {
    expect((await run(smsOtp)).response.answerCorrect).toBe(true);
  });

  test('the answer is trimmed before it is checked', async () => {
    expect((await run(codeAnswer('  123456\n'))).response.answerCorrect).toBe(true);
  });

  test.each([
    ['used by another sign-in', { usedAt: Date.now() - 1000, usedBy: 'f'.repeat(32) }, 'used'],
    ['out of wrong answers (3 of 3, all sign-ins together)', { attempts: 3 }, 'exhausted'],
    ['replaced by a newer code', { id: 'b'.repeat(32) }, 'replaced'],
    ['removed', undefined, 'replaced'],
  ])(
    'the right digits of a code %s are wrong: dead_code counted like any wrong answer',
    async (_name, over, why) => {
      const item = over === undefined ? undefined : storedCode(over);
      ddb.on(UpdateCommand).rejects(conditionFailed(item));
      const logs = await logsOf(async () => {
        expect((await run(codeAnswer('123456'))).response.answerCorrect).toBe(false);
      });
      expect(ddbCommands()).toEqual(['QueryCommand', 'UpdateCommand', 'TransactWriteCommand']);
      expect(failures().map((failure) => failure?.reason)).toEqual(['dead_code']);
      expect(logs.records()).toContainEqual(
        expect.objectContaining({ message: 'code rejected', reason: 'dead_code', detail: why }),
      );
      expect(idp.calls()).toHaveLength(0);
    },
  );

  test('the right code to a new number: that number (from the private parameters, never an answer) becomes the verified phone, after the code is marked used', async () => {
    const { response } = await run(enrolmentAnswer('123456'));
    expect(response.answerCorrect).toBe(true);
    // The status read, the code marked used, then the phone_bound audit record (security notice).
    expect(ddbCommands()).toEqual(['QueryCommand', 'UpdateCommand', 'PutCommand']);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({
      action: 'phone_bound',
      by: 'user',
      destination: '+*******3456',
    });
    expect(idp).toHaveReceivedCommandWith(AdminUpdateUserAttributesCommand, {
      UserPoolId: smsOtp.userPoolId,
      Username: smsOtp.userName,
      UserAttributes: [
        { Name: 'phone_number', Value: '+447400123456' },
        { Name: 'phone_number_verified', Value: 'true' },
      ],
    });
    expect(idp.calls()).toHaveLength(1);
  });

  test('the right enrolment code of a code used meanwhile binds nothing', async () => {
    ddb
      .on(UpdateCommand)
      .rejects(conditionFailed(storedCode({ usedAt: Date.now(), usedBy: 'e'.repeat(32) })));
    expect((await run(enrolmentAnswer('123456'))).response.answerCorrect).toBe(false);
    expect(idp.calls()).toHaveLength(0);
  });

  test('an enrolment code from a user whose phone is verified meanwhile: wrong, right digits or not; nothing bound, nothing written', async () => {
    const event = codeAnswer('123456', { purpose: 'verify_phone', phone: '+447400123456' });
    // The fixture's user has +12015550123, verified.
    const logs = await logsOf(async () => {
      expect((await run(event)).response.answerCorrect).toBe(false);
    });
    expect(ddbCommands()).toEqual(['QueryCommand']);
    expect(idp.calls()).toHaveLength(0);
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ message: 'enrolment code refused: the user has a verified phone' }),
    );
  });

  test('if Cognito fails to save the number, the caller gets the generic message (Cognito retries; the write is idempotent)', async () => {
    idp.on(AdminUpdateUserAttributesCommand).rejects(new Error('Invalid phone number format +447400123456'));
    await expect(run(enrolmentAnswer('123456'))).rejects.toThrow('Something went wrong, please try again');
  });

  test('the marking write failing fails closed: an error, never a pass', async () => {
    ddb.on(UpdateCommand).rejects(new Error('throttled'));
    await expect(run(codeAnswer('123456'))).rejects.toThrow('Something went wrong, please try again');
  });
});

describe('SMS_OTP answers: wrong digits', () => {
  test('a wrong code: ONE transaction of the round mark, the failure record and one more wrong answer on the code', async () => {
    const event = codeAnswer('654321');
    const { response } = await run(event);
    expect(response.answerCorrect).toBe(false);
    expect(ddbCommands()).toEqual(['QueryCommand', 'TransactWriteCommand']);
    const [[mark, failure, count, ...rest] = []] = transactions();
    expect(rest).toEqual([]);
    expect(mark?.Put?.Item).toMatchObject({
      pk: `CHALLENGE#${SUB}`,
      sk: `ANSWERED#${event.request.privateChallengeParameters.nonce}`,
    });
    expect(mark?.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(failure?.Put?.Item).toMatchObject({ pk: USER_PK, reason: 'wrong_code' });
    expect(count?.Update).toMatchObject({
      Key: { pk: `CHALLENGE#${SUB}`, sk: 'CODE' },
      UpdateExpression: 'ADD attempts :one REMOVE resendFor, recoveryFor',
      ConditionExpression: 'id = :id',
      ExpressionAttributeValues: { ':one': 1, ':id': CODE_ID },
    });
    expect(idp.calls()).toHaveLength(0);
  });

  test('a wrong code to a new number changes nothing about the user', async () => {
    expect((await run(enrolmentAnswer('654321'))).response.answerCorrect).toBe(false);
    expect(idp.calls()).toHaveLength(0);
  });

  test.each([['12345'], ['1234567'], ['abcdef'], ['12 456'], ['']])(
    'a malformed answer %j is wrong (wrong_code counted)',
    async (answer) => {
      expect((await run(codeAnswer(answer))).response.answerCorrect).toBe(false);
      expect(failures().map((item) => item?.reason)).toEqual(['wrong_code']);
      expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 0);
    },
  );

  test('the right code after its expiry is wrong (expired_code counted), the code never marked used', async () => {
    const { response } = await run(codeAnswer('123456', { expiresAt: Date.now() - 1 }));
    expect(response.answerCorrect).toBe(false);
    expect(failures().map((item) => item?.reason)).toEqual(['expired_code']);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 0);
  });

  test('a retried wrong answer (same round nonce, Cognito retrying) counts nothing twice', async () => {
    const event = codeAnswer('654321');
    const marks = new Set<string>();
    let counted = 0;
    ddb.on(TransactWriteCommand).callsFake(async (input: TransactWriteCommandInput) => {
      const sk = String(input.TransactItems?.[0]?.Put?.Item?.sk);
      if (marks.has(sk)) throw cancelled('ConditionalCheckFailed', 'None', 'None');
      marks.add(sk);
      counted++;
      return {};
    });
    const logs = await logsOf(async () => {
      for (let i = 0; i < 3; i++) expect((await run(event)).response.answerCorrect).toBe(false);
    });
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 3);
    expect(counted).toBe(1);
    expect(logs.records().filter((r) => r.message === 'retried answer; already counted')).toHaveLength(2);
  });

  test('a wrong answer to a code replaced meanwhile still counts for the lockout (mark and failure, without the code)', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'None', 'ConditionalCheckFailed'))
      .resolves({});
    expect((await run(codeAnswer('654321'))).response.answerCorrect).toBe(false);
    const [first, second] = transactions();
    expect(first).toHaveLength(3);
    expect(second?.map((item) => String(item.Put?.Item?.sk).split('#')[0])).toEqual(['ANSWERED', 'FAIL']);
  });

  test('a transaction conflict is tried again; one that does not clear fails closed', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'None', 'TransactionConflict'))
      .resolves({});
    expect((await run(codeAnswer('654321'))).response.answerCorrect).toBe(false);
    expect(ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 2);

    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'TransactionConflict'));
    await expect(run(codeAnswer('654321'))).rejects.toThrow('Something went wrong, please try again');
  });

  test('failing to count a wrong answer fails closed: an error, never a silent pass', async () => {
    ddb.on(TransactWriteCommand).rejects(new Error('throttled'));
    await expect(run(codeAnswer('000000'))).rejects.toThrow('Something went wrong, please try again');
  });
});

describe('a suspended or locked-out user (the password was proven; Verify enforces the lockout)', () => {
  const answers: [string, () => unknown][] = [
    ['the right code', () => codeAnswer('123456')],
    ['a wrong code', () => codeAnswer('654321')],
    ['the right enrolment code', () => enrolmentAnswer('123456')],
    [
      'a valid phone number',
      () => {
        const event = structuredClone(phoneRequired);
        event.request.challengeAnswer = '+12015550123';
        return event;
      },
    ],
  ];
  const states: [string, Record<string, unknown>[], string][] = [
    ['suspended', [suspension], 'suspended'],
    [
      'locked out (5 failures in 15 minutes)',
      [failureItem(10), failureItem(8), failureItem(6), failureItem(4), failureItem(2)],
      'locked_out',
    ],
  ];
  const cases = answers.flatMap(([answer, event]) =>
    states.map(([state, items, reason]) => [answer, state, event, items, reason] as const),
  );

  test.each(cases)(
    '%s, %s: "Sign-in is not allowed right now" after the one status Query; nothing written, nothing bound',
    async (_answer, _state, event, items, reason) => {
      statusReturns(...items);
      const logs = await logsOf(async () => {
        await expect(run(event())).rejects.toThrow(SIGN_IN_NOT_ALLOWED);
      });
      expect(ddbCommands()).toEqual(['QueryCommand']);
      expect(idp.calls()).toHaveLength(0);
      expect(logs.records()).toContainEqual(expect.objectContaining({ message: 'request rejected', reason }));
      expect(logs.text()).not.toContain('fraud review');
    },
  );

  test("the status Query reads the user's partition, strongly consistent, failures of the last 15 minutes only", async () => {
    const before = Date.now();
    await run(codeAnswer('123456'));
    const input = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ TableName: 'auth-state-test', ConsistentRead: true });
    expect(input?.ExpressionAttributeValues?.[':pk']).toBe(USER_PK);
    expect(input?.ExpressionAttributeValues?.[':to']).toBe('SUSPENSION');
    const since = Date.parse(String(input?.ExpressionAttributeValues?.[':from']).slice('FAIL#'.length));
    expect(since).toBeGreaterThanOrEqual(before - 15 * 60_000);
    expect(since).toBeLessThanOrEqual(Date.now() - 15 * 60_000);
  });

  test('four failures in the window still let the right code through', async () => {
    statusReturns(failureItem(4), failureItem(3), failureItem(2), failureItem(1));
    expect((await run(codeAnswer('123456'))).response.answerCorrect).toBe(true);
  });

  test('the status Query failing: the generic message, nothing written (fail closed)', async () => {
    ddb.on(QueryCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    await expect(run(codeAnswer('123456'))).rejects.toThrow('Something went wrong, please try again');
    expect(ddbCommands()).toEqual(['QueryCommand']);
  });
});

describe('settings', () => {
  const load = (env: Record<string, string>) =>
    loadIsolated(env, () => ({
      handler: require('../../../functions/verify-auth-challenge/handler').handler as typeof handler,
      ddb: mockClient(require('#shared/aws/dynamodb').dynamodb as typeof dynamodb),
      Query: require('@aws-sdk/lib-dynamodb').QueryCommand as typeof QueryCommand,
      Update: require('@aws-sdk/lib-dynamodb').UpdateCommand as typeof UpdateCommand,
    }));

  test('MAX_CODE_ATTEMPTS is the budget the marking write is conditioned on', async () => {
    const isolated = load({ MAX_CODE_ATTEMPTS: '5' });
    isolated.ddb.resolves({ Items: [] });
    await isolated.handler(codeAnswer('123456') as Event);
    const input = isolated.ddb.commandCalls(isolated.Update)[0]?.args[0].input;
    expect(input?.ExpressionAttributeValues?.[':maxAttempts']).toBe(5);
  });

  test('LOCKOUT_MAX_FAILURES=3 refuses an answer at the third failure in the window', async () => {
    const isolated = load({ LOCKOUT_MAX_FAILURES: '3' });
    isolated.ddb.on(isolated.Query).resolves({ Items: [failureItem(3), failureItem(2), failureItem(1)] });
    await expect(isolated.handler(codeAnswer('123456') as Event)).rejects.toThrow(SIGN_IN_NOT_ALLOWED);
    isolated.ddb.on(isolated.Query).resolves({ Items: [failureItem(2), failureItem(1)] });
    isolated.ddb.on(isolated.Update).resolves({});
    expect((await isolated.handler(codeAnswer('123456') as Event)).response.answerCorrect).toBe(true);
  });

  test.each([
    [{ MAX_CODE_ATTEMPTS: '0' }, /MAX_CODE_ATTEMPTS must be at least 1/],
    [{ LOCKOUT_WINDOW_MINUTES: '1441' }, /LOCKOUT_WINDOW_MINUTES must be at most 1440/],
  ])('a deployment with %j fails at start-up, naming the variable', (env, message) => {
    expect(() => load(env)).toThrow(message);
  });
});

describe('other events', () => {
  test('an unknown user is always wrong: nothing is read, only the decoy item notes it was no RESEND or RECOVERY', async () => {
    ddb.on(UpdateCommand).resolves({});
    const { response } = await run(userNotFound);
    expect(response.answerCorrect).toBe(false);
    expect(ddbCommands()).toEqual(['UpdateCommand']);
    expect(useCodeInput()).toMatchObject({
      Key: { pk: expect.stringMatching(/^CHALLENGE#/), sk: 'DECOY' },
      UpdateExpression: 'REMOVE resendFor, recoveryFor',
      ConditionExpression: 'attribute_exists(pk)',
    });
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
  ];
  test.each(changes)('%s: the short generic message, nothing read or written', async (_name, change) => {
    const event = structuredClone(smsOtp);
    change(event.request as unknown as Request);
    await expect(run(event)).rejects.toThrow('The request could not be processed');
    expect(ddb.calls()).toHaveLength(0);
  });

  test('a verify_phone round without its number: the short generic message, nothing bound', async () => {
    const event = enrolmentAnswer('123456');
    const { phone: _phone, ...rest } = event.request.privateChallengeParameters as Record<string, string>;
    event.request.privateChallengeParameters = rest as typeof event.request.privateChallengeParameters;
    await expect(run(event)).rejects.toThrow('The request could not be processed');
    expect(ddb.calls()).toHaveLength(0);
    expect(idp.calls()).toHaveLength(0);
  });

  test('a missing answer counts as an empty, wrong one', async () => {
    const event = structuredClone(smsOtp) as unknown as { request: Record<string, unknown> };
    delete event.request.challengeAnswer;
    expect((await run(event)).response.answerCorrect).toBe(false);
  });

  test('every AWS call carries the invocation deadline as an abort signal', async () => {
    await run(enrolmentAnswer('123456'));
    await run(codeAnswer('000000'));
    const calls = [...ddb.calls(), ...idp.calls()];
    // Query + UpdateItem + AdminUpdateUserAttributes + the audit PutItem, then Query +
    // TransactWriteItems.
    expect(calls.length).toBe(6);
    for (const call of calls)
      expect(
        ((call.args as unknown[])[1] as { abortSignal?: unknown } | undefined)?.abortSignal,
      ).toBeInstanceOf(AbortSignal);
  });
});
