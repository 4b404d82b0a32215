/**
 * The life of the second factor over the wire (issue 12): a local stack running the very trigger
 * code and a real client (amazon-cognito-identity-js, CUSTOM_AUTH with SRP; intents passed as the
 * ClientMetadata of RespondToAuthChallenge). Codes are read from the stack's outbox; the stores are
 * read back from the stack's DynamoDB Local.
 *
 * Walks: enrolment within the grace (no email code), enrolment after the grace (EMAIL_OTP first),
 * a phone change, a recovery-code sign-in with re-enrolment (the same recovery code fails the second
 * time), new recovery codes on request, and the security emails each of them sends.
 */
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CONFIRMED_SK, challengePk, RECOVERY_SK, userPk } from '#shared/auth-state/keys';
import { type SignInStep, signIn } from '../../local/client';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import { expectChallenge, expectSignedIn, lastCodeTo as lastCode, wrongFor } from '../helpers/sign-in-steps';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});
afterAll(() => env.stop());

const lastCodeTo = (to: string) => lastCode(env, to);

async function phoneOf(email: string): Promise<{ phone?: string; verified?: string }> {
  const { UserAttributes = [] } = await env.cognito.send(
    new AdminGetUserCommand({ UserPoolId: env.userPoolId, Username: email }),
  );
  const value = (name: string) => UserAttributes.find((attribute) => attribute.Name === name)?.Value;
  return { phone: value('phone_number'), verified: value('phone_number_verified') };
}

async function auditActions(sub: string): Promise<string[]> {
  const { Items = [] } = await env.dynamodb.send(
    new QueryCommand({
      TableName: env.stack.info.tables.authState,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': userPk(sub), ':audit': 'AUDIT#' },
    }),
  );
  return Items.map((item) => String(item.action));
}

/** The subjects of the security emails the user has had, oldest first (the EMAIL_OTP codes left out). */
async function noticesTo(email: string): Promise<string[]> {
  const mails = await env.outbox({ to: email, channel: 'email' });
  return mails.map((mail) => mail.subject ?? '').filter((subject) => subject.startsWith('Security notice'));
}

async function recoveryHashesLeft(sub: string): Promise<number> {
  const { Item } = await env.dynamodb.send(
    new GetCommand({
      TableName: env.stack.info.tables.authState,
      Key: { pk: challengePk(sub), sk: RECOVERY_SK },
    }),
  );
  return Item?.codes instanceof Set ? Item.codes.size : 0;
}

/** The RECOVERY_CODES round: ten grouped codes; `OK` stores them and yields the tokens. */
async function acknowledgeCodes(step: SignInStep): Promise<string[]> {
  const round = expectChallenge(step, 'RECOVERY_CODES');
  const codes = (round.parameters.codes ?? '').split(' ');
  expect(codes).toHaveLength(10);
  for (const code of codes)
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  expectSignedIn(await round.answer('OK'));
  return codes;
}

/** An invited user who just signed up and enrolled a phone within the grace. */
async function enrolledUser(prefix: string) {
  const { email, password, sub } = await env.signUpInvited(prefix);
  const phone = env.newPhone();
  const ask = expectChallenge(await signIn(env.pool, email, password), 'PHONE_REQUIRED');
  const otp = expectChallenge(await ask.answer(phone), 'SMS_OTP');
  const codes = await acknowledgeCodes(await otp.answer(await lastCodeTo(phone)));
  return { email, password, sub, phone, codes };
}

/** The account was confirmed `minutes` ago, as far as the enrolment grace knows. */
async function confirmedAgo(sub: string, minutes: number): Promise<void> {
  await env.dynamodb.send(
    new UpdateCommand({
      TableName: env.stack.info.tables.authState,
      Key: { pk: userPk(sub), sk: CONFIRMED_SK },
      UpdateExpression: 'SET #at = :at',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':at': new Date(Date.now() - minutes * 60_000).toISOString() },
    }),
  );
}

