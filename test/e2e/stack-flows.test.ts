/**
 * What a client may not do, end to end against a local stack: auth flows the app client does not
 * allow, probing for accounts, and phone numbers the 2FA flow must not text. Clients are the
 * unmodified AWS SDK v3 Cognito client and amazon-cognito-identity-js.
 */
import {
  InitiateAuthCommand,
  InvalidParameterException,
  NotAuthorizedException,
} from '@aws-sdk/client-cognito-identity-provider';
import { errorName, type SignInStep, signIn } from '../../local/client';
import { acknowledgeRecoveryCodes, startTestStack, type TestStack } from '../helpers/local-stack';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});
afterAll(() => env.stop());

const failure = (step: SignInStep) => {
  if (step.kind !== 'failed') throw new Error(`expected a failure, got ${step.kind}`);
  return { name: errorName(step.error), message: step.error.message };
};

describe('auth flows the app client does not allow', () => {
  it('refuses USER_SRP_AUTH even with the right password: no tokens, no second factor skipped', async () => {
    const { email, password } = await env.signUpInvited();
    const step = await signIn(env.pool, email, password, 'USER_SRP_AUTH');
    expect(failure(step)).toEqual({
      name: 'InvalidParameterException',
      message: expect.stringMatching(/USER_SRP_AUTH/),
    });
  });

  it('refuses USER_PASSWORD_AUTH even with the right password (identity-js and SDK v3)', async () => {
    const { email, password } = await env.signUpInvited();
    const step = await signIn(env.pool, email, password, 'USER_PASSWORD_AUTH');
    expect(failure(step).name).toBe('InvalidParameterException');

    const error = await env.cognito
      .send(
        new InitiateAuthCommand({
          ClientId: env.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD: password },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect((error as Error).message).toMatch(/USER_PASSWORD_AUTH/);
  });

  it('sends no SMS for any refused flow', async () => {
    const { email, password } = await env.signUpInvited();
    const before = (await env.outbox({ channel: 'sms' })).length;
    await signIn(env.pool, email, password, 'USER_SRP_AUTH');
    await signIn(env.pool, email, password, 'USER_PASSWORD_AUTH');
    expect(await env.outbox({ channel: 'sms' })).toHaveLength(before);
  });
});

/** Records the Cognito calls identity-js makes (it uses the global fetch), to compare responses. */
async function recordCalls<T>(
  run: () => Promise<T>,
): Promise<{ result: T; calls: Array<{ target: string; body: Record<string, unknown> }> }> {
  const calls: Array<{ target: string; body: Record<string, unknown> }> = [];
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const response = await original(input, init);
    const target = new Headers(init?.headers).get('x-amz-target') ?? '';
    const body = (await response.clone().json()) as Record<string, unknown>;
    calls.push({ target: target.split('.').pop() ?? '', body });
    return response;
  };
  try {
    return { result: await run(), calls };
  } finally {
    globalThis.fetch = original;
  }
}

/**
 * The shape of a challenge response: its name and each parameter's name and kind of value. (A
 * salt's hex length varies with its leading bits, for real and decoy users alike.)
 */
function shape(body: Record<string, unknown>) {
  const parameters = (body.ChallengeParameters ?? {}) as Record<string, string>;
  return {
    ChallengeName: body.ChallengeName,
    parameters: Object.fromEntries(
      Object.entries(parameters)
        .filter(([name]) => name !== 'USERNAME' && name !== 'USER_ID_FOR_SRP')
        .map(([name, value]) => [
          name,
          value.length > 64 ? 'long' : /^[0-9a-f]{16,}$/.test(value) ? 'hex' : value,
        ]),
    ),
    hasSession: typeof body.Session === 'string',
  };
}

describe('unknown users (PreventUserExistenceErrors ENABLED)', () => {
  it('get the same-shaped SRP challenge as a real user, then the same error as a wrong password, and no SMS', async () => {
    const { email } = await env.signUpInvited();
    const smsBefore = (await env.outbox({ channel: 'sms' })).length;

    const known = await recordCalls(() => signIn(env.pool, email, 'Wrong-Password-1'));
    const unknown = await recordCalls(() => signIn(env.pool, 'nobody.here@example.com', 'Wrong-Password-1'));

    expect(known.calls.map((c) => c.target)).toEqual(['InitiateAuth', 'RespondToAuthChallenge']);
    expect(unknown.calls.map((c) => c.target)).toEqual(['InitiateAuth', 'RespondToAuthChallenge']);
    const [knownChallenge] = known.calls;
    const [unknownChallenge] = unknown.calls;
    expect(shape(unknownChallenge?.body ?? {})).toEqual(shape(knownChallenge?.body ?? {}));
    expect(shape(unknownChallenge?.body ?? {}).ChallengeName).toBe('PASSWORD_VERIFIER');

    expect(failure(unknown.result)).toEqual(failure(known.result));
    expect(failure(unknown.result)).toEqual({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    expect(await env.outbox({ channel: 'sms' })).toHaveLength(smsBefore);
  });

  it('get the same answer as a real user to CUSTOM_AUTH without the password step, and no SMS', async () => {
    const { email } = await env.signUpInvited();
    const smsBefore = (await env.outbox({ channel: 'sms' })).length;
    const attempt = (username: string) =>
      env.cognito
        .send(
          new InitiateAuthCommand({
            ClientId: env.clientId,
            AuthFlow: 'CUSTOM_AUTH',
            AuthParameters: { USERNAME: username },
          }),
        )
        .then(
          (answer) => ({
            outcome: 'answer',
            challenge: answer.ChallengeName,
            tokens: Boolean(answer.AuthenticationResult),
          }),
          (error: Error) => ({ outcome: 'error', name: error.name, message: error.message }),
        );
    const known = await attempt(email);
    const unknown = await attempt('nobody.else@example.com');
    expect(unknown).toEqual(known);
    expect(known).toEqual({
      outcome: 'error',
      name: NotAuthorizedException.name,
      message: expect.any(String),
    });
    expect(await env.outbox({ channel: 'sms' })).toHaveLength(smsBefore);
  });
});

describe('phone numbers the first sign-in must not text', () => {
  it.each([
    ['text that is not a number', 'call me maybe'],
    ['a number without the international +', '4155550123'],
    ['a number that cannot exist', '+15555550100'],
    ['a mobile in a country that is not allowed (France)', '+33612345678'],
    ['a landline (London)', '+442071838750'],
    ['a number with an extension', '+14155550123 ext. 5'],
  ])('rejects %s: the phone is asked for again and nothing is sent', async (_, answer) => {
    const { email, password } = await env.signUpInvited();
    const smsBefore = (await env.outbox({ channel: 'sms' })).length;
    const ask = await signIn(env.pool, email, password);
    expect(ask.kind === 'challenge' && ask.parameters.type).toBe('PHONE_REQUIRED');
    if (ask.kind !== 'challenge') return;
    const again = await ask.answer(answer);
    if (again.kind !== 'challenge') throw new Error(`expected PHONE_REQUIRED again, got ${again.kind}`);
    expect(again.parameters.type).toBe('PHONE_REQUIRED');
    expect(again.parameters).not.toHaveProperty('destination');
    expect(await env.outbox({ channel: 'sms' })).toHaveLength(smsBefore);
  });

  it('fails the sign-in after three rejected numbers, and a good number afterwards needs a new sign-in', async () => {
    const { email, password } = await env.signUpInvited();
    const smsBefore = (await env.outbox({ channel: 'sms' })).length;
    let step = await signIn(env.pool, email, password);
    for (const bad of ['+33612345678', '+15555550100', 'nope']) {
      if (step.kind !== 'challenge') throw new Error(`expected PHONE_REQUIRED, got ${step.kind}`);
      expect(step.parameters.type).toBe('PHONE_REQUIRED');
      step = await step.answer(bad);
    }
    expect(failure(step).name).toBe('NotAuthorizedException');
    expect(await env.outbox({ channel: 'sms' })).toHaveLength(smsBefore);

    const phone = env.newPhone();
    const retry = await signIn(env.pool, email, password);
    if (retry.kind !== 'challenge') throw new Error('expected PHONE_REQUIRED');
    const otp = await retry.answer(phone);
    expect(otp.kind === 'challenge' && otp.parameters.type).toBe('SMS_OTP');
    expect((await env.outbox({ to: phone })).map((m) => m.channel)).toEqual(['sms']);
  });

  it('accepts a good number after a bad one and texts only the good one', async () => {
    const { email, password } = await env.signUpInvited();
    const phone = env.newPhone();
    const ask = await signIn(env.pool, email, password);
    if (ask.kind !== 'challenge') throw new Error('expected PHONE_REQUIRED');
    const again = await ask.answer('+33612345678');
    if (again.kind !== 'challenge') throw new Error('expected PHONE_REQUIRED again');
    const otp = await again.answer(` ${phone.slice(0, 2)} ${phone.slice(2, 5)} ${phone.slice(5)} `);
    expect(otp.kind === 'challenge' && otp.parameters.type).toBe('SMS_OTP');
    expect(await env.outbox({ to: '+33612345678' })).toEqual([]);
    const [sms] = await env.outbox({ to: phone });
    const code = /\b\d{6}\b/.exec(sms?.body ?? '')?.[0] ?? '';
    if (otp.kind !== 'challenge') return;
    expect((await acknowledgeRecoveryCodes(await otp.answer(code))).kind).toBe('signedIn');
  });
});
