/**
 * The app-client operations of the user lifecycle: sign-up and its confirmation, password reset
 * and change, and the calls a signed-in user makes with their access token.
 */
import {
  checkAttributes,
  checkClientWritable,
  checkRequired,
  parseAttributeList,
  toAttributeTypes,
} from './attributes';
import {
  codeMismatch,
  INCORRECT_CREDENTIALS,
  INVALID_CODE,
  invalidParameter,
  missingMember,
  notAuthorized,
  USER_DISABLED,
  userNotFound,
} from './errors';
import {
  changeAttributes,
  confirmationAttribute,
  decoyDelivery,
  newIdentity,
  newUser,
  postConfirmation,
  RESET_CODE_LIFETIME,
  recoveryAttribute,
  SIGN_UP_CODE_LIFETIME,
  sendCode,
  useCode,
  VERIFY_CODE_LIFETIME,
} from './lifecycle';
import { mfaSettings } from './mfa-preferences';
import { checkPassword, passwordMatches, storePassword } from './passwords';
import { checkClient, type Input, type Operation, type Pool, required, stringMap } from './pool';
import type { UserRecord } from './store';

const NOT_FOUND_FOR_CLIENT = 'Username/client id combination not found.';

/**
 * SignUp: PreSignUp (validationData, clientMetadata) decides; its autoConfirmUser /
 * autoVerifyEmail / autoVerifyPhone are honoured; an auto-confirmed user goes through
 * PostConfirmation at once, anyone else gets a confirmation code (CustomMessage_SignUp).
 */
export const signUp: Operation = async (pool, input) => {
  checkClient(pool, input);
  const { settings, store } = pool;
  const username = required(input, 'Username');
  const password = required(input, 'Password');
  const submitted = parseAttributeList(input.UserAttributes, 'UserAttributes');
  const validationData = parseAttributeList(input.ValidationData, 'ValidationData');
  const clientMetadata = stringMap(input, 'ClientMetadata');
  if (settings.allowAdminCreateUserOnly) throw notAuthorized('SignUp is not permitted for this user pool');
  checkPassword(password, settings.passwordPolicy);
  checkClientWritable(submitted, settings, true);
  const identity = newIdentity(pool, username, submitted);
  checkAttributes(identity.attributes, settings);
  checkRequired(identity.attributes, settings);

  // Claim the email now, before any await: a concurrent sign-up for it fails here.
  const release = store.reserve(identity);
  let user: UserRecord;
  try {
    let decision = { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false };
    if (pool.triggers.has('PreSignUp')) {
      const { sub: _sub, ...userAttributes } = identity.attributes;
      const result = await pool.triggers.invoke('PreSignUp', {
        triggerSource: 'PreSignUp_SignUp',
        userName: identity.userName,
        request: {
          userAttributes,
          validationData: Object.keys(validationData).length > 0 ? validationData : null,
          ...(clientMetadata ? { clientMetadata } : {}),
        },
        response: { ...decision },
      });
      const response = result.response;
      decision = {
        autoConfirmUser: response.autoConfirmUser === true,
        autoVerifyEmail: response.autoVerifyEmail === true,
        autoVerifyPhone: response.autoVerifyPhone === true,
      };
    }
    const now = pool.now();
    user = newUser(identity, decision.autoConfirmUser ? 'CONFIRMED' : 'UNCONFIRMED', now);
    if (user.attributes.email) user.attributes.email_verified = String(decision.autoVerifyEmail);
    if (user.attributes.phone_number)
      user.attributes.phone_number_verified = String(decision.autoVerifyPhone);
    user.password = await storePassword(settings.poolName, user.userName, password, {
      now,
      temporary: false,
    });
    store.insert(user, release);
  } catch (error) {
    release();
    throw error;
  }
  const sub = user.attributes.sub as string;
  if (user.status === 'CONFIRMED') {
    await postConfirmation(pool, user, 'ConfirmSignUp', clientMetadata);
    return { UserConfirmed: true, UserSub: sub };
  }
  const attribute = confirmationAttribute(pool, user);
  if (!attribute) return { UserConfirmed: false, UserSub: sub };
  const delivery = await sendCode(
    pool,
    user,
    'signUp',
    'SignUp',
    attribute,
    SIGN_UP_CODE_LIFETIME,
    clientMetadata,
  );
  return { UserConfirmed: false, UserSub: sub, CodeDeliveryDetails: delivery };
};

