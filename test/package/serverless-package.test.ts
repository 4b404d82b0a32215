/**
 * What `serverless package` would deploy, read from the CloudFormation template and the zips.
 *
 * The service is packaged twice, in parallel, in scratch copies with no AWS credentials: once
 * creating its own user pool (stage dev, every optional parameter unset) and once attached to an
 * existing pool, with a sender for security emails and an SES configuration set (so every shape of
 * the template is packaged and linted). `serverless print` shows what the prod stage changes.
 * Adding a trigger means adding its row to FUNCTIONS.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeMonitoring } from './monitoring-checks';
import {
  type Packaged,
  packageService,
  printService,
  type Resource,
  type RunResult,
  type Template,
  type ZipEntry,
} from './package-service';
import { allStatements, danglingReferences, describeTarget, findCycle, grantsOf } from './template';

const POOL = '<pool>';
const EXISTING_POOL_NAME = 'Corp Users, v2.eu'; // spaces, a comma and a dot: all legal in a pool name
const EXISTING_POOL_ID = 'us-east-1_TestPool1';
const EXISTING_POOL_ARN = `arn:\${AWS::Partition}:cognito-idp:\${AWS::Region}:\${AWS::AccountId}:userpool/${EXISTING_POOL_ID}`;

interface Expected {
  handler: string;
  trigger: string;
  environment: Record<string, unknown>;
  /**
   * Everything the role may do besides writing its own log group, as `action on target` (`<pool>`:
   * the user pool; `deny action on target` for a Deny; `... if <condition>` for a conditional
   * grant). Targets are logical IDs or ARNs; a target with `*` is allowed only if it is listed here
   * (with a comment saying why it cannot be narrower).
   */
  grants: string[];
}

/**
 * A grant on the auth-state table limited to items whose partition key starts with `prefix`
 * (`USER#`, `CHALLENGE#`, `SENDS#`: functions/shared/auth-state/keys.ts).
 */
const onAuthState = (action: string, prefix: string) =>
  `${action} on AuthStateTable if ForAllValues:StringLike dynamodb:LeadingKeys ${prefix}*`;

/** The settings every custom-auth trigger that counts code attempts must share. */
const MAX_CODE_ATTEMPTS = '3';
/** The lockout policy: PreAuthentication logs it, Create and Verify enforce it, all alike. */
const LOCKOUT = { LOCKOUT_MAX_FAILURES: '5', LOCKOUT_WINDOW_MINUTES: '15' };
const ALLOWED_COUNTRIES = 'US,CA,GB';
const APP_NAME = 'Example App';
/** Branding for the emails Create and Verify send themselves (EMAIL_OTP, security notices). */
const BRANDING = {
  APP_NAME,
  SIGN_IN_URL: 'https://example.com/sign-in',
  SUPPORT_EMAIL: 'support@example.com',
};
/** Security emails: off unless `securityEmailFrom` is given (the dev package gives none). */
const NO_SECURITY_EMAIL = { SECURITY_EMAIL_FROM: '', SES_CONFIGURATION_SET: '' };
/** The sender and configuration set of the existing-pool package, and the SES grant they make. */
const SENDER = 'no-reply@mail.example.com';
const CONFIGURATION_SET = 'security-mail';
const SES_GRANTS = [
  `ses:SendEmail on arn:\${AWS::Partition}:ses:\${AWS::Region}:\${AWS::AccountId}:identity/${SENDER} if StringEquals ses:FromAddress ${SENDER}`,
  `ses:SendEmail on arn:\${AWS::Partition}:ses:\${AWS::Region}:\${AWS::AccountId}:identity/mail.example.com if StringEquals ses:FromAddress ${SENDER}`,
  `ses:SendEmail on arn:\${AWS::Partition}:ses:\${AWS::Region}:\${AWS::AccountId}:configuration-set/${CONFIGURATION_SET} if StringEquals ses:FromAddress ${SENDER}`,
];
/** The functions that email users, and so get SES_GRANTS with a sender. */
const SENDS_EMAIL = ['createAuthChallenge', 'verifyAuthChallenge'];

