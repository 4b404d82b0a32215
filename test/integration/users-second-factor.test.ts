/**
 * `users reset-phone`, `users show` (its second-factor part) and `users audit` against the
 * integration DynamoDB Local (table auth-state-test) and the fake user pool of
 * test/helpers/fake-user-pool.ts, which records every Cognito request and can refuse one
 * operation (a planted failure). The same commands against the whole local stack, with a real
 * client's refresh token: test/e2e/users-reset-phone.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  AUDIT_TTL_DAYS,
  CODE_SK,
  CONFIRMED_SK,
  challengePk,
  RECOVERY_SK,
  type SecurityEventKind,
  securityEventRecord,
  userPk,
} from '#shared/auth-state/keys';
import { dynamodb } from '#shared/aws/dynamodb';
import { runCli } from '../../cli/lib/run';
import { usersProgram } from '../../cli/users/program';
import { type FakeUser, FakeUserPool } from '../helpers/fake-user-pool';

const TABLE = 'auth-state-test';
const POOL = 'us-east-1_CLITEST02';
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
  pool.refuse.clear();
  pool.keep.clear();
});

const target = ['--user-pool-id', POOL, '--table', TABLE];

async function run(args: string[], extraEnv: Record<string, string | undefined> = {}) {
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

let phoneCounter = 0;
const newPhone = () => `+1415555${String(200 + phoneCounter++).padStart(4, '0')}`;

/** What the triggers leave for a user with a second factor: recovery codes, a code in flight, the grace record. */
async function plantSecondFactor(sub: string, codes = 3): Promise<void> {
  const hashes = new Set(Array.from({ length: codes }, () => randomUUID().replaceAll('-', '')));
  const now = Date.now();
  const items = [
    { pk: challengePk(sub), sk: RECOVERY_SK, codes: hashes, issued: 10, createdAt: now - 86_400_000 },
    { pk: challengePk(sub), sk: CODE_SK, codeHash: 'aa', salt: 'bb', expiresAt: now + 180_000 },
    { pk: userPk(sub), sk: CONFIRMED_SK, at: new Date(now - 60_000).toISOString() },
  ];
  for (const Item of items) await dynamodb.send(new PutCommand({ TableName: TABLE, Item }));
}

async function item(pk: string, sk: string) {
  return (await dynamodb.send(new GetCommand({ TableName: TABLE, Key: { pk, sk }, ConsistentRead: true })))
    .Item;
}

async function trail(sub: string) {
  const { Items = [] } = await dynamodb.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': userPk(sub), ':audit': 'AUDIT#' },
      ConsistentRead: true,
    }),
  );
  return Items;
}

