/**
 * The users CLI against the integration DynamoDB Local (table auth-state-test) and a tiny user pool on
 * 127.0.0.1 that speaks AWS JSON 1.1 for the Cognito operations the CLI uses (test/helpers/
 * fake-user-pool.ts) and records every request.
 * The main story runs the real entry point as a child process; the rest calls the same program
 * in-process through `runCli`. The pre-authentication handler is run against the same table to
 * prove the CLI and the trigger agree.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AccountStatusStore, assertSignInAllowed, DEFAULT_LOCKOUT } from '#shared/auth-state/account-status';
import { dynamodb } from '#shared/aws/dynamodb';
import { SIGN_IN_NOT_ALLOWED_MESSAGE } from '#shared/challenge/errors';
import { runCli } from '../../cli/lib/run';
import { usersProgram } from '../../cli/users/program';
import { emailFilter } from '../../cli/users/status';
import { type FakeUser, FakeUserPool } from '../helpers/fake-user-pool';

const ROOT = join(__dirname, '..', '..');
const TABLE = 'auth-state-test';
const POOL = 'us-east-1_CLITEST01';
const accounts = new AccountStatusStore(dynamodb, TABLE);

const pool = new FakeUserPool(POOL);
let env: Record<string, string | undefined> = {};

beforeAll(async () => {
  await pool.start(() => ({
    userPoolId: POOL,
    clientId: 'client1',
    region: 'us-east-1',
    endpoints: { cognito: pool.url, dynamodb: process.env.AWS_ENDPOINT_URL_DYNAMODB, sns: pool.url },
    tables: { invites: 'invites-test', authState: TABLE },
  }));
  env = {
    ...process.env,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: pool.url,
    USER_POOL_ID: undefined,
    AUTH_STATE_TABLE: undefined,
  };
});
afterAll(() => pool.stop());
beforeEach(() => {
  pool.requests = [];
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runChild(args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'cli/users.ts', ...args],
      { cwd: ROOT, env: { ...env, ...extraEnv } as NodeJS.ProcessEnv, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function run(args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(usersProgram, args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { ...env, ...extraEnv },
    now: () => new Date(),
  });
  return { code, stdout, stderr };
}

const target = ['--user-pool-id', POOL, '--table', TABLE];
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
async function putFailure(sub: string, minutes: number) {
  const at = minutesAgo(minutes);
  await dynamodb.send(
    new PutCommand({
      TableName: TABLE,
      Item: { pk: `USER#${sub}`, sk: `FAIL#${at}#${randomUUID().slice(0, 8)}`, at, reason: 'wrong_code' },
    }),
  );
}
/**
 * What a sign-in meets after the password: the account check Create and Verify make (the same
 * records and rule; PreAuthentication, before the password, denies nothing any more).
 */
function signIn(user: FakeUser) {
  return assertSignInAllowed(
    new AccountStatusStore(dynamodb, TABLE),
    user.sub,
    new Date(),
    DEFAULT_LOCKOUT,
  ).then(() => 'allowed');
}

describe('as a child process: suspend -> show -> unsuspend', () => {
  const user = pool.add();

  test('suspend stores the suspension, signs the user out, and the trigger then denies sign-in', async () => {
    const result = await runChild([
      'suspend',
      '--email',
      (user.email ?? '').toUpperCase(),
      '--reason',
      'chargeback dispute',
      '--by',
      'ops-oncall',
      ...target,
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`Suspended ${user.email} (${user.sub}).`);
    expect(result.stdout).toContain('Their sessions were signed out.');
    const records = await accounts.read(user.sub, new Date());
    expect(records.suspension).toMatchObject({ reason: 'chargeback dispute', by: 'ops-oncall' });
    expect(pool.requests.map((r) => r.target)).toEqual(['ListUsers', 'ListUsers', 'AdminUserGlobalSignOut']);
    expect(pool.requests[2]?.body).toEqual({ UserPoolId: POOL, Username: user.Username });
    await expect(signIn(user)).rejects.toThrow(SIGN_IN_NOT_ALLOWED_MESSAGE);
  });

  test('show --json reports the suspension', async () => {
    const result = await runChild(['show', '--email', user.email ?? '', '--json', ...target]);
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout);
    expect(view).toMatchObject({
      email: user.email,
      sub: user.sub,
      suspended: true,
      suspension: { reason: 'chargeback dispute', by: 'ops-oncall' },
      recentFailures: 0,
      lockout: { maxFailures: 5, windowMinutes: 15 },
    });
  });

  test('unsuspend lifts it and the trigger allows sign-in again', async () => {
    const result = await runChild(['unsuspend', '--email', user.email ?? '', ...target]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Unsuspended .* \(suspended since .* by ops-oncall\)\.\n$/);
    expect((await accounts.read(user.sub, new Date())).suspension).toBeUndefined();
    await expect(signIn(user)).resolves.toBeDefined();
  });

  test('an unknown user exits 1 with one line', async () => {
    const result = await runChild(['show', '--email', 'nobody@example.com', ...target]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`users: no user with the email nobody@example.com in ${POOL}\n`);
  });
});

