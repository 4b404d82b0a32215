/**
 * `users suspend` and `users unsuspend`: the suspension record pre-authentication reads on every
 * sign-in (docs/pre-authentication.md), and signing a suspended user out of their sessions.
 * A new suspension is also a security event (#shared/notices): a `suspended` record in the user's
 * audit trail and, when a sender is configured, a notice to their verified email, exactly as the
 * triggers send theirs (docs/two-factor.md, "Security emails"). Every suspension also revokes the
 * user's remembered devices (device-revocation.ts: a `devices_revoked` record, cause `suspended`,
 * no email of its own), so that lifting it later lets no device skip the SMS code.
 */
import { AdminUserGlobalSignOutCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Suspension } from '#shared/auth-state/account-status';
import { recordSecurityEvent, type SecurityEventOutcome } from '#shared/notices/index';
import { resolveAwsEnvironment } from '../lib/aws';
import { CliError } from '../lib/errors';
import { formatJson, formatTime } from '../lib/output';
import type { Command } from '../lib/run';
import { cliSecurityEventDeps, noticeRecipientOf, noticeSettings } from '../lib/security-notices';
import { devicesCount, revokeDevices } from './device-revocation';
import { operator, REASON_MAX, reasonOption, userOptions, withUser } from './target';

/** What the user was told, as `--json` says it (`skipped`: --no-notice, or already suspended). */
type NoticeOutcome = SecurityEventOutcome['notice'] | 'skipped';

const NOTICE_TEXT: Record<NoticeOutcome, string> = {
  sent: 'They were emailed a security notice.',
  failed: 'The security notice could not be sent',
  no_sender: 'No security notice: no sender is configured (SECURITY_EMAIL_FROM).',
  no_verified_email: 'No security notice: the user has no verified email.',
  duplicate: 'No security notice: this event was already recorded.',
  skipped: 'No security notice was sent.',
};

export const suspendCommand: Command = {
  summary:
    'Suspend a user: every new sign-in is denied, their remembered devices are revoked and their sessions signed out',
  usage: '--email EMAIL [--reason TEXT]',
  details:
    'The suspension is stored in the auth-state table, where pre-authentication reads it on every\n' +
    'sign-in. Refreshing tokens does not run pre-authentication, so the user is also signed out\n' +
    'everywhere (AdminUserGlobalSignOut: refresh tokens revoked; access tokens expire within their\n' +
    'validity). Suspending a suspended user updates the reason. The user`s remembered devices are\n' +
    'revoked (a devices_revoked record in the audit trail first).\n' +
    'A new suspension is recorded in the user`s audit trail and, when SECURITY_EMAIL_FROM is set\n' +
    '(with --local: the local stack`s sender), the user`s verified email gets a security notice\n' +
    'through SES (SES_CONFIGURATION_SET, APP_NAME, SIGN_IN_URL, SUPPORT_EMAIL as the functions read them).',
  options: {
    ...userOptions,
    reason: {
      type: 'string',
      valueName: 'TEXT',
      description: `Why (kept with the suspension, ${REASON_MAX} chars max)`,
    },
    by: { type: 'string', valueName: 'NAME', description: 'Who suspends (default: your login name)' },
    'keep-sessions': { type: 'boolean', description: 'Do not sign the user out of existing sessions' },
    'no-notice': {
      type: 'boolean',
      description: 'Do not email the user (the event is still recorded), e.g. while their mailbox is suspect',
    },
  },
  run: async (context) => {
    const { options, io } = context;
    const reason = reasonOption(options);
    const by = operator(options);
    const now = io.now();
    // Checked before anything changes: a bad sender setting stops the command here.
    const environment = await resolveAwsEnvironment(
      { local: options.flag('local'), region: options.string('region') },
      io.env,
    );
    const settings = noticeSettings(environment);
    const result = await withUser(
      context,
      async ({ user, accounts, cognito, userPoolId, fail, dynamodb, tableName }) => {
        const before = await accounts.read(user.sub, now).catch((error: unknown) => {
          throw fail(error, 'dynamodb');
        });
        const suspension: Suspension = { reason, at: now.toISOString(), by };
        await accounts.suspend(user.sub, suspension).catch((error: unknown) => {
          throw fail(error, 'dynamodb');
        });
        const wasSuspended = before.suspension !== undefined;
        // Recorded (and told) right after the suspension, before the sign-out that may fail: a
        // second `suspend` after a failed sign-out only updates the reason and mails nobody again.
        // Best effort, as in the triggers: the suspension stands whatever happens to its notice.
        const notices = cliSecurityEventDeps({
          environment,
          dynamodb,
          tableName,
          settings,
          notify: !wasSuspended && !options.flag('no-notice'),
        });
        try {
          let recipient = {};
          let lookupFailed = false;
          if (notices.deps.email) {
            recipient = await noticeRecipientOf(cognito, userPoolId, user.username).catch(
              (error: unknown) => {
                notices.problems.push(`email: ${fail(error, 'cognito').message}`);
                lookupFailed = true;
                return {};
              },
            );
          }
          const outcome = await recordSecurityEvent(
            notices.deps,
            user.sub,
            { action: 'suspended', by, reason, at: now },
            recipient,
          );
          const notice: NoticeOutcome = !notices.deps.email
            ? settings.sender
              ? 'skipped'
              : 'no_sender'
            : lookupFailed
              ? 'failed'
              : outcome.notice;
          // Every remembered device goes too (a devices_revoked record first; no email of its
          // own: the suspension notice says so). After the notice: a second `suspend` after a
          // failure here revokes what is left and mails nobody again.
          const devices = await revokeDevices(
            { user, dynamodb, tableName },
            { which: 'all', cause: 'suspended', by, reason, now },
          ).catch((error: unknown) => {
            const cause = fail(error, 'dynamodb').message;
            throw new CliError(
              `${user.email} is suspended, but revoking their remembered devices failed (${cause}); run suspend again`,
            );
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
          return {
            user,
            suspension,
            wasSuspended,
            devicesRevoked: devices.removed.length,
            signedOut,
            audit: outcome.recorded,
            notice,
            problems: notices.problems,
          };
        } finally {
          notices.close();
        }
      },
    );
    if (options.flag('json')) {
      context.print(
        formatJson({
          email: result.user.email,
          sub: result.user.sub,
          suspended: true,
          suspension: result.suspension,
          updated: result.wasSuspended,
          devicesRevoked: result.devicesRevoked,
          signedOut: result.signedOut,
          audit: result.audit,
          notice: result.notice,
          ...(result.problems.length > 0 ? { problems: result.problems } : {}),
        }),
      );
      return;
    }
    const failed = result.problems.length > 0 ? ` (${result.problems.join('; ')})` : '';
    context.print(
      [
        `${result.wasSuspended ? 'Updated the suspension of' : 'Suspended'} ${result.user.email} (${result.user.sub}).`,
        'Every new sign-in is denied until `users unsuspend`.',
        result.devicesRevoked > 0
          ? `Revoked ${devicesCount(result.devicesRevoked)} (they ask for the SMS code again after the suspension).`
          : 'No remembered devices to revoke.',
        result.signedOut
          ? 'Their sessions were signed out.'
          : 'Their existing sessions were kept (--keep-sessions).',
        result.notice === 'failed'
          ? `${NOTICE_TEXT.failed}${failed}; the suspension stands.`
          : NOTICE_TEXT[result.notice],
        ...(result.audit === 'failed' ? [`The audit record could not be written${failed}.`] : []),
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
