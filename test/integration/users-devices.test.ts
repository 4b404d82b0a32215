/**
 * Revoking remembered devices against DynamoDB Local (table auth-state-test): `users devices` and
 * `users devices revoke` (the record first, then the devices), the revocations that come with
 * `reset-phone` and `suspend`, and a password reset (PostConfirmation_ConfirmForgotPassword, the
 * real handler on the real table). Users come from the fake user pool of
 * test/helpers/fake-user-pool.ts. The same over the wire, with a real client: test/e2e/
 * remembered-devices-ops.test.ts.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { DeviceStore } from '#shared/auth-state/device-store';
import { REMEMBERED_SK_PREFIX, rememberedDeviceSk, userPk } from '#shared/auth-state/keys';
import { dynamodb } from '#shared/aws/dynamodb';
import { deviceIdOf } from '#shared/challenge/device-proof';
import type { postConfirmationEvent } from '#shared/events';
import { runCli } from '../../cli/lib/run';
import { usersProgram } from '../../cli/users/program';
import forgotPasswordFixture from '../../fixtures/post-confirmation.confirm-forgot-password.json';
import { handler as postConfirmation } from '../../functions/post-confirmation/handler';
import { type FakeUser, FakeUserPool } from '../helpers/fake-user-pool';

const TABLE = 'auth-state-test';
const POOL = 'us-east-1_CLITEST03';
const pool = new FakeUserPool(POOL);
const store = new DeviceStore(dynamodb, TABLE);
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
    SECURITY_EMAIL_FROM: undefined,
  };
});
afterAll(() => pool.stop());
beforeEach(() => {
  pool.requests = [];
  pool.refuse.clear();
});

const target = ['--user-pool-id', POOL, '--table', TABLE];
const emailOf = (user: FakeUser) => user.email ?? '';
const NOW = Date.now();
const DAY = 86_400_000;

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(usersProgram, args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
    now: () => new Date(NOW),
  });
  return { code, stdout, stderr };
}

/** A device stored as Verify stores it (DeviceStore.remember), `ageDays` ago, for `days`. */
async function remember(sub: string, input: { name?: string; ageDays?: number; days?: number } = {}) {
  const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
    type: 'spki',
    format: 'der',
  });
  return store.remember(sub, {
    id: deviceIdOf(spki),
    publicKey: spki.toString('base64url'),
    name: input.name,
    now: new Date(NOW - (input.ageDays ?? 1) * DAY),
    days: input.days ?? 30,
    drop: [],
  });
}

/** A device past its expiry, not yet removed (written without a TTL, which DynamoDB Local may run). */
async function plantExpired(
  sub: string,
  name: string,
  id = randomUUID().replaceAll('-', '').padEnd(43, 'x'),
) {
  const item = {
    pk: userPk(sub),
    sk: rememberedDeviceSk(id),
    publicKey: 'A'.repeat(91),
    name,
    createdAt: new Date(NOW - 40 * DAY).toISOString(),
    expiresAt: new Date(NOW - 10 * DAY).toISOString(),
    lastUsedAt: new Date(NOW - 12 * DAY).toISOString(),
  };
  await dynamodb.send(new PutCommand({ TableName: TABLE, Item: item }));
  return item;
}

async function items(sub: string, prefix: string) {
  const { Items = [] } = await dynamodb.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': userPk(sub), ':prefix': prefix },
      ConsistentRead: true,
    }),
  );
  return Items;
}
const devicesOf = async (sub: string) => (await items(sub, REMEMBERED_SK_PREFIX)).map((item) => item.name);
const trail = (sub: string) => items(sub, 'AUDIT#');

