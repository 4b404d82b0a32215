/**
 * The one change `migrate --apply` makes, for a user `assessUser` planned it for: Cognito's own MFA
 * factors off (AdminSetUserMFAPreference). First the audit record (who, when, what it was, how to
 * undo it) in the auth-state table, then the change; so there is never a change without its
 * record. If the change then fails, the record stays and running `--apply` again finishes the job
 * (it finds the factors still on and makes the change, with a new record).
 */
import {
  AdminSetUserMFAPreferenceCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { auditSk, auditTtl, userPk } from '#shared/auth-state/keys';
import { CliError } from '../../lib/errors';
import type { PlannedChange } from './assess';

export interface AuditRecord {
  pk: string;
  sk: string;
  at: string;
  by: string;
  tool: 'users migrate';
  action: PlannedChange['action'];
  username: string;
  before: PlannedChange['before'];
  /** The call that restores `before`. */
  undo: string;
  /** Epoch seconds: DynamoDB deletes the record AUDIT_TTL_DAYS after `at` (docs/operations.md). */
  ttl: number;
}

export interface ApplyDeps {
  cognito: CognitoIdentityProviderClient;
  dynamodb: DynamoDBDocumentClient;
  userPoolId: string;
  tableName: string;
  by: string;
  now: () => Date;
  /** Turns an AWS error into a one-line CLI error naming the service. */
  fail: (error: unknown, service: 'cognito' | 'dynamodb') => CliError;
}

/** Undo text: the factors that were on, back on, and the preferred one preferred again. */
export function undoCall(userPoolId: string, username: string, before: PlannedChange['before']): string {
  const settings = before.enabled.map((factor) => {
    const member = factor === 'SMS_MFA' ? 'sms-mfa-settings' : 'software-token-mfa-settings';
    return `--${member} Enabled=true,PreferredMfa=${before.preferred === factor}`;
  });
  return `aws cognito-idp admin-set-user-mfa-preference --user-pool-id ${userPoolId} --username ${username} ${settings.join(' ')}`;
}

export async function applyChange(
  user: { username: string; sub: string },
  change: PlannedChange,
  deps: ApplyDeps,
): Promise<AuditRecord> {
  const at = deps.now();
  const record: AuditRecord = {
    pk: userPk(user.sub),
    sk: auditSk(at, change.action),
    at: at.toISOString(),
    by: deps.by,
    tool: 'users migrate',
    action: change.action,
    username: user.username,
    before: change.before,
    undo: undoCall(deps.userPoolId, user.username, change.before),
    ttl: auditTtl(at),
  };
  await deps.dynamodb
    .send(
      new PutCommand({
        TableName: deps.tableName,
        Item: record,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    )
    .catch((error: unknown) => {
      throw new CliError(
        `recording the change for ${user.username} failed, nothing changed: ${deps.fail(error, 'dynamodb').message}`,
      );
    });
  // Only the factors that are on: naming SMS for a user without a phone number is refused.
  const off = { Enabled: false, PreferredMfa: false };
  await deps.cognito
    .send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: deps.userPoolId,
        Username: user.username,
        ...(change.before.enabled.includes('SMS_MFA') ? { SMSMfaSettings: off } : {}),
        ...(change.before.enabled.includes('SOFTWARE_TOKEN_MFA') ? { SoftwareTokenMfaSettings: off } : {}),
      }),
    )
    .catch((error: unknown) => {
      throw new CliError(
        `turning Cognito's MFA off for ${user.username} failed (${deps.fail(error, 'cognito').message}); ` +
          'its audit record is written, and --apply again completes the change',
      );
    });
  return record;
}
