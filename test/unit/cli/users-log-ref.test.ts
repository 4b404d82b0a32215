/**
 * `users log-ref`: the hash the triggers log for a user, from the same key and the same formula
 * (HMAC-SHA256 of `<pool id>\n<user name>`, first 16 hex), computed here independently.
 */
import { createHmac } from 'node:crypto';
import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { logger } from '#shared/logger';
import { runCli } from '../../../cli/lib/run';
import { usersProgram } from '../../../cli/users/program';
import { captureLogs } from '../shared/capture-logs';

const idp = mockClient(CognitoIdentityProviderClient);
const POOL = 'us-east-1_UNIT0001';
const KEY = 'k'.repeat(40);
const expected = (name: string) =>
  `u_${createHmac('sha256', KEY).update(`${POOL}\n${name}`, 'utf8').digest('hex').slice(0, 16)}`;

beforeEach(() => idp.reset());

async function run(args: string[], env: Record<string, string | undefined> = { LOG_HASH_KEY: KEY }) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(usersProgram, ['log-ref', ...args], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { USER_POOL_ID: POOL, AUTH_STATE_TABLE: 'auth-state-test', ...env },
    now: () => new Date(),
  });
  return { code, stdout, stderr };
}

test('--email: the hash of the pool`s user name for that user', async () => {
  const username = '7f3bdb9e-6dde-4d28-a081-83363438ab13';
  idp.on(ListUsersCommand).resolves({
    Users: [{ Username: username, Attributes: [{ Name: 'sub', Value: username }], UserStatus: 'CONFIRMED' }],
  });
  const result = await run(['--email', 'ada@example.com']);
  expect(result).toEqual({ code: 0, stdout: `${expected(username)}\n`, stderr: '' });
});

test('--username: the hash of a name as typed, with no lookup; --json says what was hashed', async () => {
  const result = await run(['--username', 'someone@example.com', '--json']);
  expect(JSON.parse(result.stdout)).toEqual({
    userPoolId: POOL,
    userName: 'someone@example.com',
    user: expected('someone@example.com'),
  });
  expect(idp.calls()).toHaveLength(0);
});

test('matches the `user` key the triggers log', async () => {
  process.env.LOG_HASH_KEY = KEY;
  const logs = captureLogs(logger, 'INFO');
  try {
    logger.setUser(POOL, 'typed-name');
    logger.info('a line');
  } finally {
    logs.restore();
    logger.resetKeys();
    delete process.env.LOG_HASH_KEY;
  }
  const [line] = logs.records();
  expect(line?.user).toBe((await run(['--username', 'typed-name'])).stdout.trim());
});

test.each([
  [{}, 'users: set LOG_HASH_KEY to the stage`s logHashKey'],
  [{ LOG_HASH_KEY: 'short' }, 'users: LOG_HASH_KEY must be at least 32 characters'],
])('without a usable key (%j): exit 2, one line, no AWS call', async (env, message) => {
  const result = await run(['--username', 'x'], env);
  expect(result.code).toBe(2);
  expect(result.stderr.startsWith(message)).toBe(true);
  expect(idp.calls()).toHaveLength(0);
});

test('--email and --username together are refused', async () => {
  const result = await run(['--email', 'a@example.com', '--username', 'x']);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/^users: give --email or --username, not both/);
});