/** ConfirmSignUp: the code verifies the attribute it was sent to; then PostConfirmation. */
export const confirmSignUp: Operation = async (pool, input) => {
  checkClient(pool, input);
  const username = required(input, 'Username');
  const code = required(input, 'ConfirmationCode');
  const clientMetadata = stringMap(input, 'ClientMetadata');
  const user = pool.store.find(username);
  if (!user) {
    throw pool.settings.client.preventUserExistenceErrors
      ? codeMismatch(INVALID_CODE)
      : userNotFound(NOT_FOUND_FOR_CLIENT);
  }
  if (user.status !== 'UNCONFIRMED') {
    throw notAuthorized(`User cannot be confirmed. Current status is ${user.status}`);
  }
  const used = useCode(pool, user, 'signUp', code);
  user.status = 'CONFIRMED';
  if (used.attribute) user.attributes[`${used.attribute}_verified`] = 'true';
  pool.store.touch(user, pool.now());
  await postConfirmation(pool, user, 'ConfirmSignUp', clientMetadata);
  return {};
};

export const resendConfirmationCode: Operation = async (pool, input) => {
  checkClient(pool, input);
  const username = required(input, 'Username');
  const clientMetadata = stringMap(input, 'ClientMetadata');
  const user = pool.store.find(username);
  if (!user) {
    if (pool.settings.client.preventUserExistenceErrors)
      return { CodeDeliveryDetails: decoyDelivery(username) };
    throw userNotFound(NOT_FOUND_FOR_CLIENT);
  }
  if (user.status !== 'UNCONFIRMED') throw invalidParameter('User is already confirmed.');
  const attribute = confirmationAttribute(pool, user);
  if (!attribute) throw invalidParameter('Auto verification not turned on.');
  const delivery = await sendCode(
    pool,
    user,
    'signUp',
    'ResendCode',
    attribute,
    SIGN_UP_CODE_LIFETIME,
    clientMetadata,
  );
  return { CodeDeliveryDetails: delivery };
};

/** ForgotPassword: a reset code to the first verified recovery attribute (CustomMessage_ForgotPassword). */
export const forgotPassword: Operation = async (pool, input) => {
  checkClient(pool, input);
  const username = required(input, 'Username');
  const clientMetadata = stringMap(input, 'ClientMetadata');
  const user = pool.store.find(username);
  if (!user) {
    if (pool.settings.client.preventUserExistenceErrors)
      return { CodeDeliveryDetails: decoyDelivery(username) };
    throw userNotFound(NOT_FOUND_FOR_CLIENT);
  }
  if (!user.enabled) throw notAuthorized(USER_DISABLED);
  const attribute = recoveryAttribute(pool, user);
  if (!attribute) {
    throw invalidParameter(
      'Cannot reset password for the user as there is no registered/verified email or phone_number',
    );
  }
  const delivery = await sendCode(
    pool,
    user,
    'forgotPassword',
    'ForgotPassword',
    attribute,
    RESET_CODE_LIFETIME,
    clientMetadata,
  );
  return { CodeDeliveryDetails: delivery };
};

/** ConfirmForgotPassword: new password, user confirmed, then PostConfirmation_ConfirmForgotPassword. */
export const confirmForgotPassword: Operation = async (pool, input) => {
  checkClient(pool, input);
  const username = required(input, 'Username');
  const code = required(input, 'ConfirmationCode');
  const password = required(input, 'Password');
  const clientMetadata = stringMap(input, 'ClientMetadata');
  const user = pool.store.find(username);
  if (!user) {
    throw pool.settings.client.preventUserExistenceErrors
      ? codeMismatch(INVALID_CODE)
      : userNotFound(NOT_FOUND_FOR_CLIENT);
  }
  checkPassword(password, pool.settings.passwordPolicy);
  useCode(pool, user, 'forgotPassword', code);
  const now = pool.now();
  user.password = await storePassword(pool.settings.poolName, user.userName, password, {
    now,
    temporary: false,
  });
  user.status = 'CONFIRMED';
  pool.store.touch(user, now);
  await postConfirmation(pool, user, 'ConfirmForgotPassword', clientMetadata);
  return {};
};

