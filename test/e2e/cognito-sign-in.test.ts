/**
 * Sign-in against the local user pool (local/cognito) with the real clients: amazon-cognito-
 * identity-js for SRP + CUSTOM_AUTH (as the app does) and the AWS SDK v3 for everything else.
 * DefineAuthChallenge is the project's real handler; Create/Verify are small in-test triggers
 * that speak the same protocol (`SMS_OTP:<id>` rounds) without DynamoDB or SNS.
 */
import { randomBytes, randomInt } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminUpdateUserAttributesCommand,
  CreateGroupCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { handler as defineAuthChallenge } from '../../functions/define-auth-challenge/handler';
import type { TriggerFn } from '../../local/cognito';
import { PASSWORD, rejection, signIn, signUp, startTestPool, type TestPool } from './cognito-harness';

interface Recorded {
  trigger: string;
  event: { triggerSource: string; userName: string; request: Record<string, unknown> };
}

/** The SMS-code challenge as the real Create/Verify run it, with the code kept in memory. */
function smsChallenge(record: Recorded[]) {
  const codes = new Map<string, string>();
  const sent: Array<{ to: string; code: string }> = [];
  const create: TriggerFn = async (event) => {
    record.push({ trigger: 'Create', event: structuredClone(event) });
    const last = event.request.session.at(-1);
    const retry = last?.challengeName === 'CUSTOM_CHALLENGE' && last.challengeResult === false;
    const id: string = retry
      ? String(last.challengeMetadata).slice('SMS_OTP:'.length)
      : randomBytes(16).toString('hex');
    if (!retry && !event.request.userNotFound) {
      const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
      codes.set(id, code);
      sent.push({ to: event.request.userAttributes.phone_number, code });
    }
    event.response.publicChallengeParameters = { type: 'SMS_OTP', length: '6' };
    event.response.privateChallengeParameters = { type: 'SMS_OTP', id };
    event.response.challengeMetadata = `SMS_OTP:${id}`;
    return event;
  };
  const verify: TriggerFn = async (event) => {
    record.push({ trigger: 'Verify', event: structuredClone(event) });
    const { id } = event.request.privateChallengeParameters;
    event.response.answerCorrect =
      !event.request.userNotFound && codes.get(id) === event.request.challengeAnswer;
    return event;
  };
  return { create, verify, sent, lastCode: () => sent.at(-1)?.code };
}

const PHONE = '+12015550123';

