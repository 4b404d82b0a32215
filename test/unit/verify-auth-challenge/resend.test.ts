/**
 * The reserved answer RESEND through Verify's handler, with the DynamoDB client faked: it is never
 * judged as a guess. One conditional UpdateItem asks for a new code on the code's item; no failure
 * record, no attempt counted, no round mark. The same against a real engine:
 * test/integration/resend.test.ts.
 */
import { AdminUpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
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
const commands = () => ddb.calls().map((call) => (call.args[0] as object).constructor.name);
const updates = () => ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input as UpdateCommandInput);

function answer(text: string, round: Record<string, unknown> = {}) {
  const event = structuredClone(smsOtp);
  event.request.challengeAnswer = text;
  event.request.privateChallengeParameters = codeRoundParameters('123456', {
    id: CODE_ID,
    ...round,
  }) as typeof event.request.privateChallengeParameters;
  return event;
}

beforeEach(() => {
  ddb.reset();
  idp.reset();
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(UpdateCommand).resolves({});
  ddb.on(TransactWriteCommand).resolves({});
  idp.on(AdminUpdateUserAttributesCommand).resolves({});
});

describe('RESEND is never judged as a guess', () => {
  test.each(['RESEND', 'resend', '  Resend \n'])(
    '%j: the status Query, then ONE UpdateItem asking for a new code on this code; no failure, no attempt',
    async (text) => {
      const { response } = await run(answer(text));
      expect(response.answerCorrect).toBe(false);
      expect(commands()).toEqual(['QueryCommand', 'UpdateCommand']);
      expect(updates()).toEqual([
        expect.objectContaining({
          Key: { pk: `CHALLENGE#${SUB}`, sk: 'CODE' },
          UpdateExpression: 'SET resendFor = :id REMOVE recoveryFor',
          ConditionExpression: 'id = :id',
          ExpressionAttributeValues: { ':id': CODE_ID },
        }),
      ]);
      expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    },
  );

  test('four RESENDs write no failure record and count no attempt (the lockout and the code budget are untouched)', async () => {
    for (let i = 0; i < 4; i++) await run(answer('RESEND'));
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    for (const input of updates()) expect(input.UpdateExpression).not.toMatch(/attempts|usedAt/);
  });

  test('an expired round still takes a RESEND (a late code is the usual reason to ask)', async () => {
    const { response } = await run(answer('RESEND', { expiresAt: Date.now() - 1 }));
    expect(response.answerCorrect).toBe(false);
    expect(commands()).toEqual(['QueryCommand', 'UpdateCommand']);
  });

  test('a replaced code takes no request: nothing else written, still no failure', async () => {
    ddb
      .on(UpdateCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    const { response } = await run(answer('RESEND'));
    expect(response.answerCorrect).toBe(false);
    expect(commands()).toEqual(['QueryCommand', 'UpdateCommand']);
  });

  test.each(['RESEND please', 'RE SEND', 'RESENDS', '123456RESEND'])(
    '%j is not the reserved answer: judged (and counted) as a wrong code',
    async (text) => {
      const { response } = await run(answer(text));
      expect(response.answerCorrect).toBe(false);
      expect(commands()).toEqual(['QueryCommand', 'TransactWriteCommand']);
    },
  );

  test('a RESEND to an enrolment code of a user whose phone is verified meanwhile: refused, nothing written', async () => {
    const event = answer('RESEND', { purpose: 'verify_phone', phone: '+447400123456' });
    const { response } = await run(event);
    expect(response.answerCorrect).toBe(false);
    expect(commands()).toEqual(['QueryCommand']);
  });

  test('a locked-out user asking for RESEND gets "Sign-in is not allowed", nothing written', async () => {
    const at = new Date(Date.now() - 60_000).toISOString();
    const failures = Array.from({ length: 5 }, (_, i) => ({
      pk: `USER#${SUB}`,
      sk: `FAIL#${at}#0000000${i}`,
      at,
      reason: 'wrong_code',
    }));
    ddb.on(QueryCommand).resolves({ Items: failures });
    await expect(run(answer('RESEND'))).rejects.toThrow('Sign-in is not allowed right now');
    expect(commands()).toEqual(['QueryCommand']);
  });
});

describe('an unknown user (decoy round)', () => {
  test('RESEND is recorded on the decoy item: ONE UpdateItem, nothing read', async () => {
    const event = structuredClone(userNotFound);
    event.request.challengeAnswer = ' resend ';
    const { response } = await run(event);
    expect(response.answerCorrect).toBe(false);
    expect(commands()).toEqual(['UpdateCommand']);
    expect(updates()[0]).toMatchObject({
      Key: { pk: expect.stringMatching(/^CHALLENGE#/), sk: 'DECOY' },
      UpdateExpression: 'SET resendFor = :id REMOVE recoveryFor',
      ExpressionAttributeValues: { ':id': userNotFound.request.privateChallengeParameters.id },
    });
  });

  test('a missing decoy item is not created (the condition fails, the answer is still just wrong)', async () => {
    ddb
      .on(UpdateCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    const event = structuredClone(userNotFound);
    event.request.challengeAnswer = 'RESEND';
    const { response } = await run(event);
    expect(response.answerCorrect).toBe(false);
  });
});
