/**
 * The operations server-side tools and newer clients call, on the local user pool with the AWS
 * SDK v3 and amazon-cognito-identity-js: GetTokensFromRefreshToken (rotation off and on),
 * AdminInitiateAuth / AdminRespondToAuthChallenge (the same rounds and triggers as the app's
 * flow), AdminResetUserPassword, AdminDeleteUserAttributes and AdminUserGlobalSignOut (what
 * `users reset-phone` calls), DeleteGroup, ListUsersInGroup, and the pool's description
 * (DescribeUserPool(Client), ListUserPools, ListUserPoolClients). Each: what it answers, and its
 * main error as Cognito names it.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminListGroupsForUserCommand,
  AdminResetUserPasswordCommand,
  AdminRespondToAuthChallengeCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  ConfirmForgotPasswordCommand,
  CreateGroupCommand,
  DeleteGroupCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetGroupCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersInGroupCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import type { TriggerFn, TriggerName } from '../../local/cognito';
import {
  codeIn,
  lastMessageTo,
  PASSWORD,
  passwordOnly,
  rejection,
  signIn,
  signUp,
  startTestPool,
  type TestPool,
} from './cognito-harness';

let pool: TestPool | undefined;

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

const autoConfirm: Partial<Record<TriggerName, TriggerFn>> = {
  PreSignUp: async (event) => {
    event.response.autoConfirmUser = true;
    event.response.autoVerifyEmail = true;
    return event;
  },
};

async function start(options: Parameters<typeof startTestPool>[0] = {}): Promise<TestPool> {
  pool = await startTestPool({
    ...options,
    triggers: { ...autoConfirm, ...passwordOnly, ...options.triggers },
  });
  return pool;
}

/** A confirmed user (verified email) signed in through CUSTOM_AUTH with SRP; their tokens. */
async function signedIn(test: TestPool, email = 'ada@example.com') {
  await signUp(test.userPool, email);
  return signedInAgain(test, email);
}

/** A sign-in of a user who is already signed up; their tokens. */
async function signedInAgain(test: TestPool, email = 'ada@example.com') {
  const result = await signIn(test.userPool, email, PASSWORD);
  if (result.kind !== 'tokens') throw new Error(`no tokens: ${result.kind}`);
  const session = result.session;
  return {
    accessToken: session.getAccessToken().getJwtToken(),
    idToken: session.getIdToken().getJwtToken(),
    refreshToken: session.getRefreshToken().getToken(),
  };
}

