/**
 * The invites CLI against the integration DynamoDB Local (AWS_ENDPOINT_URL_DYNAMODB, table invites-test).
 * The main story and a few failures run the real entry point as a child process (exit statuses
 * included); the remaining cases call the same program in-process through `runCli`, which is
 * exactly what the entry point runs, to keep the suite quick.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { dynamodb } from '#shared/aws/dynamodb';
import { canonicalInviteCode } from '#shared/invites/code';
import { checkInvite, newInvite } from '#shared/invites/invite';
import { InviteStore } from '#shared/invites/store';
import { invitesProgram } from '../../cli/invites/program';
import { runCli } from '../../cli/lib/run';

const ROOT = join(__dirname, '..', '..');
const TABLE = 'invites-test';
const CODE_PATTERN =
  /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/g;
const store = new InviteStore(dynamodb, TABLE);
let n = 0;
const uniqueEmail = (label: string) => `cli-${label}-${process.pid}-${Date.now()}-${n++}@example.com`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx cli/invites.ts ...args` and resolves with its exit status and output. */
function runChild(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'cli/invites.ts', ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs the same program in-process. */
async function run(args: string[], env: Record<string, string | undefined> = process.env): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(invitesProgram, args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
    now: () => new Date(),
  });
  return { code, stdout, stderr };
}

const oneLine = (text: string) => text.trimEnd().split('\n').length === 1;