describe('show', () => {
  test('counts recent failures and shows the lockout', async () => {
    const user = pool.add();
    for (const minutes of [30, 12, 9, 7, 5, 3]) await putFailure(user.sub, minutes);
    const result = await run(['show', '--email', user.email ?? '', '--json', ...target]);
    const view = JSON.parse(result.stdout);
    expect(view).toMatchObject({ suspended: false, recentFailures: 5, failuresLast24h: 6 });
    expect(Date.parse(view.lockedOutUntil)).toBeGreaterThan(Date.now());
    expect(view).not.toHaveProperty('lastSuccessAt');
    await expect(signIn(user)).rejects.toThrow(SIGN_IN_NOT_ALLOWED_MESSAGE);
  });

  test('as a table for people', async () => {
    const user = pool.add();
    await putFailure(user.sub, 2);
    const result = await run(['show', '--email', user.email ?? '', ...target]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Email:`);
    expect(result.stdout).toMatch(/Sign-in:\s+allowed/);
    expect(result.stdout).toMatch(/Suspended:\s+no/);
    expect(result.stdout).toMatch(/Recent failures:\s+1 of 5 allowed in 15 min \(1 in the last 24 h\)/);
    expect(result.stdout).not.toContain('Last success');
  });

  test('applies the deployed lockout settings from the environment', async () => {
    const user = pool.add();
    for (const minutes of [3, 2]) await putFailure(user.sub, minutes);
    const result = await run(['show', '--email', user.email ?? '', '--json', ...target], {
      LOCKOUT_MAX_FAILURES: '2',
    });
    expect(JSON.parse(result.stdout)).toMatchObject({ recentFailures: 2, lockout: { maxFailures: 2 } });
    expect(JSON.parse(result.stdout).lockedOutUntil).toBeDefined();
  });
});

/** Every failure record of a user still in the table (the audit trail), read directly. */
async function storedFailures(sub: string): Promise<number> {
  const { Items = [] } = await dynamodb.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :fail)',
      ExpressionAttributeValues: { ':pk': `USER#${sub}`, ':fail': 'FAIL#' },
      ConsistentRead: true,
    }),
  );
  return Items.length;
}

describe('unlock', () => {
  test("forgives failures stamped by a clock ahead of the operator's (the reset goes after the newest)", async () => {
    const user = pool.add();
    // Lambda's clock 30 s ahead of this machine's: the newest failures look like the future here.
    for (const minutes of [4, 3, 2, -0.25, -0.5]) await putFailure(user.sub, minutes);
    await expect(signIn(user)).rejects.toThrow(SIGN_IN_NOT_ALLOWED_MESSAGE);
    const result = await run(['unlock', '--email', user.email ?? '', '--json', ...target]);
    const unlocked = JSON.parse(result.stdout);
    // After the newest failure (~30 s ahead), not at this machine's now.
    expect(Date.parse(unlocked.lockoutReset.at)).toBeGreaterThan(Date.now() + 25_000);
    expect(unlocked).toMatchObject({ countedBefore: 5, countedNow: 0 });
    await expect(signIn(user)).resolves.toBeDefined();
  });

  test('as a child process: a locked-out user is let in at once, and the failures stay in the table', async () => {
    const user = pool.add();
    for (const minutes of [10, 8, 6, 4, 2]) await putFailure(user.sub, minutes);
    await expect(signIn(user)).rejects.toThrow(SIGN_IN_NOT_ALLOWED_MESSAGE);

    const result = await runChild([
      'unlock',
      '--email',
      user.email ?? '',
      '--reason',
      'attacker hammered the account',
      '--by',
      'ops-oncall',
      ...target,
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`Unlocked ${user.email} (${user.sub}).`);
    expect(result.stdout).toMatch(
      /Failures counted toward the lockout: 5 before, 0 now \(was locked out until .* UTC\)\./,
    );
    expect(result.stdout).toContain('sessions were not signed out');
    expect(pool.requests.map((r) => r.target)).not.toContain('AdminUserGlobalSignOut');

    await expect(signIn(user)).resolves.toBeDefined();
    expect(await storedFailures(user.sub)).toBe(5);

    const show = await run(['show', '--email', user.email ?? '', '--json', ...target]);
    expect(JSON.parse(show.stdout)).toMatchObject({
      recentFailures: 0,
      failuresLast24h: 5,
      lockoutReset: { by: 'ops-oncall', reason: 'attacker hammered the account' },
    });
    expect(JSON.parse(show.stdout).lockedOutUntil).toBeUndefined();
    const table = await run(['show', '--email', user.email ?? '', ...target]);
    expect(table.stdout).toMatch(/Sign-in:\s+allowed/);
    expect(table.stdout).toMatch(
      /Lockout reset:\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC by ops-oncall: attacker hammered/,
    );
  });

  test('failures after the unlock count again: five more lock the user again', async () => {
    const user = pool.add();
    for (const minutes of [5, 4, 3, 2, 1]) await putFailure(user.sub, minutes);
    await run(['unlock', '--email', user.email ?? '', ...target]);
    // Stamped a second or so ahead, so they are surely later than the reset, even within its millisecond.
    for (const minutes of [0.04, 0.03, 0.02, 0.01]) await putFailure(user.sub, -minutes);
    await expect(signIn(user)).resolves.toBeDefined();
    await putFailure(user.sub, -0.05);
    await expect(signIn(user)).rejects.toThrow(SIGN_IN_NOT_ALLOWED_MESSAGE);
  });

  test('--json; the default operator; a suspension is left alone and still denies', async () => {
    const user = pool.add();
    await run(['suspend', '--email', user.email ?? '', '--keep-sessions', ...target]);
    for (const minutes of [3, 2, 1]) await putFailure(user.sub, minutes);
    const result = await run(['unlock', '--email', user.email ?? '', '--json', ...target]);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output).toMatchObject({
      email: user.email,
      sub: user.sub,
      updated: true,
      countedBefore: 3,
      countedNow: 0,
      suspended: true,
      lockoutReset: { by: expect.stringMatching(/users CLI/) },
    });
    expect(output.lockoutReset).not.toHaveProperty('reason');
    expect(output.lockedOutUntilBefore).toBeUndefined();
    expect((await accounts.read(user.sub, new Date())).suspension).toBeDefined();
    await expect(signIn(user)).rejects.toThrow(SIGN_IN_NOT_ALLOWED_MESSAGE);
    const text = await run(['unlock', '--email', user.email ?? '', ...target]);
    expect(text.stdout).toContain('The user is still suspended: `users unsuspend` lifts that.');
  });

  test('an earlier reset never replaces a later one (an operator whose clock is behind)', async () => {
    const user = pool.add();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await accounts.resetLockout(user.sub, { at: later, by: 'clock-ahead' });
    const result = await run(['unlock', '--email', user.email ?? '', '--json', ...target]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      updated: false,
      lockoutReset: { at: later, by: 'clock-ahead' },
    });
    expect((await accounts.read(user.sub, new Date())).lockoutReset).toMatchObject({
      at: later,
      by: 'clock-ahead',
    });
    const text = await run(['unlock', '--email', user.email ?? '', ...target]);
    expect(text.stdout).toContain('already has a later lockout reset');
  });

  test('a later unlock replaces an earlier one', async () => {
    const user = pool.add();
    await accounts.resetLockout(user.sub, { at: minutesAgo(30), by: 'first', reason: 'old' });
    await run(['unlock', '--email', user.email ?? '', '--by', 'second', ...target]);
    expect((await accounts.read(user.sub, new Date())).lockoutReset).toEqual({
      at: expect.any(String),
      by: 'second',
      reason: undefined,
    });
  });

  test('an unknown email exits 1 with one line and writes nothing', async () => {
    const result = await run(['unlock', '--email', 'nobody-unlock@example.com', ...target]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`users: no user with the email nobody-unlock@example.com in ${POOL}\n`);
    expect(result.stdout).toBe('');
  });
});

