/**
 * `users show`: what pre-authentication sees of a user (suspension, failures, lockout), and their
 * second factor (phone, enrolment, recovery codes, the latest security events), as text or JSON.
 */
import { formatDetails, formatJson, formatRelative, formatTable, formatTime } from '../lib/output';
import type { Command } from '../lib/run';
import { RECENT_EVENTS, type SecondFactorView, secondFactorView } from './second-factor';
import { AUDIT_HOURS, lockoutPolicy, type UserStatusView, userStatus } from './status';
import { userOptions, withUser } from './target';
import { eventColumns } from './trail';

function statusDetails(view: UserStatusView, now: Date): Array<readonly [string, string | undefined]> {
  const signIn = view.suspended
    ? 'denied (suspended)'
    : view.lockedOutUntil
      ? `denied (locked out until ${formatTime(view.lockedOutUntil)}, ${formatRelative(view.lockedOutUntil, now)})`
      : 'allowed';
  return [
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
  ];
}

function secondFactorDetails(view: SecondFactorView): Array<readonly [string, string | undefined]> {
  return [
    [
      'Phone',
      view.phone
        ? `${view.phone.destination} (${view.phone.verified ? 'verified' : 'not verified'})`
        : 'none (enrols one at the next sign-in)',
    ],
    ['Phone enrolled', formatTime(view.enrolledAt) ?? 'unknown'],
    [
      'Recovery codes',
      view.recoveryCodesLeft > 0
        ? `${view.recoveryCodesLeft} left${view.recoveryCodesIssuedAt ? ` (set made ${formatTime(view.recoveryCodesIssuedAt)})` : ''}`
        : 'none',
    ],
  ];
}

/** The text `show` prints: the details, then the latest security events as a table. */
export function showText(view: UserStatusView, secondFactor: SecondFactorView, now: Date): string {
  const events = secondFactor.recentSecurityEvents;
  return [
    formatDetails([...statusDetails(view, now), ...secondFactorDetails(secondFactor)]),
    '',
    events.length > 0
      ? `Last security events (newest first, at most ${RECENT_EVENTS}; all: users audit):\n${formatTable(eventColumns, events)}`
      : 'Last security events: none',
  ].join('\n');
}

/** The JSON `show --json` prints: what pre-authentication sees, then the second factor. */
export function showJson(view: UserStatusView, secondFactor: SecondFactorView): string {
  return formatJson({
    ...view,
    phone: secondFactor.phone ?? null,
    enrolledAt: secondFactor.enrolledAt ?? null,
    recoveryCodesLeft: secondFactor.recoveryCodesLeft,
    recoveryCodesIssuedAt: secondFactor.recoveryCodesIssuedAt ?? null,
    securityEvents: secondFactor.recentSecurityEvents.map(({ at, action, by, reason }) => ({
      at,
      action,
      by,
      reason,
    })),
  });
}

export const showCommand: Command = {
  summary:
    'Show a user as the sign-in checks see them (suspension, failures, lockout) and their second factor (phone, recovery codes, security events)',
  usage: '--email EMAIL',
  options: userOptions,
  run: async (context) => {
    const { options, io } = context;
    const policy = lockoutPolicy(io.env);
    const now = io.now();
    const [view, secondFactor] = await withUser(context, (session) =>
      Promise.all([
        userStatus(session.accounts, session.user, now, policy),
        secondFactorView(session, session.user),
      ]).catch((error: unknown) => {
        throw session.fail(error, 'dynamodb');
      }),
    );
    context.print(options.flag('json') ? showJson(view, secondFactor) : showText(view, secondFactor, now));
  },
};