describe('GetTokensFromRefreshToken', () => {
  it('with rotation off (the deployed client): new ID and access tokens of the same sign-in, no new refresh token', async () => {
    const test = await start();
    const tokens = await signedIn(test);
    const refresh = (RefreshToken: string) =>
      test.sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: test.clientId, RefreshToken }));

    const { AuthenticationResult: fresh } = await refresh(tokens.refreshToken);
    const garbage = await rejection(refresh('not-a-refresh-token'));
    await test.sdk.send(new RevokeTokenCommand({ ClientId: test.clientId, Token: tokens.refreshToken }));
    const revoked = await rejection(refresh(tokens.refreshToken));

    expect(fresh).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600 });
    expect(fresh?.RefreshToken).toBeUndefined();
    const before = decodeJwt(tokens.accessToken);
    const after = decodeJwt(fresh?.AccessToken ?? '');
    expect(after.origin_jti).toBe(before.origin_jti);
    expect(after.auth_time).toBe(before.auth_time);
    expect(after.jti).not.toBe(before.jti);
    expect(decodeJwt(fresh?.IdToken ?? '')).toMatchObject({ token_use: 'id', email: 'ada@example.com' });
    expect(garbage).toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Refresh Token' });
    expect(revoked).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
    });
  });

  it('with rotation on: a new refresh token each time; the old one works for the grace period, then RefreshTokenReuseException', async () => {
    const test = await start({
      client: { RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 10 } },
    });
    const tokens = await signedIn(test);
    const refresh = (RefreshToken: string) =>
      test.sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: test.clientId, RefreshToken }));

    const first = (await refresh(tokens.refreshToken)).AuthenticationResult;
    const retried = (await refresh(tokens.refreshToken)).AuthenticationResult; // a client's retry, inside the grace period
    test.advance(11_000);
    const reused = await rejection(refresh(tokens.refreshToken));
    const second = (await refresh(first?.RefreshToken ?? '')).AuthenticationResult;
    const viaInitiateAuth = await rejection(
      test.sdk.send(
        new InitiateAuthCommand({
          ClientId: test.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: second?.RefreshToken ?? '' },
        }),
      ),
    );
    await test.sdk.send(new GlobalSignOutCommand({ AccessToken: second?.AccessToken }));
    const afterSignOut = await rejection(refresh(second?.RefreshToken ?? ''));

    expect(first?.RefreshToken).toEqual(expect.any(String));
    expect(first?.RefreshToken).not.toBe(tokens.refreshToken);
    expect(retried?.RefreshToken).toEqual(expect.any(String));
    expect(reused).toMatchObject({ name: 'RefreshTokenReuseException' });
    expect(second?.RefreshToken).not.toBe(first?.RefreshToken);
    // One sign-in throughout: the same origin_jti and auth_time.
    expect(decodeJwt(second?.AccessToken ?? '').origin_jti).toBe(decodeJwt(tokens.accessToken).origin_jti);
    expect(viaInitiateAuth).toMatchObject({
      name: 'InvalidParameterException',
      message: 'REFRESH_TOKEN_AUTH flow not enabled for this client',
    });
    expect(afterSignOut).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
    });
  });

  it('with a grace period of 0: the submitted refresh token stops working at once', async () => {
    const test = await start({
      client: { RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 } },
    });
    const tokens = await signedIn(test);
    const refresh = (RefreshToken: string) =>
      test.sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: test.clientId, RefreshToken }));

    await refresh(tokens.refreshToken);
    test.advance(1);

    expect(await rejection(refresh(tokens.refreshToken))).toMatchObject({
      name: 'RefreshTokenReuseException',
    });
  });
});

