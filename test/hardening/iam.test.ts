/**
 * IAM: what the packaged CloudFormation template lets each function do is exactly what its code
 * can do, on the narrowest resources.
 *
 * The service is packaged once, offline, as a fresh clone would (`serverless package --stage dev`,
 * test/package/package-service.ts). Independently, the AWS calls each trigger's code can send are
 * derived from the TypeScript source (support/sdk-calls.ts: every `new XxxCommand(` reachable from
 * the handler, mapped to its IAM action). Then:
 * - no statement anywhere grants a wildcard action;
 * - for each function, the actions its role allows (besides writing its own log group) equal the
 *   actions its code can send: a new call without a grant fails, and so does a grant nobody uses;
 * - resources are named: tables by ARN (the multi-purpose auth-state table further narrowed to the
 *   key prefixes a function uses), Cognito actions on the user pool, SES SendEmail on the sender's
 *   identity (and configuration set) with the From address pinned; `*` only for SNS Publish to a
 *   phone number (a number has no ARN), and then only with the Deny of every SNS ARN beside it.
 * The service is packaged with every optional grant on (a sender for security emails and an SES
 * configuration set): the grants must then equal what the code can send.
 */
import { join } from 'node:path';
import { type Packaged, packageService, type Template } from '../package/package-service';
import { describeTarget } from '../package/template';
import { ROOT, type SdkCall, sdkCallsOf } from './support/sdk-calls';

interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
/** Partition-key prefixes of the auth-state table (functions/shared/auth-state/keys.ts). */
const AUTH_STATE_PREFIXES = ['USER#*', 'CHALLENGE#*', 'SENDS#*'];
/** The one resource-less grant: a phone number has no ARN (docs/two-factor.md, Permissions). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, meant literally.
const SNS_TOPIC_DENY = 'arn:${AWS::Partition}:sns:*:*:*';
/** The optional SES grant, switched on for this test (resources/security-email.yml). */
const SENDER = 'no-reply@mail.example.com';
const CONFIGURATION_SET = 'security-mail';
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub strings, meant literally.
const SES_ARN = 'arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:';
const SES_RESOURCES = [
  `${SES_ARN}identity/${SENDER}`,
  `${SES_ARN}identity/mail.example.com`,
  `${SES_ARN}configuration-set/${CONFIGURATION_SET}`,
];

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function statementsOf(template: Template, roleId: string): Statement[] {
  const role = template.Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${roleId} is not a role`);
  const inline = list(role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );
  const attached = Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy')
    .filter((resource) =>
      list(resource.Properties.Roles as unknown[]).some((ref) => (ref as { Ref?: string }).Ref === roleId),
    )
    .flatMap((resource) => (resource.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}

/** `{ Fn::GetAtt: [X, Arn] }` -> X, `{ Fn::Sub: s }` -> s, a string -> itself. */
function target(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const value = resource as Record<string, unknown>;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return String(getAtt[0]);
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  if (Array.isArray(sub)) return String(sub[0]);
  return JSON.stringify(resource);
}

interface FunctionUnderTest {
  id: string;
  roleId: string;
  logGroupId: string;
  source: string;
}

let packaged: Packaged;
let functions: FunctionUnderTest[];
let calls: Map<string, SdkCall[]>;

beforeAll(async () => {
  // Packaging runs in a child process; the source analysis meanwhile in this one.
  const packaging = packageService('dev', {
    securityEmailFrom: SENDER,
    sesConfigurationSet: CONFIGURATION_SET,
  });
  const handlers = [
    'pre-signup',
    'post-confirmation',
    'pre-authentication',
    'custom-message',
    'define-auth-challenge',
    'create-auth-challenge',
    'verify-auth-challenge',
  ].map((name) => join(ROOT, 'functions', name, 'handler.ts'));
  calls = sdkCallsOf(handlers);
  packaged = await packaging;
  functions = Object.entries(packaged.template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([id, resource]) => {
      const handler = String(resource.Properties.Handler);
      const role = resource.Properties.Role as { 'Fn::GetAtt'?: [string, string] };
      return {
        id,
        roleId: role['Fn::GetAtt']?.[0] ?? JSON.stringify(role),
        logGroupId: id.replace(/LambdaFunction$/, 'LogGroup'),
        source: join(ROOT, `${handler.slice(0, handler.lastIndexOf('.'))}.ts`),
      };
    });
}, 240_000);

test('the template deploys the seven triggers, each with a role of its own', () => {
  expect(functions.map((fn) => fn.source).sort()).toEqual([...calls.keys()].sort());
  expect(new Set(functions.map((fn) => fn.roleId)).size).toBe(functions.length);
});

test('no IAM statement in the template grants a wildcard action', () => {
  const wildcards: string[] = [];
  for (const [id, resource] of Object.entries(packaged.template.Resources)) {
    if (!resource.Type.startsWith('AWS::IAM::')) continue;
    const documents = [
      ...list(resource.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).map(
        (policy) => policy.PolicyDocument,
      ),
      ...(resource.Properties.PolicyDocument
        ? [resource.Properties.PolicyDocument as { Statement: Statement[] }]
        : []),
    ];
    for (const document of documents)
      for (const statement of document.Statement)
        for (const action of list(statement.Action))
          if (action.includes('*')) wildcards.push(`${id}: ${action}`);
  }
  expect(wildcards).toEqual([]);
});

describe('each function', () => {
  test('its role allows exactly the AWS actions its code can send (plus writing its own logs), and no managed policy', () => {
    const mismatches = functions.map((fn) => {
      const allowed = statementsOf(packaged.template, fn.roleId)
        .filter((statement) => statement.Effect === 'Allow')
        .flatMap((statement) => list(statement.Action))
        .filter((action) => !LOG_ACTIONS.includes(action));
      const sent = calls.get(fn.source) ?? [];
      const needed = new Set(sent.map((call) => call.action));
      return {
        function: fn.id,
        grantedButNeverSent: [...new Set(allowed)].filter((action) => !needed.has(action)).sort(),
        sentButNotGranted: sent
          .filter((call) => !allowed.includes(call.action))
          .map((call) => `${call.action} (${call.at})`)
          .sort(),
        managedPolicies: list(
          packaged.template.Resources[fn.roleId]?.Properties.ManagedPolicyArns as unknown[],
        ),
      };
    });
    expect(mismatches).toEqual(
      functions.map((fn) => ({
        function: fn.id,
        grantedButNeverSent: [],
        sentButNotGranted: [],
        managedPolicies: [],
      })),
    );
  });

  test('it may write only to its own log group', () => {
    for (const fn of functions) {
      const logs = statementsOf(packaged.template, fn.roleId).filter((statement) =>
        list(statement.Action).some((action) => action.startsWith('logs:')),
      );
      expect({
        fn: fn.id,
        logs: logs.map((s) => ({ actions: list(s.Action), on: target(s.Resource) })),
      }).toEqual({
        fn: fn.id,
        logs: [{ actions: LOG_ACTIONS, on: fn.logGroupId }],
      });
      expect(packaged.template.Resources[fn.logGroupId]?.Type).toBe('AWS::Logs::LogGroup');
    }
  });

  test('every grant names its resource: tables by ARN (auth-state by key prefix), Cognito the pool, `*` only for SNS Publish with the topic Deny', () => {
    const resources = packaged.template.Resources;
    const problems: string[] = [];
    for (const fn of functions) {
      const statements = statementsOf(packaged.template, fn.roleId);
      const denies = statements.filter((s) => s.Effect === 'Deny');
      for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
        const actions = list(statement.Action);
        const where = `${fn.id} ${actions.join(',')}`;
        for (const resource of list(statement.Resource)) {
          const on = target(resource);
          if (on === '*') {
            const snsToNumbers =
              actions.length === 1 &&
              actions[0] === 'sns:Publish' &&
              denies.some(
                (deny) =>
                  list(deny.Action).includes('sns:Publish') &&
                  list(deny.Resource).some((r) => target(r) === SNS_TOPIC_DENY),
              );
            if (!snsToNumbers) problems.push(`${where}: Resource "*"`);
            continue;
          }
          const service = actions[0]?.split(':')[0];
          if (actions.some((action) => action.split(':')[0] !== service))
            problems.push(`${where}: mixes services`);
          if (service === 'dynamodb') {
            if (resources[on]?.Type !== 'AWS::DynamoDB::Table')
              problems.push(`${where}: not a table (${on})`);
            if (on === 'AuthStateTable') {
              const prefixes = list(
                statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] as string[],
              );
              if (prefixes.length === 0 || !prefixes.every((prefix) => AUTH_STATE_PREFIXES.includes(prefix)))
                problems.push(`${where}: the auth-state table without a key-prefix condition`);
            }
          } else if (service === 'cognito-idp') {
            if (resources[on]?.Type !== 'AWS::Cognito::UserPool')
              problems.push(`${where}: not the user pool (${on})`);
          } else if (service === 'ses') {
            if (!SES_RESOURCES.includes(describeTarget(resource)))
              problems.push(
                `${where}: not the sender's identity or configuration set (${describeTarget(resource)})`,
              );
            if (statement.Condition?.StringEquals?.['ses:FromAddress'] !== SENDER)
              problems.push(`${where}: the From address is not pinned to the sender`);
          } else if (service !== 'logs') {
            problems.push(`${where}: a service this test does not know (${service})`);
          }
          if (on.includes('*')) problems.push(`${where}: wildcard in ${on}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the source analysis the comparison relies on', () => {
  test('sees a call added anywhere a handler can reach, and only the methods it uses', () => {
    // A handler that lists invites through the same store pre-signup uses for `get` only.
    const virtual = join(ROOT, 'functions', '__analysis-check__', 'handler.ts');
    const source = [
      "import { dynamodb } from '#shared/aws/dynamodb';",
      "import { InviteStore } from '#shared/invites/store';",
      "const store = new InviteStore(dynamodb, 'table');",
      'export const handler = async () => (await store.list()).length;',
    ].join('\n');
    const found = sdkCallsOf([virtual], { [virtual]: source }).get(virtual) ?? [];
    expect([...new Set(found.map((call) => call.action))]).toEqual(['dynamodb:Scan']);
  });
});