/** Audit records as the triggers and tools write them, `minutesAgo` each. */
async function putEvents(sub: string, events: Array<[number, string, Record<string, unknown>?]>) {
  const items = events.map(([minutesAgo, action, extra = {}]) => ({
    ...securityEventRecord(
      sub,
      { action: action as SecurityEventKind, by: 'user' },
      new Date(Date.now() - minutesAgo * 60_000),
    ),
    ...extra,
  }));
  for (let i = 0; i < items.length; i += 25) {
    await dynamodb.send(
      new BatchWriteCommand({
        RequestItems: { [TABLE]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}

const emailOf = (user: FakeUser) => user.email ?? '';

describe('reset-phone', () => {
  test('records first, removes the phone, deletes recovery codes, the code in flight and the grace, then signs out', async () => {
    const phone = newPhone();
    const user = pool.add({ phone });
    await plantSecondFactor(user.sub);
    const before = Date.now();

    const result = await run([
      'reset-phone',
      '--email',
      emailOf(user),
      '--reason',
      'lost phone, identity checked by video call',
      '--by',
      'ops-oncall',
      ...target,
    ]);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(pool.targets()).toEqual([
      'ListUsers',
      'AdminDeleteUserAttributes',
      'AdminGetUser',
      'AdminUserGlobalSignOut',
    ]);
    expect(pool.requests[1]?.body).toEqual({
      UserPoolId: POOL,
      Username: user.Username,
      UserAttributeNames: ['phone_number', 'phone_number_verified'],
    });
    expect(user.attributes).toEqual({});

    const [record, ...others] = await trail(user.sub);
    expect(others).toEqual([]);
    expect(record).toEqual({
      pk: `USER#${user.sub}`,
      sk: `AUDIT#${record?.at}#phone_reset`,
      at: expect.any(String),
      action: 'phone_reset',
      by: 'ops-oncall',
      reason: 'lost phone, identity checked by video call',
      oldDestination: `+*******${phone.slice(-4)}`,
      ttl: Math.floor(Date.parse(String(record?.at)) / 1000) + AUDIT_TTL_DAYS * 86_400,
    });
    expect(Date.parse(String(record?.at))).toBeGreaterThanOrEqual(before - 1000);
    expect(JSON.stringify(record)).not.toContain(phone.slice(2));

    expect(await item(challengePk(user.sub), RECOVERY_SK)).toBeUndefined();
    expect(await item(challengePk(user.sub), CODE_SK)).toBeUndefined();
    expect(await item(userPk(user.sub), CONFIRMED_SK)).toBeUndefined();

    expect(result.stdout).toContain(`Reset the phone of ${user.email} (${user.sub}).`);
    expect(result.stdout).toContain(`Removed the phone +*******${phone.slice(-4)}`);
    expect(result.stdout).toContain(
      'Deleted 3 unused recovery codes, and the code in flight; ended the enrolment grace.',
    );
    expect(result.stdout).toContain('Signed out everywhere');
    expect(result.stdout).not.toContain(phone);
  });

  test('is idempotent: again on the same user it records again, removes nothing and signs out again', async () => {
    const user = pool.add({ phone: newPhone() });
    await plantSecondFactor(user.sub);
    expect((await run(['reset-phone', '--email', emailOf(user), ...target])).code).toBe(0);
    pool.requests = [];

    const again = await run(['reset-phone', '--email', emailOf(user), '--json', ...target]);

    expect(again.code).toBe(0);
    expect(pool.targets()).toEqual(['ListUsers', 'AdminGetUser', 'AdminUserGlobalSignOut']);
    expect(JSON.parse(again.stdout)).toEqual({
      email: user.email,
      sub: user.sub,
      recorded: {
        at: expect.any(String),
        action: 'phone_reset',
        by: expect.stringMatching(/users CLI/),
        ttl: expect.any(Number),
      },
      removedAttributes: [],
      recoveryCodesDeleted: 0,
      codeInFlightDeleted: false,
      enrolmentGraceEnded: false,
      devicesRevoked: 0,
      signedOut: true,
      // No sender is configured here (SECURITY_EMAIL_FROM unset): recorded, nobody emailed.
      notice: 'no_sender',
    });
    expect(await trail(user.sub)).toHaveLength(2);
    const text = await run(['reset-phone', '--email', emailOf(user), ...target]);
    expect(text.stdout).toContain('No phone was on file; nothing to remove from the user pool.');
    expect(text.stdout).toContain('Deleted no recovery codes (there were none).');
  });

  test('when removing the phone fails, the record stays and the grace is ended, nothing after it ran, and the message says what is left', async () => {
    const phone = newPhone();
    const user = pool.add({ phone });
    await plantSecondFactor(user.sub);
    pool.refuse.add('AdminDeleteUserAttributes');

    const result = await run(['reset-phone', '--email', emailOf(user), ...target]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(
        `^users: reset-phone of ${user.email} stopped at step 4 of 6, remove the phone number and its verified flag from the user pool: ` +
          'Cognito request failed at .*NotAuthorizedException: Not allowed\\. ' +
          'Done: record the reset in the audit trail; end the enrolment grace; revoke the remembered devices\\. ' +
          'Left: remove the phone number and its verified flag from the user pool; ' +
          'delete the recovery codes and the code in flight; sign the user out everywhere\\. ' +
          'Run reset-phone again to finish\\.\n$',
      ),
    );
    expect(await trail(user.sub)).toEqual([expect.objectContaining({ action: 'phone_reset' })]);
    expect(user.attributes.phone_number).toBe(phone);
    // The grace ends before the phone goes: no sign-in in between enrols on the password alone.
    expect(await item(userPk(user.sub), CONFIRMED_SK)).toBeUndefined();
    expect(await item(challengePk(user.sub), RECOVERY_SK)).toBeDefined();
    expect(await item(challengePk(user.sub), CODE_SK)).toBeDefined();
    expect(pool.targets()).not.toContain('AdminUserGlobalSignOut');

    pool.refuse.clear();
    const rerun = await run(['reset-phone', '--email', emailOf(user), '--json', ...target]);
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({
      removedAttributes: ['phone_number', 'phone_number_verified'],
      recoveryCodesDeleted: 3,
    });
    expect(user.attributes).toEqual({});
    expect(await trail(user.sub)).toHaveLength(2);
  });

  test('a pool that still lists the verified flag after the delete is caught by the read-back', async () => {
    const user = pool.add({ phone: newPhone() });
    pool.keep.add('phone_number_verified');
    const result = await run(['reset-phone', '--email', emailOf(user), ...target]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'stopped at step 4 of 6, remove the phone number and its verified flag from the user pool: ' +
        'the user pool still lists phone_number_verified after AdminDeleteUserAttributes.',
    );
    expect(pool.targets()).not.toContain('AdminUserGlobalSignOut');
  });

  test('when signing out fails, the rest is done and the message says only the sign-out is left', async () => {
    const user = pool.add({ phone: newPhone() });
    await plantSecondFactor(user.sub);
    pool.refuse.add('AdminUserGlobalSignOut');
    const result = await run(['reset-phone', '--email', emailOf(user), ...target]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('stopped at step 6 of 6, sign the user out everywhere: ');
    expect(result.stderr).toContain(
      'Done: record the reset in the audit trail; end the enrolment grace; revoke the remembered devices; remove the phone number and its verified flag from the user pool; ' +
        'delete the recovery codes and the code in flight. Left: sign the user out everywhere.',
    );
    expect(user.attributes).toEqual({});
    expect(await item(challengePk(user.sub), RECOVERY_SK)).toBeUndefined();
  });

  test('when the audit record cannot be written, nothing is changed', async () => {
    const user = pool.add({ phone: newPhone() });
    await plantSecondFactor(user.sub);
    const result = await run([
      'reset-phone',
      '--email',
      emailOf(user),
      '--user-pool-id',
      POOL,
      '--table',
      'no-such-table',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /stopped at step 1 of 6, record the reset in the audit trail: table 'no-such-table' not found .* Done: nothing\. Left: record the reset/,
    );
    expect(pool.targets()).toEqual(['ListUsers']);
    expect(user.attributes.phone_number).toBeDefined();
    expect(await item(userPk(user.sub), CONFIRMED_SK)).toBeDefined();
    expect(await item(challengePk(user.sub), RECOVERY_SK)).toBeDefined();
  });

  test('an unknown user exits 1 with one line and writes nothing', async () => {
    const result = await run(['reset-phone', '--email', 'nobody-reset@example.com', ...target]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `users: no user with the email nobody-reset@example.com in ${POOL}\n`,
    });
    expect(pool.targets()).toEqual(['ListUsers', 'AdminGetUser']);
  });

  test('--local acts on the running stack', async () => {
    const user = pool.add({ phone: newPhone() });
    const result = await run(['reset-phone', '--email', emailOf(user), '--local', '--json'], {
      PORT: new URL(pool.url).port,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: undefined,
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toMatchObject({ sub: user.sub, signedOut: true });
    expect(user.attributes).toEqual({});
  });
});

describe('show: the second factor', () => {
  test('masked phone, enrolment from an event older than the last five, recovery codes left, the last five events', async () => {
    const phone = newPhone();
    const user = pool.add({ phone });
    await plantSecondFactor(user.sub, 7);
    await putEvents(user.sub, [
      [600, 'phone_bound'],
      [500, 'recovery_codes_new'],
      [400, 'locked_out', { by: 'system' }],
      [300, 'recovery_code_used', { recoveryCodesLeft: 9 }],
      [200, 'recovery_code_used', { recoveryCodesLeft: 8 }],
      [100, 'suspended', { by: 'ops-oncall', reason: 'chargeback' }],
      [50, 'disable_cognito_mfa', { by: 'ops-oncall', tool: 'users migrate' }],
      [10, 'recovery_code_used', { recoveryCodesLeft: 7 }],
    ]);

    const json = JSON.parse((await run(['show', '--email', emailOf(user), '--json', ...target])).stdout);
    expect(json).toMatchObject({
      email: user.email,
      sub: user.sub,
      suspended: false,
      phone: { destination: `+*******${phone.slice(-4)}`, verified: true },
      enrolledAt: (await trail(user.sub)).find((record) => record.action === 'phone_bound')?.at,
      recoveryCodesLeft: 7,
      recoveryCodesIssuedAt: expect.any(String),
    });
    expect(json.securityEvents.map((event: { action: string }) => event.action)).toEqual([
      'recovery_code_used',
      'suspended',
      'recovery_code_used',
      'recovery_code_used',
      'locked_out',
    ]);
    expect(json.securityEvents[1]).toEqual({
      at: expect.any(String),
      action: 'suspended',
      by: 'ops-oncall',
      reason: 'chargeback',
    });
    expect(JSON.stringify(json)).not.toContain(phone.slice(2));

    const text = (await run(['show', '--email', emailOf(user), ...target])).stdout;
    expect(text).toMatch(new RegExp(`Phone:\\s+\\+\\*{7}${phone.slice(-4)} \\(verified\\)`));
    expect(text).toMatch(/Phone enrolled:\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(text).toMatch(/Recovery codes:\s+7 left \(set made \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
    expect(text).toContain('Last security events (newest first, at most 5; all: users audit):');
    expect(text).toMatch(/TIME\s+ACTION\s+BY\s+REASON/);
    expect(text).toMatch(/suspended\s+ops-oncall\s+chargeback/);
    expect(text).not.toContain('disable_cognito_mfa');
    expect(text).not.toContain('phone_bound');
  });

  test('a user without phone, codes or events: none, unknown, none', async () => {
    const user = pool.add();
    const json = JSON.parse((await run(['show', '--email', emailOf(user), '--json', ...target])).stdout);
    expect(json).toMatchObject({
      phone: null,
      enrolledAt: null,
      recoveryCodesLeft: 0,
      recoveryCodesIssuedAt: null,
      securityEvents: [],
    });
    const text = (await run(['show', '--email', emailOf(user), ...target])).stdout;
    expect(text).toMatch(/Phone:\s+none \(enrols one at the next sign-in\)/);
    expect(text).toMatch(/Phone enrolled:\s+unknown/);
    expect(text).toMatch(/Recovery codes:\s+none/);
    expect(text).toContain('Last security events: none');
  });

  test('an unverified phone is shown as such, and after reset-phone show says the phone is gone', async () => {
    const user = pool.add({ attributes: { phone_number: newPhone(), phone_number_verified: 'false' } });
    await plantSecondFactor(user.sub);
    expect((await run(['show', '--email', emailOf(user), ...target])).stdout).toMatch(
      /Phone:\s+\+\*{7}\d{4} \(not verified\)/,
    );
    await run(['reset-phone', '--email', emailOf(user), '--reason', 'phone stolen', ...target]);
    const json = JSON.parse((await run(['show', '--email', emailOf(user), '--json', ...target])).stdout);
    expect(json).toMatchObject({ phone: null, recoveryCodesLeft: 0 });
    expect(json.securityEvents).toEqual([
      { at: expect.any(String), action: 'phone_reset', by: expect.any(String), reason: 'phone stolen' },
    ]);
  });
});

describe('audit', () => {
  test('the whole trail newest first, every field but the keys, across Query pages', async () => {
    const user = pool.add();
    const events: Array<[number, string, Record<string, unknown>?]> = Array.from({ length: 130 }, (_, i) => [
      130 - i,
      i % 2 === 0 ? 'recovery_code_used' : 'locked_out',
    ]);
    events.push([
      0.5,
      'disable_cognito_mfa',
      {
        by: 'ops-oncall',
        tool: 'users migrate',
        before: { enabled: ['SMS_MFA'], preferred: 'SMS_MFA' },
        undo: 'aws cognito-idp admin-set-user-mfa-preference ...',
      },
    ]);
    await putEvents(user.sub, events);

    const result = await run(['audit', '--email', emailOf(user), '--json', ...target]);
    expect(result.code).toBe(0);
    const { email, sub, records } = JSON.parse(result.stdout);
    expect({ email, sub }).toEqual({ email: user.email, sub: user.sub });
    expect(records).toHaveLength(131);
    const times = records.map((record: { at: string }) => record.at);
    expect(times).toEqual([...times].sort().reverse());
    expect(records[0]).toEqual({
      at: expect.any(String),
      action: 'disable_cognito_mfa',
      by: 'ops-oncall',
      tool: 'users migrate',
      before: { enabled: ['SMS_MFA'], preferred: 'SMS_MFA' },
      undo: 'aws cognito-idp admin-set-user-mfa-preference ...',
      ttl: expect.any(Number),
    });
    expect(records.some((record: Record<string, unknown>) => 'pk' in record || 'sk' in record)).toBe(false);
  });

  test('--limit N gives the newest N; text is a table with every other field under DETAILS', async () => {
    const user = pool.add();
    await putEvents(user.sub, [
      [30, 'phone_bound', { destination: '+*******0100' }],
      [20, 'recovery_codes_new'],
      [10, 'phone_reset', { by: 'ops-oncall', reason: 'lost phone', oldDestination: '+*******0100' }],
    ]);
    const json = JSON.parse(
      (await run(['audit', '--email', emailOf(user), '--json', '--limit', '2', ...target])).stdout,
    );
    expect(json.records.map((record: { action: string }) => record.action)).toEqual([
      'phone_reset',
      'recovery_codes_new',
    ]);

    const text = await run(['audit', '--email', emailOf(user), ...target]);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+ACTION\s+BY\s+REASON\s+DETAILS\s+EXPIRES$/);
    expect(lines[1]).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d UTC\s+phone_reset\s+ops-oncall\s+lost phone\s+oldDestination=\+\*{7}0100\s+\d{4}-\d\d-\d\d$/,
    );
    expect(lines[3]).toMatch(/phone_bound\s+user\s+-\s+destination=\+\*{7}0100/);
    expect(lines.at(-1)).toBe('3 records, newest first.');
    const limited = await run(['audit', '--email', emailOf(user), '--limit', '1', ...target]);
    expect(limited.stdout.trimEnd().split('\n').at(-1)).toBe(
      '1 record (the newest 1; --limit for more), newest first.',
    );
  });

  test('control characters in a stored field never reach the terminal', async () => {
    const user = pool.add();
    await putEvents(user.sub, [[1, 'suspended', { by: 'ops', reason: 'x\u001b]0;owned\u0007\u001b[2J' }]]);
    const text = (await run(['audit', '--email', emailOf(user), ...target])).stdout;
    expect(text.replaceAll('\n', '')).not.toMatch(/\p{Cc}/u);
    expect(text).toContain('x?]0;owned??[2J');
  });

  test('a user without records: one line saying so', async () => {
    const user = pool.add();
    const result = await run(['audit', '--email', emailOf(user), ...target]);
    expect(result).toEqual({
      code: 0,
      stdout: `No audit records for ${user.email} (records are kept ${AUDIT_TTL_DAYS} days).\n`,
      stderr: '',
    });
  });
});
