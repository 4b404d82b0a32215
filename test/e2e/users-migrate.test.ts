/**
 * `users migrate` against a local pool that already has users of every kind the command knows:
 * ready for the triggers, no phone, an unverified phone, a verified number outside the allowed
 * countries, a landline, Cognito's own SMS MFA, a software token with and without a usable phone,
 * an unverified email and no email at all. Users the pool's API cannot make (a software token needs
 * AssociateSoftwareToken; the pool requires an email) are in the pool file the stack starts from,
 * as a pool that existed before would have them. The rest are made with AdminCreateUser.
 *
 * A proxy in front of the pool can fail one ListUsers call, to stop a run mid-way and resume it.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AUDIT_TTL_DAYS } from '#shared/auth-state/keys';
import { runCli } from '../../cli/lib/run';
import { usersProgram } from '../../cli/users/program';
import { startTestStack, type TestStack } from '../helpers/local-stack';

let env: TestStack;
let dir: string;
let stateFile: string;

/** One user of the pool, by what the test expects of them. */
interface Kind {
  email?: string;
  sub: string;
  username: string;
}
const kinds: Record<string, Kind> = {};

/** Users written into the pool file before the stack starts (what the API cannot create). */
function seededUser(name: string, attributes: Record<string, string>, mfa: Record<string, unknown>) {
  const sub = randomUUID();
  kinds[name] = { sub, username: sub, email: attributes.email };
  const now = Date.now();
  return {
    userName: sub,
    attributes: { sub, ...attributes },
    pending: {},
    status: 'CONFIRMED',
    enabled: true,
    createdAt: now,
    updatedAt: now,
    password: undefined,
    codes: {},
    groups: [],
    mfa,
  };
}

async function createUser(name: string, attributes: Record<string, string>): Promise<void> {
  const email = attributes.email ?? '';
  const { User } = await env.cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: env.userPoolId,
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    }),
  );
  const sub = User?.Attributes?.find((a) => a.Name === 'sub')?.Value ?? '';
  kinds[name] = { sub, username: User?.Username ?? '', email };
}

const email = (name: string) => `migrate.${name}.${Date.now().toString(36)}@example.com`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'users-migrate-'));
  stateFile = join(dir, 'state.json');
  const persistDir = join(dir, 'stack');
  mkdirSync(persistDir);
  writeFileSync(
    join(persistDir, 'cognito-pool.json'),
    JSON.stringify({
      version: 1,
      secrets: { hmacKey: Buffer.alloc(32, 7).toString('base64') },
      users: [
        seededUser(
          'totpWithPhone',
          {
            email: email('totp-phone'),
            email_verified: 'true',
            phone_number: '+14155550190',
            phone_number_verified: 'true',
          },
          { sms: false, softwareToken: true, softwareTokenAssociated: true, preferred: 'SOFTWARE_TOKEN_MFA' },
        ),
        seededUser(
          'totpNoPhone',
          { email: email('totp-only'), email_verified: 'true' },
          { sms: false, softwareToken: true, softwareTokenAssociated: true, preferred: 'SOFTWARE_TOKEN_MFA' },
        ),
        seededUser('noEmail', { phone_number: '+14155550191', phone_number_verified: 'true' }, {}),
      ],
      groups: [],
      refreshTokens: [],
    }),
  );
  env = await startTestStack({ persistDir });
  const verified = (name: string) => ({ email: email(name), email_verified: 'true' });
  await createUser('ready', {
    ...verified('ready'),
    phone_number: env.newPhone(),
    phone_number_verified: 'true',
  });
  await createUser('noPhone', verified('no-phone'));
  await createUser('phoneUnverified', { ...verified('unverified-phone'), phone_number: env.newPhone() });
  await createUser('foreignPhone', {
    ...verified('foreign'),
    phone_number: '+33612345678',
    phone_number_verified: 'true',
  });
  await createUser('landline', {
    ...verified('landline'),
    phone_number: '+442079460000',
    phone_number_verified: 'true',
  });
  await createUser('smsMfa', {
    ...verified('sms-mfa'),
    phone_number: env.newPhone(),
    phone_number_verified: 'true',
  });
  await env.cognito.send(
    new AdminSetUserMFAPreferenceCommand({
      UserPoolId: env.userPoolId,
      Username: kinds.smsMfa?.username,
      SMSMfaSettings: { Enabled: true, PreferredMfa: true },
    }),
  );
  await createUser('emailUnverified', {
    email: email('unverified-email'),
    phone_number: env.newPhone(),
    phone_number_verified: 'true',
  });
}, 120_000);

