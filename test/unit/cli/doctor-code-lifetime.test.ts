/**
 * The doctor's code-lifetime check: it reads the OTP_TTL_SECONDS of the function attached to the
 * pool's CreateAuthChallenge trigger (Lambda GetFunctionConfiguration), judges it as that function
 * does, and checks the app client's auth session against it, saying where the value came from.
 * Every AWS call is faked here (aws-sdk-client-mock); against the local stack's Lambda endpoint:
 * test/e2e/doctor.test.ts.
 */
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSMSAttributesCommand, GetSMSSandboxAccountStatusCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { validate } from '#shared/standard-schema';
import { doctorProgram } from '../../../cli/doctor/program';
import { OTP_TTL, TRIGGER_FUNCTIONS } from '../../../cli/doctor/target';
import { runCli } from '../../../cli/lib/run';
import { codeSettings } from '../../../functions/create-auth-challenge/settings';
import { tableDefinitions } from '../../../local/tables';

const POOL = 'us-east-1_UNIT0001';
const CLIENT = 'unitclient1';
const ACCOUNT = '123456789012';
const fnName = (key: string) => `cognito-auth-triggers-prod-${key}`;
const arn = (key: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fnName(key)}`;
const CREATE = fnName('createAuthChallenge');
const CREATE_ARN = arn('createAuthChallenge');
const LIFETIME_ID = 'function.create-auth-challenge.otp-ttl-seconds';
const SESSION_ID = 'client.auth-session-validity';

const cognito = mockClient(CognitoIdentityProviderClient);
const dynamodb = mockClient(DynamoDBClient);
const sns = mockClient(SNSClient);
const lambda = mockClient(LambdaClient);

/** A pool with the seven triggers of stage prod, and an app client with the given session length. */
function pool(options: { sessionMinutes?: number; withCreate?: boolean } = {}) {
  const lambdaConfig: Record<string, string> = Object.fromEntries(
    Object.entries(TRIGGER_FUNCTIONS).map(([trigger, key]) => [trigger, arn(key)]),
  );
  if (options.withCreate === false) delete lambdaConfig.CreateAuthChallenge;
  cognito.on(DescribeUserPoolCommand).resolves({
    UserPool: {
      Id: POOL,
      MfaConfiguration: 'OFF',
      LambdaConfig: lambdaConfig,
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    },
  });
  cognito.on(DescribeUserPoolClientCommand).resolves({
    UserPoolClient: {
      UserPoolId: POOL,
      ClientId: CLIENT,
      ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      WriteAttributes: ['email'],
      AuthSessionValidity: options.sessionMinutes ?? 3,
    },
  });
}

/** The deployed Create's environment variables. */
const deployed = (variables: Record<string, string>) =>
  lambda.on(GetFunctionConfigurationCommand).resolves({
    FunctionName: CREATE,
    FunctionArn: CREATE_ARN,
    Environment: { Variables: { AUTH_STATE_TABLE: 't', ...variables } },
  });

beforeEach(() => {
  cognito.reset();
  dynamodb.reset();
  sns.reset();
  lambda.reset();
  // Everything else as the suite needs it, so the exit status is this check's alone.
  const definitions = tableDefinitions();
  for (const [name, logicalId] of [
    [fnName('invites'), 'InvitesTable'],
    [fnName('auth-state'), 'AuthStateTable'],
  ] as const) {
    dynamodb
      .on(DescribeTableCommand, { TableName: name })
      .resolves({ Table: { TableStatus: 'ACTIVE', KeySchema: definitions[logicalId]?.KeySchema } });
  }
  dynamodb
    .on(DescribeTimeToLiveCommand)
    .resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' } });
  dynamodb.on(DescribeContinuousBackupsCommand).resolves({
    ContinuousBackupsDescription: {
      ContinuousBackupsStatus: 'ENABLED',
      PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED' },
    },
  });
  sns.on(GetSMSSandboxAccountStatusCommand).resolves({ IsInSandbox: false });
  sns.on(GetSMSAttributesCommand).resolves({ attributes: { MonthlySpendLimit: '100' } });
});

interface Report {
  target: { otpTtlSeconds: number | null; otpTtlSource: string | null };
  findings: Array<{ id: string; severity: string; title: string; why?: string; fix?: string }>;
}

async function doctor(args: string[] = [], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    doctorProgram,
    ['--pool-id', POOL, '--client-id', CLIENT, '--stage', 'prod', '--json', ...args],
    {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      env: { AWS_REGION: 'us-east-1', ...env },
      now: () => new Date('2030-01-01T12:00:00.000Z'),
    },
  );
  expect(stderr).toBe('');
  const report = JSON.parse(stdout) as Report;
  const finding = (id: string) => report.findings.find((f) => f.id === id);
  // Nothing but the two findings under test (and a missing trigger, where a test removes it) may differ from ok.
  const others = report.findings.filter(
    (f) =>
      f.severity !== 'ok' && ![LIFETIME_ID, SESSION_ID, 'pool.trigger.CreateAuthChallenge'].includes(f.id),
  );
  expect(others).toEqual([]);
  return { code, report, lifetime: finding(LIFETIME_ID), session: finding(SESSION_ID) };
}

describe('the OTP_TTL_SECONDS the deployed CreateAuthChallenge runs with', () => {
  it('reads it from the function the trigger names, and checks the session against it, saying so', async () => {
    pool({ sessionMinutes: 5 });
    deployed({ OTP_TTL_SECONDS: '300' });

    const { code, report, lifetime, session } = await doctor();

    expect(lambda).toHaveReceivedCommandTimes(GetFunctionConfigurationCommand, 1);
    expect(lambda).toHaveReceivedCommandWith(GetFunctionConfigurationCommand, { FunctionName: CREATE_ARN });
    expect(lifetime).toEqual({
      id: LIFETIME_ID,
      severity: 'ok',
      title: `${CREATE} runs with OTP_TTL_SECONDS 300`,
    });
    expect(session).toMatchObject({
      severity: 'ok',
      title: `auth session 5 min, a code lives 300 s (OTP_TTL_SECONDS from the deployed function ${CREATE})`,
    });
    expect(report.target).toMatchObject({
      otpTtlSeconds: 300,
      otpTtlSource: `from the deployed function ${CREATE}`,
    });
    expect(code).toBe(0);
  });

  it('a session shorter than the deployed lifetime is blocking, whatever $OTP_TTL_SECONDS says', async () => {
    pool({ sessionMinutes: 3 });
    deployed({ OTP_TTL_SECONDS: '300' });

    const { code, session } = await doctor([], { OTP_TTL_SECONDS: '60' });

    expect(session).toMatchObject({
      severity: 'blocking',
      title: `the auth session (3 min) ends before a code does (OTP_TTL_SECONDS 300 from the deployed function ${CREATE})`,
      fix: expect.stringContaining('--auth-session-validity 5'),
    });
    expect(code).toBe(1);
  });

  it("unset: the function's own default, 180 s", async () => {
    pool({ sessionMinutes: 3 });
    deployed({});

    const { code, lifetime, session } = await doctor([], { OTP_TTL_SECONDS: '600' });

    expect(lifetime).toMatchObject({
      severity: 'ok',
      title: `${CREATE} runs with OTP_TTL_SECONDS 180 (unset: its default)`,
    });
    expect(session).toMatchObject({
      severity: 'ok',
      title: `auth session 3 min, a code lives 180 s (OTP_TTL_SECONDS from the deployed function ${CREATE}, its default (the variable is unset))`,
    });
    expect(code).toBe(0);
  });

  it('a function without any environment is the same as one without the variable', async () => {
    pool();
    lambda.on(GetFunctionConfigurationCommand).resolves({ FunctionName: CREATE });

    const { lifetime } = await doctor();

    expect(lifetime?.title).toBe(`${CREATE} runs with OTP_TTL_SECONDS 180 (unset: its default)`);
  });

  it.each([
    ['not a number', 'three minutes', 'must be a whole number'],
    ['a fraction', '180.5', 'must be a whole number'],
    ['below the range', '20', 'must be at least 30'],
    ['above the range', '901', 'must be at most 900'],
    ['empty', '', 'must be a whole number'],
  ])('%s (%j): a blocking finding of its own, and no session comparison', async (_, raw, problem) => {
    pool({ sessionMinutes: 15 });
    deployed({ OTP_TTL_SECONDS: raw });

    const { code, report, lifetime, session } = await doctor();

    expect(lifetime).toMatchObject({
      severity: 'blocking',
      title: `${CREATE} runs with OTP_TTL_SECONDS ${JSON.stringify(raw)}, which it refuses (${problem})`,
      why: expect.stringContaining('every custom sign-in fails'),
      fix: expect.stringContaining('--param otpTtlSeconds='),
    });
    expect(session).toMatchObject({ severity: 'skipped', title: expect.stringContaining(LIFETIME_ID) });
    expect(report.target).toMatchObject({ otpTtlSeconds: null, otpTtlSource: null });
    expect(code).toBe(1);
  });

  it('a very long bad value is cut short in the title', async () => {
    pool();
    deployed({ OTP_TTL_SECONDS: 'x'.repeat(500) });

    const { lifetime } = await doctor();

    expect(lifetime?.title).toContain(`"${'x'.repeat(40)}..."`);
    expect(lifetime?.title.length).toBeLessThan(200);
  });
});

describe('when the function cannot be read: a warning that says why and what to allow, then the fallback', () => {
  const denied = Object.assign(
    new Error(
      `User: arn:aws:iam::${ACCOUNT}:user/ops is not authorized to perform: lambda:GetFunctionConfiguration on resource: ${CREATE_ARN}`,
    ),
    { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } },
  );

  it('AccessDenied: names the action and the function, and checks the session against the default', async () => {
    pool({ sessionMinutes: 3 });
    lambda.on(GetFunctionConfigurationCommand).rejects(denied);

    const { code, lifetime, session } = await doctor();

    expect(lifetime).toMatchObject({
      severity: 'warning',
      title: expect.stringMatching(
        new RegExp(
          `^could not read the OTP_TTL_SECONDS of ${CREATE} \\(the CreateAuthChallenge trigger\\): .*AccessDeniedException.*; the session check uses 180 from the doctor's default$`,
        ),
      ),
      fix: expect.stringContaining(`lambda:GetFunctionConfiguration on ${CREATE_ARN}`),
    });
    expect(session).toMatchObject({
      severity: 'ok',
      title: `auth session 3 min, a code lives 180 s (OTP_TTL_SECONDS from the doctor's default, as ${CREATE} could not be read)`,
    });
    expect(code).toBe(0);
  });

  it('AccessDenied with $OTP_TTL_SECONDS: that value, said to come from there', async () => {
    pool({ sessionMinutes: 3 });
    lambda.on(GetFunctionConfigurationCommand).rejects(denied);

    const { code, session } = await doctor([], { OTP_TTL_SECONDS: '300' });

    expect(session).toMatchObject({
      severity: 'blocking',
      title: `the auth session (3 min) ends before a code does (OTP_TTL_SECONDS 300 from $OTP_TTL_SECONDS, as ${CREATE} could not be read)`,
    });
    expect(code).toBe(1);
  });

  it('a function Lambda does not know: said so, with the deploy that fixes it', async () => {
    pool();
    lambda
      .on(GetFunctionConfigurationCommand)
      .rejects(
        Object.assign(new Error(`Function not found: ${CREATE_ARN}`), { name: 'ResourceNotFoundException' }),
      );

    const { code, lifetime } = await doctor();

    expect(lifetime).toMatchObject({
      severity: 'warning',
      title: expect.stringContaining(`function '${CREATE_ARN}' not found in Lambda`),
      why: expect.stringContaining('Cognito cannot call it either'),
      fix: expect.stringMatching(/npx serverless deploy --stage prod.*lambda:GetFunctionConfiguration/),
    });
    expect(code).toBe(0);
  });

  it('variables Lambda cannot decrypt (KMS): unknown, not guessed', async () => {
    pool();
    lambda.on(GetFunctionConfigurationCommand).resolves({
      FunctionName: CREATE,
      Environment: {
        Error: { ErrorCode: 'KMSAccessDeniedException', Message: 'Lambda was unable to decrypt' },
      },
    });

    const { lifetime, session } = await doctor();

    expect(lifetime).toMatchObject({
      severity: 'warning',
      title: expect.stringContaining('KMSAccessDeniedException: Lambda was unable to decrypt'),
    });
    expect(session?.title).toContain("from the doctor's default");
  });

  it('no CreateAuthChallenge trigger attached: no Lambda call, a warning, the fallback', async () => {
    pool({ withCreate: false });

    const { code, report, lifetime, session } = await doctor([], { OTP_TTL_SECONDS: '120' });

    expect(lambda).not.toHaveReceivedCommand(GetFunctionConfigurationCommand);
    expect(lifetime).toMatchObject({
      severity: 'warning',
      title:
        'no CreateAuthChallenge trigger is attached, so the doctor cannot read how long a code lives; the session check uses OTP_TTL_SECONDS 120 from $OTP_TTL_SECONDS',
      fix: expect.stringContaining('lambda:GetFunctionConfiguration'),
    });
    expect(session?.title).toBe(
      'auth session 3 min, a code lives 120 s (OTP_TTL_SECONDS from $OTP_TTL_SECONDS, as no CreateAuthChallenge trigger is attached)',
    );
    // The missing trigger itself is what blocks.
    expect(report.findings.find((f) => f.id === 'pool.trigger.CreateAuthChallenge')?.severity).toBe(
      'blocking',
    );
    expect(code).toBe(1);
  });
});

