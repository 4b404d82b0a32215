/** `users show`: what pre-authentication sees of a user, as text or JSON. */
import { formatDetails, formatJson, formatRelative, formatTime } from '../lib/output';
import type { Command } from '../lib/run';
import { AUDIT_HOURS, lockoutPolicy, type UserStatusView, userStatus } from './status';
import { userOptions, withUser } from './target';

function statusDetails(view: UserStatusView, now: Date): string {
  const signIn = view.suspended
    ? 'denied (suspended)'
    : view.lockedOutUntil
      ? `denied (locked out until ${formatTime(view.lockedOutUntil)}, ${formatRelative(view.lockedOutUntil, now)})`
      : 'allowed';
  return formatDetails([
    ['Email', view.email],
    ['Sub', view.sub],
    ['Username', view.username],
    ['Cognito status', `${view.cognitoStatus ?? '?'}${view.enabled === false ? ' (disabled)' : ''}`],
    ['Sign-in', signIn],
    [
      'Suspended',
      view.suspension
        ? `yes, since ${formatTime(view.suspension.at)} by ${view.suspension.by}: ${view.suspension.reason}`
        : 'no',
    ],
    [
      'Recent failures',
      `${view.recentFailures} of ${view.lockout.maxFailures} allowed in ${view.lockout.windowMinutes} min (${view.failuresLast24h} in the last ${AUDIT_HOURS} h)`,
    ],
    ['Locked out until', view.lockedOutUntil ? formatTime(view.lockedOutUntil) : '-'],
    [
      'Lockout reset',
      view.lockoutReset &&
        `${formatTime(view.lockoutReset.at)} by ${view.lockoutReset.by}${view.lockoutReset.reason ? `: ${view.lockoutReset.reason}` : ''}`,
    ],
    ['Invite reconciled', formatTime(view.inviteReconciledAt) ?? 'not yet (at the next sign-in)'],
  ]);
}

export const showCommand: Command = {
  summary: 'Show suspension, recent failures, lockout and lockout reset of a user',
  usage: '--email EMAIL',
  options: userOptions,
  run: async (context) => {
    const { options, io } = context;
    const policy = lockoutPolicy(io.env);
    const now = io.now();
    const view = await withUser(context, ({ accounts, user, fail }) =>
      userStatus(accounts, user, now, policy).catch((error: unknown) => {
        throw fail(error, 'dynamodb');
      }),
    );
    context.print(options.flag('json') ? formatJson(view) : statusDetails(view, now));
  },
};
