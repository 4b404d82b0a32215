/**
 * The reserved answer RESEND over the wire: a local stack (the very trigger code) and a real client,
 * amazon-cognito-identity-js with CUSTOM_AUTH and SRP. Too early gets the same round with
 * `retryAfter` and no SMS; after the cooldown a new code comes, the old one is dead at once, wrong
 * answers still count, and RESEND itself never does. Codes are read from the stack's outbox.
 */
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CODE_SK, challengePk } from '#shared/auth-state/keys';
import { signIn } from '../../local/client';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import {
  codesTo as codes,
  enrolledUser as enrolled,
  expectChallenge,
  lastCodeTo as lastCode,
  wrongFor,
} from '../helpers/sign-in-steps';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});
afterAll(() => env.stop());

const enrolledUser = () => enrolled(env, 'resend');
const codesTo = (to: string) => codes(env, to);
const lastCodeTo = (to: string) => lastCode(env, to);

/** The resend cooldown (30 s) has passed for the user's current code, as far as the stack knows. */
async function pastCooldown(sub: string): Promise<void> {
  await env.dynamodb.send(
    new UpdateCommand({
      TableName: env.stack.info.tables.authState,
      Key: { pk: challengePk(sub), sk: CODE_SK },
      UpdateExpression: 'SET createdAt = createdAt - :ms',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':ms': 31_000 },
    }),
  );
}

it('RESEND: too early gets retryAfter and no SMS; then a new code, the old one dead, wrong answers counted, the new code signs in', async () => {
  const user = await enrolledUser();
  const first = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
  const oldCode = await lastCodeTo(user.phone);
  const sent = (await codesTo(user.phone)).length;

  const early = expectChallenge(await first.answer('RESEND'), 'SMS_OTP');
  expect(Number(early.parameters.retryAfter)).toBeGreaterThan(0);
  expect(Number(early.parameters.retryAfter)).toBeLessThanOrEqual(30);
  expect(early.parameters.destination).toBe(first.parameters.destination);
  expect(await codesTo(user.phone)).toHaveLength(sent);

  await pastCooldown(user.sub);
  const resent = expectChallenge(await early.answer('resend'), 'SMS_OTP');
  expect(resent.parameters.retryAfter).toBeUndefined();
  expect(await codesTo(user.phone)).toHaveLength(sent + 1);
  const newCode = await lastCodeTo(user.phone);

  // The old code's right digits are a wrong answer now (unless the new code happens to be equal).
  const afterOld = expectChallenge(
    await resent.answer(oldCode === newCode ? wrongFor(newCode) : oldCode),
    'SMS_OTP',
  );
  const afterWrong = expectChallenge(await afterOld.answer(wrongFor(newCode)), 'SMS_OTP');
  const done = await afterWrong.answer(newCode);
  expect(done.kind).toBe('signedIn');

  const { UserAttributes } = await env.cognito.send(
    new AdminGetUserCommand({ UserPoolId: env.userPoolId, Username: user.email }),
  );
  expect(UserAttributes?.find((attribute) => attribute.Name === 'phone_number')?.Value).toBe(user.phone);
});

it('wrong answers still end the sign-in across a resend: wrong, RESEND, wrong, wrong fails', async () => {
  const user = await enrolledUser();
  const first = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
  let step = await first.answer(wrongFor(await lastCodeTo(user.phone)));
  await pastCooldown(user.sub);
  step = await expectChallenge(step, 'SMS_OTP').answer('RESEND');
  const code = await lastCodeTo(user.phone);
  step = await expectChallenge(step, 'SMS_OTP').answer(wrongFor(code));
  step = await expectChallenge(step, 'SMS_OTP').answer(wrongFor(code));
  expect(step.kind).toBe('failed');
});
