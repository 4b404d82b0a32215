/**
 * local/config.ts resolves a serverless.yml the way `serverless package` would, for local values:
 * serverless variables (with fallbacks and nesting), stage params, included files, CloudFormation
 * intrinsics (long and short form) and both ways of attaching triggers. Each case is a small
 * serverless.yml in a temporary folder; no stack is started.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoadOptions, LocalConfigError, loadDefinitions } from '../../../local/config';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Writes the files into a fresh folder and loads them for stage `local`. */
function load(files: Record<string, string>, options: Partial<LoadOptions> = {}) {
  const root = mkdtempSync(join(tmpdir(), 'local-config-'));
  roots.push(root);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return loadDefinitions({
    root,
    stage: 'local',
    userPoolId: ({ region }) => `${region}_Pool1`,
    clientId: () => 'client1',
    env: {},
    ...options,
  });
}

const POOL = `
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: \${self:service}-\${sls:stage}
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
      ExplicitAuthFlows: [ALLOW_CUSTOM_AUTH]
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: \${self:custom.prefix}-things
`;

const SERVICE = (functions: string, extra = '') => `
service: svc
provider:
  name: aws
  stage: \${opt:stage, 'dev'}
  region: \${opt:region, 'eu-west-1'}
  environment:
    SHARED: \${param:shared}
params:
  default:
    shared: from-default
    level: INFO
  local:
    level: DEBUG
custom:
  prefix: \${self:service}-\${sls:stage}
${extra}
functions:
${functions}
resources:
  - \${file(pool.yml)}
`;

describe('serverless variables', () => {
  it('resolves self, sls, opt, param (stage over default), env and fallbacks to local values', () => {
    const definitions = load({
      'serverless.yml': SERVICE(`
  one:
    handler: fns/one.handler
    environment:
      LEVEL: \${param:level}
      TABLE: \${self:custom.prefix}-things
      FROM_ENV: \${env:MY_VALUE, 'unset'}
      FROM_SSM: \${ssm:/secret/value, 'local-fallback'}
      NESTED: \${env:NOPE, \${param:shared}}
      NUMBER: \${opt:memory, 512}
`),
      'pool.yml': POOL,
    });
    expect(definitions.region).toBe('eu-west-1');
    expect(definitions.pool.UserPoolName).toBe('svc-local');
    expect(definitions.tables).toEqual({ Table: 'svc-local-things' });
    expect(definitions.functions[0]?.environment).toEqual({
      SHARED: 'from-default',
      LEVEL: 'DEBUG',
      TABLE: 'svc-local-things',
      FROM_ENV: 'unset',
      FROM_SSM: 'local-fallback',
      NESTED: 'from-default',
      NUMBER: '512',
    });
  });

  it('lets --param and the environment win, as on the serverless command line', () => {
    const definitions = load(
      {
        'serverless.yml': SERVICE(`
  one:
    handler: fns/one.handler
    environment:
      FROM_ENV: \${env:MY_VALUE, 'unset'}
`),
        'pool.yml': POOL,
      },
      { params: { shared: 'from-cli' }, env: { MY_VALUE: 'set' }, region: 'us-west-2' },
    );
    expect(definitions.region).toBe('us-west-2');
    expect(definitions.functions[0]?.environment).toEqual({ SHARED: 'from-cli', FROM_ENV: 'set' });
  });

  it('names the variable it cannot resolve', () => {
    const files = {
      'serverless.yml': SERVICE(`
  one:
    handler: fns/one.handler
    environment:
      SECRET: \${ssm:/no/fallback}
`),
      'pool.yml': POOL,
    };
    expect(() => load(files)).toThrow(LocalConfigError);
    expect(() => load(files)).toThrow(/\$\{ssm:\/no\/fallback\}/);
  });
});

describe('CloudFormation intrinsics', () => {
  it('evaluates Ref, GetAtt, Sub (with CloudFormation placeholders left to it), Join and If', () => {
    const definitions = load({
      'serverless.yml': SERVICE(`
  one:
    handler: fns/one.handler
    environment:
      TABLE: !Ref Table
      TABLE_ARN: { Fn::GetAtt: [Table, Arn] }
      POOL_ARN: !Sub 'arn:\${AWS::Partition}:cognito-idp:\${AWS::Region}:\${AWS::AccountId}:userpool/\${Pool}'
      JOINED: !Join ['/', [!Ref Pool, !Ref Client]]
      PICKED: !If [IsLocal, yes, no]
      LITERAL: !Sub "\${!PROP('Dim.trigger')} in \${Pool}"
`),
      'pool.yml': `${POOL}
Conditions:
  IsLocal: !Equals ['\${sls:stage}', local]
`,
    });
    expect(definitions.functions[0]?.environment).toEqual({
      SHARED: 'from-default',
      TABLE: 'svc-local-things',
      TABLE_ARN: 'arn:aws:dynamodb:eu-west-1:000000000000:table/svc-local-things',
      POOL_ARN: 'arn:aws:cognito-idp:eu-west-1:000000000000:userpool/eu-west-1_Pool1',
      JOINED: 'eu-west-1_Pool1/client1',
      PICKED: 'yes',
      // `${!Text}` is Fn::Sub's literal `${Text}` (a dashboard's dynamic label), not a variable.
      LITERAL: `\${PROP('Dim.trigger')} in eu-west-1_Pool1`,
    });
    expect(definitions.client.UserPoolId).toBe('eu-west-1_Pool1');
  });
});

describe('attached triggers', () => {
  it("reads cognitoUserPool events and the pool's LambdaConfig, and lists what the local pool does not run", () => {
    const definitions = load({
      'serverless.yml': SERVICE(`
  signUp:
    handler: fns/sign-up.handler
    events:
      - cognitoUserPool: { pool: Pool, trigger: PreSignUp }
  define-it:
    handler: fns/define.main
  tokens:
    handler: fns/tokens.handler
    events:
      - cognitoUserPool: { pool: Pool, trigger: PreTokenGeneration }
`),
      'pool.yml': POOL.replace(
        `UserPoolName: \${self:service}-\${sls:stage}`,
        'UserPoolName: x\n      LambdaConfig:\n        DefineAuthChallenge: !GetAtt DefineDashitLambdaFunction.Arn',
      ),
    });
    const wiring = Object.fromEntries(definitions.functions.map((fn) => [fn.key, fn.triggers]));
    expect(wiring).toEqual({ signUp: ['PreSignUp'], 'define-it': ['DefineAuthChallenge'], tokens: [] });
    expect(definitions.unsupportedTriggers).toEqual(['PreTokenGeneration']);
    expect(definitions.functions[1]).toMatchObject({
      name: 'svc-local-define-it',
      exportName: 'main',
      modulePath: expect.stringMatching(/fns\/define$/),
    });
    expect(definitions.pool.LambdaConfig).toEqual({
      DefineAuthChallenge: 'arn:aws:lambda:eu-west-1:000000000000:function:svc-local-define-it',
      PreSignUp: 'arn:aws:lambda:eu-west-1:000000000000:function:svc-local-signUp',
    });
  });

  it('refuses a trigger attached to two functions', () => {
    expect(() =>
      load({
        'serverless.yml': SERVICE(`
  a:
    handler: fns/a.handler
    events: [{ cognitoUserPool: { pool: Pool, trigger: PreSignUp } }]
  b:
    handler: fns/b.handler
    events: [{ cognitoUserPool: { pool: Pool, trigger: PreSignUp } }]
`),
        'pool.yml': POOL,
      }),
    ).toThrow(/PreSignUp is attached to both a and b/);
  });
});