describe('AdminInitiateAuth and AdminRespondToAuthChallenge', () => {
  /** Records every trigger call: [trigger, triggerSource, request keys]. */
  function recorder() {
    const calls: Array<{ trigger: string; event: Record<string, unknown> }> = [];
    const record =
      (trigger: TriggerName, fn: TriggerFn): TriggerFn =>
      async (event) => {
        calls.push({ trigger, event: structuredClone(event) });
        return fn(event);
      };
    const triggers: Partial<Record<TriggerName, TriggerFn>> = {
      PreAuthentication: record('PreAuthentication', async (event) => event),
      // A custom-only flow: one question, tokens for the right answer.
      DefineAuthChallenge: record('DefineAuthChallenge', async (event) => {
        const last = (event.request.session as Array<{ challengeResult: boolean }>).at(-1);
        event.response.issueTokens = last?.challengeResult === true;
        event.response.failAuthentication = last !== undefined && !last.challengeResult;
        event.response.challengeName = 'CUSTOM_CHALLENGE';
        return event;
      }),
      CreateAuthChallenge: record('CreateAuthChallenge', async (event) => {
        event.response.publicChallengeParameters = { type: 'QUESTION' };
        event.response.privateChallengeParameters = { answer: 'blue' };
        return event;
      }),
      VerifyAuthChallengeResponse: record('VerifyAuthChallengeResponse', async (event) => {
        event.response.answerCorrect = event.request.challengeAnswer === 'blue';
        return event;
      }),
    };
    return { calls, triggers };
  }

  it('runs the same rounds and triggers as InitiateAuth, with ClientMetadata reaching PreAuthentication', async () => {
    const { calls, triggers } = recorder();
    const test = await start({ triggers });
    await signUp(test.userPool, 'ada@example.com');
    const shape = () =>
      calls
        .splice(0)
        .map(({ trigger, event }) => [
          trigger,
          event.triggerSource,
          Object.keys(event.request as object).sort(),
        ]);

    const app = await test.sdk.send(
      new InitiateAuthCommand({
        ClientId: test.clientId,
        AuthFlow: 'CUSTOM_AUTH',
        AuthParameters: { USERNAME: 'ada@example.com' },
        ClientMetadata: { from: 'app' },
      }),
    );
    const appDone = await test.sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: test.clientId,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: app.Session,
        ChallengeResponses: { USERNAME: 'ada@example.com', ANSWER: 'blue' },
      }),
    );
    const appCalls = shape();
    const admin = await test.sdk.send(
      new AdminInitiateAuthCommand({
        UserPoolId: test.userPoolId,
        ClientId: test.clientId,
        AuthFlow: 'CUSTOM_AUTH',
        AuthParameters: { USERNAME: 'ada@example.com' },
        ClientMetadata: { from: 'server' },
      }),
    );
    const adminPreAuthentication = calls[0]?.event;
    const adminDone = await test.sdk.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: test.userPoolId,
        ClientId: test.clientId,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: admin.Session,
        ChallengeResponses: { USERNAME: 'ada@example.com', ANSWER: 'blue' },
      }),
    );

    expect(admin).toMatchObject({
      ChallengeName: 'CUSTOM_CHALLENGE',
      ChallengeParameters: { type: 'QUESTION' },
    });
    expect(appDone.AuthenticationResult?.IdToken).toEqual(expect.any(String));
    expect(adminDone.AuthenticationResult?.IdToken).toEqual(expect.any(String));
    expect(appDone.AuthenticationResult?.RefreshToken).toEqual(expect.any(String));
    expect(adminDone.AuthenticationResult?.RefreshToken).toEqual(expect.any(String));
    expect(shape()).toEqual(appCalls);
    expect(appCalls.map(([trigger]) => trigger)).toEqual([
      'PreAuthentication',
      'DefineAuthChallenge',
      'CreateAuthChallenge',
      'VerifyAuthChallengeResponse',
      'DefineAuthChallenge',
    ]);
    expect(adminPreAuthentication).toMatchObject({
      triggerSource: 'PreAuthentication_Authentication',
      request: { validationData: { from: 'server' } },
    });
  });

  it('answers a session only through the operation family that started it', async () => {
    const { triggers } = recorder();
    const test = await start({ triggers });
    await signUp(test.userPool, 'ada@example.com');
    const answer = { USERNAME: 'ada@example.com', ANSWER: 'blue' };
    const admin = await test.sdk.send(
      new AdminInitiateAuthCommand({
        UserPoolId: test.userPoolId,
        ClientId: test.clientId,
        AuthFlow: 'CUSTOM_AUTH',
        AuthParameters: { USERNAME: 'ada@example.com' },
      }),
    );
    const app = await test.sdk.send(
      new InitiateAuthCommand({
        ClientId: test.clientId,
        AuthFlow: 'CUSTOM_AUTH',
        AuthParameters: { USERNAME: 'ada@example.com' },
      }),
    );

    const crossedIn = await rejection(
      test.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: test.clientId,
          ChallengeName: 'CUSTOM_CHALLENGE',
          Session: admin.Session,
          ChallengeResponses: answer,
        }),
      ),
    );
    const crossedOut = await rejection(
      test.sdk.send(
        new AdminRespondToAuthChallengeCommand({
          UserPoolId: test.userPoolId,
          ClientId: test.clientId,
          ChallengeName: 'CUSTOM_CHALLENGE',
          Session: app.Session,
          ChallengeResponses: answer,
        }),
      ),
    );
    // The refused attempt did not use the session up.
    const done = await test.sdk.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: test.userPoolId,
        ClientId: test.clientId,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: admin.Session,
        ChallengeResponses: answer,
      }),
    );

    expect(crossedIn).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user.',
    });
    expect(crossedOut).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user.',
    });
    expect(done.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  });

  it('signs in with ADMIN_USER_PASSWORD_AUTH only when the client allows it, and never with USER_PASSWORD_AUTH', async () => {
    const deployed = await start();
    await signUp(deployed.userPool, 'ada@example.com');
    const adminPassword = (
      test: TestPool,
      flow: 'ADMIN_USER_PASSWORD_AUTH' | 'USER_PASSWORD_AUTH',
      password = PASSWORD,
    ) =>
      test.sdk.send(
        new AdminInitiateAuthCommand({
          UserPoolId: test.userPoolId,
          ClientId: test.clientId,
          AuthFlow: flow,
          AuthParameters: { USERNAME: 'ada@example.com', PASSWORD: password },
        }),
      );
    const refused = await rejection(adminPassword(deployed, 'ADMIN_USER_PASSWORD_AUTH'));
    const userFlow = await rejection(adminPassword(deployed, 'USER_PASSWORD_AUTH'));
    const unknownPool = await rejection(
      deployed.sdk.send(
        new AdminInitiateAuthCommand({
          UserPoolId: 'us-east-1_Nope',
          ClientId: deployed.clientId,
          AuthFlow: 'CUSTOM_AUTH',
          AuthParameters: { USERNAME: 'ada@example.com' },
        }),
      ),
    );
    await deployed.close();

    const allowing = await start({
      client: { ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
    });
    await signUp(allowing.userPool, 'ada@example.com');
    const wrong = await rejection(adminPassword(allowing, 'ADMIN_USER_PASSWORD_AUTH', 'Wrong-Password-1'));
    const tokens = await adminPassword(allowing, 'ADMIN_USER_PASSWORD_AUTH');

    expect(refused).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Auth flow not enabled for this client',
    });
    expect(userFlow).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Initiate Auth method not supported.',
    });
    expect(unknownPool).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(wrong).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    expect(decodeJwt(tokens.AuthenticationResult?.IdToken ?? '')).toMatchObject({ email: 'ada@example.com' });
  });
});

