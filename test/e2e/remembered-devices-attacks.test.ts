/**
 * Attacks on remembered devices over the wire (issue 15): a local stack running the very trigger
 * code and a real client (amazon-cognito-identity-js, CUSTOM_AUTH with SRP).
 */
import { refreshSession, signIn } from '../../local/client';
import { startTestStack, type TestStack } from '../helpers/local-stack';
import { expectChallenge, lastCodeTo as lastCode, newDevice } from '../helpers/sign-in-steps';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});
afterAll(() => env.stop());

const lastCodeTo = (to: string) => lastCode(env, to);

/** An enrolled user, with the recovery codes the enrolment showed. */
async function enrolledUser(prefix: string) {
  const { email, password, sub } = await env.signUpInvited(prefix);
  const phone = env.newPhone();
  const ask = expectChallenge(await signIn(env.pool, email, password), 'PHONE_REQUIRED');
  const otp = expectChallenge(await ask.answer(phone), 'SMS_OTP');
  const shown = expectChallenge(await otp.answer(await lastCodeTo(phone)), 'RECOVERY_CODES');
  const recoveryCodes = (shown.parameters.codes ?? '').split(' ');
  expect((await shown.answer('OK')).kind).toBe('signedIn');
  return { email, password, sub, phone, recoveryCodes };
}

// Someone holds the password and the user's lost phone. The user recovers: RECOVERY, a recovery
// code (every remembered device is revoked here), a new number, its code, new recovery codes. Until
// the new number is proven the lost phone is still the verified one: a sign-in to it in that window
// gets tokens. It must remember no device (a recovery is in progress), and the bind of the new
// number revokes every device and signs the user out everywhere, so the window's refresh token dies.
test('a device remembered with the lost phone while its owner recovers does not outlive the recovery, nor its refresh token', async () => {
  const user = await enrolledUser('recovery-gap');
  const newPhone = env.newPhone();
  const attacker = await newDevice();

  // The owner starts a recovery: RECOVERY to the code sent to the lost phone, then a recovery code.
  const owner = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
  const asked = expectChallenge(await owner.answer('RECOVERY'), 'RECOVERY_CODE');
  const number = expectChallenge(await asked.answer(user.recoveryCodes[0] ?? ''), 'PHONE_REQUIRED');

  // Meanwhile, with the password and the lost phone: the SMS code, and a device remembered with it.
  const stolen = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
  const stolenStep = await stolen.answer(await lastCodeTo(user.phone), {
    rememberDevice: attacker.publicKey,
  });
  if (stolenStep.kind !== 'signedIn') throw new Error(`expected tokens, got ${stolenStep.kind}`);

  // The owner finishes: the new number, its code, new recovery codes.
  const otp = expectChallenge(await number.answer(newPhone), 'SMS_OTP');
  const codes = expectChallenge(await otp.answer(await lastCodeTo(newPhone)), 'RECOVERY_CODES');
  expect((await codes.answer('OK')).kind).toBe('signedIn');

  // After the recovery, the device remembered with the lost phone must prove nothing: the next
  // sign-in that names it gets the SMS code (to the new number), not a DEVICE_PROOF round.
  const later = await signIn(env.pool, user.email, user.password, 'CUSTOM_AUTH', { deviceId: attacker.id });
  expectChallenge(later, 'SMS_OTP');
  // And the refresh token won in the window no longer works.
  await expect(refreshSession(stolenStep.user, stolenStep.session)).rejects.toThrow();
});
