/**
 * Reads the pool's and the app client's CloudFormation properties (resources/user-pool.yml, as
 * parsed by the stack launcher) into the few settings the local pool acts on, with Cognito's own
 * defaults for whatever is left out. Values that are not plain (an unresolved intrinsic such as
 * `{ Ref: ... }`) count as absent. Pure: no I/O, easy to test.
 */

export type VerifiableAttribute = 'email' | 'phone_number';

export interface PasswordPolicy {
  minimumLength: number;
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
  temporaryPasswordValidityDays: number;
}

export interface AttributeDefinition {
  required: boolean;
  mutable: boolean;
}

export interface MessageTemplates {
  emailSubject: string;
  emailMessage: string;
  smsMessage: string;
  inviteEmailSubject: string;
  inviteEmailMessage: string;
  inviteSmsMessage: string;
}

export interface ClientSettings {
  clientId: string;
  clientName: string;
  /** Normalised `ALLOW_*` names. */
  explicitAuthFlows: ReadonlySet<string>;
  preventUserExistenceErrors: boolean;
  authSessionValiditySeconds: number;
  accessTokenValiditySeconds: number;
  idTokenValiditySeconds: number;
  refreshTokenValiditySeconds: number;
  enableTokenRevocation: boolean;
  /**
   * RefreshTokenRotation: GetTokensFromRefreshToken hands out a new refresh token and the old one
   * keeps working `retryGracePeriodSeconds` (0-60) more; REFRESH_TOKEN_AUTH is then refused.
   */
  refreshTokenRotation: { enabled: boolean; retryGracePeriodSeconds: number };
  /** Attributes the client may read; `undefined` means all. */
  readAttributes: ReadonlySet<string> | undefined;
  /** Attributes the client may write (SignUp, UpdateUserAttributes); `undefined` means all mutable ones. */
  writeAttributes: ReadonlySet<string> | undefined;
}

export interface PoolSettings {
  region: string;
  userPoolId: string;
  /** The part of the pool ID after the underscore: what SRP hashes as the pool name. */
  poolName: string;
  /** Attributes that serve as the username (`email`, `phone_number`); empty means free-form usernames. */
  usernameAttributes: readonly VerifiableAttribute[];
  caseSensitive: boolean;
  autoVerifiedAttributes: readonly VerifiableAttribute[];
  attributesRequireVerificationBeforeUpdate: readonly VerifiableAttribute[];
  allowAdminCreateUserOnly: boolean;
  /** Where ForgotPassword sends its code, in order of preference (verified attributes only). */
  recovery: readonly VerifiableAttribute[];
  passwordPolicy: PasswordPolicy;
  /** Attribute definitions keyed by their API name (`email`, `custom:tier`). */
  schema: ReadonlyMap<string, AttributeDefinition>;
  messages: MessageTemplates;
  client: ClientSettings;
  /** The CloudFormation Properties the settings were read from, as given (DescribeUserPool(Client) report them). */
  definitions: { pool: Readonly<Record<string, unknown>>; client: Readonly<Record<string, unknown>> };
}

/** Cognito's standard attributes, with the ones users may not change themselves marked. */
export const STANDARD_ATTRIBUTES: ReadonlyMap<string, AttributeDefinition> = new Map(
  [
    'address',
    'birthdate',
    'email',
    'email_verified',
    'family_name',
    'gender',
    'given_name',
    'locale',
    'middle_name',
    'name',
    'nickname',
    'phone_number',
    'phone_number_verified',
    'picture',
    'preferred_username',
    'profile',
    'updated_at',
    'website',
    'zoneinfo',
  ]
    .map((name): [string, AttributeDefinition] => [name, { required: false, mutable: true }])
    .concat([['sub', { required: false, mutable: false }]]),
);

const DEFAULT_FLOWS = ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
const LEGACY_FLOWS: Record<string, string> = {
  USER_PASSWORD_AUTH: 'ALLOW_USER_PASSWORD_AUTH',
  ADMIN_NO_SRP_AUTH: 'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  CUSTOM_AUTH_FLOW_ONLY: 'ALLOW_CUSTOM_AUTH',
};
const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