describe('AdminResetUserPassword', () => {
  it('stops the password working and sends a reset code (CustomMessage_ForgotPassword) for ConfirmForgotPassword', async () => {
    const customMessage = jest.fn(async (event) => event);
    const test = await start({ triggers: { CustomMessage: customMessage } });
    await signUp(test.userPool, 'ada@example.com');
    customMessage.mockClear();

    await test.sdk.send(
      new AdminResetUserPasswordCommand({
        UserPoolId: test.userPoolId,
        Username: 'ada@example.com',
        ClientMetadata: { reason: 'support ticket' },
      }),
    );
    const oldPassword = await rejection(signIn(test.userPool, 'ada@example.com', PASSWORD));
    await test.sdk.send(
      new ConfirmForgotPasswordCommand({
        ClientId: test.clientId,
        Username: 'ada@example.com',
        ConfirmationCode: codeIn(lastMessageTo(test.messages, 'ada@example.com')),
        Password: 'Brand-New-Pass-7',
      }),
    );
    const unknown = await rejection(
      test.sdk.send(
        new AdminResetUserPasswordCommand({ UserPoolId: test.userPoolId, Username: 'nobody@example.com' }),
      ),
    );

    expect(customMessage).toHaveBeenCalledTimes(1);
    expect(customMessage.mock.calls[0]?.[0]).toMatchObject({
      triggerSource: 'CustomMessage_ForgotPassword',
      request: { clientMetadata: { reason: 'support ticket' } },
    });
    expect(oldPassword).toMatchObject({ code: 'PasswordResetRequiredException' });
    expect((await signIn(test.userPool, 'ada@example.com', 'Brand-New-Pass-7')).kind).toBe('tokens');
    expect(unknown).toMatchObject({ name: 'UserNotFoundException', message: 'User does not exist.' });
  });
});