describe('users devices', () => {
  test('lists every device, oldest first, with its name, times and expiry; an expired one is marked', async () => {
    const user = pool.add();
    const laptop = await remember(user.sub, { name: 'Ada’s laptop', ageDays: 3 });
    const phone = await remember(user.sub, { name: 'Phone', ageDays: 1 });
    const old = await plantExpired(user.sub, 'Old tablet', 'o'.repeat(43));

    const json = await run(['devices', '--email', emailOf(user), '--json', ...target]);
    expect(json).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(json.stdout)).toEqual({
      email: user.email,
      sub: user.sub,
      devices: [
        {
          id: 'o'.repeat(43),
          name: 'Old tablet',
          createdAt: old.createdAt,
          lastUsedAt: old.lastUsedAt,
          expiresAt: old.expiresAt,
          expired: true,
        },
        {
          id: laptop.id,
          name: 'Ada’s laptop',
          createdAt: laptop.createdAt,
          lastUsedAt: null,
          expiresAt: laptop.expiresAt,
          expired: false,
        },
        {
          id: phone.id,
          name: 'Phone',
          createdAt: phone.createdAt,
          lastUsedAt: null,
          expiresAt: phone.expiresAt,
          expired: false,
        },
      ],
    });

    const text = await run(['devices', '--email', emailOf(user), ...target]);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+CREATED\s+LAST USED\s+EXPIRES$/);
    expect(lines[1]).toContain('Old tablet');
    expect(lines[1]).toMatch(/ UTC \(expired\)$/);
    expect(lines[2]).toContain(laptop.id);
    expect(lines[2]).toContain(' never ');
    expect(lines.at(-1)).toBe(`3 remembered devices of ${user.email}, oldest first (2 usable, 1 expired).`);
    // Reading changes nothing.
    expect(await trail(user.sub)).toEqual([]);
  });

  test('a user without devices', async () => {
    const user = pool.add();
    const text = await run(['devices', '--email', emailOf(user), ...target]);
    expect(text).toEqual({ code: 0, stdout: `${user.email} has no remembered devices.\n`, stderr: '' });
  });

  test('an unknown user: exit 1, one line', async () => {
    const result = await run(['devices', '--email', 'nobody-devices@example.com', ...target]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`users: no user with the email nobody-devices@example.com in ${POOL}\n`);
  });
});

describe('users devices revoke', () => {
  test('--device: the record first (who, why, which), then that device alone; the others stay', async () => {
    const user = pool.add();
    const laptop = await remember(user.sub, { name: 'Laptop' });
    await remember(user.sub, { name: 'Phone' });

    const result = await run([
      'devices',
      'revoke',
      '--email',
      emailOf(user),
      '--device',
      laptop.id,
      '--reason',
      'laptop stolen',
      '--by',
      'ops-oncall',
      '--json',
      ...target,
    ]);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const at = new Date(NOW).toISOString();
    expect(JSON.parse(result.stdout)).toEqual({
      email: user.email,
      sub: user.sub,
      revoked: 1,
      devices: [{ id: laptop.id, name: 'Laptop' }],
      recorded: {
        at,
        action: 'devices_revoked',
        by: 'ops-oncall',
        reason: 'laptop stolen',
        cause: 'operator',
        devicesRevoked: 1,
        deviceId: laptop.id,
        deviceName: 'Laptop',
        ttl: expect.any(Number),
      },
      // No sender here (SECURITY_EMAIL_FROM unset): recorded, nobody emailed.
      notice: 'no_sender',
    });
    expect(await devicesOf(user.sub)).toEqual(['Phone']);
    expect(await trail(user.sub)).toEqual([
      expect.objectContaining({ sk: `AUDIT#${at}#devices_revoked`, deviceId: laptop.id, cause: 'operator' }),
    ]);
    expect(pool.targets()).toEqual(['ListUsers']);
  });

  test('--all: every device, one record with the count; the text says what was done', async () => {
    const user = pool.add();
    await remember(user.sub, { name: 'Laptop', ageDays: 2 });
    await remember(user.sub, { name: 'Phone' });

    const result = await run([
      'devices',
      'revoke',
      '--email',
      emailOf(user),
      '--all',
      '--by',
      'ops',
      ...target,
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(0, 3)).toEqual([
      `Revoked 2 remembered devices of ${user.email} (${user.sub}): Laptop, Phone.`,
      `Recorded: devices_revoked at ${new Date(NOW).toISOString().slice(0, 16).replace('T', ' ')} UTC by ops.`,
      'On those devices the next sign-in asks for the SMS code again.',
    ]);
    expect(await devicesOf(user.sub)).toEqual([]);
    const [record, ...others] = await trail(user.sub);
    expect(others).toEqual([]);
    expect(record).toMatchObject({
      action: 'devices_revoked',
      devicesRevoked: 2,
      cause: 'operator',
      by: 'ops',
    });
    expect(record).not.toHaveProperty('deviceId');
  });

  test('an id the user does not have (another user`s device): exit 1, a clear line, nothing changed', async () => {
    const user = pool.add();
    const other = pool.add();
    await remember(user.sub, { name: 'Mine' });
    const theirs = await remember(other.sub, { name: 'Theirs' });

    const result = await run([
      'devices',
      'revoke',
      '--email',
      emailOf(user),
      '--device',
      theirs.id,
      ...target,
    ]);

    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `users: ${user.email} has no remembered device ${theirs.id} (users devices --email ${user.email} lists them); nothing changed\n`,
    });
    expect(await devicesOf(user.sub)).toEqual(['Mine']);
    expect(await devicesOf(other.sub)).toEqual(['Theirs']);
    expect(await trail(user.sub)).toEqual([]);
  });

  test('--all of a user without devices: nothing to revoke, nothing written', async () => {
    const user = pool.add();
    const result = await run(['devices', 'revoke', '--email', emailOf(user), '--all', '--json', ...target]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      email: user.email,
      sub: user.sub,
      revoked: 0,
      devices: [],
      notice: 'skipped',
    });
    expect(await trail(user.sub)).toEqual([]);
    expect((await run(['devices', 'revoke', '--email', emailOf(user), '--all', ...target])).stdout).toBe(
      `${user.email} has no remembered devices; nothing changed.\n`,
    );
  });

  test('the table cannot be read: exit 1 naming DynamoDB, nothing written', async () => {
    const user = pool.add();
    const result = await run([
      'devices',
      'revoke',
      '--email',
      emailOf(user),
      '--all',
      '--user-pool-id',
      POOL,
      '--table',
      'no-such-table',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^users: DynamoDB request failed at .*: DynamoDB Query failed: ResourceNotFoundException/,
    );
  });
});

