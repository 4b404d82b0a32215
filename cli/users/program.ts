/**
 * `npm run users -- <command>`: suspend and unsuspend users, lift a lockout early, and show what
 * pre-authentication sees of them (suspension, recent failed sign-ins, lockout, lockout reset).
 * See docs/pre-authentication.md.
 *
 * Users are named by email; the CLI finds the user's `sub` (the key of the auth-state records)
 * in the user pool with ListUsers (`email = "..."`), falling back to AdminGetUser for pools whose
 * username is the email. The records are read and written with the same AccountStatusStore and
 * lockout rules the trigger uses, so `show` says exactly what the trigger would decide.
 */
import { userInfo } from 'node:os';
import {
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  AccountStatusStore,
  type LockoutReset,
  lockoutState,
  type Suspension,
} from '#shared/auth-state/account-status';
import { emailOption, type OptionValues } from '../lib/args';
import {
  type AwsEnvironment,
  awsOptions,
  awsTarget,
  describeAwsError,
  resolveAwsEnvironment,
  resolveTableName,
  stageOption,
} from '../lib/aws';
import { CliError, UsageError } from '../lib/errors';
import { formatDetails, formatJson, formatRelative, formatTime } from '../lib/output';
import type { CommandContext, Program } from '../lib/run';
import {
  AUDIT_HOURS,
  findUser,
  lockoutPolicy,
  type PoolUser,
  type UserStatusView,
  userStatus,
} from './status';

export const AUTH_STATE_TABLE_VARIABLE = 'AUTH_STATE_TABLE';
export const USER_POOL_ID_VARIABLE = 'USER_POOL_ID';
const REASON_MAX = 200;

/** `--reason`, checked; undefined when it is not given. */
function optionalReason(options: OptionValues): string | undefined {
  const reason = options.string('reason');
  if (reason !== undefined && (reason.length > REASON_MAX || /\p{Cc}/u.test(reason))) {
    throw new UsageError(`--reason must be at most ${REASON_MAX} characters on one line`);
  }
  return reason;
}

function reasonOption(options: OptionValues): string {
  return optionalReason(options) ?? 'no reason given';
}

function operator(options: OptionValues): string {
  const by = options.string('by');
  if (by !== undefined) {
    if (by.length > 100 || /\p{Cc}/u.test(by)) throw new UsageError('--by must be at most 100 characters');
    return by;
  }
  try {
    return `${userInfo().username} (users CLI)`;
  } catch {
    return 'users CLI';
  }
}

interface Session {
  user: PoolUser;
  accounts: AccountStatusStore;
  cognito: CognitoIdentityProviderClient;
  userPoolId: string;
  /** Turns an AWS error into a one-line CLI error naming the service that failed. */
  fail: (error: unknown, service: 'cognito' | 'dynamodb') => CliError;
}

/**
 * Resolves the pool and table (`--local`, flags, environment, stage), finds the user, runs `work`
 * and closes the clients. Every AWS failure becomes one line saying which service and where.
 */
async function withUser<T>(context: CommandContext, work: (session: Session) => Promise<T>): Promise<T> {
  const { options, io } = context;
  const email = emailOption(options).raw;
  const stage = stageOption(options);
  const environment: AwsEnvironment = await resolveAwsEnvironment(
    { local: options.flag('local'), region: options.string('region') },
    io.env,
  );
  const userPoolId =
    options.string('user-pool-id') ?? environment.stack?.userPoolId ?? io.env[USER_POOL_ID_VARIABLE]?.trim();
  if (!userPoolId) {
    throw new UsageError(`no user pool: pass --user-pool-id, set ${USER_POOL_ID_VARIABLE}, or use --local`);
  }
  const tableName = resolveTableName({
    explicit: options.string('table'),
    localName: environment.stack?.tables?.authState,
    envVariable: AUTH_STATE_TABLE_VARIABLE,
    env: io.env,
    stage,
    suffix: 'auth-state',
  });
  const cognitoTarget = awsTarget('cognito', environment);
  const dynamodbTarget = awsTarget('dynamodb', environment);
  const cognito = new CognitoIdentityProviderClient(cognitoTarget.clientOptions);
  const dynamodbClient = new DynamoDBClient(dynamodbTarget.clientOptions);
  const accounts = new AccountStatusStore(
    DynamoDBDocumentClient.from(dynamodbClient, { marshallOptions: { removeUndefinedValues: true } }),
    tableName,
  );
  const fail = (error: unknown, service: 'cognito' | 'dynamodb') =>
    error instanceof CliError
      ? error
      : service === 'cognito'
        ? describeAwsError(error, cognitoTarget, `user pool '${userPoolId}'`)
        : describeAwsError(error, dynamodbTarget, `table '${tableName}'`);
  try {
    let user: PoolUser;
    try {
      user = await findUser(cognito, userPoolId, email);
    } catch (error) {
      throw fail(error, 'cognito');
    }
    return await work({ user, accounts, cognito, userPoolId, fail });
  } finally {
    cognito.destroy();
    dynamodbClient.destroy();
  }
}

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

const userOptions = {
  email: { type: 'string', valueName: 'EMAIL', description: "The user's email address (required)" },
} as const;

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

export const usersProgram: Program = {
  name: 'users',
  invocation: 'npm run users --',
  summary:
    'Suspend, unsuspend, unlock and inspect users as the pre-authentication trigger sees them (see docs/pre-authentication.md).',
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
    'AWS_ENDPOINT_URL_DYNAMODB. `show` and `unlock` apply LOCKOUT_MAX_FAILURES / LOCKOUT_WINDOW_MINUTES (default 5 / 15).',
  ].join('\n'),
  commands: {
    suspend: {
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
    },

    unsuspend: {
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
    },

    unlock: {
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
            ...records.failures
              .map((failure) => Date.parse(failure.at))
              .filter((time) => !Number.isNaN(time)),
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
    },

    show: {
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
    },
  },
};
