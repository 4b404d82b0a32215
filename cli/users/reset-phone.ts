/**
 * `users reset-phone`: take a user's second factor away so that their next sign-in enrols a phone
 * again (with a fresh proof of the mailbox), for a user who lost their phone or whose number was
 * taken over. Steps, in this order (docs/pre-authentication.md, "Resetting a user's phone"):
 *
 * 1. record the reset in the user's audit trail first (a `phone_reset` security event: who, why,
 *    the masked number it removes), so there is never a reset without its record;
 * 2. end the enrolment grace after sign-up (`LIFECYCLE#CONFIRMED`), so the enrolment that follows
 *    proves the mailbox again; before the phone goes, so that no sign-in started in between can
 *    enrol a number on the password alone;
 * 3. revoke every remembered device (device-revocation.ts: a `devices_revoked` record with cause
 *    `phone_reset`, then the devices; no email of its own, the `phone_reset` notice says so): a
 *    device may have gone with the phone, and none may stand in for the phone being replaced;
 * 4. remove `phone_number` and `phone_number_verified` from the user (AdminDeleteUserAttributes,
 *    naming the ones the user has), then read the user back (AdminGetUser) to confirm neither is
 *    left: the Cognito documentation does not say what deleting one does to the other;
 * 5. delete the recovery codes and the code in flight (a code already sent must not work after the
 *    reset);
 * 6. sign the user out everywhere (AdminUserGlobalSignOut: refresh tokens revoked).
 *
 * Idempotent: run again, it records again, finds nothing to remove and signs out again. When a
 * step fails the command stops there and says what was done, what is left and to run it again.
 */