describe('--otp-ttl-seconds: an explicit override of the deployed value', () => {
  it('is what the session is checked against, and the findings say so', async () => {
    pool({ sessionMinutes: 3 });
    deployed({ OTP_TTL_SECONDS: '120' });

    const { code, report, lifetime, session } = await doctor(['--otp-ttl-seconds', '240']);

    expect(lifetime).toMatchObject({
      severity: 'ok',
      title: `${CREATE} runs with OTP_TTL_SECONDS 120; the session check uses --otp-ttl-seconds 240 instead`,
    });
    expect(session).toMatchObject({
      severity: 'blocking',
      title: 'the auth session (3 min) ends before a code does (OTP_TTL_SECONDS 240 from --otp-ttl-seconds)',
    });
    expect(report.target).toMatchObject({ otpTtlSeconds: 240, otpTtlSource: 'from --otp-ttl-seconds' });
    expect(code).toBe(1);
  });

  it('still reports a deployed value the function refuses, and compares the session with the override', async () => {
    pool({ sessionMinutes: 3 });
    deployed({ OTP_TTL_SECONDS: 'abc' });

    const { code, lifetime, session } = await doctor(['--otp-ttl-seconds', '180']);

    expect(lifetime?.severity).toBe('blocking');
    expect(session).toMatchObject({
      severity: 'ok',
      title: 'auth session 3 min, a code lives 180 s (OTP_TTL_SECONDS from --otp-ttl-seconds)',
    });
    expect(code).toBe(1);
  });

  it('stands in when the function cannot be read', async () => {
    pool({ sessionMinutes: 5 });
    lambda
      .on(GetFunctionConfigurationCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    const { code, lifetime, session } = await doctor(['--otp-ttl-seconds', '300']);

    expect(lifetime).toMatchObject({
      severity: 'warning',
      title: expect.stringMatching(/; the session check uses --otp-ttl-seconds 300 instead$/),
    });
    expect(session?.title).toBe(
      'auth session 5 min, a code lives 300 s (OTP_TTL_SECONDS from --otp-ttl-seconds)',
    );
    expect(code).toBe(0);
  });
});

test("the doctor's range and default for OTP_TTL_SECONDS are CreateAuthChallenge's own", () => {
  const accepts = (raw: string | undefined) => !validate(codeSettings.OTP_TTL_SECONDS, raw).issues;
  expect(validate(codeSettings.OTP_TTL_SECONDS, undefined)).toEqual({ value: OTP_TTL.fallback });
  expect([OTP_TTL.min - 1, OTP_TTL.min, OTP_TTL.max, OTP_TTL.max + 1].map((n) => accepts(String(n)))).toEqual(
    [false, true, true, false],
  );
});
