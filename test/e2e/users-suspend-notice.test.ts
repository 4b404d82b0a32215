/**
 * `npm run users -- suspend --local` against a whole local stack: the suspension is a security
 * event like the triggers' (an audit record under the user's partition) and its notice goes
 * through the stack's SES endpoint to the outbox, in the user's language; only once, only to a
 * verified email, and not with --no-notice. The CLI itself is the real program, run in-process.
 */
import {
  AdminCreateUserCommand,
  AdminUpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { runCli } from '../../cli/lib/run';
import { usersProgram } from '../../cli/users/program';
import { startTestStack, type TestStack } from '../helpers/local-stack';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});
afterAll(() => env.stop());

async function users(args: string[], extraEnv: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(usersProgram, args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { PATH: process.env.PATH, PORT: new URL(env.url).port, ...extraEnv },
    now: () => new Date(),
  });
  return { code, stdout, stderr };
}

async function auditTrail(sub: string) {
  const { Items = [] } = await env.dynamodb.send(
    new QueryCommand({
      TableName: env.stack.info.tables.authState,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': `USER#${sub}`, ':audit': 'AUDIT#' },
    }),
  );
  return Items;
}

test('suspend records a `suspended` event and emails the verified address a notice in its language, once', async () => {
  const { email, sub } = await env.signUpInvited('suspend');
  await env.cognito.send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId: env.userPoolId,
      Username: email,
      UserAttributes: [{ Name: 'locale', Value: 'de-DE' }],
    }),
  );
  const before = (await env.outbox({ to: email, channel: 'email' })).length;

  const first = await users([
    'suspend',
    '--email',
    email,
    '--reason',
    'fraud review',
    '--by',
    'ops',
    '--local',
    '--json',
  ]);
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(JSON.parse(first.stdout)).toMatchObject({
    suspended: true,
    updated: false,
    audit: 'recorded',
    notice: 'sent',
  });

  const mail = (await env.outbox({ to: email, channel: 'email' })).slice(before);
  expect(mail).toHaveLength(1);
  expect(mail[0]).toMatchObject({
    from: 'no-reply@example.com',
    subject: 'Sicherheitshinweis: Ihr Example App-Konto wurde gesperrt',
  });
  expect(mail[0]?.body).toContain(
    'Ein Administrator hat Ihr Example App-Konto gesperrt und seine gemerkten Geräte entfernt.',
  );
  expect(mail[0]?.body).not.toContain('fraud review'); // the operator's reason stays in the trail
  expect(mail[0]?.html).toMatch(/^<!DOCTYPE html>\n<html lang="de"/);

  const [record, ...more] = await auditTrail(sub);
  expect(more).toEqual([]);
  expect(record).toMatchObject({ action: 'suspended', by: 'ops', reason: 'fraud review', pk: `USER#${sub}` });
  expect(record?.sk).toMatch(/^AUDIT#\d{4}-\d\d-\d\dT[\d:.]+Z#suspended$/);
  expect(typeof record?.ttl).toBe('number');

  // Suspending again updates the reason: recorded again, but nobody is mailed twice.
  const again = await users(['suspend', '--email', email, '--reason', 'still under review', '--local']);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain('Updated the suspension of');
  expect(again.stdout).toContain('No security notice was sent.');
  expect(await env.outbox({ to: email, channel: 'email' })).toHaveLength(before + 1);
  expect(await auditTrail(sub)).toHaveLength(2);
});

test('--no-notice records the event and mails nobody', async () => {
  const { email, sub } = await env.signUpInvited('quiet');
  const before = (await env.outbox({ to: email })).length;
  const result = await users(['suspend', '--email', email, '--no-notice', '--local', '--json']);
  expect(JSON.parse(result.stdout)).toMatchObject({ audit: 'recorded', notice: 'skipped' });
  expect(await env.outbox({ to: email })).toHaveLength(before);
  expect(await auditTrail(sub)).toHaveLength(1);
});

test('an email that is not verified gets no notice (it may be someone else`s)', async () => {
  const email = `unverified.${Date.now().toString(36)}@example.com`;
  await env.cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: env.userPoolId,
      Username: email,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'false' },
      ],
      MessageAction: 'SUPPRESS',
    }),
  );
  const result = await users(['suspend', '--email', email, '--local']);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('No security notice: the user has no verified email.');
  expect(await env.outbox({ to: email, channel: 'email' })).toEqual([]);
});

describe('without --local: the environment`s settings, as the functions read them', () => {
  const aws = () => ({
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: env.stack.info.region,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: env.url,
    AWS_ENDPOINT_URL_DYNAMODB: env.stack.info.endpoints.dynamodb,
    PORT: undefined,
  });
  const target = () => ['--user-pool-id', env.userPoolId, '--table', env.stack.info.tables.authState];

  test('SES unreachable: the suspension stands, the event is recorded, and the output says the notice failed and why', async () => {
    const { email, sub } = await env.signUpInvited('ses-down');
    const result = await users(['suspend', '--email', email, ...target()], {
      ...aws(),
      SECURITY_EMAIL_FROM: 'no-reply@example.com',
      AWS_ENDPOINT_URL_SESV2: 'http://127.0.0.1:9',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /The security notice could not be sent \(email: SES SendEmail failed: \w+\); the suspension stands\./,
    );
    expect(await auditTrail(sub)).toHaveLength(1);
    expect(await env.outbox({ to: email, channel: 'email' })).toEqual([]);
  });

  test('no SECURITY_EMAIL_FROM: recorded, and the output says no sender is configured', async () => {
    const { email, sub } = await env.signUpInvited('no-sender');
    const result = await users(['suspend', '--email', email, '--json', ...target()], aws());
    expect(JSON.parse(result.stdout)).toMatchObject({ audit: 'recorded', notice: 'no_sender' });
    expect(await auditTrail(sub)).toHaveLength(1);
  });

  test('a SECURITY_EMAIL_FROM that is not an address is refused before anything changes', async () => {
    const { email, sub } = await env.signUpInvited('bad-sender');
    const result = await users(['suspend', '--email', email, ...target()], {
      ...aws(),
      SECURITY_EMAIL_FROM: 'Security <no-reply@example.com>',
    });
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toContain(
      'SECURITY_EMAIL_FROM must be an email address such as no-reply@example.com',
    );
    expect(await auditTrail(sub)).toEqual([]);
    const show = await users(['show', '--email', email, '--json', ...target()], aws());
    expect(JSON.parse(show.stdout)).toMatchObject({ suspended: false });
  });
});