const FUNCTIONS: Record<string, Expected> = {
  preSignUp: {
    handler: 'functions/pre-signup/handler.handler',
    trigger: 'PreSignUp',
    environment: {
      INVITES_TABLE: { Ref: 'InvitesTable' },
      AUTO_CONFIRM_INVITED_USERS: 'true',
      EXTERNAL_PROVIDER_ALLOWED_DOMAINS: '',
      // Federated sign-up is off unless the operator turns it on.
      ALLOW_FEDERATED_SIGN_UP: 'false',
    },
    grants: [
      'dynamodb:GetItem on InvitesTable',
      // Consuming the invite of a federated sign-up (when allowed): one conditional update.
      'dynamodb:UpdateItem on InvitesTable',
    ],
  },
  postConfirmation: {
    handler: 'functions/post-confirmation/handler.handler',
    trigger: 'PostConfirmation',
    environment: { INVITES_TABLE: { Ref: 'InvitesTable' }, AUTH_STATE_TABLE: { Ref: 'AuthStateTable' } },
    grants: [
      'dynamodb:UpdateItem on InvitesTable',
      'dynamodb:GetItem on InvitesTable',
      // The confirmation time (the enrolment grace), in the user's partition only; a password
      // reset lists the user's remembered devices, records their revocation and deletes them.
      onAuthState('dynamodb:Query', 'USER#'),
      onAuthState('dynamodb:PutItem', 'USER#'),
      onAuthState('dynamodb:UpdateItem', 'USER#'),
      onAuthState('dynamodb:DeleteItem', 'USER#'),
      `cognito-idp:AdminAddUserToGroup on ${POOL}`,
    ],
  },
  preAuthentication: {
    handler: 'functions/pre-authentication/handler.handler',
    trigger: 'PreAuthentication',
    environment: {
      AUTH_STATE_TABLE: { Ref: 'AuthStateTable' },
      INVITES_TABLE: { Ref: 'InvitesTable' },
      ...LOCKOUT,
    },
    grants: [
      // One Query of the user's partition; the INVITE#RECONCILED mark in it.
      onAuthState('dynamodb:Query', 'USER#'),
      onAuthState('dynamodb:PutItem', 'USER#'),
      // Reconciliation of an invite postConfirmation could not settle.
      'dynamodb:UpdateItem on InvitesTable',
      'dynamodb:GetItem on InvitesTable',
      `cognito-idp:AdminAddUserToGroup on ${POOL}`,
    ],
  },
  customMessage: {
    handler: 'functions/custom-message/handler.handler',
    trigger: 'CustomMessage',
    environment: {
      APP_NAME,
      SIGN_IN_URL: 'https://example.com/sign-in',
      SUPPORT_EMAIL: 'support@example.com',
      EMAIL_VERIFICATION_STYLE: 'code',
    },
    grants: [],
  },
  defineAuthChallenge: {
    handler: 'functions/define-auth-challenge/handler.handler',
    trigger: 'DefineAuthChallenge',
    environment: { MAX_CODE_ATTEMPTS, MAX_PHONE_ATTEMPTS: '3', MAX_ROUNDS: '16', MAX_RESENDS: '2' },
    grants: [],
  },
  createAuthChallenge: {
    handler: 'functions/create-auth-challenge/handler.handler',
    trigger: 'CreateAuthChallenge',
    environment: {
      AUTH_STATE_TABLE: { Ref: 'AuthStateTable' },
      OTP_LENGTH: '6',
      OTP_TTL_SECONDS: '180',
      AUTH_SESSION_VALIDITY_MINUTES: '3',
      RESEND_COOLDOWN_SECONDS: '30',
      SEND_LIMIT_PER_USER_PER_HOUR: '5',
      SEND_LIMIT_PER_PHONE_PER_DAY: '10',
      SEND_LIMIT_UNPROVEN_PER_PHONE_PER_DAY: '3',
      SEND_LIMIT_UNPROVEN_PER_USER_PER_DAY: '5',
      MAX_CODE_ATTEMPTS,
      MAX_RESENDS: '2',
      REMEMBER_DEVICE_DAYS: '30',
      ...LOCKOUT,
      ALLOWED_COUNTRIES,
      ...BRANDING,
      ...NO_SECURITY_EMAIL,
      SMS_SENDER_ID: '',
      SMS_ORIGINATION_NUMBER: '',
      SMS_MAX_PRICE_USD: '',
    },
    grants: [
      // The user's status (suspension, lockout): one Query of their partition, nothing written.
      onAuthState('dynamodb:Query', 'USER#'),
      // The user's code, phone candidates and unknown-username decoys.
      onAuthState('dynamodb:GetItem', 'CHALLENGE#'),
      onAuthState('dynamodb:PutItem', 'CHALLENGE#'),
      onAuthState('dynamodb:UpdateItem', 'CHALLENGE#'),
      onAuthState('dynamodb:DeleteItem', 'CHALLENGE#'),
      // The send counters: per user, per verified number, per unproven number and account.
      onAuthState('dynamodb:UpdateItem', 'SENDS#'),
      // Declared exception: Publish to a phone number has no resource ARN, so it can only be
      // allowed on `*`; the Deny removes every ARN SNS has (topics, platform endpoints), leaving
      // direct SMS only.
      'sns:Publish on *',
      `deny sns:Publish on arn:\${AWS::Partition}:sns:*:*:*`,
    ],
  },
  verifyAuthChallenge: {
    handler: 'functions/verify-auth-challenge/handler.handler',
    trigger: 'VerifyAuthChallengeResponse',
    environment: {
      AUTH_STATE_TABLE: { Ref: 'AuthStateTable' },
      ALLOWED_COUNTRIES,
      MAX_CODE_ATTEMPTS,
      REMEMBER_DEVICE_DAYS: '30',
      MAX_REMEMBERED_DEVICES: '10',
      ...LOCKOUT,
      ...BRANDING,
      ...NO_SECURITY_EMAIL,
    },
    grants: [
      // The user's status (one Query), and the failure records the lockout counts.
      onAuthState('dynamodb:Query', 'USER#'),
      onAuthState('dynamodb:PutItem', 'USER#'),
      // Remembered devices: stored (PutItem), proven (the conditional UpdateItem), the oldest
      // dropped and all revoked after a recovery code (DeleteItem).
      onAuthState('dynamodb:UpdateItem', 'USER#'),
      onAuthState('dynamodb:DeleteItem', 'USER#'),
      // The phone candidate of PHONE_REQUIRED and the once-per-round ANSWERED mark (PutItem); the
      // answer recorded on the code's item (UpdateItem: used, or one more wrong answer). The
      // code's item is never read.
      onAuthState('dynamodb:PutItem', 'CHALLENGE#'),
      onAuthState('dynamodb:UpdateItem', 'CHALLENGE#'),
      `cognito-idp:AdminUpdateUserAttributes on ${POOL}`,
      // The end of a recovery signs the user out everywhere.
      `cognito-idp:AdminUserGlobalSignOut on ${POOL}`,
      // The SMS to the number a phone change replaced: direct SMS only, as for Create.
      'sns:Publish on *',
      `deny sns:Publish on arn:\${AWS::Partition}:sns:*:*:*`,
    ],
  },
};
const NAMES = Object.keys(FUNCTIONS);

