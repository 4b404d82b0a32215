/**
 * The account lifecycle on the local user pool (local/cognito) with the real clients: sign-up and
 * confirmation, trigger invocation rules (event copies, errors, timeouts), messages (the real
 * CustomMessage handler), password reset, admin-created users, attributes, groups, ListUsers and
 * persistence.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand,
  ListUsersCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { handler as customMessage } from '../../functions/custom-message/handler';
import { startLocalUserPool, type TriggerFn } from '../../local/cognito';
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

/** Moves `Date` only: timers keep running for the HTTP clients and the server. */
function setClock(now: number): void {
  jest.useFakeTimers({
    now,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function start(options: Parameters<typeof startTestPool>[0] = {}): Promise<TestPool> {
  pool = await startTestPool(options);
  return pool;
}

describe('sign-up', () => {
  it('sends a confirmation code (CustomMessage_SignUp, real handler); ConfirmSignUp verifies the email, then PostConfirmation runs', async () => {
    const postConfirmation = jest.fn(async (event) => event);
    const { sdk, clientId, userPool, messages } = await start({
      triggers: { CustomMessage: customMessage, PostConfirmation: postConfirmation, ...passwordOnly },
    });

    const result = await signUp(userPool, 'Ada@Example.com', PASSWORD, { clientMetadata: { locale: 'en' } });
    const message = lastMessageTo(messages, 'Ada@Example.com');
    const early = await rejection(signIn(userPool, 'ada@example.com', PASSWORD));
    const wrong = await rejection(
      sdk.send(
        new ConfirmSignUpCommand({
          ClientId: clientId,
          Username: 'ada@example.com',
          ConfirmationCode: '000000',
        }),
      ),
    );
    await sdk.send(
      new ConfirmSignUpCommand({
        ClientId: clientId,
        Username: 'ada@example.com',
        ConfirmationCode: codeIn(message),
      }),
    );

    expect(result.userConfirmed).toBe(false);
    expect(message).toMatchObject({ channel: 'email', subject: expect.any(String) });
    expect(message.body).not.toContain('{####}');
    expect(early).toMatchObject({ code: 'UserNotConfirmedException', message: 'User is not confirmed.' });
    expect(wrong).toMatchObject({ name: 'CodeMismatchException' });
    expect(postConfirmation).toHaveBeenCalledTimes(1);
    expect(postConfirmation.mock.calls[0]?.[0]).toMatchObject({
      triggerSource: 'PostConfirmation_ConfirmSignUp',
      userName: result.userSub,
      request: {
        userAttributes: {
          sub: result.userSub,
          email: 'Ada@Example.com',
          email_verified: 'true',
          'cognito:user_status': 'CONFIRMED',
        },
      },
    });
    expect((await signIn(userPool, 'ADA@example.com', PASSWORD)).kind).toBe('tokens');
  });

  it('passes validationData and clientMetadata to PreSignUp and honours auto-confirm; PostConfirmation follows at once', async () => {
    const preSignUp = jest.fn(async (event) => {
      event.response.autoConfirmUser = event.request.clientMetadata?.inviteCode === 'ABCD-EFGH';
      event.response.autoVerifyEmail = event.response.autoConfirmUser;
      return event;
    });
    const postConfirmation = jest.fn(async (event) => event);
    const { sdk, clientId, messages } = await start({
      triggers: { PreSignUp: preSignUp, PostConfirmation: postConfirmation },
    });

    const result = await sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: 'grace@example.com',
        Password: PASSWORD,
        UserAttributes: [{ Name: 'name', Value: 'Grace' }],
        ValidationData: [{ Name: 'source', Value: 'web' }],
        ClientMetadata: { inviteCode: 'ABCD-EFGH' },
      }),
    );

    expect(result).toMatchObject({ UserConfirmed: true, UserSub: expect.any(String) });
    expect(result.CodeDeliveryDetails).toBeUndefined();
    expect(messages).toHaveLength(0);
    expect(preSignUp.mock.calls[0]?.[0]).toMatchObject({
      triggerSource: 'PreSignUp_SignUp',
      userName: result.UserSub,
      callerContext: { clientId },
      request: {
        userAttributes: { email: 'grace@example.com', name: 'Grace' },
        validationData: { source: 'web' },
        clientMetadata: { inviteCode: 'ABCD-EFGH' },
      },
    });
    expect(postConfirmation.mock.calls[0]?.[0]).toMatchObject({
      triggerSource: 'PostConfirmation_ConfirmSignUp',
      request: { clientMetadata: { inviteCode: 'ABCD-EFGH' }, userAttributes: { email_verified: 'true' } },
    });
  });

  it('rejects a sign-up PreSignUp throws on with UserLambdaValidationException and creates nothing', async () => {
    const { sdk, clientId, userPoolId, messages } = await start({
      triggers: {
        PreSignUp: async () => {
          throw new Error('Invitation is invalid or has expired');
        },
      },
    });

    const failure = await rejection(
      sdk.send(new SignUpCommand({ ClientId: clientId, Username: 'eve@example.com', Password: PASSWORD })),
    );
    const lookup = await rejection(
      sdk.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'eve@example.com' })),
    );

    expect(failure).toMatchObject({
      name: 'UserLambdaValidationException',
      message: 'PreSignUp failed with error Invitation is invalid or has expired.',
    });
    expect(lookup).toMatchObject({ name: 'UserNotFoundException' });
    expect(messages).toHaveLength(0);
  });

  it('says what is wrong with a bad password, a non-email username, an unwritable attribute or a taken email', async () => {
    const { sdk, clientId } = await start();
    const attempt = (
      Username: string,
      Password: string,
      UserAttributes?: Array<{ Name: string; Value: string }>,
    ) => rejection(sdk.send(new SignUpCommand({ ClientId: clientId, Username, Password, UserAttributes })));
    await sdk.send(
      new SignUpCommand({ ClientId: clientId, Username: 'taken@example.com', Password: PASSWORD }),
    );

    expect(await attempt('a@example.com', 'Sh0rt!')).toMatchObject({
      name: 'InvalidPasswordException',
      message: 'Password did not conform with policy: Password not long enough',
    });
    expect(await attempt('a@example.com', 'nouppercase1!')).toMatchObject({
      message: 'Password did not conform with policy: Password must have uppercase characters',
    });
    expect(await attempt('a@example.com', 'NoSymbols123')).toMatchObject({
      message: 'Password did not conform with policy: Password must have symbol characters',
    });
    expect(await attempt('not-an-email', PASSWORD)).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Username should be an email.',
    });
    expect(
      await attempt('a@example.com', PASSWORD, [{ Name: 'phone_number', Value: '+12015550123' }]),
    ).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'A client attempted to write unauthorized attribute',
    });
    expect(await attempt('TAKEN@example.com', PASSWORD)).toMatchObject({
      name: 'UsernameExistsException',
      message: 'An account with the given email already exists.',
    });
    expect(
      await rejection(
        sdk.send(new SignUpCommand({ ClientId: 'nope', Username: 'b@example.com', Password: PASSWORD })),
      ),
    ).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('lets exactly one of many concurrent sign-ups for the same email through', async () => {
    const { sdk, clientId, userPoolId } = await start({
      triggers: {
        PreSignUp: async (event) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return event;
        },
      },
    });

    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        sdk.send(
          new SignUpCommand({
            ClientId: clientId,
            Username: i % 2 === 0 ? 'race@example.com' : 'RACE@example.com',
            Password: PASSWORD,
          }),
        ),
      ),
    );

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const listed = await sdk.send(
      new ListUsersCommand({ UserPoolId: userPoolId, Filter: 'email = "race@example.com"' }),
    );
    expect(listed.Users).toHaveLength(1);
  });

  it('resends the confirmation code (CustomMessage_ResendCode) and the old one stops working', async () => {
    const sources: string[] = [];
    const { sdk, clientId, messages } = await start({
      triggers: {
        CustomMessage: async (event) => {
          sources.push(event.triggerSource);
          event.response.emailSubject = 'Your code';
          event.response.emailMessage = `Hello ${event.request.userAttributes.email}, your code is ${event.request.codeParameter}`;
          return event;
        },
      },
    });
    await sdk.send(
      new SignUpCommand({ ClientId: clientId, Username: 'lin@example.com', Password: PASSWORD }),
    );
    const first = codeIn(lastMessageTo(messages, 'lin@example.com'));

    const resent = await sdk.send(
      new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'lin@example.com' }),
    );
    const second = codeIn(lastMessageTo(messages, 'lin@example.com'));
    const old =
      first === second
        ? undefined
        : await rejection(
            sdk.send(
              new ConfirmSignUpCommand({
                ClientId: clientId,
                Username: 'lin@example.com',
                ConfirmationCode: first,
              }),
            ),
          );
    await sdk.send(
      new ConfirmSignUpCommand({ ClientId: clientId, Username: 'lin@example.com', ConfirmationCode: second }),
    );

    expect(sources).toEqual(['CustomMessage_SignUp', 'CustomMessage_ResendCode']);
    expect(lastMessageTo(messages, 'lin@example.com')).toMatchObject({
      subject: 'Your code',
      body: `Hello lin@example.com, your code is ${second}`,
    });
    expect(resent.CodeDeliveryDetails).toEqual({
      Destination: 'l***@e***',
      DeliveryMedium: 'EMAIL',
      AttributeName: 'email',
    });
    if (old) expect(old).toMatchObject({ name: 'CodeMismatchException' });
  });
});