export const DEFAULT_VERIFICATION_MESSAGE = 'Your verification code is {####}. ';
export const DEFAULT_VERIFICATION_SUBJECT = 'Your verification code';
export const DEFAULT_INVITE_MESSAGE = 'Your username is {username} and temporary password is {####}. ';
export const DEFAULT_INVITE_SUBJECT = 'Your temporary password';

export interface SettingsInput {
  region: string;
  userPoolId: string;
  clientId: string;
  pool: Record<string, unknown>;
  client: Record<string, unknown>;
}

export function readSettings(input: SettingsInput): PoolSettings {
  const { pool, client } = input;
  const underscore = input.userPoolId.indexOf('_');
  if (underscore <= 0 || underscore === input.userPoolId.length - 1) {
    throw new Error(`userPoolId must look like <region>_<name>, got "${input.userPoolId}"`);
  }
  const usernameConfiguration = record(pool.UsernameConfiguration);
  const adminCreateUser = record(pool.AdminCreateUserConfig);
  const invite = record(adminCreateUser.InviteMessageTemplate);
  const template = record(pool.VerificationMessageTemplate);
  return {
    region: input.region,
    userPoolId: input.userPoolId,
    poolName: input.userPoolId.slice(underscore + 1),
    usernameAttributes: verifiable(pool.UsernameAttributes),
    // CloudFormation without UsernameConfiguration creates a case-sensitive pool.
    caseSensitive: bool(usernameConfiguration.CaseSensitive, !('UsernameConfiguration' in pool)),
    autoVerifiedAttributes: verifiable(pool.AutoVerifiedAttributes),
    attributesRequireVerificationBeforeUpdate: verifiable(
      record(pool.UserAttributeUpdateSettings).AttributesRequireVerificationBeforeUpdate,
    ),
    allowAdminCreateUserOnly: bool(adminCreateUser.AllowAdminCreateUserOnly, false),
    recovery: recovery(record(pool.AccountRecoverySetting).RecoveryMechanisms),
    passwordPolicy: passwordPolicy(record(record(pool.Policies).PasswordPolicy), 'Policies' in pool),
    schema: schema(pool.Schema),
    messages: {
      emailSubject:
        text(template.EmailSubject) ?? text(pool.EmailVerificationSubject) ?? DEFAULT_VERIFICATION_SUBJECT,
      emailMessage:
        text(template.EmailMessage) ?? text(pool.EmailVerificationMessage) ?? DEFAULT_VERIFICATION_MESSAGE,
      smsMessage:
        text(template.SmsMessage) ?? text(pool.SmsVerificationMessage) ?? DEFAULT_VERIFICATION_MESSAGE,
      inviteEmailSubject: text(invite.EmailSubject) ?? DEFAULT_INVITE_SUBJECT,
      inviteEmailMessage: text(invite.EmailMessage) ?? DEFAULT_INVITE_MESSAGE,
      inviteSmsMessage: text(invite.SMSMessage) ?? DEFAULT_INVITE_MESSAGE,
    },
    client: clientSettings(input.clientId, client),
    definitions: { pool, client },
  };
}

function clientSettings(clientId: string, client: Record<string, unknown>): ClientSettings {
  const units = record(client.TokenValidityUnits);
  const flows = list(client.ExplicitAuthFlows);
  const authSessionMinutes = num(client.AuthSessionValidity, 3);
  const rotation = record(client.RefreshTokenRotation);
  const graceSeconds = num(rotation.RetryGracePeriodSeconds, 0);
  if (graceSeconds < 0 || graceSeconds > 60) {
    throw new Error(`RefreshTokenRotation.RetryGracePeriodSeconds must be 0..60, got ${graceSeconds}`);
  }
  if (authSessionMinutes < 3 || authSessionMinutes > 15) {
    throw new Error(`AuthSessionValidity must be 3..15 minutes, got ${authSessionMinutes}`);
  }
  return {
    clientId,
    clientName: text(client.ClientName) ?? 'local-client',
    explicitAuthFlows: normaliseFlows(flows),
    preventUserExistenceErrors: text(client.PreventUserExistenceErrors) === 'ENABLED',
    authSessionValiditySeconds: authSessionMinutes * 60,
    accessTokenValiditySeconds: validity(client.AccessTokenValidity, units.AccessToken, 1, 'hours'),
    idTokenValiditySeconds: validity(client.IdTokenValidity, units.IdToken, 1, 'hours'),
    refreshTokenValiditySeconds: validity(client.RefreshTokenValidity, units.RefreshToken, 30, 'days'),
    enableTokenRevocation: bool(client.EnableTokenRevocation, true),
    refreshTokenRotation: {
      enabled: text(rotation.Feature) === 'ENABLED',
      retryGracePeriodSeconds: graceSeconds,
    },
    readAttributes: 'ReadAttributes' in client ? new Set(list(client.ReadAttributes)) : undefined,
    writeAttributes: 'WriteAttributes' in client ? new Set(list(client.WriteAttributes)) : undefined,
  };
}

