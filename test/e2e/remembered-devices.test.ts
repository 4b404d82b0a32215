/**
 * Remembered devices over the wire (issue 15): a local stack running the very trigger code and a
 * real client (amazon-cognito-identity-js, CUSTOM_AUTH with SRP). The device's key pair is made
 * with Node's WebCrypto, the private key non-extractable, as a browser app would. Codes are read
 * from the stack's outbox; what a returning sign-in sends is read there too.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DeviceStore } from '#shared/auth-state/device-store';
import { REMEMBERED_SK_PREFIX, userPk } from '#shared/auth-state/keys';
import { signIn } from '../../local/client';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import {
  enrolledUser as enrolled,
  expectChallenge,
  expectSignedIn,
  lastCodeTo as lastCode,
  newDevice,
} from '../helpers/sign-in-steps';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});
afterAll(() => env.stop());

const enrolledUser = (prefix: string) => enrolled(env, prefix);
const lastCodeTo = (to: string) => lastCode(env, to);

async function storedDevices(sub: string) {
  const { Items = [] } = await env.dynamodb.send(
    new QueryCommand({
      TableName: env.stack.info.tables.authState,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': userPk(sub), ':prefix': REMEMBERED_SK_PREFIX },
    }),
  );
  return Items;
}

it('register with the SMS code, then sign in with the device and no SMS; revoked, the SMS code is back', async () => {
  const user = await enrolledUser('device');
  const device = await newDevice();

  // Register: the sign-in code answered with rememberDevice.
  let otp = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
  expectSignedIn(
    await otp.answer(await lastCodeTo(user.phone), {
      rememberDevice: device.publicKey,
      deviceName: 'Ada’s laptop',
    }),
  );
  const stored = await storedDevices(user.sub);
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ sk: `${REMEMBERED_SK_PREFIX}${device.id}`, name: 'Ada’s laptop' });

  // Use: deviceId with the password; a DEVICE_PROOF round; the signature; tokens; no SMS.
  const before = (await env.outbox({ to: user.phone })).length;
  const proof = expectChallenge(
    await signIn(env.pool, user.email, user.password, 'CUSTOM_AUTH', { deviceId: device.id }),
    'DEVICE_PROOF',
  );
  const challenge = proof.parameters.challenge ?? '';
  expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expectSignedIn(
    await proof.answer(await device.sign(`device-proof:${env.userPoolId}:${user.sub}:${challenge}`)),
  );
  expect(await env.outbox({ to: user.phone })).toHaveLength(before);

  // Revoke; the same device now gets the SMS code, as if it had never been remembered.
  await new DeviceStore(env.dynamodb, env.stack.info.tables.authState).revoke(user.sub, 'all');
  otp = expectChallenge(
    await signIn(env.pool, user.email, user.password, 'CUSTOM_AUTH', { deviceId: device.id }),
    'SMS_OTP',
  );
  expect(await env.outbox({ to: user.phone })).toHaveLength(before + 1);
  expectSignedIn(await otp.answer(await lastCodeTo(user.phone)));
});

it('a wrong signature: the SMS code follows (nothing tells why) and the wrong proof counts as a failure', async () => {
  const user = await enrolledUser('device-wrong');
  const device = await newDevice();
  const other = await newDevice();
  const otp = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
  expectSignedIn(await otp.answer(await lastCodeTo(user.phone), { rememberDevice: device.publicKey }));

  const proof = expectChallenge(
    await signIn(env.pool, user.email, user.password, 'CUSTOM_AUTH', { deviceId: device.id }),
    'DEVICE_PROOF',
  );
  // Signed by another key (someone with the password and the device id, not the device).
  const forged = await other.sign(`device-proof:${env.userPoolId}:${user.sub}:${proof.parameters.challenge}`);
  const next = expectChallenge(await proof.answer(forged), 'SMS_OTP');
  const { Items = [] } = await env.dynamodb.send(
    new QueryCommand({
      TableName: env.stack.info.tables.authState,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :fail)',
      ExpressionAttributeValues: { ':pk': userPk(user.sub), ':fail': 'FAIL#' },
    }),
  );
  expect(Items.map((item) => item.reason)).toEqual(['wrong_device_proof']);
  expectSignedIn(await next.answer(await lastCodeTo(user.phone)));
});

it('an unknown device id gets the SMS code straight away', async () => {
  const user = await enrolledUser('device-unknown');
  const device = await newDevice();
  const otp = expectChallenge(
    await signIn(env.pool, user.email, user.password, 'CUSTOM_AUTH', { deviceId: device.id }),
    'SMS_OTP',
  );
  expectSignedIn(await otp.answer(await lastCodeTo(user.phone)));
  expect(await storedDevices(user.sub)).toHaveLength(0);
});