import {
  AdminDeleteUserAttributesCommand,
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import {
  auditSk,
  CODE_SK,
  CONFIRMED_SK,
  challengePk,
  RECOVERY_SK,
  type SecurityEventRecord,
  securityEventRecord,
  userPk,
} from '#shared/auth-state/keys';
import { maskPhone } from '#shared/challenge/mask';
import { noticeRecipient, type SecurityEventOutcome, sendSecurityNotice } from '#shared/notices/index';
import { resolveAwsEnvironment } from '../lib/aws';
import { CliError } from '../lib/errors';
import { formatJson, formatTime } from '../lib/output';
import type { Command } from '../lib/run';
import { cliSecurityEventDeps, noticeSettings } from '../lib/security-notices';
import { putAuditRecord, withoutKeys } from './audit-record';
import { devicesCount, revokeDevices } from './device-revocation';
import { operator, optionalReason, REASON_MAX, type Session, userOptions, withUser } from './target';

/** The phone attributes step 2 removes. */
export const PHONE_ATTRIBUTES = ['phone_number', 'phone_number_verified'] as const;

/** What `reset-phone` did (and `--json` returns). */
export interface ResetPhoneResult {
  email: string;
  sub: string;
  /** The audit record written first (without its keys). */
  recorded: Omit<SecurityEventRecord, 'pk' | 'sk'>;
  /** The phone attributes the user had and that were removed (empty: there was no phone). */
  removedAttributes: string[];
  /** How many unused recovery codes were deleted. */
  recoveryCodesDeleted: number;
  /** Whether a code was in flight (sent, not yet used or expired from the table) and was deleted. */
  codeInFlightDeleted: boolean;
  /** Whether the enrolment grace after the sign-up's confirmation was still on record and was ended. */
  enrolmentGraceEnded: boolean;
  /** How many remembered devices were revoked (each with a `devices_revoked` record first). */
  devicesRevoked: number;
  signedOut: true;
  /** The security email, sent once the reset is done (`skipped`: --no-notice). */
  notice?: SecurityEventOutcome['notice'] | 'skipped' | undefined;
}

interface Step {
  /** What the step does, for "done" and "left" in a failure message. */
  does: string;
  run: () => Promise<void>;
}

/**
 * Runs the steps in order. A failing step stops the run with one line: which step failed and why,
 * what was done, what is left, and that running the command again finishes the job.
 */
async function runSteps(email: string, steps: readonly Step[]): Promise<void> {
  for (const [index, step] of steps.entries()) {
    try {
      await step.run();
    } catch (error) {
      const cause = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
      const done = steps.slice(0, index).map((s) => s.does);
      const left = steps.slice(index).map((s) => s.does);
      throw new CliError(
        `reset-phone of ${email} stopped at step ${index + 1} of ${steps.length}, ${step.does}: ${cause}. ` +
          `Done: ${done.length > 0 ? done.join('; ') : 'nothing'}. Left: ${left.join('; ')}. ` +
          'Run reset-phone again to finish.',
      );
    }
  }
}

/** The reset's steps for the user of `session` (see the opening comment). */
export async function resetPhone(
  session: Session,
  input: { by: string; reason?: string | undefined; now: Date },
): Promise<ResetPhoneResult> {
  const { user, dynamodb, tableName, cognito, userPoolId, fail } = session;
  const attributes = user.attributes ?? {};
  const number = attributes.phone_number;
  const present = PHONE_ATTRIBUTES.filter((name) => attributes[name] !== undefined);
  let record = securityEventRecord(
    user.sub,
    {
      action: 'phone_reset',
      by: input.by,
      reason: input.reason,
      oldDestination: number ? maskPhone(number) : undefined,
    },
    input.now,
  );
  const result: ResetPhoneResult = {
    email: user.email,
    sub: user.sub,
    recorded: withoutKeys(record),
    removedAttributes: present,
    recoveryCodesDeleted: 0,
    codeInFlightDeleted: false,
    enrolmentGraceEnded: false,
    devicesRevoked: 0,
    signedOut: true,
  };
  const dynamo = (error: unknown) => fail(error, 'dynamodb');
  const idp = (error: unknown) => fail(error, 'cognito');
  /** Deletes one item; resolves to what it held (undefined: there was none). */
  const deleted = async (pk: string, sk: string) =>
    (
      await dynamodb
        .send(new DeleteCommand({ TableName: tableName, Key: { pk, sk }, ReturnValues: 'ALL_OLD' }))
        .catch((error: unknown) => {
          throw dynamo(error);
        })
    ).Attributes;

  await runSteps(user.email, [
    {
      does: 'record the reset in the audit trail',
      run: async () => {
        record = await putAuditRecord(session, record).catch((error: unknown) => {
          throw dynamo(error);
        });
        result.recorded = withoutKeys(record);
      },
    },
    {
      does: 'end the enrolment grace',
      run: async () => {
        result.enrolmentGraceEnded = (await deleted(userPk(user.sub), CONFIRMED_SK)) !== undefined;
      },
    },
    {
      does: 'revoke the remembered devices',
      run: async () => {
        const revoked = await revokeDevices(session, {
          which: 'all',
          cause: 'phone_reset',
          by: input.by,
          reason: input.reason,
          now: input.now,
        }).catch((error: unknown) => {
          throw dynamo(error);
        });
        result.devicesRevoked = revoked.removed.length;
      },
    },
    {
      does: 'remove the phone number and its verified flag from the user pool',
      run: async () => {
        if (present.length > 0) {
          await cognito
            .send(
              new AdminDeleteUserAttributesCommand({
                UserPoolId: userPoolId,
                Username: user.username,
                UserAttributeNames: present,
              }),
            )
            .catch((error: unknown) => {
              throw idp(error);
            });
        }
        const after = await cognito
          .send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: user.username }))
          .catch((error: unknown) => {
            throw idp(error);
          });
        const left = (after.UserAttributes ?? []).filter(
          (a) => a.Name === 'phone_number' || (a.Name === 'phone_number_verified' && a.Value === 'true'),
        );
        if (left.length > 0) {
          throw new Error(
            `the user pool still lists ${left.map((a) => a.Name).join(' and ')} after AdminDeleteUserAttributes`,
          );
        }
      },
    },
    {
      does: 'delete the recovery codes and the code in flight',
      run: async () => {
        const recovery = await deleted(challengePk(user.sub), RECOVERY_SK);
        const codes = recovery?.codes;
        result.recoveryCodesDeleted = codes instanceof Set ? codes.size : 0;
        result.codeInFlightDeleted = (await deleted(challengePk(user.sub), CODE_SK)) !== undefined;
      },
    },
    {
      does: 'sign the user out everywhere',
      run: async () => {
        await cognito
          .send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: user.username }))
          .catch((error: unknown) => {
            throw idp(error);
          });
      },
    },
  ]);
  return result;
}

