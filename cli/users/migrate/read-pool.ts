/**
 * Reading an existing pool page by page: ListUsers (60 users a page, Cognito's maximum), then each
 * user's MFA settings with AdminGetUser (ListUsers does not return them), a few at a time so the
 * pool's admin read quota is not exhausted.
 */
import {
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { ExistingUser } from './assess';

export const PAGE_SIZE = 60;
/** AdminGetUser calls in flight at once. */
export const MFA_READ_CONCURRENCY = 4;

export interface UsersPage {
  users: ExistingUser[];
  /** The token of the next page; undefined on the last one. */
  next: string | undefined;
}

/** One page of users, each with their MFA settings. */
export async function readPage(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  token: string | undefined,
): Promise<UsersPage> {
  const page = await cognito.send(
    new ListUsersCommand({ UserPoolId: userPoolId, Limit: PAGE_SIZE, PaginationToken: token }),
  );
  const listed = page.Users ?? [];
  const users = await mapLimited(listed, MFA_READ_CONCURRENCY, (user) => withMfa(cognito, userPoolId, user));
  return {
    users: users.filter((user): user is ExistingUser => user !== undefined),
    next: page.PaginationToken,
  };
}

async function withMfa(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  listed: UserType,
): Promise<ExistingUser | undefined> {
  if (!listed.Username) return undefined;
  const attributes = Object.fromEntries(
    (listed.Attributes ?? []).map((attribute) => [attribute.Name ?? '', attribute.Value ?? '']),
  );
  const legacySms = (listed.MFAOptions ?? []).some((option) => option.DeliveryMedium === 'SMS');
  let mfaEnabled: string[] = legacySms ? ['SMS_MFA'] : [];
  let mfaPreferred: string | undefined;
  try {
    const detail = await cognito.send(
      new AdminGetUserCommand({ UserPoolId: userPoolId, Username: listed.Username }),
    );
    mfaEnabled = [...mfaEnabled, ...(detail.UserMFASettingList ?? [])];
    mfaPreferred = detail.PreferredMfaSetting;
  } catch (error) {
    // Deleted between the two calls: nothing left to migrate.
    if ((error as { name?: string }).name === 'UserNotFoundException') return undefined;
    throw error;
  }
  return {
    username: listed.Username,
    status: listed.UserStatus,
    enabled: listed.Enabled,
    attributes,
    mfaEnabled,
    mfaPreferred,
  };
}

/** `items.map(work)` with at most `limit` calls in flight; results in the items' order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
