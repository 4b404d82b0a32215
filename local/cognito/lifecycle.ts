/**
 * Steps several operations share: giving a new user their names, sending and checking codes,
 * applying attribute changes with Cognito's verification rules, and PostConfirmation.
 */
import { randomUUID } from 'node:crypto';
import {
  type Attributes,
  type AttributeType,
  isEmail,
  isPhoneNumber,
  maskDestination,
  toAttributeTypes,
} from './attributes';
import { consumeCode, newCode, type StoredCode, storeCode } from './codes';
import { ACCOUNT_EXISTS, aliasExists, invalidParameter, userNotFound } from './errors';
import { userAttributesForEvent } from './events';
import type { CodeDeliveryDetails, MessageSource } from './messages';
import { type Pool, seconds } from './pool';
import type { VerifiableAttribute } from './settings';
import type { CodePurpose, UserRecord, UserStatus } from './store';

const HOUR = 3_600_000;
export const SIGN_UP_CODE_LIFETIME = 24 * HOUR;
export const VERIFY_CODE_LIFETIME = 24 * HOUR;
export const RESET_CODE_LIFETIME = HOUR;

/**
 * The userName and attributes of a user about to be created. When the pool signs in by email
 * (or phone), `Username` must be one, becomes that attribute, and the userName is a new UUID
 * that is also the `sub`.
 */
export function newIdentity(
  pool: Pool,
  username: string,
  attributes: Attributes,
): { userName: string; attributes: Attributes } {
  const sub = randomUUID();
  const byAttribute = pool.settings.usernameAttributes;
  const result: Attributes = { ...attributes };
  if (byAttribute.length === 0) {
    if (!/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u.test(username)) {
      throw invalidParameter(
        "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
      );
    }
    return { userName: username, attributes: { sub, ...result } };
  }
  if (byAttribute.includes('email') && isEmail(username)) {
    result.email = username;
  } else if (byAttribute.includes('phone_number') && isPhoneNumber(username)) {
    result.phone_number = username;
  } else if (byAttribute.length === 2) {
    throw invalidParameter('Username should be either an email or a phone number.');
  } else {
    throw invalidParameter(
      byAttribute[0] === 'email' ? 'Username should be an email.' : 'Username should be a phone number.',
    );
  }
  return { userName: sub, attributes: { sub, ...result } };
}

export function newUser(
  identity: { userName: string; attributes: Attributes },
  status: UserStatus,
  now: number,
): UserRecord {
  return {
    userName: identity.userName,
    attributes: identity.attributes,
    pending: {},
    status,
    enabled: true,
    createdAt: now,
    updatedAt: now,
    password: undefined,
    codes: {},
    groups: [],
  };
}

/** Where SignUp / ResendConfirmationCode send the confirmation code (a phone wins, as in Cognito). */
export function confirmationAttribute(pool: Pool, user: UserRecord): VerifiableAttribute | undefined {
  const auto = pool.settings.autoVerifiedAttributes;
  if (auto.includes('phone_number') && user.attributes.phone_number) return 'phone_number';
  if (auto.includes('email') && user.attributes.email) return 'email';
  return undefined;
}

/** Where ForgotPassword sends its code: the first verified recovery attribute. */
export function recoveryAttribute(pool: Pool, user: UserRecord): VerifiableAttribute | undefined {
  return pool.settings.recovery.find(
    (name) => user.attributes[name] && user.attributes[`${name}_verified`] === 'true',
  );
}

/** Creates a code for `purpose`, keeps its HMAC on the user and sends it through CustomMessage. */
export async function sendCode(
  pool: Pool,
  user: UserRecord,
  purpose: CodePurpose,
  source: MessageSource,
  attribute: VerifiableAttribute,
  lifetimeMs: number,
  clientMetadata: Record<string, string> | undefined,
): Promise<CodeDeliveryDetails> {
  const code = newCode();
  user.codes[purpose] = storeCode(code, pool.secret, pool.now() + lifetimeMs, attribute);
  pool.store.touch(user, pool.now());
  return pool.messenger.send(source, user, {
    channel: attribute === 'email' ? 'email' : 'sms',
    code,
    clientMetadata,
  });
}

/** Checks and uses up a code (a wrong guess is counted and kept). */
export function useCode(pool: Pool, user: UserRecord, purpose: CodePurpose, submitted: string): StoredCode {
  const stored = user.codes[purpose];
  try {
    consumeCode(stored, submitted, pool.secret, pool.now());
  } catch (error) {
    pool.store.changed();
    throw error;
  }
  delete user.codes[purpose];
  return stored as StoredCode;
}