export function resetPhoneText(result: ResetPhoneResult): string {
  const { recorded } = result;
  return [
    `Reset the phone of ${result.email} (${result.sub}).`,
    `Recorded: phone_reset at ${formatTime(recorded.at)} by ${recorded.by}${recorded.reason ? `: ${recorded.reason}` : ''}.`,
    recorded.oldDestination
      ? `Removed the phone ${recorded.oldDestination} (${result.removedAttributes.join(', ')}).`
      : result.removedAttributes.length > 0
        ? `Removed ${result.removedAttributes.join(', ')} (no number was on file).`
        : 'No phone was on file; nothing to remove from the user pool.',
    `Deleted ${result.recoveryCodesDeleted > 0 ? `${result.recoveryCodesDeleted} unused recovery code${result.recoveryCodesDeleted === 1 ? '' : 's'}` : 'no recovery codes (there were none)'}` +
      `${result.codeInFlightDeleted ? ', and the code in flight' : ''}` +
      `${result.enrolmentGraceEnded ? '; ended the enrolment grace' : ''}.`,
    result.devicesRevoked > 0
      ? `Revoked ${devicesCount(result.devicesRevoked)} (they ask for the SMS code again).`
      : 'No remembered devices to revoke.',
    'Signed out everywhere (refresh tokens revoked; access tokens expire within their validity).',
    'The next sign-in asks for a phone again (after a code to the email, unless enrolmentEmailProof is never).',
    ...(result.notice === 'sent' ? ['They were emailed a security notice.'] : []),
    ...(result.notice === 'failed' ? ['The security notice could not be sent.'] : []),
  ].join('\n');
}

export const resetPhoneCommand: Command = {
  summary:
    "Remove a user's phone, recovery codes and remembered devices and sign them out everywhere: the next sign-in enrols a phone again",
  usage: '--email EMAIL [--reason TEXT] [--by NAME]',
  details: [
    "In this order: (1) a phone_reset record in the user's audit trail (who, why, the masked number);",
    '(2) the enrolment grace after sign-up ended; (3) every remembered device revoked (a',
    'devices_revoked record first); (4) phone_number and phone_number_verified removed from the user',
    '(AdminDeleteUserAttributes, then AdminGetUser to confirm); (5) the recovery codes and any code',
    'already sent deleted; (6) signed out everywhere (AdminUserGlobalSignOut).',
    'If a step fails, the command says what was done and what is left: run it again to finish. Running',
    'it on a user without a phone records the reset again and signs the user out again.',
  ].join('\n'),
  options: {
    ...userOptions,
    reason: {
      type: 'string',
      valueName: 'TEXT',
      description: `Why (kept in the audit trail, ${REASON_MAX} chars max)`,
    },
    by: { type: 'string', valueName: 'NAME', description: 'Who resets (default: your login name)' },
    'no-notice': {
      type: 'boolean',
      description: 'Do not email the user (the reset is still recorded), e.g. while their mailbox is suspect',
    },
  },
  run: async (context) => {
    const { options, io } = context;
    const reason = optionalReason(options);
    const by = operator(options);
    // Checked before anything changes: a bad sender setting stops the command here.
    const environment = await resolveAwsEnvironment(
      { local: options.flag('local'), region: options.string('region') },
      io.env,
    );
    const settings = noticeSettings(environment);
    const result = await withUser(context, async (session) => {
      const reset = await resetPhone(session, { by, reason, now: io.now() });
      // The user is told once the reset is done, from the record step 1 wrote (best effort: the
      // reset stands whatever happens to its email).
      const notices = cliSecurityEventDeps({
        environment,
        dynamodb: session.dynamodb,
        tableName: session.tableName,
        settings,
        notify: !options.flag('no-notice'),
      });
      try {
        const record = {
          ...reset.recorded,
          pk: userPk(reset.sub),
          sk: auditSk(new Date(reset.recorded.at), reset.recorded.action),
        };
        reset.notice = notices.deps.email
          ? await sendSecurityNotice(notices.deps, record, noticeRecipient(session.user.attributes ?? {}))
          : settings.sender
            ? 'skipped'
            : 'no_sender';
      } finally {
        notices.close();
      }
      return reset;
    });
    context.print(options.flag('json') ? formatJson(result) : resetPhoneText(result));
  },
};