it('enrolment within the grace: no email code; PHONE_REQUIRED, the SMS code, ten recovery codes, tokens; the phone is verified', async () => {
  const user = await enrolledUser('grace');
  expect(await phoneOf(user.email)).toEqual({ phone: user.phone, verified: 'true' });
  expect(await recoveryHashesLeft(user.sub)).toBe(10);
  expect(await auditActions(user.sub)).toEqual(expect.arrayContaining(['phone_bound', 'recovery_codes_new']));
  expect(await noticesTo(user.email)).toEqual([
    'Security notice: a phone number was added to your Example App account',
    'Security notice: new recovery codes for your Example App account',
  ]);
  // The next sign-in is the plain one: the SMS code to the verified phone, then tokens.
  const otp = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
  expectSignedIn(await otp.answer(await lastCodeTo(user.phone)));
});

it('a RECOVERY_CODES round not acknowledged stores nothing and shows a fresh set', async () => {
  const { email, password, sub } = await env.signUpInvited('unacked');
  const phone = env.newPhone();
  const ask = expectChallenge(await signIn(env.pool, email, password), 'PHONE_REQUIRED');
  const otp = expectChallenge(await ask.answer(phone), 'SMS_OTP');
  const first = expectChallenge(await otp.answer(await lastCodeTo(phone)), 'RECOVERY_CODES');
  const again = expectChallenge(await first.answer('later'), 'RECOVERY_CODES');
  expect(again.parameters.codes).not.toBe(first.parameters.codes);
  expect(await recoveryHashesLeft(sub)).toBe(0);
  expectSignedIn(await again.answer(' ok '));
  expect(await recoveryHashesLeft(sub)).toBe(10);
});

it('intent change_phone: the SMS code to the current number, then the new number proven; only then does it change', async () => {
  const user = await enrolledUser('change');
  const newPhone = env.newPhone();
  const otp = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
  const change = { intent: 'change_phone' };
  const ask = expectChallenge(await otp.answer(await lastCodeTo(user.phone), change), 'PHONE_REQUIRED');
  const newOtp = expectChallenge(await ask.answer(newPhone, change), 'SMS_OTP');
  expect(newOtp.parameters.destination).toBe(`+*******${newPhone.slice(-4)}`);
  // Not yet: a wrong code to the new number changes nothing.
  const retry = expectChallenge(await newOtp.answer(wrongFor(await lastCodeTo(newPhone)), change), 'SMS_OTP');
  expect((await phoneOf(user.email)).phone).toBe(user.phone);
  expectSignedIn(await retry.answer(await lastCodeTo(newPhone), change));

  expect(await phoneOf(user.email)).toEqual({ phone: newPhone, verified: 'true' });
  // The old number is told, without the new number in full.
  const notice = (await env.outbox({ to: user.phone })).at(-1)?.body ?? '';
  expect(notice).toContain(newPhone.slice(-4));
  expect(notice).not.toContain(newPhone);
  expect(await auditActions(user.sub)).toContain('phone_changed');
  expect((await noticesTo(user.email)).at(-1)).toBe(
    'Security notice: the phone number of your Example App account was changed',
  );
  // The next sign-in texts the new number.
  const next = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
  expectSignedIn(await next.answer(await lastCodeTo(newPhone)));
});

it('an unknown intent fails the sign-in instead of quietly skipping what was asked for', async () => {
  const user = await enrolledUser('typo');
  const otp = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
  const step = await otp.answer(await lastCodeTo(user.phone), { intent: 'change-phone' });
  expect(step.kind).toBe('failed');
  expect((await phoneOf(user.email)).phone).toBe(user.phone);
});

it('RECOVERY then a right recovery code, then a new phone proven: tokens; the same recovery code fails the second time', async () => {
  const user = await enrolledUser('recover');
  const lostPhoneMessages = (await env.outbox({ to: user.phone })).length;
  const otp = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
  const recovery = expectChallenge(await otp.answer('RECOVERY'), 'RECOVERY_CODE');
  // A wrong recovery code is a wrong answer; typing the right one in lower case without dashes works.
  const again = expectChallenge(await recovery.answer('0000-0000-0000'), 'RECOVERY_CODE');
  const used = user.codes[3] as string;
  const ask = expectChallenge(await again.answer(used.replaceAll('-', '').toLowerCase()), 'PHONE_REQUIRED');
  const newPhone = env.newPhone();
  const newOtp = expectChallenge(await ask.answer(newPhone), 'SMS_OTP');
  const codes = await acknowledgeCodes(await newOtp.answer(await lastCodeTo(newPhone)));
  expect(codes).not.toContain(used);

  expect(await phoneOf(user.email)).toEqual({ phone: newPhone, verified: 'true' });
  expect(await auditActions(user.sub)).toEqual(
    expect.arrayContaining(['recovery_code_used', 'phone_changed', 'recovery_codes_new']),
  );
  expect((await noticesTo(user.email)).slice(-3)).toEqual([
    'Security notice: a recovery code was used for your Example App account',
    'Security notice: the phone number of your Example App account was changed',
    'Security notice: new recovery codes for your Example App account',
  ]);
  // The lost phone got the old-number notice only (no code was sent to it after the sign-in code).
  expect((await env.outbox({ to: user.phone })).length).toBe(lostPhoneMessages + 2);

  // The old set was replaced by the new one; and even in the old set the used code is gone.
  const second = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
  const recoveryAgain = expectChallenge(await second.answer('recovery'), 'RECOVERY_CODE');
  const refused = await recoveryAgain.answer(used);
  expect(refused.kind === 'challenge' ? refused.parameters.type : refused.kind).toBe('RECOVERY_CODE');
});