describe('AdminDeleteUserAttributes and AdminUserGlobalSignOut (users reset-phone)', () => {
  it('remove the phone and its verified flag (the next ID token has neither), then end every sign-in of the user', async () => {
    const test = await start();
    await signUp(test.userPool, 'ada@example.com');
    await test.sdk.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: test.userPoolId,
        Username: 'ada@example.com',
        UserAttributes: [
          { Name: 'phone_number', Value: '+14155550123' },
          { Name: 'phone_number_verified', Value: 'true' },
        ],
      }),
    );
    const tokens = await signedInAgain(test);
    expect(decodeJwt(tokens.idToken)).toMatchObject({
      phone_number: '+14155550123',
      phone_number_verified: true,
    });

    await test.sdk.send(
      new AdminDeleteUserAttributesCommand({
        UserPoolId: test.userPoolId,
        Username: 'ada@example.com',
        UserAttributeNames: ['phone_number', 'phone_number_verified'],
      }),
    );
    const { UserAttributes = [] } = await test.sdk.send(
      new AdminGetUserCommand({ UserPoolId: test.userPoolId, Username: 'ada@example.com' }),
    );
    // "The next ID token that the user receives will no longer have the deleted attributes."
    const { AuthenticationResult } = await test.sdk.send(
      new InitiateAuthCommand({
        ClientId: test.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: tokens.refreshToken },
      }),
    );
    const requiredEmail = await rejection(
      test.sdk.send(
        new AdminDeleteUserAttributesCommand({
          UserPoolId: test.userPoolId,
          Username: 'ada@example.com',
          UserAttributeNames: ['email'],
        }),
      ),
    );
    const unknownUser = await rejection(
      test.sdk.send(
        new AdminDeleteUserAttributesCommand({
          UserPoolId: test.userPoolId,
          Username: 'nobody@example.com',
          UserAttributeNames: ['phone_number'],
        }),
      ),
    );

    await test.sdk.send(
      new AdminUserGlobalSignOutCommand({ UserPoolId: test.userPoolId, Username: 'ada@example.com' }),
    );
    const refresh = await rejection(
      test.sdk.send(
        new InitiateAuthCommand({
          ClientId: test.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: tokens.refreshToken },
        }),
      ),
    );
    const access = await rejection(test.sdk.send(new GetUserCommand({ AccessToken: tokens.accessToken })));
    const signOutUnknown = await rejection(
      test.sdk.send(
        new AdminUserGlobalSignOutCommand({ UserPoolId: test.userPoolId, Username: 'nobody@example.com' }),
      ),
    );

    const names = UserAttributes.map((attribute) => attribute.Name);
    expect(names).toEqual(expect.arrayContaining(['sub', 'email', 'email_verified']));
    expect(names).not.toContain('phone_number');
    expect(names).not.toContain('phone_number_verified');
    const fresh = decodeJwt(AuthenticationResult?.IdToken ?? '');
    expect(fresh.email).toBe('ada@example.com');
    expect(fresh).not.toHaveProperty('phone_number');
    expect(fresh).not.toHaveProperty('phone_number_verified');
    expect(requiredEmail).toMatchObject({ name: 'InvalidParameterException' });
    expect(unknownUser).toMatchObject({ name: 'UserNotFoundException', message: 'User does not exist.' });
    expect(refresh).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Refresh Token has been revoked',
    });
    expect(access).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Access Token has been revoked',
    });
    expect(signOutUnknown).toMatchObject({ name: 'UserNotFoundException' });
  });

  it('deleting phone_number alone drops its verified flag too (a local choice: the documentation is silent; reset-phone names both)', async () => {
    const test = await start();
    await signUp(test.userPool, 'ada@example.com');
    const user = { UserPoolId: test.userPoolId, Username: 'ada@example.com' };
    await test.sdk.send(
      new AdminUpdateUserAttributesCommand({
        ...user,
        UserAttributes: [
          { Name: 'phone_number', Value: '+14155550123' },
          { Name: 'phone_number_verified', Value: 'true' },
        ],
      }),
    );
    await test.sdk.send(
      new AdminDeleteUserAttributesCommand({ ...user, UserAttributeNames: ['phone_number'] }),
    );
    const { UserAttributes = [] } = await test.sdk.send(new AdminGetUserCommand(user));
    expect(UserAttributes.map((attribute) => attribute.Name)).not.toContain('phone_number_verified');
  });
});

