/**
 * What a server-side tool sees of the local stack: DescribeUserPool(Client) reporting what
 * serverless.yml configured, AdminInitiateAuth / AdminRespondToAuthChallenge running the
 * project's real triggers (password by SRP, then the phone, then the SMS code), and the AWS CLI
 * v1 (botocore) driving the stack with nothing but the variables the `npm start` banner prints.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  type AdminInitiateAuthCommandOutput,
  AdminRespondToAuthChallengeCommand,
  CreateGroupCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { claimSignature, cognitoTimestamp, newEphemeral, passwordKey } from '../../bench/stack/srp-client';
import { usageText } from '../../local/main';
import { startTestStack, type TestStack } from '../helpers/local-stack';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});
afterAll(() => env.stop());

describe('DescribeUserPool and DescribeUserPoolClient', () => {
  it('report the pool serverless.yml defines: triggers, sign-in name, MFA, schema, password policy', async () => {
    const { UserPool } = await env.cognito.send(new DescribeUserPoolCommand({ UserPoolId: env.userPoolId }));
    const arnOf = (key: string) => env.stack.definitions.functions.find((fn) => fn.key === key)?.arn;

    expect(UserPool).toMatchObject({
      Id: env.userPoolId,
      Name: 'cognito-auth-triggers-local',
      Arn: `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${env.userPoolId}`,
      LambdaConfig: {
        PreSignUp: arnOf('preSignUp'),
        PostConfirmation: arnOf('postConfirmation'),
        PreAuthentication: arnOf('preAuthentication'),
        CustomMessage: arnOf('customMessage'),
        DefineAuthChallenge: arnOf('defineAuthChallenge'),
        CreateAuthChallenge: arnOf('createAuthChallenge'),
        VerifyAuthChallengeResponse: arnOf('verifyAuthChallenge'),
      },
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      AutoVerifiedAttributes: ['email'],
      MfaConfiguration: 'OFF',
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      Policies: {
        PasswordPolicy: {
          MinimumLength: 8,
          RequireUppercase: true,
          RequireLowercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: 7,
        },
      },
      VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE' },
      DeletionProtection: 'INACTIVE',
    });
    expect(UserPool?.LambdaConfig?.PreSignUp).toMatch(/^arn:aws:lambda:us-east-1:000000000000:function:/);
    const email = UserPool?.SchemaAttributes?.find((attribute) => attribute.Name === 'email');
    expect(email).toMatchObject({ AttributeDataType: 'String', Required: true, Mutable: true });
    const phone = UserPool?.SchemaAttributes?.find((attribute) => attribute.Name === 'phone_number');
    expect(phone).toMatchObject({ Required: false });
  });

  it('report the app client serverless.yml defines: flows, existence errors, session and token validity', async () => {
    const { UserPoolClient } = await env.cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: env.userPoolId, ClientId: env.clientId }),
    );

    expect(UserPoolClient).toEqual({
      UserPoolId: env.userPoolId,
      ClientId: env.clientId,
      ClientName: 'cognito-auth-triggers-local-app',
      LastModifiedDate: expect.any(Date),
      CreationDate: expect.any(Date),
      ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      AuthSessionValidity: 3,
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 30,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
      EnableTokenRevocation: true,
      EnablePropagateAdditionalUserContextData: false,
      WriteAttributes: ['email', 'name', 'locale'],
      RefreshTokenRotation: { Feature: 'DISABLED', RetryGracePeriodSeconds: 0 },
    });
  });
});

describe('AdminInitiateAuth with CUSTOM_AUTH and SRP (a server signing users in)', () => {
  const poolName = () => env.userPoolId.split('_')[1] ?? '';

  /** AdminInitiateAuth { SRP_A } then the PASSWORD_VERIFIER answer, computed here as any SRP client does. */
  async function adminPasswordRound(
    email: string,
    password: string,
  ): Promise<AdminInitiateAuthCommandOutput> {
    const ephemeral = newEphemeral();
    const started = await env.cognito.send(
      new AdminInitiateAuthCommand({
        UserPoolId: env.userPoolId,
        ClientId: env.clientId,
        AuthFlow: 'CUSTOM_AUTH',
        AuthParameters: { USERNAME: email, SRP_A: ephemeral.A.toString(16), CHALLENGE_NAME: 'SRP_A' },
      }),
    );
    expect(started.ChallengeName).toBe('PASSWORD_VERIFIER');
    const parameters = started.ChallengeParameters ?? {};
    const userId = parameters.USER_ID_FOR_SRP ?? '';
    const key = passwordKey({
      poolName: poolName(),
      userIdForSrp: userId,
      password,
      saltHex: parameters.SALT ?? '',
      srpBHex: parameters.SRP_B ?? '',
      ephemeral,
      cache: false,
    });
    const timestamp = cognitoTimestamp(new Date());
    return env.cognito.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: env.userPoolId,
        ClientId: env.clientId,
        ChallengeName: 'PASSWORD_VERIFIER',
        Session: started.Session,
        ChallengeResponses: {
          USERNAME: userId,
          PASSWORD_CLAIM_SECRET_BLOCK: parameters.SECRET_BLOCK ?? '',
          PASSWORD_CLAIM_SIGNATURE: claimSignature(
            key,
            poolName(),
            userId,
            parameters.SECRET_BLOCK ?? '',
            timestamp,
          ),
          TIMESTAMP: timestamp,
        },
      }),
    );
  }

  const answer = (session: string | undefined, username: string, ANSWER: string) =>
    env.cognito.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: env.userPoolId,
        ClientId: env.clientId,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: session,
        ChallengeResponses: { USERNAME: username, ANSWER },
      }),
    );

  it('goes password -> PHONE_REQUIRED -> SMS_OTP -> RECOVERY_CODES -> tokens through the real triggers', async () => {
    const { email, password, sub } = await env.signUpInvited('admin-flow');
    const phone = env.newPhone();

    const ask = await adminPasswordRound(email, password);
    const otp = await answer(ask.Session, sub, phone);
    const sms = await env.nextMessage(phone, 0);
    const code = /\b\d{6}\b/.exec(sms.body)?.[0] ?? '';
    const codes = await answer(otp.Session, sub, code);
    expect(codes).toMatchObject({
      ChallengeName: 'CUSTOM_CHALLENGE',
      ChallengeParameters: { type: 'RECOVERY_CODES' },
    });
    const done = await answer(codes.Session, sub, 'OK');

    expect(ask).toMatchObject({
      ChallengeName: 'CUSTOM_CHALLENGE',
      ChallengeParameters: { type: 'PHONE_REQUIRED' },
    });
    expect(otp).toMatchObject({
      ChallengeName: 'CUSTOM_CHALLENGE',
      ChallengeParameters: { type: 'SMS_OTP', length: '6' },
    });
    expect(decodeJwt(done.AuthenticationResult?.IdToken ?? '')).toMatchObject({
      sub,
      email,
      phone_number: phone,
      phone_number_verified: true,
    });
  });

  it('fails a wrong password with NotAuthorizedException and sends nothing', async () => {
    const { email } = await env.signUpInvited('admin-wrong');
    const before = (await env.outbox()).length;

    await expect(adminPasswordRound(email, 'Wrong-Password-42')).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    expect((await env.outbox()).length).toBe(before);
  });
});

