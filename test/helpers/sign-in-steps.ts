/**
 * The steps of a sign-in over the wire, as the e2e tests walk them against a local stack: assert a
 * round's type or the tokens (the failure's name and message in the error otherwise), read the SMS
 * codes from the stack's outbox, and make an invited user with an enrolled phone.
 */
import { webcrypto } from 'node:crypto';
import { errorName, type SignInStep, signIn } from '../../local/client';
import { acknowledgeRecoveryCodes, type TestStack } from './local-stack';

export type Challenge = Extract<SignInStep, { kind: 'challenge' }>;

const describe = (step: SignInStep): string =>
  step.kind === 'failed'
    ? `${errorName(step.error)}: ${step.error.message}`
    : step.kind === 'challenge'
      ? String(step.parameters.type)
      : 'tokens';

/** The step is a custom round of this `type` (else the test fails, saying what came instead). */
export function expectChallenge(step: SignInStep, type: string): Challenge {
  if (step.kind !== 'challenge') throw new Error(`expected ${type}, got ${describe(step)}`);
  expect(step.parameters.type).toBe(type);
  return step;
}

/** The step is the tokens (else the test fails, saying what came instead). */
export function expectSignedIn(step: SignInStep): void {
  if (step.kind !== 'signedIn') throw new Error(`expected tokens, got ${describe(step)}`);
}

/** A 6-digit code that is not `code` (the n-th such). */
export const wrongFor = (code: string, n = 0): string =>
  String((Number(code) + 1 + n) % 1_000_000).padStart(6, '0');

/** The 6-digit codes of the messages sent to `to`, oldest first. */
export const codesTo = async (env: Pick<TestStack, 'outbox'>, to: string): Promise<string[]> =>
  (await env.outbox({ to })).map((message) => /\b(\d{6})\b/.exec(message.body)?.[1] ?? 'none');

/** The code of the last message sent to `to` (`none` when there is none). */
export const lastCodeTo = async (env: Pick<TestStack, 'outbox'>, to: string): Promise<string> =>
  (await codesTo(env, to)).at(-1) ?? 'none';

/**
 * An invited user who completed the first sign-in within the enrolment grace: PHONE_REQUIRED, the
 * SMS code to a fresh number, ten recovery codes acknowledged, tokens.
 */
export async function enrolledUser(
  env: TestStack,
  prefix = 'user',
): Promise<{ email: string; password: string; sub: string; phone: string }> {
  const { email, password, sub } = await env.signUpInvited(prefix);
  const phone = env.newPhone();
  const ask = expectChallenge(await signIn(env.pool, email, password), 'PHONE_REQUIRED');
  const otp = expectChallenge(await ask.answer(phone), 'SMS_OTP');
  expectSignedIn(await acknowledgeRecoveryCodes(await otp.answer(await lastCodeTo(env, phone))));
  return { email, password, sub, phone };
}

/** A remembered device's key as a browser app makes it (WebCrypto P-256, private key non-extractable). */
export async function newDevice(): Promise<{
  id: string;
  publicKey: string;
  sign(text: string): Promise<string>;
}> {
  const { subtle } = webcrypto;
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const spki = Buffer.from(await subtle.exportKey('spki', pair.publicKey));
  return {
    id: Buffer.from(await subtle.digest('SHA-256', spki)).toString('base64url'),
    publicKey: spki.toString('base64url'),
    sign: async (text) =>
      Buffer.from(
        await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, Buffer.from(text, 'utf8')),
      ).toString('base64url'),
  };
}
