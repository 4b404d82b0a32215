import {
  classifyUserItem,
  dayWindowSk,
  decoyKey,
  decoyPk,
  failureSk,
  hourWindowSk,
  LOCKOUT_RESET_SK,
  phoneSendsPk,
  SUSPENSION_SK,
  userPk,
  userSendsPk,
} from '#shared/auth-state/keys';

test('per-user records share one partition, and failures sort by time', () => {
  expect(userPk('abc')).toBe('USER#abc');
  const early = failureSk(new Date('2030-01-01T00:00:00.000Z'), 'ffffffff');
  const late = failureSk(new Date('2030-01-01T00:00:00.001Z'), '00000000');
  expect(early).toBe('FAIL#2030-01-01T00:00:00.000Z#ffffffff');
  expect(early < late).toBe(true);
  // The range pre-authentication reads, FAIL#<window start> .. SUSPENSION, holds the other records too.
  expect(late < 'INVITE#RECONCILED' && 'INVITE#RECONCILED' < SUSPENSION_SK).toBe(true);
});

test("an operator's lockout reset sorts inside the range pre-authentication reads, so it costs no extra read", () => {
  expect(LOCKOUT_RESET_SK).toBe('LOCKOUT#RESET');
  // The latest failure key a Query could meet (year 9999) still sorts before it.
  const latest = failureSk(new Date('9999-12-31T23:59:59.999Z'), 'ffffffff');
  expect([SUSPENSION_SK, LOCKOUT_RESET_SK, 'INVITE#RECONCILED', latest].sort()).toEqual([
    latest,
    'INVITE#RECONCILED',
    LOCKOUT_RESET_SK,
    SUSPENSION_SK,
  ]);
});

test('send windows are UTC calendar hours and days', () => {
  const at = new Date('2030-12-31T23:59:59.999Z');
  expect(hourWindowSk(at)).toBe('HOUR#2030-12-31T23');
  expect(dayWindowSk(at)).toBe('DAY#2030-12-31');
  expect(userSendsPk('abc')).toBe('SENDS#USER#abc');
});

test('phone numbers and unknown usernames are keyed by hashes, stable and distinct', () => {
  expect(phoneSendsPk('+12015550123')).toMatch(/^SENDS#PHONE#[0-9a-f]{32}$/);
  expect(phoneSendsPk('+12015550123')).toBe(phoneSendsPk('+12015550123'));
  expect(phoneSendsPk('+12015550123')).not.toBe(phoneSendsPk('+12015550124'));
  expect(phoneSendsPk('+12015550123')).not.toContain('2015550123');
  expect(decoyKey('pool', 'ghost')).toMatch(/^DECOY#[0-9a-f]{32}$/);
  expect(decoyKey('pool', 'ghost')).not.toBe(decoyKey('other-pool', 'ghost'));
  expect(decoyPk('pool', 'ghost')).toBe(`CHALLENGE#${decoyKey('pool', 'ghost')}`);
});

test.each([
  [
    { pk: 'USER#a', sk: 'FAIL#2030-01-01T00:00:00.000Z#00000000', at: 'x', reason: 'wrong_code', ttl: 1 },
    'failure',
  ],
  // The last-success marker of earlier versions is no longer one of ours: skipped.
  [{ pk: 'USER#a', sk: 'SIGNIN#LAST_SUCCESS', at: 'x' }, undefined],
  [{ pk: 'USER#a', sk: SUSPENSION_SK, reason: 'r', at: 'x', by: 'ops' }, 'suspension'],
  [{ pk: 'USER#a', sk: 'INVITE#RECONCILED' }, undefined],
  [{ pk: 'USER#a', sk: LOCKOUT_RESET_SK, at: 'x', by: 'ops' }, undefined],
  [{ sk: SUSPENSION_SK }, undefined],
])('classifyUserItem(%j) is %s', (item, kind) => {
  expect(classifyUserItem(item)?.kind).toBe(kind);
});