afterAll(async () => {
  await env?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function migrate(args: string[], extraEnv: Record<string, string | undefined> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(usersProgram, ['migrate', '--state', stateFile, ...args], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { PORT: new URL(env.url).port, ...extraEnv },
    now: () => new Date(),
  });
  return { code, stdout, stderr };
}

type Report = {
  counts: Record<string, number>;
  changes: { planned: number; applied: number };
  usersRead: number;
  users: Array<{
    username: string;
    outcome: string;
    findings: Array<{ kind: string; detail?: string }>;
    change?: { applied: boolean };
  }>;
  findings: Record<string, { why: string; fix: string }>;
};

function byKind(report: Report): Record<string, { outcome: string; findings: string[]; applied?: boolean }> {
  return Object.fromEntries(
    Object.entries(kinds).map(([name, kind]) => {
      const user = report.users.find((u) => u.username === kind.username);
      return [
        name,
        user
          ? {
              outcome: user.outcome,
              findings: user.findings.map((f) => f.kind),
              ...(user.change ? { applied: user.change.applied } : {}),
            }
          : { outcome: 'ok', findings: [] },
      ];
    }),
  );
}

async function mfaOf(name: string) {
  const user = await env.cognito.send(
    new AdminGetUserCommand({ UserPoolId: env.userPoolId, Username: kinds[name]?.username }),
  );
  return { enabled: user.UserMFASettingList ?? [], preferred: user.PreferredMfaSetting };
}

async function auditRecords(name: string) {
  const { Items = [] } = await env.dynamodb.send(
    new QueryCommand({
      TableName: env.stack.info.tables.authState,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': `USER#${kinds[name]?.sub}`, ':audit': 'AUDIT#' },
    }),
  );
  return Items;
}

const EXPECTED = {
  ready: { outcome: 'ok', findings: [] },
  noPhone: { outcome: 'enrol', findings: ['no_phone'] },
  phoneUnverified: { outcome: 'enrol', findings: ['phone_unverified'] },
  foreignPhone: { outcome: 'locked_out', findings: ['phone_not_usable'] },
  landline: { outcome: 'locked_out', findings: ['phone_not_usable'] },
  smsMfa: { outcome: 'locked_out', findings: ['cognito_mfa'], applied: false },
  totpWithPhone: { outcome: 'locked_out', findings: ['cognito_mfa'], applied: false },
  totpNoPhone: { outcome: 'locked_out', findings: ['no_phone', 'cognito_mfa'] },
  emailUnverified: { outcome: 'downgraded', findings: ['email_unverified'] },
  noEmail: { outcome: 'downgraded', findings: ['no_email'] },
};

describe('a dry run (the default)', () => {
  let report: Report;
  let run: Run;
  beforeAll(async () => {
    run = await migrate(['--local', '--json']);
    report = JSON.parse(run.stdout) as Report;
  });

  it('judges every kind of user as the triggers would', () => {
    expect(run.code).toBe(0);
    expect(byKind(report)).toEqual(EXPECTED);
    expect(report.usersRead).toBe(10);
    expect(report.counts).toEqual({ ok: 1, enrol: 2, downgraded: 2, locked_out: 5 });
  });

  it('says why: the reason a number cannot get a code, which MFA factor is on', () => {
    const detail = (name: string) =>
      report.users.find((u) => u.username === kinds[name]?.username)?.findings.map((f) => f.detail);
    expect(detail('foreignPhone')).toEqual(['country_not_allowed']);
    // libphonenumber's mobile-only metadata: a London landline is not a valid (mobile) number.
    expect(detail('landline')).toEqual(['not_valid']);
    expect(detail('smsMfa')).toEqual(['SMS_MFA on, SMS_MFA preferred']);
    expect(detail('totpWithPhone')).toEqual(['SOFTWARE_TOKEN_MFA on, SOFTWARE_TOKEN_MFA preferred']);
    expect(Object.keys(report.findings).sort()).toEqual([
      'cognito_mfa',
      'email_unverified',
      'no_email',
      'no_phone',
      'phone_not_usable',
      'phone_unverified',
    ]);
    for (const text of Object.values(report.findings)) {
      expect(text.why.length).toBeGreaterThan(40);
      expect(text.fix.length).toBeGreaterThan(20);
    }
  });

  it('changes nothing: MFA stays on, no audit record, and no state file is left behind', async () => {
    expect(report.changes).toEqual({ planned: 2, applied: 0 });
    expect(await mfaOf('smsMfa')).toEqual({ enabled: ['SMS_MFA'], preferred: 'SMS_MFA' });
    expect(await auditRecords('smsMfa')).toEqual([]);
    expect(existsSync(stateFile)).toBe(false);
  });

  it('reports progress on stderr, not stdout', () => {
    expect(run.stderr).toBe('users migrate: 10 users read, done\n');
  });

  it('prints a report for people, with the fix of each finding', async () => {
    const text = await migrate(['--local']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^Checked 10 users of \S+ against the triggers \(allowed countries: US, CA, GB\)\./,
    );
    expect(text.stdout).toMatch(/locked out\s+5\s+cannot sign in/);
    expect(text.stdout).toContain("--apply would turn Cognito's own MFA off for 2 users");
    expect(text.stdout).toContain(kinds.foreignPhone?.email);
    expect(text.stdout).toMatch(
      /phone_not_usable \(2 users, locked out\)\n\s+Why: .*\n\s+Fix: Add the country to allowedCountries/,
    );
  });

  it('runs as `npm run users -- migrate`: the real entry point, in a process of its own', async () => {
    const child = await new Promise<Run>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'cli/users.ts', 'migrate', '--local', '--json', '--state', stateFile],
        {
          cwd: join(__dirname, '..', '..'),
          env: { ...process.env, PORT: new URL(env.url).port },
          timeout: 60_000,
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(child).toMatchObject({ code: 0, stderr: 'users migrate: 10 users read, done\n' });
    expect(JSON.parse(child.stdout).counts).toEqual(report.counts);
  }, 60_000);

  it('judges by the countries given: FR allowed, the French number is fine', async () => {
    const run = await migrate(['--local', '--json', '--allowed-countries', 'US,FR']);
    expect(byKind(JSON.parse(run.stdout) as Report).foreignPhone).toEqual({ outcome: 'ok', findings: [] });
  });
});

describe('--apply', () => {
  let first: Report;
  beforeAll(async () => {
    const run = await migrate(['--local', '--json', '--apply', '--by', 'ops-oncall']);
    expect(run.code).toBe(0);
    first = JSON.parse(run.stdout) as Report;
  });

  it("turns Cognito's MFA off only where the user's phone can get the suite's code", async () => {
    expect(first.changes).toEqual({ planned: 2, applied: 2 });
    expect(await mfaOf('smsMfa')).toEqual({ enabled: [], preferred: undefined });
    expect(await mfaOf('totpWithPhone')).toEqual({ enabled: [], preferred: undefined });
    // No usable phone: turning TOTP off would leave the password alone. Reported, not changed.
    expect(await mfaOf('totpNoPhone')).toEqual({
      enabled: ['SOFTWARE_TOKEN_MFA'],
      preferred: 'SOFTWARE_TOKEN_MFA',
    });
    expect(await auditRecords('totpNoPhone')).toEqual([]);
  });

  it('records each change in the audit trail first, with who, what it was, and how to undo it', async () => {
    const [record] = await auditRecords('totpWithPhone');
    expect(await auditRecords('totpWithPhone')).toHaveLength(1);
    expect(record).toMatchObject({
      sk: expect.stringMatching(/^AUDIT#\d{4}-.*#disable_cognito_mfa$/),
      by: 'ops-oncall',
      tool: 'users migrate',
      action: 'disable_cognito_mfa',
      before: { enabled: ['SOFTWARE_TOKEN_MFA'], preferred: 'SOFTWARE_TOKEN_MFA' },
      undo: `aws cognito-idp admin-set-user-mfa-preference --user-pool-id ${env.userPoolId} --username ${kinds.totpWithPhone?.username} --software-token-mfa-settings Enabled=true,PreferredMfa=true`,
    });
    // Kept as long as every audit record: AUDIT_TTL_DAYS after it was made, then DynamoDB deletes it.
    expect(record?.ttl).toBe(Math.floor(Date.parse(String(record?.at)) / 1000) + AUDIT_TTL_DAYS * 86_400);
  });

  it('is reversible: the recorded undo restores the factor', async () => {
    const [record] = await auditRecords('smsMfa');
    expect(record?.before).toEqual({ enabled: ['SMS_MFA'], preferred: 'SMS_MFA' });
    await env.cognito.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: env.userPoolId,
        Username: kinds.smsMfa?.username,
        SMSMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    expect(await mfaOf('smsMfa')).toEqual({ enabled: ['SMS_MFA'], preferred: 'SMS_MFA' });
    // ...and a second run turns it off again, with a second record.
    const again = JSON.parse((await migrate(['--local', '--json', '--apply'])).stdout) as Report;
    expect(again.changes).toEqual({ planned: 1, applied: 1 });
    expect(await auditRecords('smsMfa')).toHaveLength(2);
    expect(byKind(again).smsMfa).toEqual({ outcome: 'locked_out', findings: ['cognito_mfa'], applied: true });
  });

  it('changes nothing more when run again: the fixed users are now ready', async () => {
    const run = JSON.parse((await migrate(['--local', '--json', '--apply'])).stdout) as Report;
    expect(run.changes).toEqual({ planned: 0, applied: 0 });
    expect(byKind(run).totpWithPhone).toEqual({ outcome: 'ok', findings: [] });
    expect(run.counts).toEqual({ ok: 3, enrol: 2, downgraded: 2, locked_out: 3 });
  });
});

describe('a large pool: paged, and resumable after a failure', () => {
  let proxy: Server;
  let proxyUrl = '';
  /** ListUsers calls from this one on fail (the SDK's retry included); 0: none fail. */
  let failListUsersFrom = 0;
  let listCalls = 0;

  beforeAll(async () => {
    // 70 more ready users: two pages of 60.
    for (let i = 0; i < 70; i++) {
      await env.cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: env.userPoolId,
          Username: email(`bulk${i}`),
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'email', Value: email(`bulk${i}`) },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      );
    }
    proxy = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target.endsWith('.ListUsers') && ++listCalls >= failListUsersFrom && failListUsersFrom > 0) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'TooManyRequestsException', message: 'Too many requests' }));
        return;
      }
      const answer = await fetch(`${env.url}/`, {
        method: 'POST',
        headers: { 'content-type': String(req.headers['content-type']), 'x-amz-target': target },
        body,
      });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' });
      res.end(await answer.text());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

  const throughProxy = (args: string[]) =>
    migrate(
      ['--user-pool-id', env.userPoolId, '--table', env.stack.info.tables.authState, '--json', ...args],
      {
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: proxyUrl,
        AWS_ENDPOINT_URL_DYNAMODB: env.stack.info.endpoints.dynamodb,
        AWS_REGION: env.stack.info.region,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      },
    );

  it('stops at a failed page with its progress saved, then resumes there and counts every user once', async () => {
    listCalls = 0;
    failListUsersFrom = 2;
    const stopped = await throughProxy([]);
    expect(stopped.code).toBe(1);
    expect(stopped.stdout).toBe('');
    expect(stopped.stderr).toMatch(
      new RegExp(
        `^users migrate: 60 users read\\.\\.\\.\\nusers: Cognito request failed at .*TooManyRequestsException.*; 60 users done before this page, progress saved in ${stateFile.replace(/[.]/g, '\\.')}: run the same command to continue\\n$`,
      ),
    );
    const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(saved).toMatchObject({ usersRead: 60, pages: 1, next: expect.any(String), apply: false });

    failListUsersFrom = 0;
    const resumed = await throughProxy([]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toBe(
      `users migrate: resuming from ${stateFile} (60 users already read)\nusers migrate: 80 users read, done\n`,
    );
    const report = JSON.parse(resumed.stdout) as Report;
    expect(report.usersRead).toBe(80);
    expect(Object.values(report.counts).reduce((a, b) => a + b, 0)).toBe(80);
    expect(new Set(report.users.map((u) => u.username)).size).toBe(report.users.length);
    expect(existsSync(stateFile)).toBe(false);
  }, 60_000);

  it('refuses to resume a saved run with other settings, and --restart starts over', async () => {
    listCalls = 0;
    failListUsersFrom = 2;
    await throughProxy([]);
    failListUsersFrom = 0;
    const other = await throughProxy(['--apply']);
    expect(other.code).toBe(2);
    expect(other.stderr).toBe(
      `users: the state file ${stateFile} belongs to another run (${env.userPoolId}, dry run, countries US,CA,GB); remove it, or pass --restart\n`,
    );
    const restarted = await throughProxy(['--restart']);
    expect(restarted.code).toBe(0);
    expect(JSON.parse(restarted.stdout).usersRead).toBe(80);
  }, 60_000);
});

