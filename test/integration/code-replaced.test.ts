/**
 * A newer sign-in replaces the code, against the real engine: the real Define, Create and Verify
 * handlers with their state in DynamoDB Local. A user has one current code; a sign-in after the
 * resend cooldown gets a new one, and an older sign-in that is still going can no longer be given
 * a round: its next round ends with the expired-code message, and nothing is sent for it.
 *
 * SNS and Cognito's admin API are faked in-process (aws-sdk-client-mock): the SMS outbox is read
 * like a phone, and no Cognito call is expected.
 */
import { randomUUID } from 'node:crypto';
import { PublishCommand } from '@aws-sdk/client-sns';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { CODE_SK, challengePk } from '#shared/auth-state/keys';
import { SignInRecords } from '#shared/auth-state/sign-in-records';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
import { sns } from '#shared/aws/sns';
import { CODE_EXPIRED_MESSAGE } from '#shared/challenge/errors';
import { newUser, SignIn, type TestUser } from '../helpers/custom-auth';

const AUTH_STATE = 'auth-state-test';
/** RESEND_COOLDOWN_SECONDS as deployed (serverless.yml default), which the handlers run with. */
const COOLDOWN_MS = 30_000;

const snsMock = mockClient(sns);
const idp = mockClient(cognito);
const records = new SignInRecords(dynamodb, AUTH_STATE);
let outbox: { to: string; body: string }[] = [];

beforeEach(() => {
  outbox = [];
  snsMock
    .reset()
    .on(PublishCommand)
    .callsFake(async (input) => {
      outbox.push({ to: String(input.PhoneNumber), body: String(input.Message) });
      return { MessageId: randomUUID() };
    });
  idp.reset().onAnyCommand().rejects(new Error('no Cognito call is expected'));
});
afterAll(() => {
  snsMock.restore();
  idp.restore();
});

let phoneCounter = 0;
const uniquePhone = () => `+1201557${String((process.pid * 7 + phoneCounter++) % 10_000).padStart(4, '0')}`;
const codeIn = (sms: { body: string } | undefined) => /\b(\d{6})\b/.exec(sms?.body ?? '')?.[1] ?? 'none';
const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');

/** Makes the user's current code look `ms` older, as if that much time had passed since it was sent. */
async function backdateCode(user: TestUser, ms: number): Promise<void> {
  await dynamodb.send(
    new UpdateCommand({
      TableName: AUTH_STATE,
      Key: { pk: challengePk(user.sub), sk: CODE_SK },
      UpdateExpression: 'SET createdAt = createdAt - :ms',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':ms': ms },
    }),
  );
}

test('sign-in A answers wrong; sign-in B after the cooldown gets a new code; A ends with the expired-code message and no SMS', async () => {
  const phone = uniquePhone();
  const user = newUser(phone);

  const a = await SignIn.start(user);
  expect(a.round?.publicParameters.type).toBe('SMS_OTP');
  expect(outbox.map((sms) => sms.to)).toEqual([phone]);
  const first = codeIn(outbox[0]);
  expect(await a.answer(wrongFor(first))).toBe(false);
  expect(a.outcome).toBe('challenge'); // A may try again: Define allows three wrong codes

  await backdateCode(user, COOLDOWN_MS + 1000);
  const b = await SignIn.start(user);
  expect(b.round?.publicParameters.type).toBe('SMS_OTP');
  expect(outbox.map((sms) => sms.to)).toEqual([phone, phone]);
  const second = codeIn(outbox[1]);
  expect(b.round?.privateParameters.id).not.toBe(a.round?.privateParameters.id);

  // A's second wrong answer: Define asks for another round, and Create finds A's code replaced.
  await expect(a.answer(wrongFor(first))).rejects.toThrow(CODE_EXPIRED_MESSAGE);
  expect(outbox).toHaveLength(2);

  // B, holding the current code, signs in.
  expect(await b.answer(second)).toBe(true);
  expect(b.outcome).toBe('tokens');
  expect(outbox).toHaveLength(2);
  const failures = (await records.readUserRecords(user.sub)).filter((record) => record.kind === 'failure');
  expect(failures).toHaveLength(2); // A's two wrong answers
  expect(idp.calls()).toHaveLength(0);
});

test('within the cooldown a second sign-in shares the code instead: the first one keeps its rounds', async () => {
  const phone = uniquePhone();
  const user = newUser(phone);
  const a = await SignIn.start(user);
  const code = codeIn(outbox[0]);
  expect(await a.answer(wrongFor(code))).toBe(false);

  const b = await SignIn.start(user);
  expect(outbox).toHaveLength(1);
  expect(b.round?.privateParameters.id).toBe(a.round?.privateParameters.id);

  // A's next round is built (same code, nothing sent), and the code still signs A in.
  expect(await a.answer(wrongFor(code))).toBe(false);
  expect(a.outcome).toBe('challenge');
  expect(await a.answer(code)).toBe(true);
  expect(a.outcome).toBe('tokens');
  expect(outbox).toHaveLength(1);
});