/** CodeDeliveryDetails shown for a user that does not exist (PreventUserExistenceErrors). */
export function decoyDelivery(login: string): CodeDeliveryDetails {
  const sms = !isEmail(login) && isPhoneNumber(login);
  return {
    Destination: maskDestination(sms ? 'sms' : 'email', sms ? login : isEmail(login) ? login : `${login}@x`),
    DeliveryMedium: sms ? 'SMS' : 'EMAIL',
    AttributeName: sms ? 'phone_number' : 'email',
  };
}

export interface AttributeChangeOptions {
  admin: boolean;
  clientMetadata: Record<string, string> | undefined;
}

/**
 * Applies attribute changes as Cognito does and sends the verification codes they need:
 * - a new email/phone must not belong to another user (AliasExistsException, nothing changed);
 * - an admin setting `<attr>_verified: true` alongside the value changes it verified, no code;
 * - an auto-verified attribute gets a code (CustomMessage_UpdateUserAttribute); if it is listed in
 *   AttributesRequireVerificationBeforeUpdate and the current value is verified, the new value
 *   waits (the old one stays in effect) until VerifyUserAttribute;
 * - otherwise a changed email/phone is simply unverified.
 */
export async function changeAttributes(
  pool: Pool,
  user: UserRecord,
  changes: Attributes,
  options: AttributeChangeOptions,
): Promise<CodeDeliveryDetails[]> {
  const { settings, store } = pool;
  const direct: Attributes = {};
  const waiting: Attributes = {};
  const toVerify: VerifiableAttribute[] = [];
  const cancelled: VerifiableAttribute[] = [];
  for (const [name, value] of Object.entries(changes)) {
    if (value === '' && settings.schema.get(name)?.required) {
      throw invalidParameter(
        `Attributes did not conform to the schema: ${name}: The attribute ${name} is required`,
      );
    }
    if (name !== 'email' && name !== 'phone_number') {
      direct[name] = value;
      continue;
    }
    const flag = `${name}_verified`;
    if (value === user.attributes[name]) {
      // Setting the current value again withdraws a change that was waiting for its code.
      if (user.pending[name] !== undefined) cancelled.push(name);
      continue;
    }
    if (value !== '' && !store.isAvailable(user, name, value)) throw aliasExists(ACCOUNT_EXISTS);
    if (value === '') {
      direct[name] = '';
      direct[flag] = '';
      continue;
    }
    if (options.admin && changes[flag] === 'true') {
      direct[name] = value;
      continue;
    }
    const needsCode = settings.autoVerifiedAttributes.includes(name);
    const keepOld =
      needsCode &&
      settings.attributesRequireVerificationBeforeUpdate.includes(name) &&
      user.attributes[flag] === 'true' &&
      value !== user.attributes[name];
    if (keepOld) {
      waiting[name] = value;
    } else {
      direct[name] = value;
      if (!(options.admin && flag in changes)) direct[flag] = 'false';
    }
    if (needsCode) toVerify.push(name);
  }
  store.setAttributes(user, direct, pool.now());
  for (const name of ['email', 'phone_number'] as const) {
    if (name in waiting) user.pending[name] = waiting[name] as string;
    else if (name in direct || cancelled.includes(name)) delete user.pending[name];
  }
  store.touch(user, pool.now());
  const deliveries: CodeDeliveryDetails[] = [];
  for (const name of toVerify) {
    deliveries.push(
      await sendCode(
        pool,
        user,
        `verify:${name}`,
        'UpdateUserAttribute',
        name,
        VERIFY_CODE_LIFETIME,
        options.clientMetadata,
      ),
    );
  }
  return deliveries;
}

/** PostConfirmation, when configured: the user is already confirmed whatever it answers. */
export async function postConfirmation(
  pool: Pool,
  user: UserRecord,
  source: 'ConfirmSignUp' | 'ConfirmForgotPassword',
  clientMetadata: Record<string, string> | undefined,
): Promise<void> {
  if (!pool.triggers.has('PostConfirmation')) return;
  await pool.triggers.invoke('PostConfirmation', {
    triggerSource: `PostConfirmation_${source}`,
    userName: user.userName,
    request: {
      userAttributes: userAttributesForEvent(user),
      ...(clientMetadata ? { clientMetadata } : {}),
    },
    response: {},
  });
}

/** The user an admin operation names (by username, or email/phone when they sign in by it). */
export function findUser(pool: Pool, username: string): UserRecord {
  const user = pool.store.find(username);
  if (!user) throw userNotFound('User does not exist.');
  return user;
}

/** Cognito's UserType. */
export function userType(
  user: UserRecord,
  only?: ReadonlySet<string>,
): {
  Username: string;
  Attributes: AttributeType[];
  UserCreateDate: number;
  UserLastModifiedDate: number;
  Enabled: boolean;
  UserStatus: UserStatus;
} {
  return {
    Username: user.userName,
    Attributes: toAttributeTypes(user.attributes, only),
    UserCreateDate: seconds(user.createdAt),
    UserLastModifiedDate: seconds(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}
