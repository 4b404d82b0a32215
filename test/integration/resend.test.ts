/**
 * The reserved answer RESEND against the real engine: the real Define, Create and Verify handlers
 * with their state in DynamoDB Local, one Cognito round at a time (test/helpers/custom-auth.ts).
 * RESEND is never a guess (no failure record, no attempt on the code); a new code replaces the old
 * one at once; too early gets the same round with `retryAfter`; MAX_RESENDS and the send limits
 * hold. SNS and Cognito's admin API are faked in-process: the SMS outbox is read like a phone.
 */
import { randomUUID } from 'node:crypto';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { CODE_SK, challengePk } from '#shared/auth-state/keys';
import { SignInRecords } from '#shared/auth-state/sign-in-records';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
import { sns } from '#shared/aws/sns';
import { CODE_EXPIRED_MESSAGE, SEND_LIMIT_MESSAGE } from '#shared/challenge/errors';
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
const uniquePhone = () => `+1201558${String((process.pid * 11 + phoneCounter++) % 10_000).padStart(4, '0')}`;
const codeIn = (sms: { body: string } | undefined) => /\b(\d{6})\b/.exec(sms?.body ?? '')?.[1] ?? 'none';

/** Makes the user's current code look older than the resend cooldown. */
async function pastCooldown(user: TestUser): Promise<void> {
  await dynamodb.send(
    new UpdateCommand({
      TableName: AUTH_STATE,
      Key: { pk: challengePk(user.sub), sk: CODE_SK },
      UpdateExpression: 'SET createdAt = createdAt - :ms',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':ms': COOLDOWN_MS + 1000 },
    }),
  );
}
const storedCode = async (user: TestUser) =>
  (
    await dynamodb.send(
      new GetCommand({
        TableName: AUTH_STATE,
        Key: { pk: challengePk(user.sub), sk: CODE_SK },
        ConsistentRead: true,
      }),
    )
  ).Item;
const failures = async (user: TestUser) =>
  (await records.readUserRecords(user.sub)).filter((record) => record.kind === 'failure');

test('four RESENDs (too early twice, a new code, too early again) count nothing: no failure record, no attempt, and the new code signs in', async () => {
  const user = newUser(uniquePhone());
  const signIn = await SignIn.start(user);
  const first = signIn.round?.metadata;
  expect(first).toMatch(/^SMS_OTP:[0-9a-f]{32}$/);

  expect(await signIn.answer('RESEND')).toBe(false);
  expect(signIn.round?.metadata).toBe(`${first}:wait`);
  expect(Number(signIn.round?.publicParameters.retryAfter)).toBeGreaterThan(0);
  expect(Number(signIn.round?.publicParameters.retryAfter)).toBeLessThanOrEqual(30);
  await signIn.answer(' resend ');
  expect(signIn.round?.metadata).toBe(`${first}:wait`);
  expect(outbox).toHaveLength(1);

  await pastCooldown(user);
  await signIn.answer('RESEND');
  expect(signIn.round?.metadata).toMatch(/^SMS_OTP:[0-9a-f]{32}:resent$/);
  expect(signIn.round?.metadata).not.toContain(String(first).slice(8));
  expect(signIn.round?.publicParameters.retryAfter).toBeUndefined();
  expect(outbox).toHaveLength(2);

  await signIn.answer('RESEND');
  expect(signIn.round?.metadata).toMatch(/:wait$/);
  expect(outbox).toHaveLength(2);

  expect(await failures(user)).toHaveLength(0);
  expect((await storedCode(user))?.attempts).toBeUndefined();
  expect(await signIn.answer(codeIn(outbox[1]))).toBe(true);
  expect(signIn.outcome).toBe('tokens');
});

test('the old code is dead at once after a resend: its right digits are a wrong answer, counted once', async () => {
  const user = newUser(uniquePhone());
  const signIn = await SignIn.start(user);
  const oldCode = codeIn(outbox[0]);
  await pastCooldown(user);
  await signIn.answer('RESEND');
  const newCode = codeIn(outbox[1]);
  expect(newCode).not.toBe('none');
  if (newCode === oldCode) return; // one chance in a million: nothing to tell apart
  expect(await signIn.answer(oldCode)).toBe(false);
  expect(await failures(user)).toHaveLength(1);
  expect(signIn.outcome).toBe('challenge');
  expect(await signIn.answer(newCode)).toBe(true);
  expect(signIn.outcome).toBe('tokens');
});

test('wrong answers still count across a resend: wrong, RESEND, wrong, wrong ends the sign-in at MAX_CODE_ATTEMPTS (3)', async () => {
  const user = newUser(uniquePhone());
  const signIn = await SignIn.start(user);
  const wrongFor = (sms: { body: string } | undefined) => (codeIn(sms) === '000000' ? '111111' : '000000');
  await signIn.answer(wrongFor(outbox[0]));
  await pastCooldown(user);
  await signIn.answer('RESEND');
  expect(signIn.round?.metadata).toMatch(/:resent$/);
  await signIn.answer(wrongFor(outbox[1]));
  expect(signIn.outcome).toBe('challenge');
  await signIn.answer(wrongFor(outbox[1]));
  expect(signIn.outcome).toBe('failed');
  expect(await failures(user)).toHaveLength(3);
});

test('a RESEND right after the last wrong code a sign-in allows ends it (Define cannot see the answer); it is still not recorded as a failure', async () => {
  const user = newUser(uniquePhone());
  const signIn = await SignIn.start(user);
  const wrong = codeIn(outbox[0]) === '000000' ? '111111' : '000000';
  await signIn.answer(wrong);
  await signIn.answer(wrong);
  await signIn.answer('RESEND');
  expect(signIn.outcome).toBe('failed');
  expect(await failures(user)).toHaveLength(2);
  expect(outbox).toHaveLength(1);
});

test('MAX_RESENDS (2): a third RESEND gets the send-limit message and nothing is sent', async () => {
  const user = newUser(uniquePhone());
  const signIn = await SignIn.start(user);
  for (let i = 0; i < 2; i++) {
    await pastCooldown(user);
    await signIn.answer('RESEND');
    expect(signIn.round?.metadata).toMatch(/:resent$/);
  }
  await pastCooldown(user);
  await expect(signIn.answer('RESEND')).rejects.toThrow(SEND_LIMIT_MESSAGE);
  expect(outbox).toHaveLength(3);
  expect(await failures(user)).toHaveLength(0);
});

test('resends count against SEND_LIMIT_PER_USER_PER_HOUR (5): the sixth code of the hour is refused, nothing sent', async () => {
  const user = newUser(uniquePhone());
  const one = await SignIn.start(user);
  for (let i = 0; i < 2; i++) {
    await pastCooldown(user);
    await one.answer('RESEND');
  }
  await pastCooldown(user);
  const two = await SignIn.start(user);
  await pastCooldown(user);
  await two.answer('RESEND');
  expect(outbox).toHaveLength(5);
  await pastCooldown(user);
  await expect(two.answer('RESEND')).rejects.toThrow(SEND_LIMIT_MESSAGE);
  expect(outbox).toHaveLength(5);
});

test('a RESEND to a code another sign-in replaced: the sign-in ends with the expired-code message, nothing is sent for it, nothing counted', async () => {
  const user = newUser(uniquePhone());
  const stale = await SignIn.start(user);
  await pastCooldown(user);
  await SignIn.start(user);
  expect(outbox).toHaveLength(2);
  await expect(stale.answer('RESEND')).rejects.toThrow(CODE_EXPIRED_MESSAGE);
  expect(outbox).toHaveLength(2);
  expect(await failures(user)).toHaveLength(0);
});