/** The seven triggers of issues 2-4: FUNCTIONS must cover exactly these. */
const ALL_TRIGGERS = [
  'PreSignUp',
  'PostConfirmation',
  'PreAuthentication',
  'CustomMessage',
  'DefineAuthChallenge',
  'CreateAuthChallenge',
  'VerifyAuthChallengeResponse',
];

interface PrintedConfig {
  functions: Record<string, { environment?: Record<string, unknown> }>;
  resources: { Resources: Record<string, Resource> };
}

/** Serverless's logical-ID prefix for a function key (`preSignUp` -> `PreSignUp`). */
const logical = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

function resource(template: Template, id: string): Resource {
  const found = template.Resources[id];
  if (!found) throw new Error(`no resource ${id} in the template`);
  return found;
}

function ofType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

function roleOf(template: Template, functionId: string): string {
  return describeTarget(resource(template, functionId).Properties.Role);
}

function expectedGrants(name: string, pool: string, sender = false): string[] {
  const logGroup = `${logical(name)}LogGroup`;
  const own = (FUNCTIONS[name]?.grants ?? []).map((grant) => grant.replace(POOL, pool));
  const ses = sender && SENDS_EMAIL.includes(name) ? SES_GRANTS : [];
  return [`logs:CreateLogStream on ${logGroup}`, `logs:PutLogEvents on ${logGroup}`, ...own, ...ses].sort();
}

