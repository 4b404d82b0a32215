import {
  awsTarget,
  describeAwsError,
  resolveAwsEnvironment,
  resolveTableName,
} from '../../../../cli/lib/aws';
import { CliError } from '../../../../cli/lib/errors';
import { localStackUrl } from '../../../../cli/lib/local-stack';

const stack = {
  userPoolId: 'local_pool',
  clientId: 'client',
  region: 'eu-west-1',
  endpoints: {
    cognito: 'http://127.0.0.1:9229/cognito',
    dynamodb: 'http://127.0.0.1:8000',
    sns: 'http://127.0.0.1:9229/sns',
    ses: 'http://127.0.0.1:9232',
  },
  tables: { invites: 'local-invites', authState: 'local-auth-state' },
};

describe('resolveTableName', () => {
  const base = { envVariable: 'INVITES_TABLE', stage: 'dev', suffix: 'invites' };
  test('--table wins over everything', () => {
    expect(resolveTableName({ ...base, explicit: 'x', localName: 'y', env: { INVITES_TABLE: 'z' } })).toBe(
      'x',
    );
  });
  test("then the local stack's table, then the environment variable", () => {
    expect(
      resolveTableName({ ...base, explicit: undefined, localName: 'y', env: { INVITES_TABLE: 'z' } }),
    ).toBe('y');
    expect(
      resolveTableName({ ...base, explicit: undefined, localName: undefined, env: { INVITES_TABLE: 'z' } }),
    ).toBe('z');
  });
  test("else the deployed stage's name", () => {
    expect(
      resolveTableName({ ...base, explicit: undefined, localName: undefined, env: { INVITES_TABLE: ' ' } }),
    ).toBe('cognito-auth-triggers-dev-invites');
    expect(
      resolveTableName({
        ...base,
        stage: 'prod',
        explicit: undefined,
        localName: undefined,
        env: {},
        suffix: 'auth-state',
      }),
    ).toBe('cognito-auth-triggers-prod-auth-state');
  });
});

describe('awsTarget', () => {
  test('AWS: region from the option, endpoint from the service variable before the global one, no credentials set', async () => {
    const environment = await resolveAwsEnvironment(
      { local: false, region: 'ap-south-1' },
      {
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:2',
      },
    );
    const target = awsTarget('dynamodb', environment);
    expect(target.clientOptions).toEqual({
      region: 'ap-south-1',
      endpoint: 'http://127.0.0.1:2',
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 3000, requestTimeout: 10_000, throwOnRequestTimeout: true },
    });
    expect(target.where).toBe('http://127.0.0.1:2');
    expect(awsTarget('cognito', environment).clientOptions.endpoint).toBe('http://127.0.0.1:1');
  });

  test('Lambda (the doctor): AWS_ENDPOINT_URL_LAMBDA, else AWS_ENDPOINT_URL; with --local the stack`s, or an error if it has none', async () => {
    const aws = (env: Record<string, string>) =>
      resolveAwsEnvironment({ local: false, region: 'us-east-1' }, env);
    expect(
      awsTarget(
        'lambda',
        await aws({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:5' }),
      ).where,
    ).toBe('http://127.0.0.1:5');
    expect(awsTarget('lambda', await aws({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1' })).where).toBe(
      'http://127.0.0.1:1',
    );
    expect(awsTarget('lambda', await aws({})).where).toBe('AWS us-east-1');
    const withLambda = { ...stack, endpoints: { ...stack.endpoints, lambda: 'http://127.0.0.1:9233' } };
    expect(
      awsTarget('lambda', {
        stack: withLambda,
        region: stack.region,
        env: { AWS_ENDPOINT_URL_LAMBDA: 'http://x' },
      }).clientOptions,
    ).toMatchObject({ endpoint: 'http://127.0.0.1:9233', credentials: { accessKeyId: 'local' } });
    expect(() => awsTarget('lambda', { stack, region: stack.region, env: {} })).toThrow(
      'the local stack has no Lambda endpoint: restart it (npm start)',
    );
  });

  test('AWS without endpoint variables: the SDK decides, and messages name the region', async () => {
    const target = awsTarget(
      'dynamodb',
      await resolveAwsEnvironment({ local: false, region: undefined }, { AWS_DEFAULT_REGION: 'eu-north-1' }),
    );
    expect(target.clientOptions).not.toHaveProperty('endpoint');
    expect(target.where).toBe('AWS eu-north-1');
  });

  test('local: endpoint and region from the stack, throw-away credentials', () => {
    const target = awsTarget('dynamodb', {
      stack,
      region: stack.region,
      env: { AWS_ENDPOINT_URL_DYNAMODB: 'http://x' },
    });
    expect(target.clientOptions).toMatchObject({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:8000',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    expect(awsTarget('cognito', { stack, region: stack.region, env: {} }).clientOptions.endpoint).toBe(
      'http://127.0.0.1:9229/cognito',
    );
  });
});

describe('describeAwsError', () => {
  const target = awsTarget('dynamodb', {
    stack: undefined,
    region: 'us-east-1',
    env: { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' },
  });
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });

  test.each([
    ['a refused connection', refused, 'cannot reach DynamoDB at http://127.0.0.1:9 (ECONNREFUSED)'],
    [
      'a refused connection wrapped in an AggregateError',
      new AggregateError([new Error('x'), refused], 'AggregateError'),
      'cannot reach DynamoDB at http://127.0.0.1:9 (ECONNREFUSED)',
    ],
    [
      'a cause chain',
      new Error('outer', { cause: refused }),
      'cannot reach DynamoDB at http://127.0.0.1:9 (ECONNREFUSED)',
    ],
    [
      'a timeout',
      Object.assign(new Error('t'), { name: 'TimeoutError' }),
      'cannot reach DynamoDB at http://127.0.0.1:9 (timed out)',
    ],
    [
      'a missing table',
      Object.assign(new Error('Cannot do operations on a non-existent table'), {
        name: 'ResourceNotFoundException',
      }),
      "table 'x' not found in DynamoDB at http://127.0.0.1:9",
    ],
    [
      'missing credentials',
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
      'no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    ],
    ['a missing region', new Error('Region is missing'), 'no AWS region: pass --region or set AWS_REGION'],
    [
      'anything else (first line only)',
      Object.assign(new Error('User is not authorized\nsecond line'), { name: 'AccessDeniedException' }),
      'DynamoDB request failed at http://127.0.0.1:9: AccessDeniedException: User is not authorized',
    ],
  ])('%s', (_label, error, message) => {
    const described = describeAwsError(error, target, "table 'x'");
    expect(described).toBeInstanceOf(CliError);
    expect(described.exitCode).toBe(1);
    expect(described.message).toBe(message);
  });
});

test('localStackUrl uses PORT (default 9229) and refuses a PORT that is not a port', () => {
  expect(localStackUrl({})).toBe('http://127.0.0.1:9229/_local/stack');
  expect(localStackUrl({ PORT: '4000' })).toBe('http://127.0.0.1:4000/_local/stack');
  for (const port of ['abc', '0', '70000'])
    expect(() => localStackUrl({ PORT: port })).toThrow('PORT must be a port number');
});