describe('as a child process: create -> show -> list --json -> revoke', () => {
  const email = uniqueEmail('story');
  let code = '';

  test('create prints the code once, with its expiry, and stores only its hash', async () => {
    const result = await runChild([
      'create',
      '--email',
      email.toUpperCase(),
      '--group',
      'beta',
      '--days',
      '3',
      '--table',
      TABLE,
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const codes = result.stdout.match(CODE_PATTERN) ?? [];
    expect(codes).toHaveLength(1);
    code = codes[0] ?? '';
    expect(result.stdout).toContain(`Invite created for ${email}`);
    expect(result.stdout).toMatch(/Expires: +\d{4}-\d\d-\d\d \d\d:\d\d UTC \(in 3 days\)/);

    const stored = await store.get(email);
    expect(stored).toMatchObject({ status: 'pending', group: 'beta' });
    expect(JSON.stringify(stored)).not.toContain(code);
    // The printed code is the one that works.
    expect(checkInvite(stored, canonicalInviteCode(code) ?? '', new Date()).ok).toBe(true);
  });

  test('show prints the invite as aligned details, without the code', async () => {
    const result = await runChild(['show', '--email', email, '--table', TABLE]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^Email: +${email}$`, 'm'));
    expect(result.stdout).toMatch(/^Status: +pending$/m);
    expect(result.stdout).toMatch(/^Group: +beta$/m);
    expect(result.stdout).not.toContain(code);
    expect(result.stdout).not.toMatch(CODE_PATTERN);
  });

  test('list --json is machine-readable and carries neither code nor hash', async () => {
    const result = await runChild(['list', '--json', '--table', TABLE]);
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    const mine = listed.find((invite) => invite.email === email);
    expect(mine).toEqual({
      email,
      status: 'pending',
      group: 'beta',
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(result.stdout).not.toContain(code);
    expect(result.stdout).not.toContain('codeHash');
  });

  test('revoke revokes; a second revoke says it already was and still exits 0', async () => {
    const first = await runChild(['revoke', '--email', email, '--table', TABLE]);
    expect(first).toMatchObject({ code: 0, stdout: `Revoked the invite for ${email}.\n`, stderr: '' });
    expect(await store.get(email)).toMatchObject({ status: 'revoked' });
    const second = await runChild(['revoke', '--email', email, '--table', TABLE, '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ email, status: 'revoked', outcome: 'already_revoked' });
  });
});

describe('as a child process: failures are one line on stderr with a non-zero exit status', () => {
  test('bad email (2), unknown invite (1), revoking an accepted invite (1), DynamoDB unreachable (1)', async () => {
    const accepted = uniqueEmail('accepted');
    await store.put(newInvite({ email: accepted, code: '01ABCD23EFGHJK45', days: 7, now: new Date() }));
    await store.consume(accepted, 'sub-1', new Date());
    const missing = uniqueEmail('missing');

    const [badEmail, unknown, revokeAccepted, unreachable] = await Promise.all([
      runChild(['create', '--email', 'not-an-email', '--table', TABLE]),
      runChild(['show', '--email', missing, '--table', TABLE]),
      runChild(['revoke', '--email', accepted, '--table', TABLE]),
      runChild(['list', '--table', TABLE], { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' }),
    ]);

    expect(badEmail).toMatchObject({ code: 2, stdout: '' });
    expect(badEmail.stderr).toMatch(/^invites: 'not-an-email' is not a valid email address/);
    expect(unknown).toMatchObject({ code: 1, stdout: '', stderr: `invites: no invite for ${missing}\n` });
    expect(revokeAccepted).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `invites: the invite for ${accepted} has already been accepted and cannot be revoked\n`,
    });
    expect(unreachable).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'invites: cannot reach DynamoDB at http://127.0.0.1:9 (ECONNREFUSED)\n',
    });
    for (const result of [badEmail, unknown, revokeAccepted, unreachable])
      expect(oneLine(result.stderr)).toBe(true);
    expect(await store.get(accepted)).toMatchObject({ status: 'accepted', acceptedBy: 'sub-1' });
    expect(await store.get(missing)).toBeUndefined();
  });
});

describe('in-process: command-line errors (exit 2) change nothing', () => {
  test.each([
    [
      ['create', '--email', 'x@example.com', '--days', '0'],
      "--days must be a whole number from 1 to 90 (got '0')",
    ],
    [
      ['create', '--email', 'x@example.com', '--days', '91'],
      "--days must be a whole number from 1 to 90 (got '91')",
    ],
    [
      ['create', '--email', 'x@example.com', '--days', 'seven'],
      "--days must be a whole number from 1 to 90 (got 'seven')",
    ],
    [['create', '--email', 'x@example.com', '--group', 'two words'], '--group must be a Cognito group name'],
    [['create'], '--email is required'],
    [['create', '--email'], '--email needs a value'],
    [['create', '--email', 'ada@@example.com'], "'ada@@example.com' is not a valid email address"],
    [['frobnicate'], "unknown command 'frobnicate' (commands: create, list, show, revoke)"],
    [['list', '--frob'], "unknown option --frob for 'list'"],
    [['list', '--email', 'x@example.com'], "unknown option --email for 'list'"],
    [['list', 'extra'], "unexpected argument 'extra' for 'list'"],
    [['list', '--json=yes'], '--json does not take a value'],
    [['list', '--status', 'gone'], '--status must be one of pending, accepted, revoked, expired'],
    [['list', '--stage', 'no/slashes'], '--stage must be letters, digits and dashes'],
  ])('%j -> %s', async (args, message) => {
    const result = await run([...args, '--table', TABLE]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.startsWith(`invites: ${message}`)).toBe(true);
    expect(oneLine(result.stderr)).toBe(true);
    expect(await store.get('x@example.com')).toBeUndefined();
  });

  test('no command prints the help on stderr with status 2', async () => {
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: npm run invites -- <command> [options]');
  });

  test('--help and <command> --help print usage on stdout with status 0', async () => {
    const help = await run(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    for (const command of ['create', 'list', 'show', 'revoke'])
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const create = await run(['create', '--help']);
    expect(create.stdout).toContain(
      'Usage: npm run invites -- create --email EMAIL [--group GROUP] [--days N] [options]',
    );
    expect(create.stdout).toContain('--days N');
    expect(await run(['help', 'revoke'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('revoke --email'),
    });
  });
});

describe('in-process: behaviour', () => {
  test('create --json carries the code once; re-inviting says what it replaced and only the new code works', async () => {
    const email = uniqueEmail('json');
    const first = await run(['create', '--email', email, '--json', '--table', TABLE]);
    expect(first.code).toBe(0);
    const created = JSON.parse(first.stdout) as Record<string, string>;
    expect(created).toEqual({
      email,
      status: 'pending',
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
      code: expect.stringMatching(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/),
    });
    expect(Date.parse(created.expiresAt ?? '') - Date.parse(created.createdAt ?? '')).toBe(7 * 86_400_000);
    expect(first.stdout.match(CODE_PATTERN)).toHaveLength(1);

    const second = await run(['create', '--email', email, '--table', TABLE]);
    expect(second.stdout).toContain(`Invite created for ${email} (replaces the pending invite)`);
    const stored = await store.get(email);
    expect(checkInvite(stored, canonicalInviteCode(created.code ?? '') ?? '', new Date())).toEqual({
      ok: false,
      reason: 'code_mismatch',
    });
  });

  test('create refuses to replace an accepted invite and leaves it as it was', async () => {
    const email = uniqueEmail('accepted');
    await store.put(newInvite({ email, code: '01ABCD23EFGHJK45', days: 7, now: new Date() }));
    await store.consume(email, 'sub-1', new Date());
    const before = await store.get(email);
    const result = await run(['create', '--email', email, '--table', TABLE]);
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `invites: the invite for ${email} has already been accepted and cannot be replaced\n`,
    });
    expect(await store.get(email)).toEqual(before);
  });

  test('list --status filters by the status a reader sees (expired = pending past its expiry)', async () => {
    const label = `filter-${process.pid}-${Date.now()}`;
    const emails = {
      pending: `${label}-pending@example.com`,
      accepted: `${label}-accepted@example.com`,
      revoked: `${label}-revoked@example.com`,
      expired: `${label}-expired@example.com`,
    };
    const code = '01ABCD23EFGHJK45';
    await store.put(newInvite({ email: emails.pending, code, days: 7, now: new Date() }));
    await store.put(newInvite({ email: emails.accepted, code, days: 7, now: new Date() }));
    await store.consume(emails.accepted, 'sub-1', new Date());
    await store.put(newInvite({ email: emails.revoked, code, days: 7, now: new Date() }));
    await store.revoke(emails.revoked, new Date());
    await store.put(
      newInvite({ email: emails.expired, code, days: 1, now: new Date(Date.now() - 2 * 86_400_000) }),
    );

    for (const status of ['pending', 'accepted', 'revoked', 'expired'] as const) {
      const result = await run(['list', '--status', status, '--json', '--table', TABLE]);
      const mine = (JSON.parse(result.stdout) as Array<{ email: string; status: string }>).filter((invite) =>
        invite.email.startsWith(label),
      );
      expect(mine).toEqual([expect.objectContaining({ email: emails[status], status })]);
    }
  });

  test('list prints an aligned table with a header and a count', async () => {
    const email = uniqueEmail('table');
    await store.put(newInvite({ email, code: '01ABCD23EFGHJK45', group: 'beta', days: 7, now: new Date() }));
    const result = await run(['list', '--table', TABLE]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    const header = lines[0] ?? '';
    expect(header).toMatch(/^EMAIL +STATUS +GROUP +CREATED +EXPIRES +ACCEPTED$/);
    const row = lines.find((line) => line.startsWith(email)) ?? '';
    expect(row.indexOf('pending')).toBe(header.indexOf('STATUS'));
    expect(row.indexOf('beta')).toBe(header.indexOf('GROUP'));
    expect(lines.at(-1)).toMatch(/^\d+ invites?$/);
  });

  test('the table name comes from INVITES_TABLE when --table is absent, else from the stage', async () => {
    const email = uniqueEmail('env');
    await store.put(newInvite({ email, code: '01ABCD23EFGHJK45', days: 7, now: new Date() }));
    const fromEnv = await run(['show', '--email', email], { ...process.env, INVITES_TABLE: TABLE });
    expect(fromEnv.code).toBe(0);

    const noEnv = { ...process.env, INVITES_TABLE: undefined };
    const dev = await run(['list'], noEnv);
    expect(dev.code).toBe(1);
    expect(dev.stderr).toMatch(
      /^invites: table 'cognito-auth-triggers-dev-invites' not found in DynamoDB at http/,
    );
    const prod = await run(['list', '--stage', 'prod'], noEnv);
    expect(prod.stderr).toMatch(/^invites: table 'cognito-auth-triggers-prod-invites' not found/);
  });

  describe('--local', () => {
    let stack: unknown;
    const server: Server = createServer((request, response) => {
      if (request.url === '/_local/stack') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stack));
      } else response.writeHead(404).end();
    });
    beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = () => String((server.address() as AddressInfo).port);

    test("uses the running stack's DynamoDB endpoint and invites table, whatever the environment says", async () => {
      const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '';
      stack = {
        userPoolId: 'local_pool1',
        clientId: 'localclient',
        region: 'eu-west-1',
        endpoints: { cognito: 'http://127.0.0.1:1', dynamodb: endpoint, sns: 'http://127.0.0.1:1' },
        tables: { invites: TABLE, authState: 'auth-state-test' },
      };
      const email = uniqueEmail('local');
      const env = {
        ...process.env,
        PORT: port(),
        INVITES_TABLE: 'not-this-table',
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
      };
      const result = await run(['create', '--email', email, '--local'], env);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(await store.get(email)).toMatchObject({ status: 'pending' });
    });

    test('a stack that is not running is one clear line, status 1', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const deadPort = String((closed.address() as AddressInfo).port);
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const result = await run(['list', '--local'], { ...process.env, PORT: deadPort });
      expect(result).toMatchObject({
        code: 1,
        stdout: '',
        stderr: `invites: the local stack is not running at http://127.0.0.1:${deadPort}/_local/stack (start it with 'npm start', or set PORT)\n`,
      });
    });

    test('something else on the port is reported, not mistaken for the stack', async () => {
      stack = { hello: 'world' };
      const result = await run(['list', '--local'], { ...process.env, PORT: port() });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^invites: the local stack at .* sent an unexpected description/);
    });
  });
});
