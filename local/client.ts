/**
 * Promise-shaped glue around amazon-cognito-identity-js for the demo and the end-to-end tests.
 *
 * The library does all the protocol work (SRP inside CUSTOM_AUTH, PASSWORD_VERIFIER, the custom
 * challenge rounds, token parsing); this file only turns its callbacks into awaitable steps, so a
 * sign-in reads as: `let step = await signIn(...)`, then `step = await step.answer('...')` for
 * each challenge, until `signedIn` or `failed`.
 */
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from 'amazon-cognito-identity-js';

/** What the client sees from a stack: enough to build a pool object. */
export interface PoolCoordinates {
  userPoolId: string;
  clientId: string;
  /** The user pool endpoint (the local stack's URL). */
  endpoint: string;
}

/** An error as amazon-cognito-identity-js reports it: `code`/`name` is Cognito's error name. */
export interface CognitoClientError extends Error {
  code?: string;
}

export type SignInStep =
  | {
      kind: 'challenge';
      /** The public challenge parameters Create-Auth-Challenge returned. */
      parameters: Record<string, string>;
      answer(answer: string, clientMetadata?: Record<string, string>): Promise<SignInStep>;
      user: CognitoUser;
    }
  | { kind: 'signedIn'; session: CognitoUserSession; user: CognitoUser }
  | { kind: 'failed'; error: CognitoClientError; user: CognitoUser };

export function userPool(coordinates: PoolCoordinates): CognitoUserPool {
  return new CognitoUserPool({
    UserPoolId: coordinates.userPoolId,
    ClientId: coordinates.clientId,
    endpoint: coordinates.endpoint,
  });
}

/**
 * Starts a CUSTOM_AUTH sign-in with the password proven by SRP (the client sends SRP_A with
 * CHALLENGE_NAME=SRP_A, then answers PASSWORD_VERIFIER), and resolves with the first step after
 * the password: a custom challenge, tokens, or a failure.
 */
export function signIn(
  pool: CognitoUserPool,
  username: string,
  password: string,
  flow: 'CUSTOM_AUTH' | 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' = 'CUSTOM_AUTH',
  /** Sent with the PASSWORD_VERIFIER answer (e.g. a remembered device's `deviceId`). */
  clientMetadata?: Record<string, string>,
): Promise<SignInStep> {
  const user = new CognitoUser({ Username: username, Pool: pool });
  user.setAuthenticationFlowType(flow);
  let settle: (step: SignInStep) => void = () => undefined;
  const nextStep = () =>
    new Promise<SignInStep>((resolve) => {
      settle = resolve;
    });
  const callbacks = {
    onSuccess: (session: CognitoUserSession) => settle({ kind: 'signedIn', session, user }),
    onFailure: (error: CognitoClientError) => settle({ kind: 'failed', error, user }),
    customChallenge: (parameters: Record<string, string>) =>
      settle({
        kind: 'challenge',
        parameters,
        user,
        answer: (answer, clientMetadata) => {
          const next = nextStep();
          user.sendCustomChallengeAnswer(answer, callbacks, clientMetadata);
          return next;
        },
      }),
    // Flows this project never enables: surface them as failures rather than hanging.
    newPasswordRequired: () =>
      settle({
        kind: 'failed',
        error: Object.assign(new Error('NEW_PASSWORD_REQUIRED'), { code: 'NEW_PASSWORD_REQUIRED' }),
        user,
      }),
    mfaRequired: () =>
      settle({ kind: 'failed', error: Object.assign(new Error('SMS_MFA'), { code: 'SMS_MFA' }), user }),
    totpRequired: () =>
      settle({
        kind: 'failed',
        error: Object.assign(new Error('SOFTWARE_TOKEN_MFA'), { code: 'SOFTWARE_TOKEN_MFA' }),
        user,
      }),
  };
  const first = nextStep();
  user.authenticateUser(
    new AuthenticationDetails({
      Username: username,
      Password: password,
      ...(clientMetadata ? { ClientMetadata: clientMetadata } : {}),
    }),
    callbacks,
  );
  return first;
}

/** Uses the session's refresh token for new ID and access tokens (REFRESH_TOKEN_AUTH). */
export function refreshSession(user: CognitoUser, session: CognitoUserSession): Promise<CognitoUserSession> {
  return new Promise((resolve, reject) => {
    user.refreshSession(
      session.getRefreshToken(),
      (error: CognitoClientError | null, fresh: CognitoUserSession) =>
        error ? reject(error) : resolve(fresh),
    );
  });
}

/** The error name of a failure from either client (SDK v3 `name`, identity-js `code`). */
export function errorName(error: unknown): string {
  const e = error as { code?: string; name?: string } | undefined;
  return e?.code ?? e?.name ?? 'Error';
}
