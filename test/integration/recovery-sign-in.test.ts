/**
 * Issue 12's rounds end to end through the real Define, Create and Verify handlers, their state in
 * DynamoDB Local, one Cognito round at a time (test/helpers/custom-auth.ts). SNS is an in-process
 * outbox read like a phone; Cognito's AdminUpdateUserAttributes is faked and changes the test
 * user's attributes, as the next event of a real pool would carry them.
 *
 * - enrolment within the grace: PHONE_REQUIRED -> SMS_OTP -> RECOVERY_CODES (OK) -> tokens;
 * - recovery: RECOVERY -> a right recovery code -> PHONE_REQUIRED -> SMS_OTP to the new number ->
 *   RECOVERY_CODES (OK) -> tokens; the same recovery code fails in the next sign-in;
 * - intent change_phone: the SMS code to the current number, then the new number proven, then tokens.
 */
import { randomUUID } from 'node:crypto';
import { AdminUpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PublishCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { RecoveryStore } from '#shared/auth-state/recovery-store';
import { SignInRecords } from '#shared/auth-state/sign-in-records';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
import { sns } from '#shared/aws/sns';
import { confirmedJustNow, newUser, SignIn, type TestUser } from '../helpers/custom-auth';

const AUTH_STATE = 'auth-state-test';
const snsMock = mockClient(sns);
const idp = mockClient(cognito);
const recovery = new RecoveryStore(dynamodb, AUTH_STATE);
const records = new SignInRecords(dynamodb, AUTH_STATE);

let outbox: { to: string; body: string }[] = [];
/** The users whose attributes the fake Cognito changes, by user name. */
const users = new Map<string, TestUser>();

beforeEach(() => {
  outbox = [];
  snsMock
    .reset()
    .on(PublishCommand)
    .callsFake(async (input) => {
      outbox.push({ to: String(input.PhoneNumber), body: String(input.Message) });
      return { MessageId: randomUUID() };
    });
  idp
    .reset()
    .on(AdminUpdateUserAttributesCommand)
    .callsFake(async (input) => {
      const user = users.get(String(input.Username));
      if (!user) throw new Error('no such user');
      for (const { Name, Value } of input.UserAttributes ?? []) user.attributes[String(Name)] = String(Value);
      return {};
    });
});
afterAll(() => {
  snsMock.restore();
  idp.restore();
});

let phoneCounter = 0;
const uniquePhone = () => `+1201559${String((process.pid * 17 + phoneCounter++) % 10_000).padStart(4, '0')}`;
const lastCodeTo = (phone: string) =>
  /\b(\d{6})\b/.exec([...outbox].reverse().find((sms) => sms.to === phone)?.body ?? '')?.[1] ?? 'none';
const typeOf = (signIn: SignIn) => signIn.round?.publicParameters.type;
const failures = async (user: TestUser) =>
  (await records.readUserRecords(user.sub)).filter((record) => record.kind === 'failure');

/** A user enrolled through the real rounds (within the grace); returns the recovery codes shown. */
async function enrolled(phone: string): Promise<{ user: TestUser; codes: string[] }> {
  const user = newUser();
  users.set(user.userName, user);
  await confirmedJustNow(user.sub);

  const signIn = await SignIn.start(user);
  expect(typeOf(signIn)).toBe('PHONE_REQUIRED');
  expect(await signIn.answer(phone)).toBe(true);
  expect(signIn.round?.publicParameters).toEqual({
    type: 'SMS_OTP',
    destination: expect.any(String),
    length: '6',
  });
  expect(await signIn.answer(lastCodeTo(phone))).toBe(true);
  expect(user.attributes).toMatchObject({ phone_number: phone, phone_number_verified: 'true' });
  expect(typeOf(signIn)).toBe('RECOVERY_CODES');
  const codes = String(signIn.round?.publicParameters.codes).split(' ');
  expect(codes).toHaveLength(10);
  expect(await signIn.answer('OK')).toBe(true);
  expect(signIn.outcome).toBe('tokens');
  expect((await recovery.read(user.sub))?.codes?.size).toBe(10);
  return { user, codes };
}

test('enrolment within the grace: number, its code, the recovery codes acknowledged, tokens', async () => {
  const phone = uniquePhone();
  const { user } = await enrolled(phone);
  expect(outbox.map((sms) => sms.to)).toEqual([phone]);
  expect(await failures(user)).toEqual([]);
});

test('a set shown but not acknowledged is not stored: no tokens, and a fresh set is shown', async () => {
  const user = newUser();
  users.set(user.userName, user);
  await confirmedJustNow(user.sub);
  const phone = uniquePhone();
  const signIn = await SignIn.start(user);
  await signIn.answer(phone);
  await signIn.answer(lastCodeTo(phone));
  const shown = signIn.round?.publicParameters.codes;
  expect(await signIn.answer('later')).toBe(false);
  expect(signIn.outcome).toBe('challenge');
  expect(typeOf(signIn)).toBe('RECOVERY_CODES');
  expect(signIn.round?.publicParameters.codes).not.toBe(shown);
  expect(await recovery.read(user.sub)).toBeUndefined();
  expect(await failures(user)).toEqual([]);
});

test('recovery: RECOVERY, a right recovery code, a new number proven by its code, new codes acknowledged, tokens; the same recovery code fails next time', async () => {
  const oldPhone = uniquePhone();
  const { user, codes } = await enrolled(oldPhone);
  const lost = codes[0] as string;

  const signIn = await SignIn.start(user);
  expect(typeOf(signIn)).toBe('SMS_OTP');
  expect(outbox.filter((sms) => sms.to === oldPhone)).toHaveLength(2);

  expect(await signIn.answer('RECOVERY')).toBe(false);
  expect(signIn.round?.publicParameters).toEqual({ type: 'RECOVERY_CODE' });
  // The reserved answer is not a failure.
  expect(await failures(user)).toEqual([]);

  // Typed forgivingly: lower case, spaces instead of dashes.
  expect(await signIn.answer(lost.toLowerCase().replaceAll('-', ' '))).toBe(true);
  expect((await recovery.read(user.sub))?.codes?.size).toBe(9);
  // A recovery code alone is not enough: a new number must be proven before tokens.
  expect(signIn.outcome).toBe('challenge');
  expect(signIn.round?.publicParameters).toEqual({ type: 'PHONE_REQUIRED' });

  const newPhone = uniquePhone();
  expect(await signIn.answer(newPhone)).toBe(true);
  expect(signIn.round?.publicParameters.type).toBe('SMS_OTP');
  expect(outbox.at(-1)?.to).toBe(newPhone);
  expect(user.attributes.phone_number).toBe(oldPhone);

  expect(await signIn.answer(lastCodeTo(newPhone))).toBe(true);
  expect(user.attributes).toMatchObject({ phone_number: newPhone, phone_number_verified: 'true' });
  expect(typeOf(signIn)).toBe('RECOVERY_CODES');
  const fresh = String(signIn.round?.publicParameters.codes).split(' ');
  expect(await signIn.answer(' ok ')).toBe(true);
  expect(signIn.outcome).toBe('tokens');
  expect((await recovery.read(user.sub))?.codes?.size).toBe(10);

  // Next sign-in: the SMS goes to the new number; the used code, and the rest of the old set, fail.
  const again = await SignIn.start(user);
  expect(outbox.at(-1)?.to).toBe(newPhone);
  await again.answer('RECOVERY');
  expect(typeOf(again)).toBe('RECOVERY_CODE');
  expect(await again.answer(lost)).toBe(false);
  expect(await again.answer(codes[1] as string)).toBe(false);
  expect((await failures(user)).map((failure) => failure.reason)).toEqual([
    'wrong_recovery_code',
    'wrong_recovery_code',
  ]);
  // A code of the new set still works.
  expect(await again.answer(fresh[0] as string)).toBe(true);
  expect(typeOf(again)).toBe('PHONE_REQUIRED');
});

test('recovery codes count toward the per-sign-in limit with wrong SMS codes: the third wrong answer ends the sign-in', async () => {
  const { user } = await enrolled(uniquePhone());
  const signIn = await SignIn.start(user);
  expect(await signIn.answer('000000')).toBe(false);
  await signIn.answer('RECOVERY');
  expect(typeOf(signIn)).toBe('RECOVERY_CODE');
  expect(await signIn.answer('ZZZZ-ZZZZ-ZZZZ')).toBe(false);
  expect(signIn.outcome).toBe('challenge');
  expect(await signIn.answer('YYYY-YYYY-YYYY')).toBe(false);
  expect(signIn.outcome).toBe('failed');
  expect((await failures(user)).map((failure) => failure.reason).sort()).toEqual([
    'wrong_code',
    'wrong_recovery_code',
    'wrong_recovery_code',
  ]);
});

test('Cognito retrying the Verify of a right recovery code: right again, one code burnt', async () => {
  const { user, codes } = await enrolled(uniquePhone());
  const signIn = await SignIn.start(user);
  await signIn.answer('RECOVERY');
  expect(await signIn.answer(codes[2] as string)).toBe(true);
  expect(await signIn.retryVerify()).toBe(true);
  expect((await recovery.read(user.sub))?.codes?.size).toBe(9);
});

test('intent change_phone: the code to the current number, then the new number proven by its code, then tokens', async () => {
  const oldPhone = uniquePhone();
  const { user } = await enrolled(oldPhone);
  const signIn = await SignIn.start(user);
  expect(await signIn.answer(lastCodeTo(oldPhone), { intent: 'change_phone' })).toBe(true);
  expect(signIn.outcome).toBe('challenge');
  expect(signIn.round?.publicParameters).toEqual({ type: 'PHONE_REQUIRED' });
  const newPhone = uniquePhone();
  expect(await signIn.answer(newPhone)).toBe(true);
  expect(user.attributes.phone_number).toBe(oldPhone);
  expect(await signIn.answer(lastCodeTo(newPhone))).toBe(true);
  expect(signIn.outcome).toBe('tokens');
  expect(user.attributes).toMatchObject({ phone_number: newPhone, phone_number_verified: 'true' });
  // The recovery codes are untouched by a phone change.
  expect((await recovery.read(user.sub))?.codes?.size).toBe(10);
});
