/**
 * The local stack's own services, driven by unmodified AWS SDK v3 clients, the AWS CLI and plain
 * HTTP: the `/_local/stack` description, the tables, the SNS endpoint, the Lambda endpoint
 * (GetFunctionConfiguration) and the outbox, and the wiring of pool, client and triggers from
 * serverless.yml (one source of truth, not a copy).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { InvalidParameterException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { readYaml } from '../../local/config';
import { compactLogLine } from '../../local/log-view';
import { parseOptions, usageText } from '../../local/main';
import type { OutboxMessage } from '../../local/outbox';
import { startTestStack, type TestStack } from '../helpers/local-stack';

let env: TestStack;
let sns: SNSClient;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

beforeAll(async () => {
  env = await startTestStack();
  sns = new SNSClient({ region: env.stack.info.region, endpoint: env.stack.info.endpoints.sns, credentials });
});

afterAll(async () => {
  sns.destroy();
  await env.stop();
});

const smsTo = async (to: string) => env.outbox({ to, channel: 'sms' });

describe('GET /_local/stack', () => {
  it('describes the stack as the shared contract says: IDs, region, endpoints, tables', async () => {
    const response = await fetch(`${env.url}/_local/stack`);
    expect(response.status).toBe(200);
    const info = (await response.json()) as Record<string, unknown>;
    expect(info).toMatchObject({
      userPoolId: expect.stringMatching(/^us-east-1_[0-9A-Za-z]+$/),
      clientId: expect.stringMatching(/^[a-z0-9]{26}$/),
      region: 'us-east-1',
      endpoints: {
        cognito: env.url,
        dynamodb: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        sns: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        ses: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        lambda: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      },
      tables: {
        invites: 'cognito-auth-triggers-local-invites',
        authState: 'cognito-auth-triggers-local-auth-state',
      },
    });
  });

  it('keeps the pool and client IDs stable across starts (persisted users stay valid)', () => {
    // Derived from service and stage only: the same on every start and every machine.
    expect(env.userPoolId).toBe(env.stack.definitions.userPoolId);
    expect(env.userPoolId.split('_')[1]).toHaveLength(9);
  });

  it('serves only loopback endpoints', () => {
    for (const url of Object.values(env.stack.info.endpoints))
      expect(new URL(url).hostname).toBe('127.0.0.1');
  });
});

describe('tables', () => {
  it('creates the tables of resources/tables.yml under the stage names with their keys', async () => {
    const client = new DynamoDBClient({
      region: env.stack.info.region,
      endpoint: env.stack.info.endpoints.dynamodb,
      credentials,
    });
    try {
      const { Table } = await client.send(
        new DescribeTableCommand({ TableName: env.stack.info.tables.authState }),
      );
      expect(Table?.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      const invites = await client.send(
        new DescribeTableCommand({ TableName: env.stack.info.tables.invites }),
      );
      expect(invites.Table?.KeySchema).toEqual([{ AttributeName: 'email', KeyType: 'HASH' }]);
    } finally {
      client.destroy();
    }
  });
});

describe('one source of truth: serverless.yml', () => {
  it("gives the pool the app client's settings from resources/user-pool.yml, not a copy", () => {
    const file = readYaml(`${__dirname}/../../resources/user-pool.yml`) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const client = Object.values(file.Resources).find((r) => r.Type === 'AWS::Cognito::UserPoolClient');
    expect(env.stack.definitions.client.ExplicitAuthFlows).toEqual(client?.Properties.ExplicitAuthFlows);
    expect(env.stack.definitions.client.PreventUserExistenceErrors).toBe(
      client?.Properties.PreventUserExistenceErrors,
    );
    expect(env.stack.definitions.client.UserPoolId).toBe(env.userPoolId);
  });

  it('attaches every trigger serverless.yml attaches, each to its function', () => {
    const raw = readYaml(`${__dirname}/../../serverless.yml`) as {
      functions: Record<string, { events?: Array<{ cognitoUserPool?: { trigger: string } }> }>;
    };
    const expected: Record<string, string> = {};
    for (const [key, fn] of Object.entries(raw.functions)) {
      for (const event of fn.events ?? []) {
        if (event.cognitoUserPool)
          expected[event.cognitoUserPool.trigger] = `cognito-auth-triggers-local-${key}`;
      }
    }
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(env.stack.info.triggers).toEqual(expected);
  });

  it("gives each function its own environment, with tables resolved to the stage's names", () => {
    const preSignUp = env.stack.definitions.functions.find((fn) => fn.triggers.includes('PreSignUp'));
    expect(preSignUp?.environment).toMatchObject({
      INVITES_TABLE: 'cognito-auth-triggers-local-invites',
      POWERTOOLS_SERVICE_NAME: 'cognito-auth-triggers',
    });
    expect(preSignUp?.modulePath).toMatch(/functions\/pre-signup\/handler$/);
  });
});

describe('SNS endpoint (unmodified SDK v3 SNS client)', () => {
  it('accepts a direct SMS publish, answers with a MessageId and puts the SMS in the outbox', async () => {
    const to = '+14155550100';
    const answer = await sns.send(
      new PublishCommand({
        PhoneNumber: to,
        Message: '123456 is your code & <more>',
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
      }),
    );
    expect(answer.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    const messages = await smsTo(to);
    expect(messages).toEqual([
      { channel: 'sms', to, body: '123456 is your code & <more>', at: expect.any(String) },
    ] satisfies OutboxMessage[]);
    expect(Date.parse(messages[0]?.at ?? '')).not.toBeNaN();
  });

  it.each([
    ['a number that is not E.164', { PhoneNumber: '4155550100', Message: 'hi' }, /PhoneNumber/],
    ['an empty message', { PhoneNumber: '+14155550101', Message: '' }, /Empty message/],
    [
      'an unknown SMS type',
      {
        PhoneNumber: '+14155550102',
        Message: 'hi',
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Urgent' } },
      },
      /SMSType/,
    ],
    [
      'a topic (not supported locally)',
      { TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: 'hi' },
      /direct SMS/,
    ],
  ])('rejects %s with InvalidParameterException and sends nothing', async (_, input, message) => {
    const before = (await env.outbox()).length;
    const error = await sns.send(new PublishCommand(input)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect((error as Error).message).toMatch(message);
    expect(await env.outbox()).toHaveLength(before);
  });
});

describe('Lambda endpoint (GetFunctionConfiguration, unmodified SDK v3 Lambda client)', () => {
  let lambda: LambdaClient;
  beforeAll(() => {
    lambda = new LambdaClient({
      region: env.stack.info.region,
      endpoint: env.stack.info.endpoints.lambda,
      credentials,
      maxAttempts: 1,
    });
  });
  afterAll(() => lambda.destroy());

  const configuration = (FunctionName: string, Qualifier?: string) =>
    lambda.send(new GetFunctionConfigurationCommand({ FunctionName, Qualifier }));
  const createFn = () => {
    const fn = env.stack.definitions.functions.find((f) => f.triggers.includes('CreateAuthChallenge'));
    if (!fn) throw new Error('no CreateAuthChallenge function');
    return fn;
  };

  it('answers for every function the stack runs, with the variables its handler was loaded with', async () => {
    for (const fn of env.stack.definitions.functions) {
      const answer = await configuration(fn.name);
      expect(answer).toMatchObject({
        FunctionName: fn.name,
        FunctionArn: fn.arn,
        MemorySize: fn.memorySize,
        Timeout: fn.timeoutSeconds,
        Version: '$LATEST',
      });
      const { POWERTOOLS_LOG_LEVEL: _level, ...declared } = fn.environment;
      // serverless.yml's variables, and the stack's --log-level (SILENT in tests) over its own.
      expect(answer.Environment?.Variables).toEqual({
        ...declared,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
      });
    }
    const create = await configuration(createFn().name);
    expect(create.Environment?.Variables).toMatchObject({
      OTP_TTL_SECONDS: '180',
      AUTH_STATE_TABLE: 'cognito-auth-triggers-local-auth-state',
    });
  });

  it("resolves every ARN the pool's LambdaConfig reports, as Cognito names them", async () => {
    const { UserPool } = await env.cognito.send(new DescribeUserPoolCommand({ UserPoolId: env.userPoolId }));
    const config = Object.entries(UserPool?.LambdaConfig ?? {}).filter(([, arn]) => typeof arn === 'string');
    expect(config.length).toBe(7);
    for (const [trigger, arn] of config) {
      const answer = await configuration(arn as string);
      expect({ trigger, name: answer.FunctionName }).toEqual({
        trigger,
        name: env.stack.info.triggers[trigger],
      });
    }
  });

  it('takes a partial ARN and the $LATEST qualifier, as Lambda does', async () => {
    const fn = createFn();
    const partial = fn.arn.split(':').slice(4).join(':');
    expect(partial).toBe(`000000000000:function:${fn.name}`);
    expect((await configuration(partial)).FunctionName).toBe(fn.name);
    expect((await configuration(`${fn.arn}:$LATEST`)).FunctionArn).toBe(`${fn.arn}:$LATEST`);
    expect((await configuration(fn.name, '$LATEST')).FunctionArn).toBe(`${fn.arn}:$LATEST`);
  });

  it.each([
    ['an unknown name', 'no-such-function', undefined],
    ['a version the stack does not have', 'VERSION', '7'],
    ['an alias', 'NAME:live', undefined],
    ['another region', 'ARN_OTHER_REGION', undefined],
    ['another account', 'ARN_OTHER_ACCOUNT', undefined],
  ])('%s: ResourceNotFoundException, as the SDK raises it', async (_, given, qualifier) => {
    const fn = createFn();
    const name = given
      .replace('VERSION', fn.name)
      .replace('NAME', fn.name)
      .replace('ARN_OTHER_REGION', fn.arn.replace(':us-east-1:', ':eu-west-1:'))
      .replace('ARN_OTHER_ACCOUNT', fn.arn.replace(':000000000000:', ':123456789012:'));
    const error = await configuration(name, qualifier).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect((error as Error).message).toMatch(/^Function not found: /);
  });

  it("answers an unknown function in Lambda's error shape, over plain HTTP", async () => {
    const response = await fetch(
      `${env.stack.info.endpoints.lambda}/2015-03-31/functions/no-such-function/configuration`,
    );
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await response.json()).toEqual({
      __type: 'ResourceNotFoundException',
      message: 'Function not found: no-such-function',
    });
  });

  it.each([
    [
      'a malformed name',
      'GET',
      '/2015-03-31/functions/bad%20name!/configuration',
      400,
      'ValidationException',
    ],
    ['Invoke', 'POST', '/2015-03-31/functions/x/invocations', 404, 'UnknownOperationException'],
    ['ListFunctions', 'GET', '/2015-03-31/functions/', 404, 'UnknownOperationException'],
    ['a change', 'PUT', '/2015-03-31/functions/x/configuration', 404, 'UnknownOperationException'],
  ])('refuses %s (%s %s) with %i %s, and changes nothing', async (_, method, path, status, type) => {
    const response = await fetch(`${env.stack.info.endpoints.lambda}${path}`, { method });
    expect(response.status).toBe(status);
    expect(response.headers.get('x-amzn-errortype')).toBe(type);
    expect(((await response.json()) as { __type: string }).__type).toBe(type);
  });

  it('serves `aws lambda get-function-configuration` (AWS CLI v1) through AWS_ENDPOINT_URL_LAMBDA', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aws-cli-home-'));
    try {
      const fn = createFn();
      const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          'aws',
          ['lambda', 'get-function-configuration', '--function-name', fn.name, '--output', 'json'],
          {
            env: {
              PATH: process.env.PATH ?? '',
              HOME: home,
              AWS_CONFIG_FILE: join(home, 'config'),
              AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
              AWS_ACCESS_KEY_ID: 'local',
              AWS_SECRET_ACCESS_KEY: 'local',
              AWS_DEFAULT_REGION: env.stack.info.region,
              AWS_ENDPOINT_URL_LAMBDA: env.stack.info.endpoints.lambda,
            },
            timeout: 30_000,
          },
          (error, stdout, stderr) =>
            resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const answer = JSON.parse(run.stdout) as { FunctionName: string; Environment: { Variables: object } };
      expect(answer.FunctionName).toBe(fn.name);
      expect(answer.Environment.Variables).toMatchObject({ OTP_TTL_SECONDS: '180' });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('GET /_local/outbox', () => {
  it('lists messages newest last and filters by recipient and channel', async () => {
    const to = '+14155550199';
    await sns.send(new PublishCommand({ PhoneNumber: to, Message: 'first' }));
    await sns.send(new PublishCommand({ PhoneNumber: to, Message: 'second' }));
    expect((await smsTo(to)).map((m) => m.body)).toEqual(['first', 'second']);
    expect(await env.outbox({ to, channel: 'email' })).toEqual([]);
    const all = await env.outbox();
    expect(all.at(-1)?.body).toBe('second');
  });

  it('rejects an unknown channel filter with 400', async () => {
    const response = await fetch(`${env.url}/_local/outbox?channel=fax`);
    expect(response.status).toBe(400);
  });
});

describe('npm start', () => {
  it('prints how to use the stack: IDs, endpoints, an invites command and SDK/CLI snippets', () => {
    const text = usageText(env.stack, undefined, false);
    for (const expected of [
      env.userPoolId,
      env.clientId,
      env.stack.info.endpoints.dynamodb,
      env.stack.info.endpoints.sns,
      env.stack.info.endpoints.lambda,
      `export AWS_ENDPOINT_URL_LAMBDA=${env.stack.info.endpoints.lambda}`,
      'aws lambda get-function-configuration --function-name cognito-auth-triggers-local-createAuthChallenge',
      `${env.url}/_local/stack`,
      `${env.url}/_local/outbox`,
      `${env.url}/_local/ui`,
      `${env.url}/_local/ui/sign-in`,
      `${env.url}/${env.userPoolId}/.well-known/jwks.json`,
      'npm run invites -- create --email ada@example.com --local',
      'aws cognito-idp',
      'AWS_DEFAULT_REGION=us-east-1',
      'new CognitoUserPool(',
    ]) {
      expect(text).toContain(expected);
    }
    // No colour codes when the console is not a terminal.
    expect(text).not.toContain('\u001b[');
  });

  it('takes PORT from the environment, --port over it, and params as name=value', () => {
    expect(parseOptions([], {}).port).toBe(9229);
    expect(parseOptions([], { PORT: '9300' }).port).toBe(9300);
    expect(parseOptions(['--port', '0'], { PORT: '9300' }).port).toBe(0);
    expect(parseOptions(['--param', 'logLevel=DEBUG', '--param', 'a=b=c'], {}).params).toEqual({
      logLevel: 'DEBUG',
      a: 'b=c',
    });
  });

  it.each([
    [['--port', 'abc'], /--port/],
    [['--port', '70000'], /--port/],
    [['--param', 'novalue'], /name=value/],
    [['--log-format', 'xml'], /compact or json/],
    [['--unknown'], /Unknown option/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseOptions(argv, {})).toThrow(message);
  });

  it("shows a trigger's JSON log line as one short line, leaving other output alone", () => {
    const line = JSON.stringify({
      level: 'INFO',
      message: 'code sent',
      timestamp: '2025-01-01T00:00:00.000Z',
      service: 'cognito-auth-triggers',
      function_arn:
        'arn:aws:lambda:us-east-1:000000000000:function:cognito-auth-triggers-local-createAuthChallenge',
      function_name: 'cognito-auth-triggers-local-createAuthChallenge',
      function_request_id: 'r-1',
      userPoolId: env.userPoolId,
      userName: '7f3bdb9e-6dde-4d28-a081-83363438ab13',
      destination: '+*******0137',
    });
    expect(compactLogLine(line, false)).toBe(
      '  λ createAuthChallenge INFO  code sent  user=7f3bdb9e destination=+*******0137',
    );
    expect(compactLogLine('📨 SMS to +14155550100', false)).toBeUndefined();
    expect(compactLogLine('{"not":"a log line"}', false)).toBeUndefined();
  });
});
