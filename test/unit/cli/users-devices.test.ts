/**
 * `users devices` and `users devices revoke` with the AWS clients faked: a bad command line gets
 * one short line on stderr, exit status 2 and no AWS call at all; an id the user does not have is
 * refused after the one read, with nothing written; a revocation writes its record before it
 * deletes; device names from the app print safely. Against a real table:
 * test/integration/users-devices.test.ts.
 */
import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { runCli } from '../../../cli/lib/run';
import { type DeviceView, devicesText, revokeText } from '../../../cli/users/devices';
import { usersProgram } from '../../../cli/users/program';
import { auditEntry, details, isSecurityEvent } from '../../../cli/users/trail';

const idp = mockClient(CognitoIdentityProviderClient);
const ddb = mockClient(DynamoDBDocumentClient);
const SUB = '5f0e2d1c-3b4a-4958-8776-a5b4c3d2e1f0';
const EMAIL = 'ada@example.com';
const ID = 'A'.repeat(43);
const OTHER = 'B'.repeat(43);
const NOW = new Date('2030-01-01T12:00:00.000Z');

const stored = (id: string, name: string) => ({
  pk: `USER#${SUB}`,
  sk: `REMEMBERED#${id}`,
  publicKey: 'k'.repeat(91),
  name,
  createdAt: '2029-12-20T08:00:00.000Z',
  expiresAt: '2030-01-19T08:00:00.000Z',
});

beforeEach(() => {
  idp.reset();
  ddb.reset();
  idp.on(ListUsersCommand).resolves({
    Users: [
      {
        Username: SUB,
        UserStatus: 'CONFIRMED',
        Enabled: true,
        Attributes: [
          { Name: 'sub', Value: SUB },
          { Name: 'email', Value: EMAIL },
          { Name: 'email_verified', Value: 'true' },
        ],
      },
    ],
  });
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
    now: () => NOW,
  });
  return { code, stdout, stderr };
}

const revoke = ['devices', 'revoke', '--email', EMAIL];

test.each([
  ['neither --device nor --all', [...revoke], 'users: pass exactly one of --device ID or --all'],
  [
    'both --device and --all',
    [...revoke, '--device', ID, '--all'],
    'users: pass exactly one of --device ID or --all',
  ],
  [
    'a --device that is not a device id',
    [...revoke, '--device', 'laptop'],
    'users: --device must be a device id: 43 characters of base64url',
  ],
  [
    'a --device id with a character outside base64url',
    [...revoke, '--device', `${'A'.repeat(42)}=`],
    'users: --device must be a device id: 43 characters of base64url',
  ],
  ['--device without a value', [...revoke, '--device'], 'users: --device needs a value'],
  ['no --email', ['devices', 'revoke', '--all'], 'users: --email is required'],
  [
    'an invalid email',
    ['devices', 'revoke', '--email', 'nope', '--all'],
    "users: 'nope' is not a valid email address",
  ],
  [
    'a --reason with a line break',
    [...revoke, '--all', '--reason', 'two\nlines'],
    'users: --reason must be at most 200 characters on one line',
  ],
  [
    'a --by over 100 characters',
    [...revoke, '--all', '--by', 'o'.repeat(101)],
    'users: --by must be at most 100 characters',
  ],
  [
    '--all on the listing',
    ['devices', '--email', EMAIL, '--all'],
    "users: unknown option --all for 'devices'",
  ],
  [
    'a stray word',
    ['devices', 'remove', '--email', EMAIL],
    "users: unexpected argument 'remove' for 'devices'",
  ],
  [
    'a bad sender setting (checked before anything changes)',
    [...revoke, '--all'],
    'users: Invalid configuration: SECURITY_EMAIL_FROM',
    { SECURITY_EMAIL_FROM: 'not an address' },
  ],
] as Array<[string, string[], string, Record<string, string>?]>)(
  '%s: exit 2, one line, nothing sent',
  async (_name, args, message, env = {}) => {
    const result = await run(args, env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.startsWith(message)).toBe(true);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(idp.calls()).toHaveLength(0);
    expect(ddb.calls()).toHaveLength(0);
  },
);

test('an id the user does not have: exit 1 after the one Query; nothing written', async () => {
  ddb.on(QueryCommand).resolves({ Items: [stored(OTHER, 'Phone')] });
  const result = await run([...revoke, '--device', ID]);
  expect(result).toEqual({
    code: 1,
    stdout: '',
    stderr: `users: ${EMAIL} has no remembered device ${ID} (users devices --email ${EMAIL} lists them); nothing changed\n`,
  });
  expect(ddb.calls().map((call) => (call.args[0] as object).constructor.name)).toEqual(['QueryCommand']);
});

