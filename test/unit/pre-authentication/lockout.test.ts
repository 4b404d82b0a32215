/** The pure lockout and account decisions: counting, window expiry, reset by a success, suspension. */
import fc from 'fast-check';
import { accountDecision, DEFAULT_LOCKOUT, lockoutState } from '#shared/auth-state/account-status';

const NOW = new Date('2030-01-01T12:00:00.000Z');
const policy = DEFAULT_LOCKOUT; // 5 in 15 minutes
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const failures = (...minutes: number[]) => minutes.map((m) => ({ at: minutesAgo(m), reason: 'wrong_code' }));

test('defaults are 5 failures in 15 minutes', () => {
  expect(DEFAULT_LOCKOUT).toEqual({ maxFailures: 5, windowMinutes: 15 });
});

test('four failures inside the window do not lock', () => {
  expect(lockoutState({ failures: failures(1, 2, 3, 4) }, NOW, policy)).toEqual({ counted: 4 });
});

test('the fifth failure inside the window locks until the oldest of them leaves the window', () => {
  const state = lockoutState({ failures: failures(10, 8, 6, 4, 2) }, NOW, policy);
  expect(state.counted).toBe(5);
  expect(state.lockedUntil?.toISOString()).toBe(
    new Date(Date.parse(minutesAgo(10)) + 15 * 60_000).toISOString(),
  );
});

test('with more failures than the limit, the lock lasts until enough of them have left the window', () => {
  const state = lockoutState({ failures: failures(14, 12, 10, 8, 6, 4) }, NOW, policy);
  // Six counted: the count drops below five when the two oldest (14 and 12 minutes ago) have left.
  expect(state.lockedUntil?.toISOString()).toBe(
    new Date(Date.parse(minutesAgo(12)) + 15 * 60_000).toISOString(),
  );
});

test('window expiry: denied one millisecond before the lock ends, allowed at the instant it ends', () => {
  const records = { failures: failures(10, 9, 8, 7, 6) };
  const lockedUntil = lockoutState(records, NOW, policy).lockedUntil as Date;
  const before = new Date(lockedUntil.getTime() - 1);
  expect(accountDecision(records, before, policy)).toMatchObject({ allow: false, reason: 'locked_out' });
  expect(accountDecision(records, lockedUntil, policy)).toMatchObject({ allow: true });
});

test('failures older than the window do not count', () => {
  expect(lockoutState({ failures: failures(20, 19, 18, 17, 16, 1) }, NOW, policy)).toEqual({ counted: 1 });
});

test('every failure inside the window counts: a sign-in in between resets nothing', () => {
  const records = { failures: failures(10, 9, 8, 7, 6) };
  expect(lockoutState(records, NOW, policy)).toMatchObject({ counted: 5 });
  expect(lockoutState(records, NOW, policy).lockedUntil?.toISOString()).toBe(minutesAgo(-5));
});

test('a policy of 1 failure in 1 minute locks at once and frees after a minute', () => {
  const records = { failures: failures(0.5) };
  const strict = { maxFailures: 1, windowMinutes: 1 };
  expect(lockoutState(records, NOW, strict).lockedUntil?.toISOString()).toBe(minutesAgo(-0.5));
});

test('unreadable timestamps are ignored rather than counted or crashing', () => {
  expect(lockoutState({ failures: [{ at: 'garbage' }, { at: '' }] }, NOW, policy)).toEqual({
    counted: 0,
  });
});

test('suspension denies even without failures, and wins over a lockout', () => {
  const suspension = { reason: 'fraud', at: minutesAgo(60), by: 'admin' };
  expect(accountDecision({ failures: [], suspension }, NOW, policy)).toMatchObject({
    allow: false,
    reason: 'suspended',
  });
  expect(accountDecision({ failures: failures(1, 2, 3, 4, 5), suspension }, NOW, policy)).toMatchObject({
    reason: 'suspended',
  });
});

test('property: locked exactly when the counted failures reach the limit, never beyond the window', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 30 * 60_000 }), { maxLength: 20 }),
      fc.integer({ min: 1, max: 10 }),
      fc.integer({ min: 1, max: 30 }),
      (agesMs, maxFailures, windowMinutes) => {
        const records = {
          failures: agesMs.map((age) => ({ at: new Date(NOW.getTime() - age).toISOString() })),
        };
        const state = lockoutState(records, NOW, { maxFailures, windowMinutes });
        const windowMs = windowMinutes * 60_000;
        const expected = agesMs.filter((age) => age < windowMs);
        expect(state.counted).toBe(expected.length);
        expect(state.lockedUntil !== undefined).toBe(expected.length >= maxFailures);
        if (state.lockedUntil) {
          expect(state.lockedUntil.getTime()).toBeGreaterThan(NOW.getTime());
          expect(state.lockedUntil.getTime()).toBeLessThanOrEqual(NOW.getTime() + windowMs);
        }
      },
    ),
  );
});