describe('bad input gets one line and changes nothing', () => {
  it.each([
    [
      ['--allowed-countries', 'XX'],
      '--allowed-countries must be ISO 3166-1 alpha-2 country codes (e.g. US,CA,GB)',
    ],
    [['--allowed-countries', ''], '--allowed-countries needs a value'],
    [['--frobnicate'], 'unknown option --frobnicate'],
  ])('%j: %s', async (args, message) => {
    const run = await migrate(['--local', '--apply', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^users: ${message.replace(/[().,]/g, '\\$&')}`));
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(await auditRecords('totpNoPhone')).toEqual([]);
  });

  it('a state file that is not JSON', async () => {
    writeFileSync(stateFile, 'not json');
    const run = await migrate(['--local']);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe(`users: the state file ${stateFile} is not JSON; remove it, or pass --restart\n`);
    rmSync(stateFile);
  });
});

describe("the local pool's AdminSetUserMFAPreference (Cognito's rules)", () => {
  it.each([
    [
      'SMS MFA for a user without a phone number',
      'noPhone',
      { SMSMfaSettings: { Enabled: true } },
      'User does not have a phone_number set to turn on SMS MFA',
    ],
    [
      'a software token never associated',
      'ready',
      { SoftwareTokenMfaSettings: { Enabled: true } },
      'User has not set up software token mfa',
    ],
    [
      'a preferred factor that is off',
      'ready',
      { SMSMfaSettings: { Enabled: false, PreferredMfa: true } },
      'The preferred MFA factor must be enabled.',
    ],
  ])('refuses %s', async (_, name, settings, message) => {
    await expect(
      env.cognito.send(
        new AdminSetUserMFAPreferenceCommand({
          UserPoolId: env.userPoolId,
          Username: kinds[name]?.username,
          ...settings,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message });
  });
});
