/**
 * What ends a remembered device, over the wire (issue 15): a local stack running the trigger code,
 * a real client (amazon-cognito-identity-js, CUSTOM_AUTH with SRP) and the AWS SDK v3 for the
 * password reset. The device is remembered with the SMS code, which emails the `device_remembered`
 * notice (its name escaped in the HTML); then
 * - a password reset (ForgotPassword + ConfirmForgotPassword: PostConfirmation_ConfirmForgotPassword)
 *   revokes it: the next sign-in with that device id gets the SMS code, not a DEVICE_PROOF round;
 * - `users devices revoke --local` revokes it, recorded and emailed (`devices_revoked`).
 */
import {
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { REMEMBERED_SK_PREFIX, userPk } from '#shared/auth-state/keys';
import { runCli } from '../../cli/lib/run';
import { usersProgram } from '../../cli/users/program';
import { signIn } from '../../local/client';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import {
  enrolledUser,
  expectChallenge,
  expectSignedIn,
  lastCodeTo,
  newDevice,
} from '../helpers/sign-in-steps';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});
afterAll(() => env.stop());

/** A name as an app (or someone with the password) may send it: markup, quotes, an ampersand. */
const DEVICE_NAME = '<b>Ada’s</b> "laptop" & co';
const NEW_PASSWORD = 'Another-Horse-Battery-7';

async function query(sub: string, prefix: string) {
  const { Items = [] } = await env.dynamodb.send(
    new QueryCommand({
      TableName: env.stack.info.tables.authState,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': userPk(sub), ':prefix': prefix },
    }),
  );
  return Items;
}

/** An enrolled user with one device remembered (named DEVICE_NAME) by the SMS code's answer. */
async function userWithDevice(prefix: string) {
  const user = await enrolledUser(env, prefix);
  const device = await newDevice();
  const mailBefore = (await env.outbox({ to: user.email, channel: 'email' })).length;
  const otp = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
  expectSignedIn(
    await otp.answer(await lastCodeTo(env, user.phone), {
      rememberDevice: device.publicKey,
      deviceName: DEVICE_NAME,
    }),
  );
  // Remembered: the next sign-in with its id is a DEVICE_PROOF round (left unanswered here).
  expectChallenge(
    await signIn(env.pool, user.email, user.password, 'CUSTOM_AUTH', { deviceId: device.id }),
    'DEVICE_PROOF',
  );
  return { ...user, device, mailBefore };
}

async function users(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(usersProgram, args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { PATH: process.env.PATH, PORT: new URL(env.url).port },
    now: () => new Date(),
  });
  return { code, stdout, stderr };
}

it('a remembered device emails a notice (name escaped); a password reset revokes it and the SMS code is back', async () => {
  const user = await userWithDevice('device-reset');

  // The device_remembered notice, in the mailbox, with the app's name for the device.
  const notices = (await env.outbox({ to: user.email, channel: 'email' })).slice(user.mailBefore);
  expect(notices.map((mail) => mail.subject)).toEqual([
    'Security notice: a device was remembered for your Example App account',
  ]);
  const [notice] = notices;
  expect(notice?.body).toContain(`Device: ${DEVICE_NAME}`);
  expect(notice?.html).toContain('&lt;b&gt;Ada’s&lt;/b&gt; &quot;laptop&quot; &amp; co');
  expect(notice?.html).not.toContain('<b>Ada');
  expect((await query(user.sub, 'AUDIT#')).map((record) => record.action)).toContain('device_remembered');

  // The password reset, through the SDK: the code from the mailbox, a new password.
  const mailCount = (await env.outbox({ to: user.email })).length;
  await env.cognito.send(new ForgotPasswordCommand({ ClientId: env.clientId, Username: user.email }));
  const resetMail = await env.nextMessage(user.email, mailCount);
  const code = /\b(\d{6})\b/.exec(resetMail.body)?.[1] ?? 'none';
  await env.cognito.send(
    new ConfirmForgotPasswordCommand({
      ClientId: env.clientId,
      Username: user.email,
      ConfirmationCode: code,
      Password: NEW_PASSWORD,
    }),
  );

  // PostConfirmation_ConfirmForgotPassword revoked the device, and recorded why.
  expect(await query(user.sub, REMEMBERED_SK_PREFIX)).toEqual([]);
  expect(await query(user.sub, 'AUDIT#')).toContainEqual(
    expect.objectContaining({ action: 'devices_revoked', cause: 'password_reset', devicesRevoked: 1 }),
  );
  // No email of its own for the reset's revocation (Cognito's reset code was the email of it).
  expect((await env.outbox({ to: user.email })).slice(mailCount + 1)).toEqual([]);

  // The same device id now gets the SMS code, as if it had never been remembered.
  const smsBefore = (await env.outbox({ to: user.phone })).length;
  const otp = expectChallenge(
    await signIn(env.pool, user.email, NEW_PASSWORD, 'CUSTOM_AUTH', { deviceId: user.device.id }),
    'SMS_OTP',
  );
  expect(await env.outbox({ to: user.phone })).toHaveLength(smsBefore + 1);
  expectSignedIn(await otp.answer(await lastCodeTo(env, user.phone)));
});

it('`users devices revoke --local`: recorded, revoked, the user emailed; the SMS code is back', async () => {
  const user = await userWithDevice('device-cli');

  const listed = await users(['devices', '--email', user.email, '--local', '--json']);
  expect(listed.code).toBe(0);
  expect(JSON.parse(listed.stdout).devices).toEqual([
    expect.objectContaining({ id: user.device.id, name: DEVICE_NAME, expired: false }),
  ]);

  const mailCount = (await env.outbox({ to: user.email, channel: 'email' })).length;
  const revoked = await users([
    'devices',
    'revoke',
    '--email',
    user.email,
    '--device',
    user.device.id,
    '--reason',
    'laptop stolen',
    '--local',
    '--json',
  ]);
  expect(revoked).toMatchObject({ code: 0, stderr: '' });
  expect(JSON.parse(revoked.stdout)).toMatchObject({ revoked: 1, notice: 'sent' });

  const [mail, ...more] = (await env.outbox({ to: user.email, channel: 'email' })).slice(mailCount);
  expect(more).toEqual([]);
  expect(mail?.subject).toBe('Security notice: remembered devices of your Example App account were removed');
  expect(mail?.body).toContain('Devices removed: 1');
  expect(mail?.html).not.toContain('<b>Ada');

  expectChallenge(
    await signIn(env.pool, user.email, user.password, 'CUSTOM_AUTH', { deviceId: user.device.id }),
    'SMS_OTP',
  );
});
