/** The pure lockout and account decisions: counting, window expiry, an operator's reset, suspension. */
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

describe("an operator's lockout reset (users unlock)", () => {
  const reset = (minutes: number) => ({ at: minutesAgo(minutes), by: 'ops' });

  test('failures up to the reset no longer count: a locked-out user is allowed at once', () => {
    const records = { failures: failures(10, 8, 6, 4, 2) };
    expect(accountDecision(records, NOW, policy)).toMatchObject({ allow: false, reason: 'locked_out' });
    expect(lockoutState({ ...records, lockoutReset: reset(1) }, NOW, policy)).toEqual({ counted: 0 });
    expect(accountDecision({ ...records, lockoutReset: reset(1) }, NOW, policy)).toMatchObject({
      allow: true,
    });
  });

  test('failures after the reset count again, and five of them lock again', () => {
    const records = { failures: failures(12, 11, 10, 9, 8, 5, 4, 3, 2, 1), lockoutReset: reset(7) };
    const state = lockoutState(records, NOW, policy);
    expect(state.counted).toBe(5);
    expect(state.lockedUntil?.toISOString()).toBe(minutesAgo(5 - 15));
  });

  test('a failure at the very instant of the reset is forgiven; one a millisecond later counts', () => {
    const at = minutesAgo(3);
    const later = new Date(Date.parse(at) + 1).toISOString();
    expect(
      lockoutState({ failures: [{ at }, { at: later }], lockoutReset: { at, by: 'ops' } }, NOW, policy),
    ).toEqual({ counted: 1 });
  });

  test('a reset older than the window changes nothing: the window start is the later bound', () => {
    const records = { failures: failures(20, 10, 8, 6, 4, 2) };
    expect(lockoutState({ ...records, lockoutReset: reset(60) }, NOW, policy)).toEqual(
      lockoutState(records, NOW, policy),
    );
  });

  test('an unreadable reset time is ignored: it never unlocks', () => {
    const records = { failures: failures(10, 8, 6, 4, 2), lockoutReset: { at: 'garbage', by: 'ops' } };
    expect(accountDecision(records, NOW, policy)).toMatchObject({ allow: false, reason: 'locked_out' });
  });

  test('a reset does not lift a suspension', () => {
    const suspension = { reason: 'fraud', at: minutesAgo(60), by: 'admin' };
    expect(
      accountDecision(
        { failures: failures(4, 3, 2, 1, 0.5), suspension, lockoutReset: reset(0) },
        NOW,
        policy,
      ),
    ).toMatchObject({ allow: false, reason: 'suspended', lockout: { counted: 0 } });
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

test('property: locked exactly when the counted failures reach the limit, until exactly the moment the count drops below it', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 30 * 60_000 }), { maxLength: 20 }),
      fc.integer({ min: 1, max: 10 }),
      fc.integer({ min: 1, max: 30 }),
      // The age of an operator's reset, if any (up to an hour: often older than the window).
      fc.option(fc.integer({ min: 0, max: 60 * 60_000 }), { nil: undefined }),
      (agesMs, maxFailures, windowMinutes, resetAgeMs) => {
        const records = {
          failures: agesMs.map((age) => ({ at: new Date(NOW.getTime() - age).toISOString() })),
          lockoutReset:
            resetAgeMs === undefined
              ? undefined
              : { at: new Date(NOW.getTime() - resetAgeMs).toISOString(), by: 'ops' },
        };
        const state = lockoutState(records, NOW, { maxFailures, windowMinutes });
        const windowMs = windowMinutes * 60_000;
        // Counted: younger than the window and younger than the reset (a failure is later than it).
        const expected = agesMs.filter(
          (age) => age < windowMs && (resetAgeMs === undefined || age < resetAgeMs),
        );
        expect(state.counted).toBe(expected.length);
        expect(state.lockedUntil !== undefined).toBe(expected.length >= maxFailures);
        if (expected.length >= maxFailures) {
          // The failures arrive in any order. Oldest first, the lock lasts until the one that keeps
          // the count at the limit leaves the window: the (counted - max)-th, counting from 0.
          const oldestFirst = [...expected].sort((a, b) => b - a);
          const keepsTheCount = oldestFirst[expected.length - maxFailures] as number;
          expect(state.lockedUntil?.getTime()).toBe(NOW.getTime() - keepsTheCount + windowMs);
          expect(state.lockedUntil?.getTime()).toBeGreaterThan(NOW.getTime());
          expect(state.lockedUntil?.getTime()).toBeLessThanOrEqual(NOW.getTime() + windowMs);
        }
      },
    ),
  );
});
