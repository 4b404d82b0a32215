/**
 * Amplify JS v6 (`aws-amplify/auth`, as an app uses it) against a local stack, in Node with no
 * polyfill: sign-up with an invite and auto sign-in, the CUSTOM_WITH_SRP rounds (PHONE_REQUIRED,
 * SMS_OTP) with codes read from the stack's outbox, a forced token refresh, local and global
 * sign-out, and a password reset. One stack and one user for the whole file, in order, as one
 * person's first hour with the app (Amplify keeps one signed-in user per process).
 *
 * Every Cognito call Amplify makes is recorded (X-Amz-Target) so each test also says which
 * operations the step used: Amplify 6.22 refreshes with GetTokensFromRefreshToken, for example.
 */
import { GetUserCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import {
  autoSignIn,
  confirmResetPassword,
  confirmSignIn,
  fetchAuthSession,
  getCurrentUser,
  resetPassword,
  signIn,
  signOut,
  signUp,
} from 'aws-amplify/auth';
import { ConsoleLogger } from 'aws-amplify/utils';
import { signIn as identitySignIn } from '../../local/client';
import { startTestStack, type TestStack } from '../helpers/local-stack';

const TARGET = 'AWSCognitoIdentityProviderService.';
const PASSWORD = 'Amplify-Horse-Battery-7';
const NEW_PASSWORD = 'Amplify-Horse-Battery-8';

let env: TestStack;
const realFetch = globalThis.fetch;
const targets: string[] = [];
const email = `amplify.${Date.now().toString(36)}@example.com`;
let phone: string;
let sub: string;

beforeAll(async () => {
  env = await startTestStack();
  phone = env.newPhone();
  // A spy, not a polyfill: Node's own fetch does the work; the Cognito operation is noted.
  globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const target = new Headers(init?.headers).get('x-amz-target');
    if (target?.startsWith(TARGET)) targets.push(target.slice(TARGET.length));
    return realFetch(input, init);
  }) as typeof fetch;
  // Amplify warns that the endpoint is custom: it is, on purpose.
  ConsoleLogger.LOG_LEVEL = 'ERROR';
  Amplify.configure({
    Auth: {
      Cognito: { userPoolId: env.userPoolId, userPoolClientId: env.clientId, userPoolEndpoint: env.url },
    },
  });
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await env.stop();
});

/** The Cognito operations Amplify called since the last look. */
const calls = () => targets.splice(0);

/** The code in the newest message to `to` (Create has sent it before the challenge comes back). */
async function newestCode(to: string): Promise<string> {
  const message = (await env.outbox({ to })).at(-1);
  const code = /\b\d{6}\b/.exec(message?.body ?? '')?.[0];
  if (!code) throw new Error(`no code in the newest message to ${to}`);
  return code;
}

