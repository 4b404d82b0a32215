/**
 * `users unlock`: a lockout reset in the auth-state table, so failures up to now stop counting
 * toward the lockout while their records stay (docs/pre-authentication.md).
 */
import { type LockoutReset, lockoutState } from '#shared/auth-state/account-status';
import { CliError } from '../lib/errors';
import { formatJson, formatTime } from '../lib/output';
import type { Command } from '../lib/run';
import { lockoutPolicy, type PoolUser } from './status';
import { operator, optionalReason, REASON_MAX, userOptions, withUser } from './target';

/** What `unlock` did (and `--json` returns). */
export interface UnlockResult {
  user: PoolUser;
  /** False when a later reset was already stored (another operator's clock ran ahead): it stands. */
  written: boolean;
  reset: LockoutReset;
  /** Failures that counted toward the lockout just before, and that count now. */
  countedBefore: number;
  countedNow: number;
  lockedOutUntilBefore?: string | undefined;
  suspended: boolean;
}

export const unlockCommand: Command = {
  summary: 'Lift a lockout now: failures so far stop counting (the records stay)',
  usage: '--email EMAIL [--reason TEXT] [--by NAME]',
  details:
    'Writes a lockout reset to the auth-state table; pre-authentication counts only failures later\n' +
    'than it (and inside the window), so the user may sign in again at once. The failure records\n' +
    'are kept for their 24 h audit trail. A suspension is not touched (`users unsuspend` lifts it),\n' +
    'and the user is not signed out. Unlocking a user who is not locked out is harmless: it only\n' +
    'forgives the failures so far.',
  options: {
    ...userOptions,
    reason: {
      type: 'string',
      valueName: 'TEXT',
      description: `Why (kept with the reset, ${REASON_MAX} chars max)`,
    },
    by: { type: 'string', valueName: 'NAME', description: 'Who unlocks (default: your login name)' },
  },
  run: async (context) => {
    const { options, io } = context;
    const reason = optionalReason(options);
    const by = operator(options);
    const policy = lockoutPolicy(io.env);
    const now = io.now();
    const result = await withUser(context, async ({ user, accounts, fail }): Promise<UnlockResult> => {
      const since = new Date(now.getTime() - policy.windowMinutes * 60_000);
      const records = await accounts.read(user.sub, since).catch((error: unknown) => {
        throw fail(error, 'dynamodb');
      });
      const before = lockoutState(records, now, policy);
      // Failure times come from Lambda's clock, this one from the operator's: the reset is
      // placed after every failure read here, so a clock running behind still forgives them.
      const newestFailure = Math.max(
        Number.NEGATIVE_INFINITY,
        ...records.failures.map((failure) => Date.parse(failure.at)).filter((time) => !Number.isNaN(time)),
      );
      const at = new Date(Math.max(now.getTime(), newestFailure + 1));
      const requested: LockoutReset = { at: at.toISOString(), by, reason };
      const written = await accounts.resetLockout(user.sub, requested).catch((error: unknown) => {
        throw fail(error, 'dynamodb');
      });
      // Not written: the stored reset is later than ours, so the one read above is at least as late.
      const reset = written ? requested : records.lockoutReset;
      if (!reset) {
        // Only a hand-edited item (an `at` that is a string but no time) refuses the write unread.
        throw new CliError(`the stored lockout reset of ${user.email} is unreadable; nothing changed`);
      }
      const after = lockoutState({ ...records, lockoutReset: reset }, now, policy);
      return {
        user,
        written,
        reset,
        countedBefore: before.counted,
        countedNow: after.counted,
        lockedOutUntilBefore: before.lockedUntil?.toISOString(),
        suspended: records.suspension !== undefined,
      };
    });
    if (options.flag('json')) {
      context.print(
        formatJson({
          email: result.user.email,
          sub: result.user.sub,
          lockoutReset: result.reset,
          updated: result.written,
          countedBefore: result.countedBefore,
          countedNow: result.countedNow,
          lockedOutUntilBefore: result.lockedOutUntilBefore,
          suspended: result.suspended,
        }),
      );
      return;
    }
    const { user, reset } = result;
    context.print(
      [
        result.written
          ? `Unlocked ${user.email} (${user.sub}).`
          : `${user.email} (${user.sub}) already has a later lockout reset (${formatTime(reset.at)} by ${reset.by}); it stands.`,
        `Failures counted toward the lockout: ${result.countedBefore} before, ${result.countedNow} now` +
          (result.lockedOutUntilBefore
            ? ` (was locked out until ${formatTime(result.lockedOutUntilBefore)}).`
            : ' (was not locked out).'),
        'The failure records are kept (24 h audit trail); sessions were not signed out.',
        ...(result.suspended ? ['The user is still suspended: `users unsuspend` lifts that.'] : []),
      ].join('\n'),
    );
  },
};
