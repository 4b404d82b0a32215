/**
 * `users suspend` and `users unsuspend`: the suspension record pre-authentication reads on every
 * sign-in (docs/pre-authentication.md), and signing a suspended user out of their sessions.
 */
import { AdminUserGlobalSignOutCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Suspension } from '#shared/auth-state/account-status';
import { CliError } from '../lib/errors';
import { formatJson, formatTime } from '../lib/output';
import type { Command } from '../lib/run';
import { operator, REASON_MAX, reasonOption, userOptions, withUser } from './target';

export const suspendCommand: Command = {
  summary: 'Suspend a user: every new sign-in is denied, and their sessions are signed out',
  usage: '--email EMAIL [--reason TEXT]',
  details:
    'The suspension is stored in the auth-state table, where pre-authentication reads it on every\n' +
    'sign-in. Refreshing tokens does not run pre-authentication, so the user is also signed out\n' +
    'everywhere (AdminUserGlobalSignOut: refresh tokens revoked; access tokens expire within their\n' +
    'validity). Suspending a suspended user updates the reason.',
  options: {
    ...userOptions,
    reason: {
      type: 'string',
      valueName: 'TEXT',
      description: `Why (kept with the suspension, ${REASON_MAX} chars max)`,
    },
    by: { type: 'string', valueName: 'NAME', description: 'Who suspends (default: your login name)' },
    'keep-sessions': { type: 'boolean', description: 'Do not sign the user out of existing sessions' },
  },
  run: async (context) => {
    const { options, io } = context;
    const reason = reasonOption(options);
    const by = operator(options);
    const now = io.now();
    const result = await withUser(context, async ({ user, accounts, cognito, userPoolId, fail }) => {
      const before = await accounts.read(user.sub, now).catch((error: unknown) => {
        throw fail(error, 'dynamodb');
      });
      const suspension: Suspension = { reason, at: now.toISOString(), by };
      await accounts.suspend(user.sub, suspension).catch((error: unknown) => {
        throw fail(error, 'dynamodb');
      });
      let signedOut = false;
      if (!options.flag('keep-sessions')) {
        await cognito
          .send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: user.username }))
          .catch((error: unknown) => {
            const cause = fail(error, 'cognito').message;
            throw new CliError(
              `${user.email} is suspended, but signing out their sessions failed (${cause}); run suspend again`,
            );
          });
        signedOut = true;
      }
      return { user, suspension, wasSuspended: before.suspension !== undefined, signedOut };
    });
    if (options.flag('json')) {
      context.print(
        formatJson({
          email: result.user.email,
          sub: result.user.sub,
          suspended: true,
          suspension: result.suspension,
          updated: result.wasSuspended,
          signedOut: result.signedOut,
        }),
      );
      return;
    }
    context.print(
      [
        `${result.wasSuspended ? 'Updated the suspension of' : 'Suspended'} ${result.user.email} (${result.user.sub}).`,
        'Every new sign-in is denied until `users unsuspend`.',
        result.signedOut
          ? 'Their sessions were signed out.'
          : 'Their existing sessions were kept (--keep-sessions).',
      ].join('\n'),
    );
  },
};

export const unsuspendCommand: Command = {
  summary: 'Lift the suspension of a user',
  usage: '--email EMAIL',
  details: 'Unsuspending a user who is not suspended changes nothing. Failure records are not touched.',
  options: userOptions,
  run: async (context) => {
    const { options } = context;
    const result = await withUser(context, async ({ user, accounts, fail }) => {
      const removed = await accounts.unsuspend(user.sub).catch((error: unknown) => {
        throw fail(error, 'dynamodb');
      });
      return { user, removed };
    });
    if (options.flag('json')) {
      context.print(
        formatJson({
          email: result.user.email,
          sub: result.user.sub,
          suspended: false,
          wasSuspended: result.removed !== undefined,
          removed: result.removed,
        }),
      );
      return;
    }
    context.print(
      result.removed
        ? `Unsuspended ${result.user.email} (suspended since ${formatTime(result.removed.at)} by ${result.removed.by}).`
        : `${result.user.email} was not suspended; nothing changed.`,
    );
  },
};
