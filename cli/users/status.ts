/**
 * The users CLI's view of a user, shared with the local console (local/console): who a user of
 * the pool is (found by email with ListUsers, then AdminGetUser), and what the sign-in checks see
 * of them, read with the same AccountStatusStore and lockout rules the trigger uses.
 */
import {
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type AccountStatusStore,
  DEFAULT_LOCKOUT,
  type LockoutPolicy,
  type LockoutReset,
  lockoutState,
  MAX_WINDOW_MINUTES,
  type Suspension,
} from '#shared/auth-state/account-status';
import { ConfigError, readConfig, setting } from '#shared/config';
import { normaliseEmail } from '#shared/invites/email';
import { CliError } from '../lib/errors';

/** How far back `show` reads failures: their retention (TTL) is 24 hours. */
export const AUDIT_HOURS = 24;

/** A user of the pool, as far as this CLI needs to know them. */
export interface PoolUser {
  email: string;
  sub: string;
  username: string;
  status?: string | undefined;
  enabled?: boolean | undefined;
  /** The user's attributes as the pool returned them when the user was found (`findUser`). */
  attributes?: Record<string, string> | undefined;
}

/** What `show` prints (and `--json` returns). */
export interface UserStatusView {
  email: string;
  sub: string;
  username: string;
  cognitoStatus?: string | undefined;
  enabled?: boolean | undefined;
  suspended: boolean;
  suspension?: Suspension | undefined;
  /** Failures that count toward the lockout now (inside the window). */
  recentFailures: number;
  /** Every failure still retained (24 hours), counted or not. */
  failuresLast24h: number;
  lockedOutUntil?: string | undefined;
  /** The latest `users unlock`: failures up to its time no longer count. */
  lockoutReset?: LockoutReset | undefined;
  inviteReconciledAt?: string | undefined;
  lockout: LockoutPolicy;
}

/** The lockout settings the trigger is deployed with: the same variables and defaults. */
export function lockoutPolicy(env: Record<string, string | undefined>): LockoutPolicy {
  try {
    const config = readConfig(
      {
        LOCKOUT_MAX_FAILURES: setting.integer(DEFAULT_LOCKOUT.maxFailures, 1, 100),
        LOCKOUT_WINDOW_MINUTES: setting.integer(DEFAULT_LOCKOUT.windowMinutes, 1, MAX_WINDOW_MINUTES),
      },
      env,
    );
    return { maxFailures: config.LOCKOUT_MAX_FAILURES, windowMinutes: config.LOCKOUT_WINDOW_MINUTES };
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, 2);
    throw error;
  }
}

type AttributeList = ReadonlyArray<{ Name?: string | undefined; Value?: string | undefined }> | undefined;
const attribute = (attributes: AttributeList, name: string) =>
  attributes?.find((a) => a.Name === name)?.Value;
const attributeMap = (attributes: AttributeList): Record<string, string> =>
  Object.fromEntries((attributes ?? []).map((item) => [item.Name ?? '', item.Value ?? '']));

/** ListUsers filters compare exactly; quotes and backslashes in the value are escaped. */
export function emailFilter(email: string): string {
  return `email = "${email.replace(/["\\]/g, '\\$&')}"`;
}

/** The pool's user for an email: ListUsers by email (as typed, then lower-cased), then AdminGetUser. */
export async function findUser(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  email: string,
): Promise<PoolUser> {
  const candidates = [...new Set([email.trim(), normaliseEmail(email)])];
  for (const candidate of candidates) {
    const { Users = [] } = await cognito.send(
      new ListUsersCommand({ UserPoolId: userPoolId, Filter: emailFilter(candidate), Limit: 2 }),
    );
    if (Users.length > 1) {
      throw new CliError(`more than one user in ${userPoolId} has the email ${candidate}; use the console`);
    }
    const user = Users[0];
    if (user)
      return {
        ...poolUser(
          candidate,
          user.Username,
          attribute(user.Attributes, 'sub'),
          user.UserStatus,
          user.Enabled,
        ),
        attributes: attributeMap(user.Attributes),
      };
  }
  try {
    const user = await cognito.send(
      new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email.trim() }),
    );
    return {
      ...poolUser(email, user.Username, attribute(user.UserAttributes, 'sub'), user.UserStatus, user.Enabled),
      attributes: attributeMap(user.UserAttributes),
    };
  } catch (error) {
    if ((error as { name?: string }).name === 'UserNotFoundException') {
      throw new CliError(`no user with the email ${normaliseEmail(email)} in ${userPoolId}`);
    }
    throw error;
  }
}

export function poolUser(
  email: string,
  username: string | undefined,
  sub: string | undefined,
  status: string | undefined,
  enabled: boolean | undefined,
): PoolUser {
  if (!username || !sub)
    throw new CliError(`the user pool returned a user without username or sub for ${email}`);
  return { email: normaliseEmail(email), sub, username, status, enabled };
}

/**
 * What the sign-in checks see of a user now: suspension, failures inside the window and in the
 * last 24 hours, the lockout they make, the latest lockout reset. Store errors are thrown as they are.
 */
export async function userStatus(
  accounts: AccountStatusStore,
  user: PoolUser,
  now: Date,
  policy: LockoutPolicy,
): Promise<UserStatusView> {
  const since = new Date(now.getTime() - AUDIT_HOURS * 3_600_000);
  const records = await accounts.read(user.sub, since);
  const lockout = lockoutState(records, now, policy);
  return {
    email: user.email,
    sub: user.sub,
    username: user.username,
    cognitoStatus: user.status,
    enabled: user.enabled,
    suspended: records.suspension !== undefined,
    suspension: records.suspension,
    recentFailures: lockout.counted,
    failuresLast24h: records.failures.length,
    lockedOutUntil: lockout.lockedUntil?.toISOString(),
    lockoutReset: records.lockoutReset,
    inviteReconciledAt: records.inviteReconciledAt,
    lockout: policy,
  };
}

/** Every user of the pool (ListUsers, page by page, at most `max`), as PoolUser plus their attributes. */
export async function listPoolUsers(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  max = 600,
): Promise<Array<PoolUser & { attributes: Record<string, string> }>> {
  const users: UserType[] = [];
  let token: string | undefined;
  do {
    const page = await cognito.send(
      new ListUsersCommand({ UserPoolId: userPoolId, Limit: 60, PaginationToken: token }),
    );
    users.push(...(page.Users ?? []));
    token = page.PaginationToken;
  } while (token && users.length < max);
  return users.slice(0, max).map((user) => {
    const attributes = Object.fromEntries(
      (user.Attributes ?? []).map((item) => [item.Name ?? '', item.Value ?? '']),
    );
    return {
      ...poolUser(attributes.email ?? '', user.Username, attributes.sub, user.UserStatus, user.Enabled),
      attributes,
    };
  });
}