test('--device: Query, then the record (conditional, never replacing one), then the one DeleteItem', async () => {
  ddb.on(QueryCommand).resolves({ Items: [stored(ID, 'Laptop'), stored(OTHER, 'Phone')] });
  ddb.on(PutCommand).resolves({});
  ddb.on(DeleteCommand).resolves({ Attributes: stored(ID, 'Laptop') });
  const result = await run([...revoke, '--device', ID, '--by', 'ops', '--json']);
  expect(result.code).toBe(0);
  expect(ddb.calls().map((call) => (call.args[0] as object).constructor.name)).toEqual([
    'QueryCommand',
    'PutCommand',
    'DeleteCommand',
  ]);
  expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
    ConditionExpression: 'attribute_not_exists(pk)',
    Item: {
      sk: `AUDIT#${NOW.toISOString()}#devices_revoked`,
      cause: 'operator',
      by: 'ops',
      devicesRevoked: 1,
      deviceId: ID,
      deviceName: 'Laptop',
    },
  });
  expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input.Key).toEqual({
    pk: `USER#${SUB}`,
    sk: `REMEMBERED#${ID}`,
  });
  expect(JSON.parse(result.stdout)).toMatchObject({ revoked: 1, notice: 'no_sender' });
});

test('the record cannot be written: exit 1, no device deleted', async () => {
  ddb.on(QueryCommand).resolves({ Items: [stored(ID, 'Laptop')] });
  ddb.on(PutCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
  const result = await run([...revoke, '--all']);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^users: DynamoDB request failed at .*AccessDeniedException: denied\n$/);
  expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
});

test('devices revoke --help: the order of the steps and the exactly-one rule', async () => {
  const result = await run(['devices', 'revoke', '--help']);
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(
    'Usage: npm run users -- devices revoke --email EMAIL (--device ID | --all) [--reason TEXT] [--by NAME]',
  );
  expect(result.stdout).toContain('a devices_revoked record in the user');
  const main = await run(['--help']);
  expect(main.stdout).toContain("\n  devices         List a user's remembered devices");
  expect(main.stdout).toContain("\n  devices revoke  Revoke one of a user's remembered devices");
});

describe('text', () => {
  const view = (over: Partial<DeviceView>): DeviceView => ({
    id: ID,
    name: 'Laptop',
    createdAt: '2029-12-20T08:00:00.000Z',
    lastUsedAt: null,
    expiresAt: '2030-01-19T08:00:00.000Z',
    expired: false,
    ...over,
  });

  test('a name from the app cannot move the terminal cursor or reorder the line', () => {
    const text = devicesText(EMAIL, [view({ name: 'Ada\u001b[2J\u202Epot\u202C' })]);
    expect(text).toContain('Ada?[2J?pot?');
    expect(text.includes('\u001b') || text.includes('\u202e')).toBe(false);
    expect(
      revokeText({
        email: EMAIL,
        sub: SUB,
        revoked: 1,
        devices: [{ id: ID, name: '\u202Eevil' }],
        recorded: { at: NOW.toISOString(), action: 'devices_revoked', by: 'ops', ttl: 1 },
        notice: 'sent',
      }),
    ).toContain(': ?evil.\n');
  });

  test('a device without a name is shown by its id; the email outcome is said', () => {
    const text = revokeText({
      email: EMAIL,
      sub: SUB,
      revoked: 1,
      devices: [{ id: ID, name: null }],
      recorded: { at: NOW.toISOString(), action: 'devices_revoked', by: 'ops', reason: 'stolen', ttl: 1 },
      notice: 'sent',
    });
    expect(text.split('\n')).toEqual([
      `Revoked 1 remembered device of ${EMAIL} (${SUB}): ${ID}.`,
      'Recorded: devices_revoked at 2030-01-01 12:00 UTC by ops: stolen.',
      'On those devices the next sign-in asks for the SMS code again.',
      'They were emailed a security notice.',
    ]);
  });

  test('the listing marks the expired and counts them', () => {
    const text = devicesText(EMAIL, [
      view({ expired: true, name: 'Old' }),
      view({ id: OTHER, lastUsedAt: NOW.toISOString() }),
    ]);
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/Old .* never .*2030-01-19 08:00 UTC \(expired\)$/);
    expect(lines[2]).toMatch(/Laptop .* 2030-01-01 12:00 UTC .*2030-01-19 08:00 UTC$/);
    expect(lines[3]).toBe(`2 remembered devices of ${EMAIL}, oldest first (1 usable, 1 expired).`);
  });
});

describe('the trail (users show, users audit)', () => {
  const record = (action: string, fields: Record<string, unknown>) =>
    auditEntry({
      pk: `USER#${SUB}`,
      sk: `AUDIT#${NOW.toISOString()}#${action}`,
      at: NOW.toISOString(),
      action,
      by: 'user',
      ...fields,
      ttl: 1,
    });

  test('device_remembered and devices_revoked are security events: `show` lists them', () => {
    expect(isSecurityEvent(record('device_remembered', { deviceId: ID }))).toBe(true);
    expect(isSecurityEvent(record('devices_revoked', { devicesRevoked: 2 }))).toBe(true);
  });

  test('their fields are in DETAILS, a device name from the app printed safely', () => {
    expect(details(record('device_remembered', { deviceId: ID, deviceName: 'Ada\u202E\u001b[2J' }))).toBe(
      `deviceId=${ID} deviceName=Ada??[2J`,
    );
    expect(details(record('devices_revoked', { cause: 'password_reset', devicesRevoked: 2 }))).toBe(
      'cause=password_reset devicesRevoked=2',
    );
  });
});