it('a recovery code from the current set works once, whoever tries it second', async () => {
  const user = await enrolledUser('once');
  const code = user.codes[0] as string;
  const tries = await Promise.all(
    [0, 1].map(async () => {
      const otp = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
      const round = expectChallenge(await otp.answer('RECOVERY'), 'RECOVERY_CODE');
      const step = await round.answer(code);
      return step.kind === 'challenge' ? step.parameters.type : step.kind;
    }),
  );
  expect(tries.sort()).toEqual(['PHONE_REQUIRED', 'RECOVERY_CODE']);
  expect(await recoveryHashesLeft(user.sub)).toBe(9);
});

it('intent new_recovery_codes after the SMS code: a new set replaces the old one', async () => {
  const user = await enrolledUser('newcodes');
  const otp = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
  const codes = await acknowledgeCodes(
    await otp.answer(await lastCodeTo(user.phone), { intent: 'new_recovery_codes' }),
  );
  expect(codes).not.toEqual(user.codes);
  // An old code no longer recovers.
  const second = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
  const round = expectChallenge(await second.answer('RECOVERY'), 'RECOVERY_CODE');
  expect(expectChallenge(await round.answer(user.codes[0] as string), 'RECOVERY_CODE').parameters.type).toBe(
    'RECOVERY_CODE',
  );
});

it('after the grace, a first enrolment needs an email code first (EMAIL_OTP, masked destination)', async () => {
  const { email, password, sub } = await env.signUpInvited('late');
  await confirmedAgo(sub, 61);
  const emailRound = expectChallenge(await signIn(env.pool, email, password), 'EMAIL_OTP');
  expect(emailRound.parameters.destination).toMatch(/^l\*\*\*@e\*\*\*\.com$/);
  expect(emailRound.parameters.length).toBe('6');
  const emailCode = await lastCodeTo(email);
  const wrong = expectChallenge(await emailRound.answer(wrongFor(emailCode)), 'EMAIL_OTP');
  const ask = expectChallenge(await wrong.answer(emailCode), 'PHONE_REQUIRED');
  const phone = env.newPhone();
  const otp = expectChallenge(await ask.answer(phone), 'SMS_OTP');
  await acknowledgeCodes(await otp.answer(await lastCodeTo(phone)));
  expect(await phoneOf(email)).toEqual({ phone, verified: 'true' });
});

it('the wrong answer that locks the account sends one security email; answers after it are refused', async () => {
  const user = await enrolledUser('locked');
  const wrongAnswers = async (count: number) => {
    let step = await signIn(env.pool, user.email, user.password);
    for (let n = 0; n < count && step.kind === 'challenge'; n++) {
      step = await step.answer(wrongFor(await lastCodeTo(user.phone)));
    }
    return step;
  };
  await wrongAnswers(3); // 3 failures, the sign-in ends
  expect(await noticesTo(user.email)).toHaveLength(2); // enrolment's two
  await wrongAnswers(2); // failures 4 and 5: locked
  expect((await noticesTo(user.email)).at(-1)).toBe(
    'Security notice: sign-in to your Example App account is paused',
  );
  const refused = await signIn(env.pool, user.email, user.password);
  expect(refused.kind === 'failed' && refused.error.message).toMatch(/Sign-in is not allowed right now/);
  expect(await noticesTo(user.email)).toHaveLength(3);
});