describe('groups', () => {
  async function withGroups(test: TestPool) {
    await signUp(test.userPool, 'ada@example.com');
    await signUp(test.userPool, 'bob@example.com');
    await signUp(test.userPool, 'cy@example.com');
    for (const GroupName of ['admins', 'staff']) {
      await test.sdk.send(new CreateGroupCommand({ UserPoolId: test.userPoolId, GroupName }));
    }
    for (const [Username, GroupName] of [
      ['ada@example.com', 'admins'],
      ['bob@example.com', 'admins'],
      ['ada@example.com', 'staff'],
    ] as const) {
      await test.sdk.send(
        new AdminAddUserToGroupCommand({ UserPoolId: test.userPoolId, Username, GroupName }),
      );
    }
  }

  it('ListUsersInGroup lists the members only, page by page, and names an unknown group', async () => {
    const test = await start();
    await withGroups(test);
    const list = (GroupName: string, NextToken?: string) =>
      test.sdk.send(
        new ListUsersInGroupCommand({ UserPoolId: test.userPoolId, GroupName, Limit: 1, NextToken }),
      );
    const email = (user?: { Attributes?: Array<{ Name?: string; Value?: string }> }) =>
      user?.Attributes?.find((attribute) => attribute.Name === 'email')?.Value;

    const first = await list('admins');
    const second = await list('admins', first.NextToken);
    const unknown = await rejection(list('nope'));

    expect([email(first.Users?.[0]), email(second.Users?.[0])].sort()).toEqual([
      'ada@example.com',
      'bob@example.com',
    ]);
    expect(first.Users?.[0]).toMatchObject({ UserStatus: 'CONFIRMED', Enabled: true });
    expect(second.NextToken).toBeUndefined();
    expect(unknown).toMatchObject({ name: 'ResourceNotFoundException', message: 'Group not found.' });
  });

  it('DeleteGroup removes the group and every membership; a second delete says it is not found', async () => {
    const test = await start();
    await withGroups(test);

    await test.sdk.send(new DeleteGroupCommand({ UserPoolId: test.userPoolId, GroupName: 'admins' }));
    const gone = await rejection(
      test.sdk.send(new GetGroupCommand({ UserPoolId: test.userPoolId, GroupName: 'admins' })),
    );
    const again = await rejection(
      test.sdk.send(new DeleteGroupCommand({ UserPoolId: test.userPoolId, GroupName: 'admins' })),
    );
    const { Groups } = await test.sdk.send(
      new AdminListGroupsForUserCommand({ UserPoolId: test.userPoolId, Username: 'ada@example.com' }),
    );
    const tokens = await signIn(test.userPool, 'bob@example.com', PASSWORD);

    expect(gone).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(again).toMatchObject({ name: 'ResourceNotFoundException', message: 'Group not found.' });
    expect(Groups?.map((group) => group.GroupName)).toEqual(['staff']);
    if (tokens.kind !== 'tokens') throw new Error('no tokens');
    expect(tokens.session.getIdToken().decodePayload()['cognito:groups']).toBeUndefined();
  });
});

describe('describing the pool', () => {
  it('lists the one pool and its one client, and names an unknown pool or client', async () => {
    const test = await start();
    await test.sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: test.userPoolId,
        Username: 'ada@example.com',
        MessageAction: 'SUPPRESS',
      }),
    );

    const { UserPools } = await test.sdk.send(new ListUserPoolsCommand({ MaxResults: 10 }));
    const { UserPoolClients } = await test.sdk.send(
      new ListUserPoolClientsCommand({ UserPoolId: test.userPoolId }),
    );
    const { UserPool } = await test.sdk.send(new DescribeUserPoolCommand({ UserPoolId: test.userPoolId }));
    const noMax = await rejection(test.sdk.send(new ListUserPoolsCommand({} as { MaxResults: number })));
    const noPool = await rejection(
      test.sdk.send(new DescribeUserPoolCommand({ UserPoolId: 'us-east-1_Nope' })),
    );
    const noClient = await rejection(
      test.sdk.send(new DescribeUserPoolClientCommand({ UserPoolId: test.userPoolId, ClientId: 'nope' })),
    );
    const noPoolClients = await rejection(
      test.sdk.send(new ListUserPoolClientsCommand({ UserPoolId: 'us-east-1_Nope' })),
    );

    expect(UserPools).toEqual([expect.objectContaining({ Id: test.userPoolId, Name: UserPool?.Name })]);
    expect(UserPoolClients).toEqual([
      { ClientId: test.clientId, UserPoolId: test.userPoolId, ClientName: expect.any(String) },
    ]);
    expect(UserPool).toMatchObject({ Id: test.userPoolId, EstimatedNumberOfUsers: 1 });
    expect(UserPool?.CreationDate).toBeInstanceOf(Date);
    expect(noMax).toMatchObject({ name: 'InvalidParameterException' });
    expect(noPool).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'User pool us-east-1_Nope does not exist.',
    });
    expect(noClient).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'User pool client nope does not exist.',
    });
    expect(noPoolClients).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