/** Cognito's rules: no list means SRP, custom and refresh; legacy names keep SRP and refresh on. */
function normaliseFlows(flows: string[] | undefined): Set<string> {
  if (!flows || flows.length === 0) return new Set(DEFAULT_FLOWS);
  const result = new Set<string>();
  const legacy = flows.some((flow) => flow in LEGACY_FLOWS);
  for (const flow of flows) result.add(LEGACY_FLOWS[flow] ?? flow);
  if (legacy) {
    result.add('ALLOW_REFRESH_TOKEN_AUTH');
    if (!flows.includes('CUSTOM_AUTH_FLOW_ONLY')) result.add('ALLOW_USER_SRP_AUTH');
  }
  return result;
}

function passwordPolicy(policy: Record<string, unknown>, hasPolicies: boolean): PasswordPolicy {
  // Without Policies Cognito applies its default policy (8 characters, all classes required);
  // with a PasswordPolicy, an omitted requirement is off.
  const requiredByDefault = !hasPolicies || Object.keys(policy).length === 0;
  return {
    minimumLength: num(policy.MinimumLength, 8),
    requireLowercase: bool(policy.RequireLowercase, requiredByDefault),
    requireUppercase: bool(policy.RequireUppercase, requiredByDefault),
    requireNumbers: bool(policy.RequireNumbers, requiredByDefault),
    requireSymbols: bool(policy.RequireSymbols, requiredByDefault),
    temporaryPasswordValidityDays: num(policy.TemporaryPasswordValidityDays, 7),
  };
}

function schema(value: unknown): Map<string, AttributeDefinition> {
  const result = new Map(STANDARD_ATTRIBUTES);
  if (!Array.isArray(value)) return result;
  for (const entry of value) {
    const name = text(record(entry).Name);
    if (!name) continue;
    const apiName = STANDARD_ATTRIBUTES.has(name) ? name : `custom:${name}`;
    const standard = STANDARD_ATTRIBUTES.get(name);
    result.set(apiName, {
      required: bool(record(entry).Required, false),
      mutable: bool(record(entry).Mutable, standard?.mutable ?? true),
    });
  }
  return result;
}

/** Without AccountRecoverySetting Cognito prefers a verified phone, then a verified email. */
function recovery(value: unknown): VerifiableAttribute[] {
  if (!Array.isArray(value)) return ['phone_number', 'email'];
  const mechanisms: Record<string, VerifiableAttribute> = {
    verified_email: 'email',
    verified_phone_number: 'phone_number',
  };
  return value
    .map((entry) => ({ name: text(record(entry).Name), priority: num(record(entry).Priority, 99) }))
    .sort((a, b) => a.priority - b.priority)
    .map((entry) => (entry.name === undefined ? undefined : mechanisms[entry.name]))
    .filter((name): name is VerifiableAttribute => name !== undefined);
}

function validity(value: unknown, unit: unknown, fallback: number, fallbackUnit: string): number {
  const seconds = UNIT_SECONDS[text(unit) ?? fallbackUnit];
  if (seconds === undefined) throw new Error(`unknown token validity unit ${String(unit)}`);
  return num(value, fallback) * seconds;
}

function verifiable(value: unknown): VerifiableAttribute[] {
  return (list(value) ?? []).filter(
    (name): name is VerifiableAttribute => name === 'email' || name === 'phone_number',
  );
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function list(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function bool(value: unknown, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return fallback;
}

function num(value: unknown, fallback: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return fallback;
}