describe('trigger invocation', () => {
  it('gives every invocation its own copy of the event', async () => {
    const sessions: unknown[] = [];
    const { userPool } = await start({
      triggers: {
        PreSignUp: async (event) => {
          event.response.autoConfirmUser = true;
          return event;
        },
        DefineAuthChallenge: async (event) => {
          sessions.push(structuredClone(event.request.session));
          const answered = await passwordOnly.DefineAuthChallenge?.(event);
          // Scribbling on the event must not reach the next invocation.
          event.request.session.push({ challengeName: 'CUSTOM_CHALLENGE', challengeResult: true });
          event.request.userAttributes.email = 'changed@example.com';
          return answered;
        },
      },
    });
    await signUp(userPool, 'copy@example.com');

    await signIn(userPool, 'copy@example.com', PASSWORD);

    expect(sessions).toEqual([
      [{ challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null }],
      [
        { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
        { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
      ],
    ]);
  });

  it('tries a trigger that times out again (3 attempts in all), then fails with UnexpectedLambdaException', async () => {
    let attempts = 0;
    const contexts: number[] = [];
    const { sdk, clientId } = await start({
      triggerTimeoutMs: 100,
      triggers: {
        PreSignUp: async (event, context) => {
          attempts += 1;
          contexts.push(context?.getRemainingTimeInMillis() ?? -1);
          await new Promise((resolve) => setTimeout(resolve, 300));
          return event;
        },
      },
    });

    const failure = await rejection(
      sdk.send(new SignUpCommand({ ClientId: clientId, Username: 'slow@example.com', Password: PASSWORD })),
    );

    expect(failure).toMatchObject({
      name: 'UnexpectedLambdaException',
      message: 'PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.',
    });
    expect(attempts).toBe(3);
    for (const remaining of contexts) expect(remaining).toBeGreaterThan(0);
  });

  it('succeeds when a retry after a timeout answers in time', async () => {
    let attempts = 0;
    const { sdk, clientId } = await start({
      triggerTimeoutMs: 100,
      triggers: {
        PreSignUp: async (event) => {
          attempts += 1;
          if (attempts === 1) await new Promise((resolve) => setTimeout(resolve, 300));
          event.response.autoConfirmUser = true;
          return event;
        },
      },
    });

    const result = await sdk.send(
      new SignUpCommand({ ClientId: clientId, Username: 'retry@example.com', Password: PASSWORD }),
    );

    expect(result.UserConfirmed).toBe(true);
    expect(attempts).toBe(2);
  });

  it('rejects a trigger answer that is not an event with InvalidLambdaResponseException', async () => {
    const { sdk, clientId } = await start({ triggers: { PreSignUp: async () => undefined } });

    const failure = await rejection(
      sdk.send(new SignUpCommand({ ClientId: clientId, Username: 'void@example.com', Password: PASSWORD })),
    );

    expect(failure).toMatchObject({ name: 'InvalidLambdaResponseException' });
  });
});

describe('passwords', () => {
  it('resets a forgotten password with the emailed code; PostConfirmation_ConfirmForgotPassword runs', async () => {
    const postConfirmation = jest.fn(async (event) => event);
    const { sdk, clientId, userPool, messages } = await start({
      triggers: {
        CustomMessage: customMessage,
        PostConfirmation: postConfirmation,
        PreSignUp: async (event) => {
          event.response.autoConfirmUser = true;
          event.response.autoVerifyEmail = true;
          return event;
        },
        ...passwordOnly,
      },
    });
    await signUp(userPool, 'ada@example.com');

    const sent = await sdk.send(
      new ForgotPasswordCommand({ ClientId: clientId, Username: 'ada@example.com' }),
    );
    const code = codeIn(lastMessageTo(messages, 'ada@example.com'));
    const weak = await rejection(
      sdk.send(
        new ConfirmForgotPasswordCommand({
          ClientId: clientId,
          Username: 'ada@example.com',
          ConfirmationCode: code,
          Password: 'weak',
        }),
      ),
    );
    await sdk.send(
      new ConfirmForgotPasswordCommand({
        ClientId: clientId,
        Username: 'ada@example.com',
        ConfirmationCode: code,
        Password: 'N3w-Password!',
      }),
    );
    const reuse = await rejection(
      sdk.send(
        new ConfirmForgotPasswordCommand({
          ClientId: clientId,
          Username: 'ada@example.com',
          ConfirmationCode: code,
          Password: 'An0ther-Password!',
        }),
      ),
    );

    expect(sent.CodeDeliveryDetails).toMatchObject({ DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    expect(weak).toMatchObject({ name: 'InvalidPasswordException' });
    expect(reuse).toMatchObject({ name: 'CodeMismatchException' });
    expect(postConfirmation.mock.calls.map(([event]) => event.triggerSource)).toEqual([
      'PostConfirmation_ConfirmSignUp',
      'PostConfirmation_ConfirmForgotPassword',
    ]);
    expect(await rejection(signIn(userPool, 'ada@example.com', PASSWORD))).toMatchObject({
      code: 'NotAuthorizedException',
    });
    expect((await signIn(userPool, 'ada@example.com', 'N3w-Password!')).kind).toBe('tokens');
  });

  it('voids a reset code after five wrong guesses', async () => {
    const { sdk, clientId, userPool, messages } = await start({
      triggers: {
        PreSignUp: async (event) => {
          event.response.autoConfirmUser = true;
          event.response.autoVerifyEmail = true;
          return event;
        },
      },
    });
    await signUp(userPool, 'ada@example.com');
    await sdk.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'ada@example.com' }));
    const code = codeIn(lastMessageTo(messages, 'ada@example.com'));
    const guess = (ConfirmationCode: string) =>
      rejection(
        sdk.send(
          new ConfirmForgotPasswordCommand({
            ClientId: clientId,
            Username: 'ada@example.com',
            ConfirmationCode,
            Password: 'N3w-Password!',
          }),
        ),
      );
    const wrong = code === '000000' ? '111111' : '000000';

    for (let i = 0; i < 5; i++) expect(await guess(wrong)).toMatchObject({ name: 'CodeMismatchException' });

    expect(await guess(code)).toMatchObject({ name: 'LimitExceededException' });
  });

  it('answers ForgotPassword for an unknown email like for a known one and sends nothing', async () => {
    const { sdk, clientId, messages } = await start();

    const result = await sdk.send(
      new ForgotPasswordCommand({ ClientId: clientId, Username: 'ghost@example.com' }),
    );

    expect(result.CodeDeliveryDetails).toEqual({
      Destination: 'g***@e***',
      DeliveryMedium: 'EMAIL',
      AttributeName: 'email',
    });
    expect(messages).toHaveLength(0);
  });

  it('changes the password with the access token only when the previous one is right', async () => {
    const { sdk, userPool } = await start({
      triggers: {
        PreSignUp: async (event) => {
          event.response.autoConfirmUser = true;
          return event;
        },
        ...passwordOnly,
      },
    });
    await signUp(userPool, 'ada@example.com');
    const result = await signIn(userPool, 'ada@example.com', PASSWORD);
    if (result.kind !== 'tokens') throw new Error('expected tokens');
    const AccessToken = result.session.getAccessToken().getJwtToken();

    const wrong = await rejection(
      sdk.send(
        new ChangePasswordCommand({
          AccessToken,
          PreviousPassword: 'Wr0ng-Password!',
          ProposedPassword: 'N3w-Password!',
        }),
      ),
    );
    await sdk.send(
      new ChangePasswordCommand({
        AccessToken,
        PreviousPassword: PASSWORD,
        ProposedPassword: 'N3w-Password!',
      }),
    );

    expect(wrong).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    expect((await signIn(userPool, 'ada@example.com', 'N3w-Password!')).kind).toBe('tokens');
  });
});

describe('admin-created users', () => {
  it('invites with a temporary password (CustomMessage_AdminCreateUser) and requires a new password at first sign-in', async () => {
    const events: Array<{ trigger: string; source: string }> = [];
    const recordAnd =
      (trigger: string, fn?: TriggerFn): TriggerFn =>
      async (event, context) => {
        events.push({ trigger, source: event.triggerSource });
        return fn ? fn(event, context) : event;
      };
    const { sdk, userPoolId, userPool, messages } = await start({
      triggers: {
        PreSignUp: recordAnd('PreSignUp'),
        PostConfirmation: recordAnd('PostConfirmation'),
        CustomMessage: recordAnd('CustomMessage', customMessage),
        DefineAuthChallenge: recordAnd('Define', passwordOnly.DefineAuthChallenge),
      },
    });

    const temporary = 'Tempor4ry-Pass!';
    const created = await sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: 'new.hire@example.com',
        TemporaryPassword: temporary,
        UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    const invitation = lastMessageTo(messages, 'new.hire@example.com');

    const first = await signIn(userPool, 'new.hire@example.com', temporary);
    const done = await signIn(userPool, 'new.hire@example.com', temporary, {
      newPassword: 'Ch0sen-Password!',
    });

    expect(created.User).toMatchObject({ UserStatus: 'FORCE_CHANGE_PASSWORD', Enabled: true });
    expect(invitation.body).toContain('new.hire@example.com');
    expect(invitation.body).toContain(temporary);
    expect(invitation.body).not.toContain('{####}');
    expect(first).toMatchObject({ kind: 'new_password', attributes: { email: 'new.hire@example.com' } });
    expect(done.kind).toBe('tokens');
    expect(events.map((event) => event.source)).toEqual(
      expect.arrayContaining(['PreSignUp_AdminCreateUser', 'CustomMessage_AdminCreateUser']),
    );
    expect(events.some((event) => event.trigger === 'PostConfirmation')).toBe(false);
    const user = await sdk.send(
      new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'new.hire@example.com' }),
    );
    expect(user.UserStatus).toBe('CONFIRMED');
    expect(await rejection(signIn(userPool, 'new.hire@example.com', temporary))).toMatchObject({
      code: 'NotAuthorizedException',
    });
  });

  it('refuses a temporary password older than TemporaryPasswordValidityDays (7)', async () => {
    const { sdk, userPoolId, userPool } = await start({ triggers: passwordOnly });
    await sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: 'late@example.com',
        TemporaryPassword: PASSWORD,
        MessageAction: 'SUPPRESS',
      }),
    );

    // Eight days later for server and client alike (the SRP claim carries the client's clock).
    setClock(Date.now() + 8 * 86_400_000);
    try {
      const failure = await rejection(signIn(userPool, 'late@example.com', PASSWORD));

      expect(failure).toMatchObject({
        code: 'NotAuthorizedException',
        message: 'Temporary password has expired and must be reset by an administrator.',
      });
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('attributes, groups and ListUsers', () => {
  it('keeps the old email in effect until the new one is verified (AttributesRequireVerificationBeforeUpdate)', async () => {
    const sources: string[] = [];
    const { sdk, userPool, messages } = await start({
      triggers: {
        PreSignUp: async (event) => {
          event.response.autoConfirmUser = true;
          event.response.autoVerifyEmail = true;
          return event;
        },
        CustomMessage: async (event, context) => {
          sources.push(event.triggerSource);
          return customMessage(event, context);
        },
        ...passwordOnly,
      },
    });
    await signUp(userPool, 'old@example.com');
    await signUp(userPool, 'other@example.com');
    const result = await signIn(userPool, 'old@example.com', PASSWORD);
    if (result.kind !== 'tokens') throw new Error('expected tokens');
    const AccessToken = result.session.getAccessToken().getJwtToken();

    const taken = await rejection(
      sdk.send(
        new UpdateUserAttributesCommand({
          AccessToken,
          UserAttributes: [{ Name: 'email', Value: 'other@example.com' }],
        }),
      ),
    );
    const update = await sdk.send(
      new UpdateUserAttributesCommand({
        AccessToken,
        UserAttributes: [{ Name: 'email', Value: 'new@example.com' }],
      }),
    );
    const before = await sdk.send(new GetUserCommand({ AccessToken }));
    const firstCode = codeIn(lastMessageTo(messages, 'new@example.com'));
    await sdk.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'email' }));
    const secondCode = codeIn(lastMessageTo(messages, 'new@example.com'));
    if (firstCode !== secondCode) {
      expect(
        await rejection(
          sdk.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: firstCode })),
        ),
      ).toMatchObject({ name: 'CodeMismatchException' });
    }
    await sdk.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: secondCode }));
    const after = await sdk.send(new GetUserCommand({ AccessToken }));

    expect(taken).toMatchObject({ name: 'AliasExistsException' });
    expect(sources).toEqual(['CustomMessage_UpdateUserAttribute', 'CustomMessage_VerifyUserAttribute']);
    expect(update.CodeDeliveryDetailsList).toEqual([
      { Destination: 'n***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' },
    ]);
    expect(before.UserAttributes).toContainEqual({ Name: 'email', Value: 'old@example.com' });
    expect(after.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: 'email', Value: 'new@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ]),
    );
    expect((await signIn(userPool, 'new@example.com', PASSWORD)).kind).toBe('tokens');
    expect(await rejection(signIn(userPool, 'old@example.com', PASSWORD))).toMatchObject({
      code: 'NotAuthorizedException',
    });
  });

  it('finds users with ListUsers filters and pages through them', async () => {
    const { sdk, userPoolId } = await start();
    const subs: string[] = [];
    for (const email of ['amy@example.com', 'bob@example.com', 'bea@example.org']) {
      const created = await sdk.send(
        new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: email, MessageAction: 'SUPPRESS' }),
      );
      subs.push(created.User?.Username ?? '');
    }
    const list = (Filter?: string, Limit?: number, PaginationToken?: string) =>
      sdk.send(new ListUsersCommand({ UserPoolId: userPoolId, Filter, Limit, PaginationToken }));

    const byEmail = await list('email = "BOB@example.com"');
    const bySub = await list(`sub = "${subs[2]}"`);
    const byPrefix = await list('email ^= "b"');
    const page1 = await list(undefined, 2);
    const page2 = await list(undefined, 2, page1.PaginationToken);
    const bad = await rejection(list('email contains "x"'));

    expect(byEmail.Users?.map((user) => user.Username)).toEqual([subs[1]]);
    expect(bySub.Users?.[0]?.Attributes).toContainEqual({ Name: 'email', Value: 'bea@example.org' });
    expect(byPrefix.Users).toHaveLength(2);
    expect(page1.Users).toHaveLength(2);
    expect(page2.Users).toHaveLength(1);
    expect(page2.PaginationToken).toBeUndefined();
    expect(bad).toMatchObject({ name: 'InvalidParameterException' });
  });

  it('adds users only to groups that exist', async () => {
    const { sdk, userPoolId } = await start();
    await sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: 'amy@example.com',
        MessageAction: 'SUPPRESS',
      }),
    );

    const missing = await rejection(
      sdk.send(
        new AdminAddUserToGroupCommand({
          UserPoolId: userPoolId,
          Username: 'amy@example.com',
          GroupName: 'nope',
        }),
      ),
    );
    const noUser = await rejection(
      sdk.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: 'nobody@example.com' })),
    );

    expect(missing).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(noUser).toMatchObject({ name: 'UserNotFoundException', message: 'User does not exist.' });
  });
});

