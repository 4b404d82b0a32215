/**
 * The administrator operations on users (IAM-authorised in AWS; unauthenticated on this local
 * server): creating and managing them, resetting their password, and listing them with Cognito's
 * filter syntax. Groups: group-operations.ts.
 */
import { checkAdminWritable, checkAttributes, checkRequired, parseAttributeList } from './attributes';
import { invalidParameter, missingMember, notAuthorized, unsupportedUserState } from './errors';
import {
  changeAttributes,
  findUser,
  newIdentity,
  newUser,
  postConfirmation,
  RESET_CODE_LIFETIME,
  recoveryAttribute,
  sendCode,
  userType,
} from './lifecycle';
import { parseFilter } from './list-users-filter';
import { mfaSettings } from './mfa-preferences';
import { checkPassword, generateTemporaryPassword, storePassword } from './passwords';
import { checkPool, type Operation, optional, type Pool, page, required, stringMap } from './pool';
import type { UserRecord } from './store';

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
  return { ...rest, UserAttributes: Attributes, ...mfaSettings(user) };
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

/** ListUsers: Filter (`attr = "v"`, `attr ^= "v"`), Limit (1-60), PaginationToken, AttributesToGet. */
export const listUsers: Operation = async (pool, input) => {
  checkPool(pool, input);
  const filter = parseFilter(optional(input, 'Filter'), pool.settings.caseSensitive);
  const toGet = input.AttributesToGet;
  const only = Array.isArray(toGet)
    ? new Set(toGet.filter((name): name is string => typeof name === 'string'))
    : undefined;
  const { items, next } = page(pool.store.list().filter(filter), input, 'Limit', 'PaginationToken');
  return {
    Users: items.map((user) => userType(user, only)),
    ...(next ? { PaginationToken: next } : {}),
  };
};

/**
 * AdminResetUserPassword: the password stops working (RESET_REQUIRED: a sign-in with it gets
 * PasswordResetRequiredException) and, when the user has a verified recovery address, a reset
 * code goes there through CustomMessage_ForgotPassword, for ConfirmForgotPassword.
 */
export const adminResetUserPassword: Operation = async (pool, input) => {
  checkPool(pool, input);
  const user = findUser(pool, required(input, 'Username'));
  const clientMetadata = stringMap(input, 'ClientMetadata');
  if (user.status === 'UNCONFIRMED') {
    throw notAuthorized('User password cannot be reset in the current state.');
  }
  user.status = 'RESET_REQUIRED';
  pool.store.touch(user, pool.now());
  const attribute = recoveryAttribute(pool, user);
  if (attribute) {
    await sendCode(
      pool,
      user,
      'forgotPassword',
      'ForgotPassword',
      attribute,
      RESET_CODE_LIFETIME,
      clientMetadata,
    );
  }
  return {};
};

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