/**
 * Unpacks a function's zip into an empty directory outside any project (no node_modules to fall
 * back on) and loads its handler in a fresh Node with the function's environment (references to
 * other resources replaced by placeholders). Returns `typeof handler`.
 */
function loadsStandalone(entries: ZipEntry[], file: string, variables: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cat-bundle-'));
  try {
    for (const entry of entries) {
      mkdirSync(join(dir, dirname(entry.name)), { recursive: true });
      writeFileSync(join(dir, entry.name), entry.read());
    }
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    for (const [key, value] of Object.entries(variables)) {
      env[key] = typeof value === 'string' ? value : `placeholder-${describeTarget(value)}`;
    }
    return execFileSync(
      process.execPath,
      ['-e', `process.stdout.write(typeof require(${JSON.stringify(join(dir, file))}).handler)`],
      { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let created: Packaged;
let existing: Packaged;
let prod: RunResult;
let existingWithoutId: RunResult;
let changedSettings: RunResult;
let unknownEmailStyle: RunResult;
let unknownAlarmsSwitch: RunResult;
let badSender: string;

beforeAll(async () => {
  [
    created,
    existing,
    prod,
    existingWithoutId,
    changedSettings,
    unknownEmailStyle,
    unknownAlarmsSwitch,
    badSender,
  ] = await Promise.all([
    packageService('dev'),
    packageService('dev', {
      existingUserPoolName: EXISTING_POOL_NAME,
      existingUserPoolId: EXISTING_POOL_ID,
      securityEmailFrom: SENDER,
      sesConfigurationSet: CONFIGURATION_SET,
    }),
    // Also the switches of the monitoring: no alarms, and an address for them (monitoring-checks.ts).
    printService('prod', { alarms: 'false', alarmEmail: 'ops@example.com' }),
    printService('dev', { existingUserPoolName: EXISTING_POOL_NAME }),
    printService('dev', {
      emailVerificationStyle: 'link',
      authSessionValidityMinutes: '5',
      maxCodeAttempts: '4',
      lockoutMaxFailures: '7',
      lockoutWindowMinutes: '30',
    }),
    printService('dev', { emailVerificationStyle: 'links' }),
    printService('dev', { alarms: 'yes' }),
    // Refused by the package notices plugin before anything is built.
    packageService('dev', { securityEmailFrom: 'security team' }).then(
      () => 'packaged',
      (error: unknown) => String((error as Error).message),
    ),
  ]);
}, 300_000);

function environmentOf(template: Template, name: string): Record<string, unknown> {
  return (
    resource(template, `${logical(name)}LambdaFunction`).Properties.Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables;
}

describe('serverless package: the stack creates its user pool', () => {
  it('creates one user pool: email usernames, case-insensitive, strong passwords, email recovery', () => {
    const pools = ofType(created.template, 'AWS::Cognito::UserPool');
    expect(pools.map(([id]) => id)).toEqual(['CognitoUserPoolUsers']);
    const pool = resource(created.template, 'CognitoUserPoolUsers');
    expect(pool.Properties).toMatchObject({
      UserPoolName: 'cognito-auth-triggers-dev',
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      AutoVerifiedAttributes: ['email'],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 8,
          RequireUppercase: true,
          RequireLowercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      MfaConfiguration: 'OFF',
    });
  });

  it('lets Cognito send no SMS of its own: only email is auto-verified, no SMS configuration, no MFA', () => {
    const pool = resource(created.template, 'CognitoUserPoolUsers').Properties;
    expect(pool.AutoVerifiedAttributes).toEqual(['email']);
    expect(pool).not.toHaveProperty('SmsConfiguration');
    expect(pool).not.toHaveProperty('SmsVerificationMessage');
    expect(pool.MfaConfiguration).toBe('OFF');
  });

  it('keeps a changed email unverified, and the old one in effect, until its code is confirmed', () => {
    const pool = resource(created.template, 'CognitoUserPoolUsers').Properties;
    expect(pool.UserAttributeUpdateSettings).toEqual({
      AttributesRequireVerificationBeforeUpdate: ['email'],
    });
  });

  it('verifies emails the way customMessage words them, and lets no code outlive the auth session', () => {
    const pool = resource(created.template, 'CognitoUserPoolUsers').Properties;
    const [, client] = ofType(created.template, 'AWS::Cognito::UserPoolClient')[0] as [string, Resource];
    expect(pool.VerificationMessageTemplate).toEqual({ DefaultEmailOption: 'CONFIRM_WITH_CODE' });
    expect(environmentOf(created.template, 'customMessage').EMAIL_VERIFICATION_STYLE).toBe('code');
    expect(String(client.Properties.AuthSessionValidity)).toBe(
      environmentOf(created.template, 'createAuthChallenge').AUTH_SESSION_VALIDITY_MINUTES,
    );
  });

  it('moves the pool and the triggers together when emailVerificationStyle or the session length change', () => {
    expect(changedSettings.code).toBe(0);
    const config = JSON.parse(changedSettings.stdout) as PrintedConfig;
    const { CognitoUserPoolUsers: pool, UserPoolClient: client } = config.resources.Resources;
    expect(pool?.Properties.VerificationMessageTemplate).toEqual({ DefaultEmailOption: 'CONFIRM_WITH_LINK' });
    expect(config.functions.customMessage?.environment?.EMAIL_VERIFICATION_STYLE).toBe('link');
    expect(String(client?.Properties.AuthSessionValidity)).toBe('5');
    expect(config.functions.createAuthChallenge?.environment?.AUTH_SESSION_VALIDITY_MINUTES).toBe('5');
  });

  it('gives every trigger that counts code attempts or enforces the lockout the same settings, moved by one parameter', () => {
    expect(changedSettings.code).toBe(0);
    const { functions } = JSON.parse(changedSettings.stdout) as PrintedConfig;
    for (const name of ['defineAuthChallenge', 'createAuthChallenge', 'verifyAuthChallenge'])
      expect({ name, value: functions[name]?.environment?.MAX_CODE_ATTEMPTS }).toEqual({ name, value: '4' });
    for (const name of ['preAuthentication', 'createAuthChallenge', 'verifyAuthChallenge'])
      expect({ name, environment: functions[name]?.environment }).toMatchObject({
        name,
        environment: { LOCKOUT_MAX_FAILURES: '7', LOCKOUT_WINDOW_MINUTES: '30' },
      });
  });

  it('refuses to package with an emailVerificationStyle other than code or link, naming the setting it feeds', () => {
    expect(unknownEmailStyle.code).not.toBe(0);
    expect(unknownEmailStyle.stdout + unknownEmailStyle.stderr).toMatch(/custom\.defaultEmailOption\b/);
  });

  it('leaves the pool and the tables unprotected outside prod, so a dev stage can be removed', () => {
    const pool = resource(created.template, 'CognitoUserPoolUsers');
    expect(pool.Properties.DeletionProtection).toBe('INACTIVE');
    for (const id of ['CognitoUserPoolUsers', 'InvitesTable', 'AuthStateTable']) {
      expect(resource(created.template, id).DeletionPolicy).toBe('Delete');
    }
    for (const id of ['InvitesTable', 'AuthStateTable']) {
      expect(resource(created.template, id).Properties.DeletionProtectionEnabled).toBe(false);
    }
  });

  it('protects and retains the pool and the tables in prod', () => {
    expect(prod.code).toBe(0);
    const config = JSON.parse(prod.stdout) as { resources: { Resources: Record<string, Resource> } };
    const { CognitoUserPoolUsers: pool, InvitesTable, AuthStateTable } = config.resources.Resources;
    expect(pool?.Properties.DeletionProtection).toBe('ACTIVE');
    for (const kept of [pool, InvitesTable, AuthStateTable]) {
      expect(kept?.DeletionPolicy).toBe('Retain');
      expect(kept?.UpdateReplacePolicy).toBe('Retain');
    }
    expect(InvitesTable?.Properties.DeletionProtectionEnabled).toBe(true);
    expect(AuthStateTable?.Properties.DeletionProtectionEnabled).toBe(true);
  });

  it('creates one app client: no secret, CUSTOM_AUTH and refresh only, no user-existence errors', () => {
    const clients = ofType(created.template, 'AWS::Cognito::UserPoolClient');
    expect(clients).toHaveLength(1);
    const [, client] = clients[0] as [string, Resource];
    expect(client.Properties.UserPoolId).toEqual({ Ref: 'CognitoUserPoolUsers' });
    expect(client.Properties.GenerateSecret).toBe(false);
    expect([...(client.Properties.ExplicitAuthFlows as string[])].sort()).toEqual([
      'ALLOW_CUSTOM_AUTH',
      'ALLOW_REFRESH_TOKEN_AUTH',
    ]);
    expect(client.Properties).toMatchObject({
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
    // A stage parameter, so a string; CloudFormation reads "3" as the integer 3.
    expect(String(client.Properties.AuthSessionValidity)).toBe('3');
    expect(client.Properties.WriteAttributes).not.toContain('phone_number');
  });

  it('creates both tables on demand, with TTL on `ttl` and point-in-time recovery', () => {
    const tables = Object.fromEntries(ofType(created.template, 'AWS::DynamoDB::Table'));
    expect(Object.keys(tables).sort()).toEqual(['AuthStateTable', 'InvitesTable']);
    expect(tables.InvitesTable?.Properties.TableName).toBe('cognito-auth-triggers-dev-invites');
    expect(tables.AuthStateTable?.Properties.TableName).toBe('cognito-auth-triggers-dev-auth-state');
    for (const table of Object.values(tables)) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    }
  });

  it('attaches every trigger to the pool, and nothing else', () => {
    expect(NAMES.map((name) => FUNCTIONS[name]?.trigger).sort()).toEqual([...ALL_TRIGGERS].sort());
    const lambdaConfig = resource(created.template, 'CognitoUserPoolUsers').Properties.LambdaConfig;
    const expected = Object.fromEntries(
      NAMES.map((name) => [
        FUNCTIONS[name]?.trigger,
        { 'Fn::GetAtt': [`${logical(name)}LambdaFunction`, 'Arn'] },
      ]),
    );
    expect(lambdaConfig).toEqual(expected);
  });

  it('lets Cognito invoke each trigger from this pool only', () => {
    const permissions = ofType(created.template, 'AWS::Lambda::Permission').map(([, r]) => r.Properties);
    for (const name of NAMES) {
      expect(permissions).toContainEqual({
        FunctionName: { 'Fn::GetAtt': [`${logical(name)}LambdaFunction`, 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'cognito-idp.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': ['CognitoUserPoolUsers', 'Arn'] },
      });
    }
    expect(permissions).toHaveLength(NAMES.length);
  });

  it('runs every function on nodejs22.x arm64, 256 MB, 5 s, with its settings', () => {
    const functions = ofType(created.template, 'AWS::Lambda::Function');
    expect(functions.map(([id]) => id).sort()).toEqual(
      NAMES.map((n) => `${logical(n)}LambdaFunction`).sort(),
    );
    for (const name of NAMES) {
      const fn = resource(created.template, `${logical(name)}LambdaFunction`).Properties;
      expect(fn).toMatchObject({
        Handler: FUNCTIONS[name]?.handler,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Timeout: 5,
        FunctionName: `cognito-auth-triggers-dev-${name}`,
        Environment: {
          Variables: {
            POWERTOOLS_SERVICE_NAME: 'cognito-auth-triggers',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            // The key of the user hash in the logs: empty unless the operator sets logHashKey.
            LOG_HASH_KEY: '',
            ...FUNCTIONS[name]?.environment,
          },
        },
      });
      // --enable-source-maps would parse the source map at every cold start (docs/deploy.md).
      expect(fn).not.toHaveProperty(['Environment', 'Variables', 'NODE_OPTIONS']);
    }
  });

  it('gives each function a role of its own, and creates no other role', () => {
    const roles = NAMES.map((name) => roleOf(created.template, `${logical(name)}LambdaFunction`));
    expect(new Set(roles).size).toBe(NAMES.length);
    expect(
      ofType(created.template, 'AWS::IAM::Role')
        .map(([id]) => id)
        .sort(),
    ).toEqual([...roles].sort());
  });

  it.each(NAMES)('grants %s exactly the actions its code calls, on named resources', (name) => {
    const role = roleOf(created.template, `${logical(name)}LambdaFunction`);
    expect(grantsOf(created.template, role)).toEqual(expectedGrants(name, 'CognitoUserPoolUsers'));
  });

  it('has no wildcard action anywhere, and no wildcard resource that FUNCTIONS does not declare', () => {
    const statements = allStatements(created.template);
    expect(statements.length).toBeGreaterThan(0);
    const declared = new Set(NAMES.flatMap((name) => FUNCTIONS[name]?.grants ?? []));
    for (const { owner, statement } of statements) {
      expect(Object.keys(statement).filter((key) => key.startsWith('Not'))).toEqual([]);
      const actions = [statement.Action].flat();
      expect({ owner, actions: actions.filter((a) => a.includes('*')) }).toEqual({ owner, actions: [] });
      const prefix = statement.Effect === 'Allow' ? '' : `${statement.Effect.toLowerCase()} `;
      const undeclared = actions.flatMap((action) =>
        [statement.Resource]
          .flat()
          .map(describeTarget)
          .filter((target) => target.includes('*'))
          .map((target) => `${prefix}${action} on ${target}`)
          .filter((line) => !declared.has(line)),
      );
      expect({ owner, undeclared }).toEqual({ owner, undeclared: [] });
    }
  });

  it('has no dependency cycle and no dangling reference', () => {
    expect(findCycle(created.template)).toBeNull();
    expect(danglingReferences(created.template)).toEqual([]);
  });

  it('outputs the pool and client IDs', () => {
    expect(created.template.Outputs).toMatchObject({
      UserPoolId: { Value: { Ref: 'CognitoUserPoolUsers' } },
      UserPoolClientId: { Value: { Ref: 'UserPoolClient' } },
    });
  });

  it('packs each function alone: its bundled handler and source map, which load with no node_modules', () => {
    expect(Object.keys(created.zips).sort()).toEqual(NAMES.map((name) => `${name}.zip`).sort());
    for (const name of NAMES) {
      const file = `${(FUNCTIONS[name]?.handler ?? '').replace(/\.[^.]+$/, '')}.js`;
      const entries = created.zips[`${name}.zip`] ?? [];
      expect(entries.map((entry) => entry.name).sort()).toEqual([file, `${file}.map`]);
      const code =
        entries
          .find((entry) => entry.name === file)
          ?.read()
          .toString('utf8') ?? '';
      expect(code).toMatch(/sourceMappingURL=handler\.js\.map\s*$/);
      expect(loadsStandalone(entries, file, environmentOf(created.template, name))).toBe('function');
    }
  });
});

describe('serverless package: triggers attached to an existing pool', () => {
  it('creates no user pool and no app client', () => {
    expect(ofType(existing.template, 'AWS::Cognito::UserPool')).toEqual([]);
    expect(ofType(existing.template, 'AWS::Cognito::UserPoolClient')).toEqual([]);
    expect(existing.template.Outputs?.UserPoolId?.Value).toBe(EXISTING_POOL_ID);
  });

  it('attaches every trigger to the named pool, re-applied on every deploy', () => {
    const attachments = ofType(existing.template, 'Custom::CognitoUserPool').map(([, r]) => r.Properties);
    expect(attachments).toHaveLength(NAMES.length);
    for (const name of NAMES) {
      expect(attachments).toContainEqual(
        expect.objectContaining({
          FunctionName: `cognito-auth-triggers-dev-${name}`,
          UserPoolName: EXISTING_POOL_NAME,
          UserPoolConfigs: [{ Trigger: FUNCTIONS[name]?.trigger }],
          ForceDeploy: expect.any(Number),
        }),
      );
    }
  });

  it.each(NAMES)(
    'grants %s the same actions, scoped to the existing pool (and SES, to the emailing ones)',
    (name) => {
      const role = roleOf(existing.template, `${logical(name)}LambdaFunction`);
      expect(grantsOf(existing.template, role)).toEqual(expectedGrants(name, EXISTING_POOL_ARN, true));
    },
  );

  it('adds only serverless`s deploy-time attachment role, whose broad grants are known', () => {
    const roles = ofType(existing.template, 'AWS::IAM::Role').map(([id]) => id);
    const functionRoles = NAMES.map((name) => roleOf(existing.template, `${logical(name)}LambdaFunction`));
    expect(roles.filter((id) => !functionRoles.includes(id))).toEqual([
      'IamRoleCustomResourcesLambdaExecution',
    ]);
    for (const { owner, statement } of allStatements(existing.template)) {
      const actions = [statement.Action].flat().filter((action) => action.includes('*'));
      expect({ owner, actions }).toEqual({ owner, actions: [] });
    }
    // Serverless's own custom resource (runs only while CloudFormation deploys): documented in
    // docs/deploy.md. Listed exactly so that a change in serverless shows up here.
    const lambdaFunctions = `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:*`;
    expect(grantsOf(existing.template, 'IamRoleCustomResourcesLambdaExecution')).toEqual(
      [
        'cognito-idp:DescribeUserPool on *',
        'cognito-idp:ListUserPools on *',
        'cognito-idp:UpdateUserPool on *',
        `iam:PassRole on arn:\${AWS::Partition}:iam::*:role/*`,
        `lambda:AddPermission on ${lambdaFunctions} if StringEquals lambda:Principal cognito-idp.amazonaws.com`,
        `lambda:RemovePermission on ${lambdaFunctions}`,
      ].sort(),
    );
  });

  it('has no dependency cycle and no dangling reference', () => {
    expect(findCycle(existing.template)).toBeNull();
    expect(danglingReferences(existing.template)).toEqual([]);
  });

  it('refuses to package without existingUserPoolId, naming it', () => {
    expect(existingWithoutId.code).not.toBe(0);
    expect(existingWithoutId.stdout + existingWithoutId.stderr).toMatch(/ExistingUserPoolId/);
  });
});

describe('serverless package: security emails (securityEmailFrom, sesConfigurationSet)', () => {
  const sesStatements = (template: Template) =>
    allStatements(template).filter(({ statement }) =>
      [statement.Action].flat().some((action) => action.startsWith('ses:')),
    );

  it('without a sender: no SES grant anywhere, empty settings, and packaging says security emails are off', () => {
    expect(sesStatements(created.template)).toEqual([]);
    for (const name of SENDS_EMAIL)
      expect(environmentOf(created.template, name)).toMatchObject(NO_SECURITY_EMAIL);
    expect(created.output).toMatch(/Security emails are OFF: no securityEmailFrom parameter/);
    expect(created.output).toContain('--param securityEmailFrom=');
  });

  it('with a sender: Create and Verify may SendEmail as that sender only, on its identity and configuration set, and nobody else may', () => {
    for (const name of SENDS_EMAIL) {
      expect(environmentOf(existing.template, name)).toMatchObject({
        SECURITY_EMAIL_FROM: SENDER,
        SES_CONFIGURATION_SET: CONFIGURATION_SET,
      });
      const role = roleOf(existing.template, `${logical(name)}LambdaFunction`);
      expect(grantsOf(existing.template, role).filter((grant) => grant.startsWith('ses:'))).toEqual(
        [...SES_GRANTS].sort(),
      );
    }
    const owners = new Set(sesStatements(existing.template).map(({ owner }) => owner));
    expect([...owners].sort()).toEqual(['SecurityEmailConfigurationSetPolicy', 'SecurityEmailSendPolicy']);
    for (const owner of owners) {
      const roles = resource(existing.template, owner).Properties.Roles as unknown[];
      expect(roles.map(describeTarget).sort()).toEqual(
        SENDS_EMAIL.map((name) => roleOf(existing.template, `${logical(name)}LambdaFunction`)).sort(),
      );
    }
    expect(existing.output).not.toContain('Security emails are OFF');
  });

  it('refuses a sender that is not an email address, naming the parameter', () => {
    expect(badSender).toMatch(/securityEmailFrom must be an email address such as no-reply@example\.com/);
  });
});

// Alarms, dashboard, saved queries and cfn-lint (monitoring-checks.ts), on the same packages.
describeMonitoring(() => ({
  created: created.template,
  existing: existing.template,
  withoutAlarms: prod,
  badSwitch: unknownAlarmsSwitch,
}));
