/**
 * The administrator operations (IAM-authorised in AWS; unauthenticated on this local server):
 * creating and managing users, groups, and listing users with Cognito's filter syntax.
 */
import { checkAdminWritable, checkAttributes, checkRequired, parseAttributeList } from './attributes';
import { invalidParameter, missingMember, notAuthorized, unsupportedUserState, userNotFound } from './errors';
import { changeAttributes, newIdentity, newUser, postConfirmation, userType } from './lifecycle';
import { parseFilter } from './list-users-filter';
import { checkPassword, generateTemporaryPassword, storePassword } from './passwords';
import { checkPool, type Operation, optional, type Pool, required, seconds, stringMap } from './pool';
import type { GroupRecord, UserRecord } from './store';

const USER_DOES_NOT_EXIST = 'User does not exist.';

/**
 * AdminCreateUser: PreSignUp_AdminCreateUser (its response is ignored, as in Cognito), the user
 * in FORCE_CHANGE_PASSWORD with a temporary password, and the invitation through
 * CustomMessage_AdminCreateUser unless MessageAction is SUPPRESS. RESEND sends a new one.
 */
export const adminCreateUser: Operation = async (pool, input) => {
  checkPool(pool, input);
  const { settings, store } = pool;
  const username = required(input, 'Username');
  const attributes = parseAttributeList(input.UserAttributes, 'UserAttributes');
  const validationData = parseAttributeList(input.ValidationData, 'ValidationData');
  const clientMetadata = stringMap(input, 'ClientMetadata');
  const action = optional(input, 'MessageAction');
  if (action !== undefined && action !== 'RESEND' && action !== 'SUPPRESS') {
    throw invalidParameter(
      `1 validation error detected: Value '${action}' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]`,
    );
  }
  const mediums = deliveryMediums(input.DesiredDeliveryMediums);
  const temporary =
    optional(input, 'TemporaryPassword') ?? generateTemporaryPassword(settings.passwordPolicy);
  checkPassword(temporary, settings.passwordPolicy, 'temporaryPassword');

  if (action === 'RESEND') {
    const user = findUser(pool, username);
    if (user.status !== 'FORCE_CHANGE_PASSWORD') {
      throw unsupportedUserState('Resend not possible. User is not in FORCE_CHANGE_PASSWORD state.');
    }
    user.password = await storePassword(settings.poolName, user.userName, temporary, {
      now: pool.now(),
      temporary: true,
    });
    store.touch(user, pool.now());
    await invite(pool, user, username, temporary, mediums, clientMetadata);
    return { User: userType(user) };
  }

  checkAdminWritable(attributes, settings, true);
  const identity = newIdentity(pool, username, attributes);
  checkAttributes(identity.attributes, settings);
  checkRequired(identity.attributes, settings);
  const release = store.reserve(identity);
  let user: UserRecord;
  try {
    if (pool.triggers.has('PreSignUp')) {
      const { sub: _sub, ...userAttributes } = identity.attributes;
      await pool.triggers.invoke('PreSignUp', {
        triggerSource: 'PreSignUp_AdminCreateUser',
        userName: identity.userName,
        request: {
          userAttributes,
          validationData: Object.keys(validationData).length > 0 ? validationData : null,
          ...(clientMetadata ? { clientMetadata } : {}),
        },
        response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
      });
    }
    const now = pool.now();
    user = newUser(identity, 'FORCE_CHANGE_PASSWORD', now);
    user.password = await storePassword(settings.poolName, user.userName, temporary, {
      now,
      temporary: true,
    });
    store.insert(user, release);
  } catch (error) {
    release();
    throw error;
  }
  if (action !== 'SUPPRESS') await invite(pool, user, username, temporary, mediums, clientMetadata);
  return { User: userType(user) };
};

export const adminGetUser: Operation = async (pool, input) => {
  checkPool(pool, input);
  const user = findUser(pool, required(input, 'Username'));
  const { Attributes, ...rest } = userType(user);
  return { ...rest, UserAttributes: Attributes, UserMFASettingList: [] };
};