describe('Amplify v6: one person through sign-up, sign-in, refresh, sign-out and password reset', () => {
  it('signs up with the invite code and signs in automatically: PHONE_REQUIRED, then SMS_OTP (a wrong code asks again)', async () => {
    const inviteCode = await env.invite(email);

    const up = await signUp({
      username: email,
      password: PASSWORD,
      options: {
        userAttributes: { email },
        clientMetadata: { inviteCode },
        autoSignIn: { authFlowType: 'CUSTOM_WITH_SRP' },
      },
    });
    const askPhone = await autoSignIn();
    const askCode = await confirmSignIn({ challengeResponse: phone });
    const wrong = await confirmSignIn({
      challengeResponse: (Number(await newestCode(phone)) ^ 1).toString().padStart(6, '0'),
    });
    const codes = await confirmSignIn({ challengeResponse: await newestCode(phone) });
    const done = await confirmSignIn({ challengeResponse: 'OK' });
    const user = await getCurrentUser();

    expect(up).toMatchObject({ isSignUpComplete: true, nextStep: { signUpStep: 'COMPLETE_AUTO_SIGN_IN' } });
    expect(askPhone.nextStep).toMatchObject({
      signInStep: 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE',
      additionalInfo: { type: 'PHONE_REQUIRED' },
    });
    expect(askCode.nextStep).toMatchObject({
      signInStep: 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE',
      additionalInfo: { type: 'SMS_OTP', length: '6', destination: `+${'*'.repeat(7)}${phone.slice(-4)}` },
    });
    expect(wrong.nextStep).toMatchObject({ additionalInfo: { type: 'SMS_OTP' } });
    expect(codes.nextStep).toMatchObject({
      signInStep: 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE',
      additionalInfo: { type: 'RECOVERY_CODES' },
    });
    expect(
      String((codes.nextStep as { additionalInfo?: { codes?: string } }).additionalInfo?.codes).split(' '),
    ).toHaveLength(10);
    expect(done).toEqual({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    expect(user).toMatchObject({
      userId: up.userId,
      signInDetails: { loginId: email, authFlowType: 'CUSTOM_WITH_SRP' },
    });
    sub = user.userId;
    expect(calls()).toEqual([
      'SignUp',
      'InitiateAuth', // CUSTOM_AUTH with SRP_A
      'RespondToAuthChallenge', // PASSWORD_VERIFIER
      'RespondToAuthChallenge', // the phone number
      'RespondToAuthChallenge', // the wrong code
      'RespondToAuthChallenge', // the right code
      'RespondToAuthChallenge', // OK: the recovery codes are saved
    ]);
  });

  it('refreshes on fetchAuthSession({ forceRefresh: true }) with GetTokensFromRefreshToken: new tokens of the same sign-in', async () => {
    const before = (await fetchAuthSession()).tokens;
    const after = (await fetchAuthSession({ forceRefresh: true })).tokens;

    expect(after?.accessToken.payload.jti).not.toBe(before?.accessToken.payload.jti);
    expect(after?.accessToken.payload.origin_jti).toBe(before?.accessToken.payload.origin_jti);
    expect(after?.idToken?.payload).toMatchObject({
      sub,
      email,
      phone_number: phone,
      phone_number_verified: true,
    });
    expect(calls()).toEqual(['GetTokensFromRefreshToken']);
  });

  it('signs out locally: the tokens are gone from the app and revoked at the pool (RevokeToken)', async () => {
    const accessToken = (await fetchAuthSession()).tokens?.accessToken.toString();

    await signOut();

    expect((await fetchAuthSession()).tokens).toBeUndefined();
    await expect(env.cognito.send(new GetUserCommand({ AccessToken: accessToken }))).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Access Token has been revoked',
    });
    expect(calls()).toEqual(['RevokeToken']);
  });

  it('signs in again straight to SMS_OTP, and a global sign-out ends every sign-in of the user (GlobalSignOut)', async () => {
    const elsewhere = await identitySignIn(env.pool, email, PASSWORD);
    if (elsewhere.kind !== 'challenge') throw new Error(`the other device got ${elsewhere.kind}`);
    const otherDevice = await elsewhere.answer(await newestCode(phone));
    if (otherDevice.kind !== 'signedIn') throw new Error('the other device did not sign in');
    calls(); // the other device's calls (amazon-cognito-identity-js fetches too)

    const askCode = await signIn({
      username: email,
      password: PASSWORD,
      options: { authFlowType: 'CUSTOM_WITH_SRP' },
    });
    const done = await confirmSignIn({ challengeResponse: await newestCode(phone) });
    await signOut({ global: true });
    const amplifyCalls = calls();

    expect(askCode.nextStep).toMatchObject({ additionalInfo: { type: 'SMS_OTP' } });
    expect(done.isSignedIn).toBe(true);
    await expect(
      env.cognito.send(
        new InitiateAuthCommand({
          ClientId: env.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: otherDevice.session.getRefreshToken().getToken() },
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'Refresh Token has been revoked' });
    expect(amplifyCalls).toEqual([
      'InitiateAuth',
      'RespondToAuthChallenge',
      'RespondToAuthChallenge',
      'GlobalSignOut',
    ]);
  });

  it('resets a forgotten password with the emailed code; the old password then fails and the new one signs in', async () => {
    const started = await resetPassword({ username: email });
    await confirmResetPassword({
      username: email,
      confirmationCode: await newestCode(email),
      newPassword: NEW_PASSWORD,
    });
    const oldPassword = signIn({
      username: email,
      password: PASSWORD,
      options: { authFlowType: 'CUSTOM_WITH_SRP' },
    });
    await expect(oldPassword).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    await signIn({ username: email, password: NEW_PASSWORD, options: { authFlowType: 'CUSTOM_WITH_SRP' } });
    const done = await confirmSignIn({ challengeResponse: await newestCode(phone) });

    expect(started.nextStep).toMatchObject({
      resetPasswordStep: 'CONFIRM_RESET_PASSWORD_WITH_CODE',
      codeDeliveryDetails: { deliveryMedium: 'EMAIL', attributeName: 'email' },
    });
    expect(done.isSignedIn).toBe(true);
    expect(calls()).toEqual([
      'ForgotPassword',
      'ConfirmForgotPassword',
      'InitiateAuth',
      'RespondToAuthChallenge', // the old password: refused
      'InitiateAuth',
      'RespondToAuthChallenge',
      'RespondToAuthChallenge',
    ]);
    await signOut();
  });
});