describe('suspend and unsuspend', () => {
  test('suspending again updates the reason; --keep-sessions skips the sign-out', async () => {
    const user = pool.add();
    await run(['suspend', '--email', user.email ?? '', ...target]);
    pool.requests = [];
    const result = await run([
      'suspend',
      '--email',
      user.email ?? '',
      '--reason',
      'second',
      '--keep-sessions',
      '--json',
      ...target,
    ]);
    expect(JSON.parse(result.stdout)).toMatchObject({ suspended: true, updated: true, signedOut: false });
    expect(pool.requests.map((r) => r.target)).not.toContain('AdminUserGlobalSignOut');
    expect((await accounts.read(user.sub, new Date())).suspension?.reason).toBe('second');
  });

  test('the default reason and operator are recorded', async () => {
    const user = pool.add();
    await run(['suspend', '--email', user.email ?? '', ...target]);
    const suspension = (await accounts.read(user.sub, new Date())).suspension;
    expect(suspension?.reason).toBe('no reason given');
    expect(suspension?.by).toMatch(/users CLI/);
  });

  test('unsuspending a user who is not suspended changes nothing and says so', async () => {
    const user = pool.add();
    const result = await run(['unsuspend', '--email', user.email ?? '', '--json', ...target]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ suspended: false, wasSuspended: false });
  });

  test('when signing out fails the suspension stands and the command says to run it again', async () => {
    const user = pool.add();
    pool.refuse.add('AdminUserGlobalSignOut');
    let result: Run;
    try {
      result = await run(['suspend', '--email', user.email ?? '', ...target]);
    } finally {
      pool.refuse.delete('AdminUserGlobalSignOut');
    }
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^users: ${user.email} is suspended, but signing out their sessions failed \\(.*NotAuthorizedException.*\\); run suspend again\n$`,
      ),
    );
    expect((await accounts.read(user.sub, new Date())).suspension).toBeDefined();
  });
});

describe('where it acts', () => {
  test('--local reads the running stack: no pool id or table needed', async () => {
    const user = pool.add();
    const port = new URL(pool.url).port;
    const result = await run(['suspend', '--email', user.email ?? '', '--local', '--json'], {
      PORT: port,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: undefined,
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect((await accounts.read(user.sub, new Date())).suspension).toBeDefined();
  });

  test('the pool id may come from USER_POOL_ID and the table from AUTH_STATE_TABLE', async () => {
    const user = pool.add();
    const result = await run(['show', '--email', user.email ?? ''], {
      USER_POOL_ID: POOL,
      AUTH_STATE_TABLE: TABLE,
    });
    expect(result.code).toBe(0);
  });

  test('a user whose username is the email and who has no email attribute is found with AdminGetUser', async () => {
    const user = pool.add({ Username: 'legacy@example.com', email: undefined });
    const result = await run(['show', '--email', 'legacy@example.com', '--json', ...target]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).sub).toBe(user.sub);
    expect(pool.requests.map((r) => r.target)).toEqual(['ListUsers', 'AdminGetUser']);
  });
});

describe('bad input gets one line and changes nothing', () => {
  test.each([
    [['suspend'], 2, 'users: --email is required'],
    [['unlock', '--reason', 'x'], 2, 'users: --email is required'],
    [
      ['suspend', '--email', 'not-an-email', ...target],
      2,
      "users: 'not-an-email' is not a valid email address",
    ],
    [
      ['suspend', '--email', 'a@example.com', '--reason', 'x'.repeat(201), ...target],
      2,
      'users: --reason must be at most 200',
    ],
    [['show', '--email', 'a@example.com', '--table', TABLE], 2, 'users: no user pool: pass --user-pool-id'],
    [['frobnicate'], 2, "users: unknown command 'frobnicate'"],
  ])('%j exits %i: %s', async (args, code, message) => {
    const result = await run(args as string[]);
    expect(result.code).toBe(code);
    expect(result.stderr.startsWith(message)).toBe(true);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(pool.requests).toEqual([]);
  });

  test('two users with the same email: refused, nothing written', async () => {
    const first = pool.add({ email: 'twice@example.com' });
    pool.add({ email: 'twice@example.com' });
    const result = await run(['suspend', '--email', 'twice@example.com', ...target]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('more than one user');
    expect((await accounts.read(first.sub, new Date())).suspension).toBeUndefined();
  });

  // As a child process: under jest, Node's network errors come from another realm and the SDK
  // wraps them without their code, which is not what a user of the CLI sees.
  test('an unreachable user pool is named with its address', async () => {
    const result = await runChild(['show', '--email', 'a@example.com', ...target], {
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: 'http://127.0.0.1:9',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^users: cannot reach Cognito at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)\n$/,
    );
  });

  test('an unknown user pool is reported as such', async () => {
    const result = await run([
      'show',
      '--email',
      'a@example.com',
      '--user-pool-id',
      'us-east-1_NOPE',
      '--table',
      TABLE,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("user pool 'us-east-1_NOPE' not found");
  });
});

test('the ListUsers filter escapes quotes and backslashes', () => {
  expect(emailFilter('ada@example.com')).toBe('email = "ada@example.com"');
  expect(emailFilter('a"b\\c@example.com')).toBe('email = "a\\"b\\\\c@example.com"');
});
