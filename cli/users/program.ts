/**
 * `npm run users -- <command>`: suspend and unsuspend users, lift a lockout early, reset a user's
 * phone, list and revoke their remembered devices, show what the sign-in checks see of them and
 * their audit trail (docs/pre-authentication.md),
 * and check a whole pool before the triggers are attached to it (`migrate`, docs/operations.md).
 * One module per command.
 *
 * Users are named by email; the CLI finds the user's `sub` (the key of the auth-state records)
 * in the user pool with ListUsers (`email = "..."`), falling back to AdminGetUser for pools whose
 * username is the email. The records are read and written with the same AccountStatusStore and
 * lockout rules the trigger uses, so `show` says exactly what the trigger would decide.
 */
import { awsOptions } from '../lib/aws';
import type { Program } from '../lib/run';
import { auditCommand } from './audit';
import { devicesCommand, devicesRevokeCommand } from './devices';
import { logRefCommand } from './log-ref';
import { migrateCommand } from './migrate';
import { resetPhoneCommand } from './reset-phone';
import { showCommand } from './show';
import { suspendCommand, unsuspendCommand } from './suspension';
import { AUTH_STATE_TABLE_VARIABLE, USER_POOL_ID_VARIABLE } from './target';
import { unlockCommand } from './unlock';

export { AUTH_STATE_TABLE_VARIABLE, USER_POOL_ID_VARIABLE } from './target';

export const usersProgram: Program = {
  name: 'users',
  invocation: 'npm run users --',
  summary:
    "Suspend, unsuspend, unlock, reset a user's phone, list and revoke their remembered devices, and inspect users and their audit trail (docs/pre-authentication.md); check a whole pool before the triggers are attached to it (migrate, docs/operations.md).",
  globalOptions: {
    'user-pool-id': {
      type: 'string',
      valueName: 'ID',
      description: `User pool to find users in (default: $${USER_POOL_ID_VARIABLE}, or the local stack's)`,
    },
    table: {
      type: 'string',
      valueName: 'NAME',
      description: `Auth-state table (default: $${AUTH_STATE_TABLE_VARIABLE}, else cognito-auth-triggers-<stage>-auth-state)`,
    },
    ...awsOptions,
    json: { type: 'boolean', description: 'Print JSON instead of text (for scripts)' },
  },
  footer: [
    'Exit status: 0 done, 1 failed (unknown user, AWS unreachable), 2 bad command line.',
    'AWS access uses the standard credential chain and AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER /',
    'AWS_ENDPOINT_URL_DYNAMODB. `show` and `unlock` apply LOCKOUT_MAX_FAILURES / LOCKOUT_WINDOW_MINUTES (default 5 / 15);',
    '`migrate` applies ALLOWED_COUNTRIES (default US,CA,GB).',
  ].join('\n'),
  commands: {
    suspend: suspendCommand,
    unsuspend: unsuspendCommand,
    unlock: unlockCommand,
    show: showCommand,
    'reset-phone': resetPhoneCommand,
    devices: devicesCommand,
    'devices revoke': devicesRevokeCommand,
    audit: auditCommand,
    migrate: migrateCommand,
    'log-ref': logRefCommand,
  },
};
