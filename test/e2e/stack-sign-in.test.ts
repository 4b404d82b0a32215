/**
 * Sign-in end to end, against a local stack, with amazon-cognito-identity-js (CUSTOM_AUTH with
 * SRP) and the unmodified AWS SDK v3 Cognito client: the first sign-in that adds the phone, the
 * second that goes straight to the SMS code, wrong codes, tokens checked against the JWKS, refresh
 * tokens, expired and replayed sessions, disabled users.
 */
import {
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoUser, CognitoUserSession } from 'amazon-cognito-identity-js';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { errorName, refreshSession, type SignInStep, signIn } from '../../local/client';
import { acknowledgeRecoveryCodes, startTestStack, type TestStack } from '../helpers/local-stack';

let env: TestStack;
/** The pool's clock runs `skewMs` ahead of the real one (to expire sessions without waiting). */
let skewMs = 0;
/**
 * One user who completed the first sign-in, shared by the tests that only read tokens or sign in
 * once more (SRP in amazon-cognito-identity-js is pure JavaScript and slow; the send limit of 5
 * SMS per user per hour caps how many tests may share this user).
 */
let ada: SignedInUser;

beforeAll(async () => {
  env = await startTestStack({ now: () => Date.now() + skewMs });
  ada = await userWithPhone();
});
afterAll(() => env.stop());
afterEach(() => {
  skewMs = 0;
});

type Challenge = Extract<SignInStep, { kind: 'challenge' }>;

function expectChallenge(step: SignInStep, type: string): Challenge {
  if (step.kind !== 'challenge') {
    throw new Error(
      `expected a ${type} challenge, got ${step.kind === 'failed' ? errorName(step.error) : 'tokens'}`,
    );
  }
  expect(step.parameters.type).toBe(type);
  return step;
}

/** The code from the newest SMS to `phone`, waiting for the `count`-th one. */
async function smsCode(phone: string, count: number, length = 6): Promise<string> {
  const sms = await env.nextMessage(phone, count - 1);
  const code = new RegExp(`\\b\\d{${length}}\\b`).exec(sms.body)?.[0];
  if (!code) throw new Error(`no code in "${sms.body}"`);
  return code;
}

interface SignedInUser {
  email: string;
  password: string;
  phone: string;
  session: CognitoUserSession;
  user: CognitoUser;
}

/** A later sign-in of a user with a phone, up to the SMS code: the challenge and the code sent. */
async function signInToCode(who: SignedInUser): Promise<{ otp: Challenge; code: string }> {
  const otp = expectChallenge(await signIn(env.pool, who.email, who.password), 'SMS_OTP');
  // Create has sent its SMS before the challenge comes back. Within RESEND_COOLDOWN_SECONDS a
  // second sign-in gets the code already sent (no new SMS): the newest message holds the code.
  const messages = await env.outbox({ to: who.phone });
  expect(messages.length).toBeGreaterThan(0);
  return { otp, code: await smsCode(who.phone, messages.length) };
}

/** A user who has completed the first sign-in (phone added and verified). */
async function userWithPhone(): Promise<SignedInUser> {
  const { email, password } = await env.signUpInvited();
  const phone = env.newPhone();
  const ask = expectChallenge(await signIn(env.pool, email, password), 'PHONE_REQUIRED');
  const otp = expectChallenge(await ask.answer(phone), 'SMS_OTP');
  const done = await acknowledgeRecoveryCodes(await otp.answer(await smsCode(phone, 1)));
  if (done.kind !== 'signedIn') throw new Error('first sign-in did not end in tokens');
  return { email, password, phone, session: done.session, user: done.user };
}

/** The session string identity-js holds between rounds (Cognito's `Session`). */
const sessionOf = (user: CognitoUser) => (user as unknown as { Session: string }).Session;