describe('persistence', () => {
  it('keeps users, passwords and the signing key across restarts in the persist file, and never a password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-pool-'));
    const persistFile = join(dir, 'pool.json');
    const ids = { userPoolId: 'us-east-1_Persist01', clientId: 'persistclient0000000000000' };
    try {
      const triggers = {
        PreSignUp: (async (event) => {
          event.response.autoConfirmUser = true;
          return event;
        }) as TriggerFn,
        ...passwordOnly,
      };
      const first = await start({ ...ids, persistFile, triggers });
      await signUp(first.userPool, 'kept@example.com');
      const jwks = await (await fetch(first.server.jwksUrl)).json();
      await first.close();
      pool = undefined;

      const second = await start({ ...ids, persistFile, triggers });
      const result = await signIn(second.userPool, 'kept@example.com', PASSWORD);

      expect(result.kind).toBe('tokens');
      expect(await (await fetch(second.server.jwksUrl)).json()).toEqual(jwks);
      expect(readFileSync(persistFile, 'utf8')).not.toContain(PASSWORD);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('wire protocol', () => {
  const call = (url: string, target: string, body: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': target },
      body,
    });

  it('answers errors as Cognito does: HTTP 400, { __type, message } and x-amzn-ErrorType', async () => {
    const { server, clientId } = await start();

    const response = await call(
      server.url,
      'AWSCognitoIdentityProviderService.InitiateAuth',
      JSON.stringify({
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'a@example.com' },
      }),
    );

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toMatch(/^InvalidParameterException/);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await response.json()).toEqual({
      __type: 'InvalidParameterException',
      message: 'USER_PASSWORD_AUTH flow not enabled for this client',
    });
  });

  it('names a missing member, an unknown operation and a body that is not JSON', async () => {
    const { server } = await start();

    const missing = await call(server.url, 'AWSCognitoIdentityProviderService.SignUp', '{}');
    const unknown = await call(server.url, 'AWSCognitoIdentityProviderService.DeleteUserPool', '{}');
    const garbage = await call(server.url, 'AWSCognitoIdentityProviderService.SignUp', '{not json');

    expect(await missing.json()).toMatchObject({
      __type: 'InvalidParameterException',
      message: expect.stringContaining("'clientId'"),
    });
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
    expect(await garbage.json()).toMatchObject({ __type: 'SerializationException' });
  });

  it('serves the JWKS and the OpenID configuration under the pool ID, and extra routes first', async () => {
    const { server, userPoolId } = await start();
    const withRoutes = await startLocalUserPool({
      port: 0,
      region: 'us-east-1',
      userPoolId,
      clientId: 'routesclient',
      pool: {},
      client: {},
      triggers: {},
      deliver: () => undefined,
      routes: (req, res) => {
        if (req.url !== '/_local/ping') return false;
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('pong');
        return true;
      },
    });
    try {
      const jwks = (await (await fetch(server.jwksUrl)).json()) as { keys: Array<Record<string, unknown>> };
      const openid = (await (
        await fetch(`${server.issuer}/.well-known/openid-configuration`)
      ).json()) as Record<string, unknown>;
      const ping = await fetch(`${withRoutes.url}/_local/ping`);

      expect(jwks.keys).toEqual([
        expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) }),
      ]);
      expect(jwks.keys[0]).not.toHaveProperty('d');
      expect(openid).toMatchObject({ issuer: server.issuer, jwks_uri: server.jwksUrl });
      expect(await ping.text()).toBe('pong');
    } finally {
      await withRoutes.close();
    }
  });
});