export const changePassword: Operation = async (pool, input) => {
  const user = await signedInUser(pool, input);
  const previous = required(input, 'PreviousPassword');
  const proposed = required(input, 'ProposedPassword');
  checkPassword(proposed, pool.settings.passwordPolicy, 'proposedPassword');
  if (
    !user.password ||
    !(await passwordMatches(pool.settings.poolName, user.userName, user.password, previous))
  ) {
    throw notAuthorized(INCORRECT_CREDENTIALS);
  }
  const now = pool.now();
  user.password = await storePassword(pool.settings.poolName, user.userName, proposed, {
    now,
    temporary: false,
  });
  pool.store.touch(user, now);
  return {};
};

export const getUser: Operation = async (pool, input) => {
  const user = await signedInUser(pool, input);
  const readable = pool.settings.client.readAttributes;
  return {
    Username: user.userName,
    UserAttributes: toAttributeTypes(user.attributes, readable && new Set([...readable, 'sub'])),
    ...mfaSettings(user),
  };
};

export const updateUserAttributes: Operation = async (pool, input) => {
  const user = await signedInUser(pool, input);
  if (input.UserAttributes === undefined || input.UserAttributes === null)
    throw missingMember('userAttributes');
  const changes = parseAttributeList(input.UserAttributes, 'UserAttributes');
  checkClientWritable(changes, pool.settings, false);
  checkAttributes(changes, pool.settings);
  const deliveries = await changeAttributes(pool, user, changes, {
    admin: false,
    clientMetadata: stringMap(input, 'ClientMetadata'),
  });
  return { CodeDeliveryDetailsList: deliveries };
};

/** GetUserAttributeVerificationCode: a (new) code for email or phone (CustomMessage_VerifyUserAttribute). */
export const getUserAttributeVerificationCode: Operation = async (pool, input) => {
  const user = await signedInUser(pool, input);
  const name = verifiableName(input);
  if (!user.pending[name] && !user.attributes[name]) throw invalidParameter(`User has no attribute ${name}`);
  const delivery = await sendCode(
    pool,
    user,
    `verify:${name}`,
    'VerifyUserAttribute',
    name,
    VERIFY_CODE_LIFETIME,
    stringMap(input, 'ClientMetadata'),
  );
  return { CodeDeliveryDetails: delivery };
};

/** VerifyUserAttribute: marks the attribute verified, or puts a waiting new value into effect. */
export const verifyUserAttribute: Operation = async (pool, input) => {
  const user = await signedInUser(pool, input);
  const name = verifiableName(input);
  const code = required(input, 'Code');
  useCode(pool, user, `verify:${name}`, code);
  const waiting = user.pending[name];
  pool.store.setAttributes(
    user,
    { ...(waiting ? { [name]: waiting } : {}), [`${name}_verified`]: 'true' },
    pool.now(),
  );
  delete user.pending[name];
  pool.store.touch(user, pool.now());
  return {};
};

/** GlobalSignOut: every refresh token of the user is revoked, and the access tokens with them. */
export const globalSignOut: Operation = async (pool, input) => {
  const user = await signedInUser(pool, input);
  pool.store.revokeUser(user.userName);
  return {};
};

export const revokeToken: Operation = async (pool, input) => {
  const clientId = checkClient(pool, input);
  pool.tokens.revoke(required(input, 'Token'), clientId);
  return {};
};

async function signedInUser(pool: Pool, input: Input): Promise<UserRecord> {
  const claims = await pool.tokens.verifyAccessToken(input.AccessToken);
  const user = pool.store.get(claims.username);
  if (!user) throw notAuthorized('Invalid Access Token');
  if (!user.enabled) throw notAuthorized(USER_DISABLED);
  return user;
}

function verifiableName(input: Input): 'email' | 'phone_number' {
  const name = required(input, 'AttributeName');
  if (name !== 'email' && name !== 'phone_number') throw invalidParameter(`Invalid attribute name ${name}`);
  return name;
}