describe('first sign-in: password by SRP, then the phone, then the SMS code', () => {
  it('asks a user without a phone for one, texts a code to it, shows recovery codes, and issues tokens once they are acknowledged', async () => {
    const { email, password } = await env.signUpInvited('ada');
    const phone = env.newPhone();

    const ask = expectChallenge(await signIn(env.pool, email, password), 'PHONE_REQUIRED');
    expect(await env.outbox({ to: phone })).toEqual([]);

    const otp = expectChallenge(await ask.answer(phone), 'SMS_OTP');
    expect(otp.parameters.length).toBe('6');
    expect(otp.parameters.destination).toMatch(/\d{2}$/);
    expect(otp.parameters.destination).not.toContain(phone.slice(2, -2));
    const sms = await env.nextMessage(phone, 0);
    expect(sms.channel).toBe('sms');

    const codes = expectChallenge(await otp.answer(await smsCode(phone, 1)), 'RECOVERY_CODES');
    expect(codes.parameters.codes?.split(' ')).toHaveLength(10);
    const done = await codes.answer('OK');
    expect(done.kind).toBe('signedIn');

    const { UserAttributes } = await env.cognito.send(
      new AdminGetUserCommand({ UserPoolId: env.userPoolId, Username: email }),
    );
    const attributes = Object.fromEntries((UserAttributes ?? []).map((a) => [a.Name, a.Value]));
    expect(attributes).toMatchObject({ phone_number: phone, phone_number_verified: 'true', email });
  });

  it('issues RS256 tokens with Cognito claims that verify against the JWKS', async () => {
    const { email, phone, session } = ada;
    const jwks = createRemoteJWKSet(new URL(`${env.url}/${env.userPoolId}/.well-known/jwks.json`));

    const id = await jwtVerify(session.getIdToken().getJwtToken(), jwks, { audience: env.clientId });
    expect(id.protectedHeader).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(id.payload).toMatchObject({
      token_use: 'id',
      email,
      email_verified: true,
      phone_number: phone,
      phone_number_verified: true,
      aud: env.clientId,
      sub: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(String(id.payload.iss).endsWith(`/${env.userPoolId}`)).toBe(true);

    const access = await jwtVerify(session.getAccessToken().getJwtToken(), jwks, { issuer: id.payload.iss });
    expect(access.payload).toMatchObject({
      token_use: 'access',
      client_id: env.clientId,
      sub: id.payload.sub,
    });
  });

  it('rejects a token signed by anyone else (the JWKS is the pool’s own)', async () => {
    const { session } = ada;
    const jwks = createRemoteJWKSet(new URL(`${env.url}/${env.userPoolId}/.well-known/jwks.json`));
    const [header, payload] = session.getIdToken().getJwtToken().split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    await expect(jwtVerify(forged, jwks)).rejects.toThrow(/signature/i);
  });
});

describe('later sign-ins', () => {
  it('go straight to the SMS code for a user with a verified phone', async () => {
    const { otp, code } = await signInToCode(ada);
    const done = await otp.answer(code);
    expect(done.kind).toBe('signedIn');
  });

  it('fail after three wrong codes, with no tokens, and the right code is no use afterwards', async () => {
    const { email, password, phone } = await userWithPhone();
    let step: SignInStep = expectChallenge(await signIn(env.pool, email, password), 'SMS_OTP');
    const right = await smsCode(phone, 2);
    const wrong = right === '000000' ? '111111' : '000000';

    step = await expectChallenge(step, 'SMS_OTP').answer(wrong);
    step = await expectChallenge(step, 'SMS_OTP').answer(wrong);
    const last = expectChallenge(step, 'SMS_OTP');
    step = await last.answer(wrong);
    expect(step.kind).toBe('failed');
    expect(step.kind === 'failed' && errorName(step.error)).toBe('NotAuthorizedException');

    // The session that failed cannot be used again, not even with the right code.
    const replay = await env.cognito
      .send(
        new RespondToAuthChallengeCommand({
          ClientId: env.clientId,
          ChallengeName: 'CUSTOM_CHALLENGE',
          Session: sessionOf(last.user),
          ChallengeResponses: { USERNAME: last.user.getUsername(), ANSWER: right },
        }),
      )
      .catch((e: unknown) => e);
    expect(replay).toBeInstanceOf(NotAuthorizedException);
    // A wrong code is asked for again, never re-sent: one SMS for the whole sign-in.
    expect(await env.outbox({ to: phone })).toHaveLength(2);
  });

  it('accept the right code after one wrong one', async () => {
    const { email, password, phone } = await userWithPhone();
    const otp = expectChallenge(await signIn(env.pool, email, password), 'SMS_OTP');
    const right = await smsCode(phone, 2);
    const again = expectChallenge(await otp.answer(right === '000000' ? '111111' : '000000'), 'SMS_OTP');
    expect((await again.answer(right)).kind).toBe('signedIn');
  });
});

describe('sessions', () => {
  it('are single-use: replaying the session of an answered round is refused', async () => {
    const { otp, code } = await signInToCode(ada);
    const respond = () =>
      env.cognito.send(
        new RespondToAuthChallengeCommand({
          ClientId: env.clientId,
          ChallengeName: 'CUSTOM_CHALLENGE',
          Session: sessionOf(otp.user),
          ChallengeResponses: { USERNAME: otp.user.getUsername(), ANSWER: code },
        }),
      );
    const first = await respond();
    expect(first.AuthenticationResult?.IdToken).toEqual(expect.any(String));
    const replay = await respond().catch((e: unknown) => e);
    expect(replay).toBeInstanceOf(NotAuthorizedException);
    expect((replay as Error).message).toMatch(/session/i);
  });

  it('expire after the client’s AuthSessionValidity (3 minutes): the right code then gets nowhere', async () => {
    const { otp, code } = await signInToCode(ada);
    skewMs = 3 * 60 * 1000 + 1000;
    const late = await otp.answer(code);
    expect(late.kind).toBe('failed');
    if (late.kind !== 'failed') return;
    expect(errorName(late.error)).toBe('NotAuthorizedException');
    expect(late.error.message).toMatch(/expired/i);
  });

  it('are not accepted when made up', async () => {
    const error = await env.cognito
      .send(
        new RespondToAuthChallengeCommand({
          ClientId: env.clientId,
          ChallengeName: 'CUSTOM_CHALLENGE',
          Session: Buffer.from('a session nobody issued').toString('base64'),
          ChallengeResponses: { USERNAME: 'someone@example.com', ANSWER: '123456' },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAuthorizedException);
  });
});

describe('refresh tokens', () => {
  it('give new ID and access tokens without a second factor (identity-js and SDK v3)', async () => {
    const { user, session, phone } = ada;
    const smsBefore = (await env.outbox({ to: phone })).length;
    const fresh = await refreshSession(user, session);
    expect(fresh.getIdToken().decodePayload().sub).toBe(session.getIdToken().decodePayload().sub);
    expect(fresh.getAccessToken().decodePayload().token_use).toBe('access');

    const viaSdk = await env.cognito.send(
      new InitiateAuthCommand({
        ClientId: env.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: session.getRefreshToken().getToken() },
      }),
    );
    expect(viaSdk.AuthenticationResult).toMatchObject({
      IdToken: expect.any(String),
      AccessToken: expect.any(String),
    });
    expect(viaSdk.AuthenticationResult?.RefreshToken).toBeUndefined();
    expect(await env.outbox({ to: phone })).toHaveLength(smsBefore);
  });

  it('stop working after GlobalSignOut', async () => {
    const { session } = await userWithPhone();
    await env.cognito.send(new GlobalSignOutCommand({ AccessToken: session.getAccessToken().getJwtToken() }));
    const error = await env.cognito
      .send(
        new InitiateAuthCommand({
          ClientId: env.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: session.getRefreshToken().getToken() },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAuthorizedException);
  });

  it('are refused when forged', async () => {
    const error = await env.cognito
      .send(
        new InitiateAuthCommand({
          ClientId: env.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: 'eyJhbGciOiJSUzI1NiJ9.forged.token' },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAuthorizedException);
  });
});

describe('disabled users', () => {
  it('cannot sign in (no code is sent) and can again once enabled', async () => {
    const { email, password, phone, session } = await userWithPhone();
    await env.cognito.send(new AdminDisableUserCommand({ UserPoolId: env.userPoolId, Username: email }));

    const refused = await signIn(env.pool, email, password);
    expect(refused.kind).toBe('failed');
    if (refused.kind !== 'failed') return;
    expect(errorName(refused.error)).toBe('NotAuthorizedException');
    expect(refused.error.message).toBe('User is disabled.');
    expect(await env.outbox({ to: phone })).toHaveLength(1);

    const refresh = await env.cognito
      .send(
        new InitiateAuthCommand({
          ClientId: env.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: session.getRefreshToken().getToken() },
        }),
      )
      .catch((e: unknown) => e);
    expect(refresh).toBeInstanceOf(NotAuthorizedException);

    await env.cognito.send(new AdminEnableUserCommand({ UserPoolId: env.userPoolId, Username: email }));
    const otp = expectChallenge(await signIn(env.pool, email, password), 'SMS_OTP');
    expect((await otp.answer(await smsCode(phone, 2))).kind).toBe('signedIn');
  });
});