export const adminUpdateUserAttributes: Operation = async (pool, input) => {
  checkPool(pool, input);
  const user = findUser(pool, required(input, 'Username'));
  if (input.UserAttributes === undefined || input.UserAttributes === null)
    throw missingMember('userAttributes');
  const changes = parseAttributeList(input.UserAttributes, 'UserAttributes');
  checkAdminWritable(changes, pool.settings, false);
  checkAttributes(changes, pool.settings);
  await changeAttributes(pool, user, changes, {
    admin: true,
    clientMetadata: stringMap(input, 'ClientMetadata'),
  });
  return {};
};

export const adminDeleteUserAttributes: Operation = async (pool, input) => {
  checkPool(pool, input);
  const user = findUser(pool, required(input, 'Username'));
  const names = input.UserAttributeNames;
  if (!Array.isArray(names) || names.some((name) => typeof name !== 'string')) {
    throw missingMember('userAttributeNames');
  }
  const changes = Object.fromEntries((names as string[]).map((name) => [name, '']));
  checkAdminWritable(changes, pool.settings, false);
  await changeAttributes(pool, user, changes, { admin: true, clientMetadata: undefined });
  return {};
};

/** AdminConfirmSignUp: confirms an UNCONFIRMED user; PostConfirmation_ConfirmSignUp runs. */
export const adminConfirmSignUp: Operation = async (pool, input) => {
  checkPool(pool, input);
  const user = findUser(pool, required(input, 'Username'));
  if (user.status !== 'UNCONFIRMED')
    throw notAuthorized(`User cannot be confirmed. Current status is ${user.status}`);
  user.status = 'CONFIRMED';
  pool.store.touch(user, pool.now());
  await postConfirmation(pool, user, 'ConfirmSignUp', stringMap(input, 'ClientMetadata'));
  return {};
};

export const adminSetUserPassword: Operation = async (pool, input) => {
  checkPool(pool, input);
  const user = findUser(pool, required(input, 'Username'));
  const password = required(input, 'Password');
  const permanent = input.Permanent === true;
  checkPassword(password, pool.settings.passwordPolicy);
  const now = pool.now();
  user.password = await storePassword(pool.settings.poolName, user.userName, password, {
    now,
    temporary: !permanent,
  });
  user.status = permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
  pool.store.touch(user, now);
  return {};
};

/** AdminDisableUser: the user cannot sign in or refresh, and their tokens stop working. */
export const adminDisableUser: Operation = async (pool, input) => {
  checkPool(pool, input);
  const user = findUser(pool, required(input, 'Username'));
  user.enabled = false;
  pool.store.revokeUser(user.userName);
  pool.store.touch(user, pool.now());
  return {};
};

export const adminEnableUser: Operation = async (pool, input) => {
  checkPool(pool, input);
  const user = findUser(pool, required(input, 'Username'));
  user.enabled = true;
  pool.store.touch(user, pool.now());
  return {};
};

export const adminDeleteUser: Operation = async (pool, input) => {
  checkPool(pool, input);
  pool.store.delete(findUser(pool, required(input, 'Username')));
  return {};
};

export const adminUserGlobalSignOut: Operation = async (pool, input) => {
  checkPool(pool, input);
  pool.store.revokeUser(findUser(pool, required(input, 'Username')).userName);
  return {};
};

export const adminAddUserToGroup: Operation = async (pool, input) => {
  checkPool(pool, input);
  const groupName = required(input, 'GroupName');
  const user = findUser(pool, required(input, 'Username'));
  pool.store.addToGroup(user, groupName, pool.now());
  return {};
};

export const adminRemoveUserFromGroup: Operation = async (pool, input) => {
  checkPool(pool, input);
  const groupName = required(input, 'GroupName');
  const user = findUser(pool, required(input, 'Username'));
  pool.store.removeFromGroup(user, groupName, pool.now());
  return {};
};

export const adminListGroupsForUser: Operation = async (pool, input) => {
  checkPool(pool, input);
  const user = findUser(pool, required(input, 'Username'));
  return { Groups: pool.store.groupsOf(user).map((group) => groupType(pool, group)) };
};

