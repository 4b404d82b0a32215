/**
 * A user's own MFA preferences (AdminSetUserMFAPreference), stored and reported as Cognito does
 * (AdminGetUser's and GetUser's `UserMFASettingList` and `PreferredMfaSetting`). They change no
 * sign-in here: the pools this stack runs have MFA off, and the suite's second factor is its own
 * custom challenge. They exist so tools that read or clear them (`users migrate`) can be tested.
 *
 * Cognito's rules kept: SMS MFA needs a `phone_number`; a software token can be enabled only once
 * one was associated and verified (this server has no AssociateSoftwareToken: only a user loaded
 * from a persisted pool file can have one); turning it off keeps the association; a preferred
 * factor must be enabled, and only one factor may be preferred.
 */
import { invalidParameter } from './errors';
import { findUser } from './lifecycle';
import { checkPool, type Input, type Operation, required } from './pool';
import type { MfaPreferences, UserRecord } from './store';

type Factor = 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA';

interface FactorSettings {
  Enabled?: boolean;
  PreferredMfa?: boolean;
}

function factorSettings(input: Input, member: string): FactorSettings | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidParameter(`${member} must be an object`);
  const { Enabled, PreferredMfa } = value as Record<string, unknown>;
  for (const [name, flag] of [
    ['Enabled', Enabled],
    ['PreferredMfa', PreferredMfa],
  ] as const) {
    if (flag !== undefined && typeof flag !== 'boolean') {
      throw invalidParameter(`${member}.${name} must be a boolean`);
    }
  }
  return { Enabled: Enabled as boolean | undefined, PreferredMfa: PreferredMfa as boolean | undefined };
}

/** AdminSetUserMFAPreference: SMSMfaSettings and SoftwareTokenMfaSettings; the others are refused. */
export const adminSetUserMfaPreference: Operation = async (pool, input) => {
  checkPool(pool, input);
  const user = findUser(pool, required(input, 'Username'));
  if (input.EmailMfaSettings !== undefined || input.WebAuthnMfaSettings !== undefined) {
    throw invalidParameter('Email and WebAuthn MFA are not configured for this user pool.');
  }
  const sms = factorSettings(input, 'SMSMfaSettings');
  const totp = factorSettings(input, 'SoftwareTokenMfaSettings');
  const next: MfaPreferences = { ...(user.mfa ?? { sms: false, softwareToken: false }) };
  if (sms) {
    if (sms.Enabled === true && !user.attributes.phone_number) {
      throw invalidParameter('User does not have a phone_number set to turn on SMS MFA');
    }
    if (sms.Enabled !== undefined) next.sms = sms.Enabled;
  }
  if (totp) {
    if (totp.Enabled === true && !next.softwareTokenAssociated) {
      throw invalidParameter('User has not set up software token mfa');
    }
    if (totp.Enabled !== undefined) next.softwareToken = totp.Enabled;
  }
  const preferring = [
    ...(sms?.PreferredMfa ? (['SMS_MFA'] as const) : []),
    ...(totp?.PreferredMfa ? (['SOFTWARE_TOKEN_MFA'] as const) : []),
  ];
  if (preferring.length > 1) throw invalidParameter('Only one MFA factor can be preferred.');
  const [preferred] = preferring;
  if (preferred) next.preferred = preferred;
  else if (sms?.PreferredMfa === false && next.preferred === 'SMS_MFA') delete next.preferred;
  else if (totp?.PreferredMfa === false && next.preferred === 'SOFTWARE_TOKEN_MFA') delete next.preferred;
  if (next.preferred && !enabled(next).includes(next.preferred)) {
    throw invalidParameter('The preferred MFA factor must be enabled.');
  }
  user.mfa = next;
  pool.store.touch(user, pool.now());
  return {};
};

function enabled(mfa: MfaPreferences): Factor[] {
  return [
    ...(mfa.sms ? (['SMS_MFA'] as const) : []),
    ...(mfa.softwareToken ? (['SOFTWARE_TOKEN_MFA'] as const) : []),
  ];
}

/** `UserMFASettingList` and, when one is preferred, `PreferredMfaSetting`, as AdminGetUser returns them. */
export function mfaSettings(user: UserRecord): {
  UserMFASettingList: Factor[];
  PreferredMfaSetting?: Factor;
} {
  const mfa = user.mfa;
  if (!mfa) return { UserMFASettingList: [] };
  return {
    UserMFASettingList: enabled(mfa),
    ...(mfa.preferred ? { PreferredMfaSetting: mfa.preferred } : {}),
  };
}
