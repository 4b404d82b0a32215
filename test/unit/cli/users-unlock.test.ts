/**
 * `users unlock`: a bad command line gets one short line on stderr, exit status 2, and no AWS call
 * at all (the clients are faked here, so any call would be recorded). What unlock does against a
 * real table: test/integration/users-cli.test.ts.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { runCli } from '../../../cli/lib/run';
import { usersProgram } from '../../../cli/users/program';

const idp = mockClient(CognitoIdentityProviderClient);
const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => {
  idp.reset();
  ddb.reset();
});

async function run(args: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(usersProgram, args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { USER_POOL_ID: 'us-east-1_UNIT0001', AUTH_STATE_TABLE: 'auth-state-test', ...env },
    now: () => new Date('2030-01-01T12:00:00.000Z'),
  });
  return { code, stdout, stderr };
}

test.each([
  ['no --email', ['unlock'], {}, 'users: --email is required'],
  ['--email without a value', ['unlock', '--email'], {}, 'users: --email'],
  [
    'an invalid email',
    ['unlock', '--email', 'not-an-email'],
    {},
    "users: 'not-an-email' is not a valid email address",
  ],
  [
    'a --reason over 200 characters',
    ['unlock', '--email', 'a@example.com', '--reason', 'x'.repeat(201)],
    {},
    'users: --reason must be at most 200 characters on one line',
  ],
  [
    'a --reason with a line break',
    ['unlock', '--email', 'a@example.com', '--reason', 'two\nlines'],
    {},
    'users: --reason must be at most 200 characters on one line',
  ],
  [
    'a --by over 100 characters',
    ['unlock', '--email', 'a@example.com', '--by', 'o'.repeat(101)],
    {},
    'users: --by must be at most 100 characters',
  ],
  ['an unknown option', ['unlock', '--email', 'a@example.com', '--force'], {}, 'users: '],
  [
    'a lockout setting out of range',
    ['unlock', '--email', 'a@example.com'],
    { LOCKOUT_WINDOW_MINUTES: '0' },
    'users: Invalid configuration: LOCKOUT_WINDOW_MINUTES must be at least 1',
  ],
  [
    'no user pool',
    ['unlock', '--email', 'a@example.com'],
    { USER_POOL_ID: undefined },
    'users: no user pool: pass --user-pool-id',
  ],
])('%s: exit 2, one line, nothing sent', async (_name, args, env, message) => {
  const result = await run(args, env);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.startsWith(message)).toBe(true);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(idp.calls()).toHaveLength(0);
  expect(ddb.calls()).toHaveLength(0);
});

test('unlock --help says it keeps the failures, the suspension and the sessions', async () => {
  const result = await run(['unlock', '--help']);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('--email EMAIL [--reason TEXT] [--by NAME]');
  expect(result.stdout).toContain('A suspension is not touched');
  expect(result.stdout).toContain('the user is not signed out');
  expect(result.stdout).toContain('24 h audit trail');
});