describe('revoked with the other operations', () => {
  test('reset-phone revokes every device, each run recorded (devices_revoked, cause phone_reset) before they go', async () => {
    const user = pool.add({ phone: '+14155550177' });
    await remember(user.sub, { name: 'Laptop' });
    await plantExpired(user.sub, 'Tablet');

    const result = await run([
      'reset-phone',
      '--email',
      emailOf(user),
      '--reason',
      'phone lost',
      '--by',
      'ops',
      '--json',
      ...target,
    ]);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ devicesRevoked: 2, signedOut: true });
    expect(await devicesOf(user.sub)).toEqual([]);
    const actions = (await trail(user.sub)).map((record) => [
      record.action,
      record.cause,
      record.devicesRevoked,
    ]);
    expect(actions.sort()).toEqual([
      ['devices_revoked', 'phone_reset', 2],
      ['phone_reset', undefined, undefined],
    ]);
    const revoked = (await trail(user.sub)).find((record) => record.action === 'devices_revoked');
    expect(revoked).toMatchObject({ by: 'ops', reason: 'phone lost' });
  });

  test('reset-phone of a user without devices writes no devices_revoked record', async () => {
    const user = pool.add({ phone: '+14155550178' });
    const result = await run(['reset-phone', '--email', emailOf(user), ...target]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No remembered devices to revoke.');
    expect((await trail(user.sub)).map((record) => record.action)).toEqual(['phone_reset']);
  });

  test('suspend revokes every device (devices_revoked, cause suspended) and says how many', async () => {
    const user = pool.add();
    await remember(user.sub, { name: 'Laptop' });

    const result = await run([
      'suspend',
      '--email',
      emailOf(user),
      '--reason',
      'fraud review',
      '--json',
      ...target,
    ]);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ suspended: true, devicesRevoked: 1, signedOut: true });
    expect(await devicesOf(user.sub)).toEqual([]);
    expect(await trail(user.sub)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'suspended' }),
        expect.objectContaining({
          action: 'devices_revoked',
          cause: 'suspended',
          devicesRevoked: 1,
          reason: 'fraud review',
        }),
      ]),
    );
    const text = await run(['suspend', '--email', emailOf(user), ...target]);
    expect(text.stdout).toContain('No remembered devices to revoke.');
  });
});

describe('a password reset (PostConfirmation_ConfirmForgotPassword)', () => {
  const forgot = (sub: string) => {
    const event = structuredClone(forgotPasswordFixture) as z.input<typeof postConfirmationEvent>;
    event.userName = sub;
    event.request.userAttributes.sub = sub;
    return event;
  };

  test('revokes every device of that user (expired ones too) with one devices_revoked record; others keep theirs', async () => {
    const sub = randomUUID();
    const bystander = randomUUID();
    await remember(sub, { name: 'Laptop' });
    await plantExpired(sub, 'Old');
    await remember(bystander, { name: 'Not theirs' });

    const event = forgot(sub);
    await expect(postConfirmation(event)).resolves.toBe(event);

    expect(await devicesOf(sub)).toEqual([]);
    expect(await devicesOf(bystander)).toEqual(['Not theirs']);
    const [record, ...others] = await trail(sub);
    expect(others).toEqual([]);
    expect(record).toMatchObject({
      action: 'devices_revoked',
      by: 'user',
      cause: 'password_reset',
      devicesRevoked: 2,
    });
    // Nothing of a sign-up: no enrolment grace, no invite touched.
    expect(await items(sub, 'LIFECYCLE#')).toEqual([]);

    // A second delivery of the same event finds nothing left and records nothing.
    await postConfirmation(forgot(sub));
    expect(await trail(sub)).toHaveLength(1);
  });
});