describe('local user pool: sign-in', () => {
  let pool: TestPool;
  let calls: Recorded[];
  let sms: ReturnType<typeof smsChallenge>;
  let preAuthentication: jest.Mock;

  const recording =
    (trigger: string, fn: TriggerFn): TriggerFn =>
    async (event) => {
      calls.push({ trigger, event: structuredClone(event) });
      return fn(event);
    };

  /** A confirmed user with a verified phone, created through SignUp and the admin API. */
  async function newUser(email = `user-${randomBytes(4).toString('hex')}@example.com`) {
    const { userSub } = await signUp(pool.userPool, email);
    await pool.sdk.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: pool.userPoolId,
        Username: email,
        UserAttributes: [
          { Name: 'phone_number', Value: PHONE },
          { Name: 'phone_number_verified', Value: 'true' },
        ],
      }),
    );
    return { email, sub: userSub };
  }

  beforeEach(async () => {
    calls = [];
    sms = smsChallenge(calls);
    preAuthentication = jest.fn(async (event) => event);
    pool = await startTestPool({
      triggers: {
        PreSignUp: async (event) => {
          event.response.autoConfirmUser = true;
          event.response.autoVerifyEmail = true;
          return event;
        },
        PreAuthentication: recording('PreAuthentication', preAuthentication),
        DefineAuthChallenge: recording('Define', defineAuthChallenge),
        CreateAuthChallenge: sms.create,
        VerifyAuthChallengeResponse: sms.verify,
      },
    });
  });

  afterEach(async () => {
    await pool.close();
  });

  it('signs in with the password by SRP and the SMS code (CUSTOM_AUTH), and the tokens verify against the JWKS', async () => {
    const { email, sub } = await newUser();
    await pool.sdk.send(
      new CreateGroupCommand({ UserPoolId: pool.userPoolId, GroupName: 'admins', Precedence: 1 }),
    );
    await pool.sdk.send(
      new AdminAddUserToGroupCommand({ UserPoolId: pool.userPoolId, Username: email, GroupName: 'admins' }),
    );

    const result = await signIn(pool.userPool, email, PASSWORD, { answer: () => sms.lastCode() });

    expect(result.kind).toBe('tokens');
    if (result.kind !== 'tokens') return;
    const jwks = createRemoteJWKSet(new URL(pool.server.jwksUrl));
    const id = await jwtVerify(result.session.getIdToken().getJwtToken(), jwks, {
      issuer: `${pool.server.url}/${pool.userPoolId}`,
      audience: pool.clientId,
    });
    expect(id.protectedHeader).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(id.payload).toMatchObject({
      sub,
      token_use: 'id',
      'cognito:username': sub,
      'cognito:groups': ['admins'],
      email,
      email_verified: true,
      phone_number: PHONE,
      phone_number_verified: true,
      origin_jti: expect.any(String),
      event_id: expect.any(String),
      jti: expect.any(String),
      auth_time: expect.any(Number),
    });
    const access = await jwtVerify(result.session.getAccessToken().getJwtToken(), jwks, {
      issuer: `${pool.server.url}/${pool.userPoolId}`,
    });
    expect(access.payload).toMatchObject({
      sub,
      token_use: 'access',
      client_id: pool.clientId,
      username: sub,
      scope: 'aws.cognito.signin.user.admin',
      'cognito:groups': ['admins'],
      origin_jti: id.payload.origin_jti,
    });
    expect(access.payload.aud).toBeUndefined();
    expect((access.payload.exp ?? 0) - (access.payload.iat ?? 0)).toBe(3600);
  });

  it('builds the session list as Cognito does and keeps private challenge parameters from the client', async () => {
    const { email } = await newUser();
    let seen: Record<string, string> = {};

    await signIn(pool.userPool, email, PASSWORD, {
      clientMetadata: { from: 'initiate' },
      answerMetadata: { from: 'respond' },
      answer: (parameters) => {
        seen = parameters;
        return sms.lastCode();
      },
    });

    const defines = calls.filter((call) => call.trigger === 'Define').map((call) => call.event.request);
    expect(defines.map((request) => request.session)).toEqual([
      [{ challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null }],
      [
        { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
        { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
      ],
      [
        { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
        { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
        {
          challengeName: 'CUSTOM_CHALLENGE',
          challengeResult: true,
          challengeMetadata: expect.stringMatching(/^SMS_OTP:/),
        },
      ],
    ]);
    // ClientMetadata of InitiateAuth reaches PreAuthentication only; RespondToAuthChallenge's reaches its triggers.
    expect(calls.find((call) => call.trigger === 'PreAuthentication')?.event.request.validationData).toEqual({
      from: 'initiate',
    });
    expect(defines[0]?.clientMetadata).toBeUndefined();
    expect(defines[2]?.clientMetadata).toEqual({ from: 'respond' });
    expect(calls.find((call) => call.trigger === 'Verify')?.event.request.clientMetadata).toEqual({
      from: 'respond',
    });
    // The client sees the public parameters and USERNAME, never the private ones or the metadata.
    expect(seen).toEqual({ type: 'SMS_OTP', length: '6', USERNAME: expect.any(String) });
    expect(calls.find((call) => call.trigger === 'Verify')?.event.request.privateChallengeParameters).toEqual(
      {
        type: 'SMS_OTP',
        id: expect.stringMatching(/^[0-9a-f]{32}$/),
      },
    );
    expect(defines[0]).toMatchObject({
      userNotFound: false,
      userAttributes: { 'cognito:user_status': 'CONFIRMED' },
    });
  });

  it('answers a wrong code with a new round and a new session, and fails the sign-in after three', async () => {
    const { email } = await newUser();
    let rounds = 0;

    const failure = await rejection(
      signIn(pool.userPool, email, PASSWORD, {
        answer: () => {
          rounds += 1;
          return '000000' === sms.lastCode() ? '111111' : '000000';
        },
      }),
    );

    expect(failure).toMatchObject({
      code: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    expect(rounds).toBe(3);
    expect(sms.sent).toHaveLength(1);
  });

  it('rejects a wrong password at PASSWORD_VERIFIER without asking Define again', async () => {
    const { email } = await newUser();

    const failure = await rejection(signIn(pool.userPool, email, 'Wrong-Passw0rd!'));

    expect(failure).toMatchObject({
      code: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    expect(calls.filter((call) => call.trigger === 'Define')).toHaveLength(1);
    expect(sms.sent).toHaveLength(0);
  });

  it('rejects USER_SRP_AUTH and USER_PASSWORD_AUTH: the client allows only CUSTOM_AUTH and refresh', async () => {
    const { email } = await newUser();

    const srp = await rejection(signIn(pool.userPool, email, PASSWORD, { flow: 'USER_SRP_AUTH' }));
    const plain = await rejection(
      pool.sdk.send(
        new InitiateAuthCommand({
          ClientId: pool.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: email, PASSWORD },
        }),
      ),
    );

    expect(srp).toMatchObject({
      code: 'InvalidParameterException',
      message: 'USER_SRP_AUTH is not enabled for the client.',
    });
    expect(plain).toMatchObject({
      name: 'InvalidParameterException',
      message: 'USER_PASSWORD_AUTH flow not enabled for this client',
    });
    expect(preAuthentication).not.toHaveBeenCalled();
  });

  it('runs the same steps for an unknown user (PreventUserExistenceErrors) and fails like a wrong password', async () => {
    const challenge = async () =>
      pool.sdk.send(
        new InitiateAuthCommand({
          ClientId: pool.clientId,
          AuthFlow: 'CUSTOM_AUTH',
          AuthParameters: { USERNAME: 'nobody@example.com', SRP_A: 'abc123', CHALLENGE_NAME: 'SRP_A' },
        }),
      );

    const first = await challenge();
    const second = await challenge();
    const failure = await rejection(signIn(pool.userPool, 'nobody@example.com', PASSWORD));

    expect(first.ChallengeName).toBe('PASSWORD_VERIFIER');
    expect(Object.keys(first.ChallengeParameters ?? {}).sort()).toEqual([
      'SALT',
      'SECRET_BLOCK',
      'SRP_B',
      'USERNAME',
      'USER_ID_FOR_SRP',
    ]);
    expect(first.ChallengeParameters?.USER_ID_FOR_SRP).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.ChallengeParameters?.SALT).toBe(first.ChallengeParameters?.SALT);
    expect(second.ChallengeParameters?.USER_ID_FOR_SRP).toBe(first.ChallengeParameters?.USER_ID_FOR_SRP);
    expect(failure).toMatchObject({
      code: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    expect(preAuthentication.mock.calls[0]?.[0]).toMatchObject({
      userName: 'nobody@example.com',
      request: { userNotFound: true, userAttributes: {} },
    });
    expect(sms.sent).toHaveLength(0);
    expect(pool.messages).toHaveLength(0);
  });

  it('refreshes tokens of the same sign-in, and GlobalSignOut revokes the refresh and access tokens', async () => {
    const { email } = await newUser();
    const result = await signIn(pool.userPool, email, PASSWORD, { answer: () => sms.lastCode() });
    if (result.kind !== 'tokens') throw new Error('expected tokens');
    const refreshToken = result.session.getRefreshToken().getToken();
    const accessToken = result.session.getAccessToken().getJwtToken();

    const refreshed = await pool.sdk.send(
      new InitiateAuthCommand({
        ClientId: pool.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
    );
    const idToken = refreshed.AuthenticationResult?.IdToken ?? '';
    expect(refreshed.AuthenticationResult?.RefreshToken).toBeUndefined();
    expect(decodeJwt(idToken).origin_jti).toBe(decodeJwt(accessToken).origin_jti);
    expect((await pool.sdk.send(new GetUserCommand({ AccessToken: accessToken }))).Username).toBeDefined();

    await pool.sdk.send(new GlobalSignOutCommand({ AccessToken: accessToken }));

    const refreshAgain = await rejection(
      pool.sdk.send(
        new InitiateAuthCommand({
          ClientId: pool.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        }),
      ),
    );
    const getUser = await rejection(pool.sdk.send(new GetUserCommand({ AccessToken: accessToken })));
    expect(refreshAgain).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
    });
    expect(getUser).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Access Token has been revoked',
    });
  });

  it('RevokeToken ends one sign-in only', async () => {
    const { email } = await newUser();
    const first = await signIn(pool.userPool, email, PASSWORD, { answer: () => sms.lastCode() });
    const second = await signIn(pool.userPool, email, PASSWORD, { answer: () => sms.lastCode() });
    if (first.kind !== 'tokens' || second.kind !== 'tokens') throw new Error('expected tokens');

    await pool.sdk.send(
      new RevokeTokenCommand({ ClientId: pool.clientId, Token: first.session.getRefreshToken().getToken() }),
    );

    const revoked = await rejection(
      pool.sdk.send(new GetUserCommand({ AccessToken: first.session.getAccessToken().getJwtToken() })),
    );
    expect(revoked).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Access Token has been revoked',
    });
    const other = await pool.sdk.send(
      new GetUserCommand({ AccessToken: second.session.getAccessToken().getJwtToken() }),
    );
    expect(other.UserAttributes).toContainEqual({ Name: 'email', Value: email });
  });

  it('refuses a disabled user at sign-in and refresh, and lets them in again once enabled', async () => {
    const { email } = await newUser();
    const before = await signIn(pool.userPool, email, PASSWORD, { answer: () => sms.lastCode() });
    if (before.kind !== 'tokens') throw new Error('expected tokens');

    await pool.sdk.send(new AdminDisableUserCommand({ UserPoolId: pool.userPoolId, Username: email }));
    const signInFailure = await rejection(
      signIn(pool.userPool, email, PASSWORD, { answer: () => sms.lastCode() }),
    );
    const refreshFailure = await rejection(
      pool.sdk.send(
        new InitiateAuthCommand({
          ClientId: pool.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: before.session.getRefreshToken().getToken() },
        }),
      ),
    );
    await pool.sdk.send(new AdminEnableUserCommand({ UserPoolId: pool.userPoolId, Username: email }));
    const after = await signIn(pool.userPool, email, PASSWORD, { answer: () => sms.lastCode() });

    expect(signInFailure).toMatchObject({ code: 'NotAuthorizedException', message: 'User is disabled.' });
    expect(refreshFailure).toMatchObject({ name: 'NotAuthorizedException' });
    expect(preAuthentication).toHaveBeenCalledTimes(2);
    expect(after.kind).toBe('tokens');
  });

  it('surfaces a PreAuthentication error as UserLambdaValidationException and asks no challenge', async () => {
    const { email } = await newUser();
    preAuthentication.mockRejectedValueOnce(new Error('Too many failed sign-ins, try again later'));

    const failure = await rejection(signIn(pool.userPool, email, PASSWORD));

    expect(failure).toMatchObject({
      code: 'UserLambdaValidationException',
      message: 'PreAuthentication failed with error Too many failed sign-ins, try again later.',
    });
    expect(calls.filter((call) => call.trigger === 'Define')).toHaveLength(0);
  });
});

describe('local user pool: auth sessions', () => {
  let pool: TestPool;

  /** A custom-only flow (no password round) keeps these tests about sessions. */
  const define: TriggerFn = async (event) => {
    const session = event.request.session as Array<{ challengeResult: boolean }>;
    const last = session.at(-1);
    event.response.issueTokens = last?.challengeResult === true;
    event.response.failAuthentication = session.length >= 3 && !event.response.issueTokens;
    event.response.challengeName = 'CUSTOM_CHALLENGE';
    return event;
  };

  async function start(client: Record<string, unknown> = {}) {
    pool = await startTestPool({
      client,
      triggers: {
        PreSignUp: async (event) => {
          event.response.autoConfirmUser = true;
          return event;
        },
        DefineAuthChallenge: define,
        CreateAuthChallenge: async (event) => {
          event.response.publicChallengeParameters = { question: 'colour?' };
          event.response.privateChallengeParameters = { answer: 'blue' };
          return event;
        },
        VerifyAuthChallengeResponse: async (event) => {
          event.response.answerCorrect =
            event.request.challengeAnswer === event.request.privateChallengeParameters.answer;
          return event;
        },
      },
    });
    await signUp(pool.userPool, 'ada@example.com');
  }

  const initiate = () =>
    pool.sdk.send(
      new InitiateAuthCommand({
        ClientId: pool.clientId,
        AuthFlow: 'CUSTOM_AUTH',
        AuthParameters: { USERNAME: 'ada@example.com' },
      }),
    );
  const answer = (session: string | undefined, value: string) =>
    pool.sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: pool.clientId,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: session,
        ChallengeResponses: { USERNAME: 'ada@example.com', ANSWER: value },
      }),
    );

  afterEach(async () => {
    await pool.close();
  });

  it('accepts each session once: a replay gets "session can only be used once"', async () => {
    await start();
    const { Session } = await initiate();

    const wrong = await answer(Session, 'red');
    const replay = await rejection(answer(Session, 'blue'));
    const right = await answer(wrong.Session, 'blue');

    expect(wrong.ChallengeName).toBe('CUSTOM_CHALLENGE');
    expect(wrong.Session).not.toBe(Session);
    expect(replay).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user, session can only be used once.',
    });
    expect(right.AuthenticationResult?.AccessToken).toBeDefined();
  });

  it('expires a session after the client AuthSessionValidity (3 minutes)', async () => {
    await start();
    const { Session } = await initiate();

    pool.advance(3 * 60_000 + 1_000);
    const expired = await rejection(answer(Session, 'blue'));

    expect(expired).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user, session is expired.',
    });
  });

  it('honours a longer AuthSessionValidity', async () => {
    await start({ AuthSessionValidity: 5 });
    const { Session } = await initiate();

    pool.advance(4 * 60_000);
    const result = await answer(Session, 'blue');

    expect(result.AuthenticationResult?.IdToken).toBeDefined();
  });

  it('tells an unknown user apart only when PreventUserExistenceErrors is off (LEGACY)', async () => {
    await start({ PreventUserExistenceErrors: 'LEGACY' });

    const failure = await rejection(
      pool.sdk.send(
        new InitiateAuthCommand({
          ClientId: pool.clientId,
          AuthFlow: 'CUSTOM_AUTH',
          AuthParameters: { USERNAME: 'nobody@example.com' },
        }),
      ),
    );

    expect(failure).toMatchObject({ name: 'UserNotFoundException', message: 'User does not exist.' });
  });

  it('refuses a made-up session and a session of another user', async () => {
    await start();
    await signUp(pool.userPool, 'grace@example.com');
    const { Session } = await initiate();

    const madeUp = await rejection(answer('not-a-session', 'blue'));
    const otherUser = await rejection(
      pool.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: pool.clientId,
          ChallengeName: 'CUSTOM_CHALLENGE',
          Session,
          ChallengeResponses: { USERNAME: 'grace@example.com', ANSWER: 'blue' },
        }),
      ),
    );

    expect(madeUp).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user.',
    });
    expect(otherUser).toMatchObject({ name: 'NotAuthorizedException' });
  });
});
