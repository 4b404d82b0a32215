/**
 * `users reset-phone`, `users audit` and `users show`: a bad command line gets one short line on
 * stderr, exit status 2 and no AWS call (the clients are faked here, so any call would be
 * recorded); and how the trail, the second factor and a reset are printed. What the commands do
 * against a real table: test/integration/users-second-factor.test.ts.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_LOCKOUT } from '#shared/auth-state/account-status';
import { securityEventRecord } from '#shared/auth-state/keys';
import { runCli } from '../../../cli/lib/run';
import { auditText } from '../../../cli/users/audit';
import { usersProgram } from '../../../cli/users/program';
import { type ResetPhoneResult, resetPhoneText } from '../../../cli/users/reset-phone';
import type { SecondFactorView } from '../../../cli/users/second-factor';
import { showJson, showText } from '../../../cli/users/show';
import type { UserStatusView } from '../../../cli/users/status';
import { auditEntry, cell, details, expiryDay } from '../../../cli/users/trail';

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

describe('bad command lines: exit 2, one line, nothing sent', () => {
  test.each<[string, string[], string, Record<string, string | undefined>?]>([
    ['reset-phone without --email', ['reset-phone'], 'users: --email is required'],
    ['reset-phone with --email and no value', ['reset-phone', '--email'], 'users: --email needs a value'],
    [
      'reset-phone with an invalid email',
      ['reset-phone', '--email', 'not-an-email'],
      "users: 'not-an-email' is not a valid email address",
    ],
    [
      'reset-phone with a --reason over 200 characters',
      ['reset-phone', '--email', 'a@example.com', '--reason', 'x'.repeat(201)],
      'users: --reason must be at most 200 characters on one line',
    ],
    [
      'reset-phone with a --reason holding an escape sequence',
      ['reset-phone', '--email', 'a@example.com', '--reason', 'ok\u001b[2J'],
      'users: --reason must be at most 200 characters on one line',
    ],
    [
      'reset-phone with an empty --reason',
      ['reset-phone', '--email', 'a@example.com', '--reason', '  '],
      'users: --reason needs a value',
    ],
    [
      'reset-phone with a --by over 100 characters',
      ['reset-phone', '--email', 'a@example.com', '--by', 'o'.repeat(101)],
      'users: --by must be at most 100 characters',
    ],
    [
      'reset-phone with a stray argument',
      ['reset-phone', '--email', 'a@example.com', 'now'],
      "users: unexpected argument 'now' for 'reset-phone'",
    ],
    [
      'reset-phone with an option of another command',
      ['reset-phone', '--email', 'a@example.com', '--keep-sessions'],
      "users: unknown option --keep-sessions for 'reset-phone'",
    ],
    [
      'reset-phone without a user pool',
      ['reset-phone', '--email', 'a@example.com'],
      'users: no user pool: pass --user-pool-id',
      { USER_POOL_ID: undefined },
    ],
    ['audit without --email', ['audit'], 'users: --email is required'],
    [
      'audit with --limit 0',
      ['audit', '--email', 'a@example.com', '--limit', '0'],
      "users: --limit must be a whole number from 1 to 100000 (got '0')",
    ],
    [
      'audit with a negative --limit',
      ['audit', '--email', 'a@example.com', '--limit=-3'],
      "users: --limit must be a whole number from 1 to 100000 (got '-3')",
    ],
    [
      'audit with a --limit that is no number',
      ['audit', '--email', 'a@example.com', '--limit', 'all'],
      "users: --limit must be a whole number from 1 to 100000 (got 'all')",
    ],
    [
      'audit with --limit and no value',
      ['audit', '--email', 'a@example.com', '--limit'],
      'users: --limit needs a value',
    ],
    ['show with an invalid email', ['show', '--email', 'a@'], "users: 'a@' is not a valid email address"],
    [
      'show with --limit (an audit option)',
      ['show', '--email', 'a@example.com', '--limit', '3'],
      "users: unknown option --limit for 'show'",
    ],
  ])('%s', async (_name, args, message, env = {}) => {
    const result = await run(args, env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.startsWith(message)).toBe(true);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(idp.calls()).toHaveLength(0);
    expect(ddb.calls()).toHaveLength(0);
  });
});

test('every new command has --local and --json (the global options) and its own help', async () => {
  for (const command of ['reset-phone', 'audit', 'show']) {
    const help = await run([command, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--local');
    expect(help.stdout).toContain('--json');
  }
  const main = await run(['--help']);
  expect(main.stdout).toMatch(/\n {2}reset-phone +Remove a user's phone/);
  expect(main.stdout).toMatch(/\n {2}audit +List a user's audit trail/);
});

describe('the trail', () => {
  test('an item keeps every field but its keys, sets become sorted lists, time and action come from the sort key when missing', () => {
    expect(
      auditEntry({
        pk: 'USER#u',
        sk: 'AUDIT#2030-01-01T00:00:00.000Z#phone_reset',
        by: 'ops',
        tags: new Set(['b', 'a']),
        before: { enabled: ['SMS_MFA'] },
        ttl: 1,
      }),
    ).toEqual({
      at: '2030-01-01T00:00:00.000Z',
      action: 'phone_reset',
      by: 'ops',
      tags: ['a', 'b'],
      before: { enabled: ['SMS_MFA'] },
      ttl: 1,
    });
  });

  test('cells show control characters as ?, objects as JSON, and nothing for empty values', () => {
    expect(cell('a\u001b[31mb\nc')).toBe('a?[31mb?c');
    expect(cell({ enabled: ['SMS_MFA'] })).toBe('{"enabled":["SMS_MFA"]}');
    expect(cell('')).toBeUndefined();
    expect(cell(undefined)).toBeUndefined();
    expect(cell(0)).toBe('0');
  });

  test('DETAILS holds the fields without a column, EXPIRES the day of the TTL', () => {
    const entry = auditEntry({
      ...securityEventRecord(
        'u',
        { action: 'recovery_code_used', by: 'user', recoveryCodesLeft: 4 },
        new Date('2030-01-01T00:00:00.000Z'),
      ),
    });
    expect(details(entry)).toBe('recoveryCodesLeft=4');
    expect(expiryDay(entry)).toBe('2031-02-05');
    expect(details(auditEntry({ at: 'x', action: 'y', by: 'z' }))).toBeUndefined();
    expect(expiryDay(auditEntry({ at: 'x', action: 'y', ttl: 'soon' }))).toBeUndefined();
  });

  test('audit text: the table, then how many records and whether --limit cut it', () => {
    const entries = [
      auditEntry(
        securityEventRecord(
          'u',
          { action: 'phone_reset', by: 'ops', reason: 'lost', oldDestination: '+*******0123' },
          new Date('2030-01-01T10:00:00.000Z'),
        ),
      ),
      auditEntry(
        securityEventRecord('u', { action: 'phone_bound', by: 'user' }, new Date('2029-12-01T09:00:00.000Z')),
      ),
    ];
    expect(auditText('ada@example.com', entries)).toBe(
      [
        'TIME                  ACTION       BY    REASON  DETAILS                      EXPIRES',
        '2030-01-01 10:00 UTC  phone_reset  ops   lost    oldDestination=+*******0123  2031-02-05',
        '2029-12-01 09:00 UTC  phone_bound  user  -       -                            2031-01-05',
        '2 records, newest first.',
      ].join('\n'),
    );
    expect(auditText('ada@example.com', entries, 2).split('\n').at(-1)).toBe(
      '2 records (the newest 2; --limit for more), newest first.',
    );
    expect(auditText('ada@example.com', entries, 3).split('\n').at(-1)).toBe('2 records, newest first.');
    expect(auditText('ada@example.com', [])).toBe(
      'No audit records for ada@example.com (records are kept 400 days).',
    );
  });
});

const status: UserStatusView = {
  email: 'ada@example.com',
  sub: 'sub-1',
  username: 'sub-1',
  cognitoStatus: 'CONFIRMED',
  enabled: true,
  suspended: false,
  recentFailures: 0,
  failuresLast24h: 0,
  lockout: DEFAULT_LOCKOUT,
};

describe('show', () => {
  const secondFactor: SecondFactorView = {
    phone: { destination: '+*******0123', verified: false },
    enrolledAt: '2029-06-01T08:30:00.000Z',
    recoveryCodesLeft: 1,
    recoveryCodesIssuedAt: '2029-06-01T08:31:00.000Z',
    recentSecurityEvents: [
      auditEntry(
        securityEventRecord(
          'sub-1',
          { action: 'recovery_code_used', by: 'user', recoveryCodesLeft: 1 },
          new Date('2029-12-31T23:00:00.000Z'),
        ),
      ),
    ],
  };

  test('text: the second factor after the sign-in checks, then the events as a table', () => {
    const text = showText(status, secondFactor, new Date('2030-01-01T12:00:00.000Z'));
    expect(text).toContain(
      [
        'Phone:              +*******0123 (not verified)',
        'Phone enrolled:     2029-06-01 08:30 UTC',
        'Recovery codes:     1 left (set made 2029-06-01 08:31 UTC)',
        '',
        'Last security events (newest first, at most 5; all: users audit):',
        'TIME                  ACTION              BY    REASON',
        '2029-12-31 23:00 UTC  recovery_code_used  user  -',
      ].join('\n'),
    );
    expect(text.startsWith('Email:              ada@example.com\n')).toBe(true);
  });

  test('JSON: what show printed before, plus phone, enrolledAt, recovery codes and the events (time, action, by, reason)', () => {
    const json = JSON.parse(showJson(status, secondFactor));
    expect(json).toEqual({
      ...status,
      phone: { destination: '+*******0123', verified: false },
      enrolledAt: '2029-06-01T08:30:00.000Z',
      recoveryCodesLeft: 1,
      recoveryCodesIssuedAt: '2029-06-01T08:31:00.000Z',
      securityEvents: [{ at: '2029-12-31T23:00:00.000Z', action: 'recovery_code_used', by: 'user' }],
    });
  });
});

describe('reset-phone text', () => {
  const base: ResetPhoneResult = {
    email: 'ada@example.com',
    sub: 'sub-1',
    recorded: { at: '2030-01-01T12:00:00.000Z', action: 'phone_reset', by: 'ops', ttl: 1 },
    removedAttributes: [],
    recoveryCodesDeleted: 0,
    codeInFlightDeleted: false,
    enrolmentGraceEnded: false,
    devicesRevoked: 0,
    signedOut: true,
  };

  test('says what was removed, deleted and signed out', () => {
    const text = resetPhoneText({
      ...base,
      recorded: { ...base.recorded, reason: 'lost phone', oldDestination: '+*******0123' },
      removedAttributes: ['phone_number', 'phone_number_verified'],
      recoveryCodesDeleted: 1,
      codeInFlightDeleted: true,
      devicesRevoked: 2,
    });
    expect(text.split('\n').slice(0, 6)).toEqual([
      'Reset the phone of ada@example.com (sub-1).',
      'Recorded: phone_reset at 2030-01-01 12:00 UTC by ops: lost phone.',
      'Removed the phone +*******0123 (phone_number, phone_number_verified).',
      'Deleted 1 unused recovery code, and the code in flight.',
      'Revoked 2 remembered devices (they ask for the SMS code again).',
      'Signed out everywhere (refresh tokens revoked; access tokens expire within their validity).',
    ]);
    expect(resetPhoneText({ ...base, devicesRevoked: 1 })).toContain(
      'Revoked 1 remembered device (they ask for the SMS code again).',
    );
    expect(resetPhoneText(base)).toContain('No remembered devices to revoke.');
  });

  test('a user without a phone: nothing to remove, and a verified flag without a number is named', () => {
    expect(resetPhoneText(base)).toContain('No phone was on file; nothing to remove from the user pool.');
    expect(resetPhoneText({ ...base, removedAttributes: ['phone_number_verified'] })).toContain(
      'Removed phone_number_verified (no number was on file).',
    );
  });
});