export const createGroup: Operation = async (pool, input) => {
  checkPool(pool, input);
  const groupName = required(input, 'GroupName');
  if (!/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u.test(groupName)) {
    throw invalidParameter(
      "1 validation error detected: Value at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
    );
  }
  const precedence = input.Precedence;
  if (
    precedence !== undefined &&
    (typeof precedence !== 'number' || !Number.isInteger(precedence) || precedence < 0)
  ) {
    throw invalidParameter('Precedence must be a non-negative integer');
  }
  const now = pool.now();
  const group = pool.store.createGroup({
    groupName,
    description: optional(input, 'Description'),
    precedence: precedence as number | undefined,
    roleArn: optional(input, 'RoleArn'),
    createdAt: now,
    updatedAt: now,
  });
  return { Group: groupType(pool, group) };
};

export const getGroup: Operation = async (pool, input) => {
  checkPool(pool, input);
  return { Group: groupType(pool, pool.store.getGroup(required(input, 'GroupName'))) };
};

export const listGroups: Operation = async (pool, input) => {
  checkPool(pool, input);
  return { Groups: pool.store.listGroups().map((group) => groupType(pool, group)) };
};

/** ListUsers: Filter (`attr = "v"`, `attr ^= "v"`), Limit (1-60), PaginationToken, AttributesToGet. */
export const listUsers: Operation = async (pool, input) => {
  checkPool(pool, input);
  const filter = parseFilter(optional(input, 'Filter'), pool.settings.caseSensitive);
  const limit = input.Limit ?? 60;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 60) {
    throw invalidParameter(
      "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60",
    );
  }
  const token = optional(input, 'PaginationToken');
  const start = token === undefined ? 0 : Number.parseInt(Buffer.from(token, 'base64url').toString(), 10);
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('Invalid pagination token');
  const toGet = input.AttributesToGet;
  const only = Array.isArray(toGet)
    ? new Set(toGet.filter((name): name is string => typeof name === 'string'))
    : undefined;
  const matches = pool.store.list().filter(filter);
  const page = matches.slice(start, start + limit);
  const next =
    start + limit < matches.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
  return {
    Users: page.map((user) => userType(user, only)),
    ...(next ? { PaginationToken: next } : {}),
  };
};

function findUser(pool: Pool, username: string): UserRecord {
  const user = pool.store.find(username);
  if (!user) throw userNotFound(USER_DOES_NOT_EXIST);
  return user;
}

function deliveryMediums(value: unknown): Array<'sms' | 'email'> {
  if (value === undefined || value === null) return ['sms'];
  if (!Array.isArray(value) || value.some((medium) => medium !== 'SMS' && medium !== 'EMAIL')) {
    throw invalidParameter('DesiredDeliveryMediums must be a list of SMS and EMAIL');
  }
  return value.map((medium) => (medium === 'SMS' ? 'sms' : 'email'));
}

/** The invitation (username + temporary password) on each requested medium the user has an address for. */
async function invite(
  pool: Pool,
  user: UserRecord,
  username: string,
  temporary: string,
  mediums: Array<'sms' | 'email'>,
  clientMetadata: Record<string, string> | undefined,
): Promise<void> {
  for (const channel of mediums) {
    if (!pool.messenger.destination(user, channel)) continue;
    await pool.messenger.send('AdminCreateUser', user, {
      channel,
      code: temporary,
      username,
      clientMetadata,
    });
  }
}

function groupType(pool: Pool, group: GroupRecord): Record<string, unknown> {
  return {
    GroupName: group.groupName,
    UserPoolId: pool.settings.userPoolId,
    ...(group.description !== undefined ? { Description: group.description } : {}),
    ...(group.roleArn !== undefined ? { RoleArn: group.roleArn } : {}),
    ...(group.precedence !== undefined ? { Precedence: group.precedence } : {}),
    LastModifiedDate: seconds(group.updatedAt),
    CreationDate: seconds(group.createdAt),
  };
}