describe('the AWS CLI v1 against the stack', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'aws-cli-home-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  /** What the banner's `export` lines set, run by bash as a reader pasting them would. */
  function bannerEnvironment(): Record<string, string> {
    const exports = usageText(env.stack, undefined, false)
      .split('\n')
      .filter((line) => line.trim().startsWith('export '));
    const output = execFileSync('bash', ['-euc', `${exports.join('\n')}\nenv`], {
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    const variables: Record<string, string> = {};
    for (const line of output.split('\n')) {
      const [, name, value] = /^(AWS_[A-Z_]+)=(.*)$/.exec(line) ?? [];
      if (name && value !== undefined) variables[name] = value;
    }
    return variables;
  }

  /** Runs `aws cognito-idp ...` with the banner's variables only (no profile, no config file). */
  function aws(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const environment = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      ...bannerEnvironment(),
    };
    return new Promise((resolve) => {
      execFile(
        'aws',
        ['cognito-idp', ...args, '--output', 'json'],
        { env: environment, timeout: 20_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  it('prints AWS_DEFAULT_REGION in the banner, which CLI v1 needs', () => {
    expect(bannerEnvironment()).toMatchObject({
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: env.url,
    });
  });

  it('describes the pool and its client, lists a group, and reports Cognito errors by name', async () => {
    const { email } = await env.signUpInvited('cli');
    await env.cognito.send(new CreateGroupCommand({ UserPoolId: env.userPoolId, GroupName: 'cli-testers' }));
    await env.cognito.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: env.userPoolId,
        Username: email,
        GroupName: 'cli-testers',
      }),
    );

    // Each run of the CLI costs seconds of Python start-up: a few, side by side.
    const [pool, client, members, unknown, noPassword] = await Promise.all([
      aws(['describe-user-pool', '--user-pool-id', env.userPoolId]),
      aws([
        'describe-user-pool-client',
        '--user-pool-id',
        env.userPoolId,
        '--client-id',
        env.clientId,
        '--endpoint-url',
        env.url,
      ]),
      aws(['list-users-in-group', '--user-pool-id', env.userPoolId, '--group-name', 'cli-testers']),
      aws([
        'admin-reset-user-password',
        '--user-pool-id',
        env.userPoolId,
        '--username',
        'nobody@example.com',
      ]),
      // CUSTOM_AUTH without SRP_A: the project's Define refuses a sign-in that skips the password.
      aws([
        'admin-initiate-auth',
        '--user-pool-id',
        env.userPoolId,
        '--client-id',
        env.clientId,
        '--auth-flow',
        'CUSTOM_AUTH',
        '--auth-parameters',
        `USERNAME=${email}`,
      ]),
    ]);

    expect(pool.code).toBe(0);
    expect(JSON.parse(pool.stdout).UserPool.LambdaConfig.DefineAuthChallenge).toMatch(/defineAuthChallenge$/);
    expect(JSON.parse(client.stdout).UserPoolClient.ExplicitAuthFlows).toEqual([
      'ALLOW_CUSTOM_AUTH',
      'ALLOW_REFRESH_TOKEN_AUTH',
    ]);
    expect(JSON.parse(members.stdout).Users.map((user: { Username: string }) => user.Username)).toEqual([
      (await env.cognito.send(new AdminGetUserCommand({ UserPoolId: env.userPoolId, Username: email })))
        .Username,
    ]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain(
      'An error occurred (UserNotFoundException) when calling the AdminResetUserPassword operation',
    );
    expect(noPassword.code).not.toBe(0);
    expect(noPassword.stderr).toContain('(NotAuthorizedException)');
  }, 60_000);
});
