/**
 * The pool and its app client as DescribeUserPool and DescribeUserPoolClient report them
 * (UserPoolType, UserPoolClientType): what the CloudFormation Properties configured, with the
 * values the pool acts on (settings.ts) wherever a default or a unit is involved, so a tool that
 * checks a pool against serverless.yml reads the same facts here as from Cognito. Pure.
 *
 * API reference: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolType.html
 * and .../API_UserPoolClientType.html.
 */
import type { AttributeDefinition, PoolSettings } from './settings';

/** The account of the local stack's ARNs (local/config.ts builds the triggers' ARNs with it too). */
const LOCAL_ACCOUNT_ID = '000000000000';

/** UserPoolType members that CloudFormation's UserPool Properties carry under the same name. */
const POOL_PASS_THROUGH = [
  'AccountRecoverySetting',
  'AliasAttributes',
  'AutoVerifiedAttributes',
  'DeviceConfiguration',
  'EmailAuthenticationMessage',
  'EmailAuthenticationSubject',
  'SmsAuthenticationMessage',
  'SmsConfiguration',
  'UserPoolAddOns',
  'UserPoolTier',
  'UsernameAttributes',
] as const;

/** UserPoolClientType members CloudFormation's UserPoolClient Properties carry under the same name. */
const CLIENT_PASS_THROUGH = [
  'AllowedOAuthFlows',
  'AllowedOAuthFlowsUserPoolClient',
  'AllowedOAuthScopes',
  'AnalyticsConfiguration',
  'CallbackURLs',
  'DefaultRedirectURI',
  'LogoutURLs',
  'ReadAttributes',
  'SupportedIdentityProviders',
  'WriteAttributes',
] as const;

const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };
const DEFAULT_UNITS = { AccessToken: 'hours', IdToken: 'hours', RefreshToken: 'days' } as const;
const DEFAULT_FLOWS = ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];

export interface PoolFacts {
  /** Epoch ms the pool was created. */
  createdAt: number;
  userCount: number;
}

export function userPoolType(settings: PoolSettings, facts: PoolFacts): Record<string, unknown> {
  const given = settings.definitions.pool;
  const { passwordPolicy, messages } = settings;
  const date = facts.createdAt / 1000;
  const template = record(given.VerificationMessageTemplate);
  const adminCreateUser = record(given.AdminCreateUserConfig);
  return {
    Id: settings.userPoolId,
    Name: text(given.UserPoolName) ?? settings.poolName,
    Arn: `arn:aws:cognito-idp:${settings.region}:${LOCAL_ACCOUNT_ID}:userpool/${settings.userPoolId}`,
    ...pick(given, POOL_PASS_THROUGH),
    Policies: {
      ...record(given.Policies),
      PasswordPolicy: {
        ...record(record(given.Policies).PasswordPolicy),
        MinimumLength: passwordPolicy.minimumLength,
        RequireUppercase: passwordPolicy.requireUppercase,
        RequireLowercase: passwordPolicy.requireLowercase,
        RequireNumbers: passwordPolicy.requireNumbers,
        RequireSymbols: passwordPolicy.requireSymbols,
        TemporaryPasswordValidityDays: passwordPolicy.temporaryPasswordValidityDays,
      },
    },
    DeletionProtection: text(given.DeletionProtection) ?? 'INACTIVE',
    LambdaConfig: record(given.LambdaConfig),
    LastModifiedDate: date,
    CreationDate: date,
    SchemaAttributes: [...settings.schema].map(([name, definition]) =>
      schemaAttribute(name, definition, given),
    ),
    SmsVerificationMessage: messages.smsMessage,
    EmailVerificationMessage: messages.emailMessage,
    EmailVerificationSubject: messages.emailSubject,
    VerificationMessageTemplate: {
      ...template,
      SmsMessage: messages.smsMessage,
      EmailMessage: messages.emailMessage,
      EmailSubject: messages.emailSubject,
      DefaultEmailOption: text(template.DefaultEmailOption) ?? 'CONFIRM_WITH_CODE',
    },
    UserAttributeUpdateSettings: {
      AttributesRequireVerificationBeforeUpdate: [...settings.attributesRequireVerificationBeforeUpdate],
    },
    MfaConfiguration: text(given.MfaConfiguration) ?? 'OFF',
    EstimatedNumberOfUsers: facts.userCount,
    EmailConfiguration: { EmailSendingAccount: 'COGNITO_DEFAULT', ...record(given.EmailConfiguration) },
    UserPoolTags: record(given.UserPoolTags),
    AdminCreateUserConfig: {
      ...adminCreateUser,
      AllowAdminCreateUserOnly: settings.allowAdminCreateUserOnly,
      InviteMessageTemplate: {
        ...record(adminCreateUser.InviteMessageTemplate),
        SMSMessage: messages.inviteSmsMessage,
        EmailMessage: messages.inviteEmailMessage,
        EmailSubject: messages.inviteEmailSubject,
      },
    },
    UsernameConfiguration: { CaseSensitive: settings.caseSensitive },
  };
}

export function userPoolClientType(settings: PoolSettings, facts: PoolFacts): Record<string, unknown> {
  const given = settings.definitions.client;
  const { client } = settings;
  const units = { ...DEFAULT_UNITS, ...record(given.TokenValidityUnits) } as Record<
    keyof typeof DEFAULT_UNITS,
    string
  >;
  const inUnits = (seconds: number, unit: string) => seconds / (UNIT_SECONDS[unit] ?? 1);
  const flows = Array.isArray(given.ExplicitAuthFlows) ? given.ExplicitAuthFlows : DEFAULT_FLOWS;
  const date = facts.createdAt / 1000;
  return {
    UserPoolId: settings.userPoolId,
    ClientName: client.clientName,
    ClientId: client.clientId,
    LastModifiedDate: date,
    CreationDate: date,
    RefreshTokenValidity: inUnits(client.refreshTokenValiditySeconds, units.RefreshToken),
    AccessTokenValidity: inUnits(client.accessTokenValiditySeconds, units.AccessToken),
    IdTokenValidity: inUnits(client.idTokenValiditySeconds, units.IdToken),
    TokenValidityUnits: units,
    ...pick(given, CLIENT_PASS_THROUGH),
    ExplicitAuthFlows: flows,
    PreventUserExistenceErrors: client.preventUserExistenceErrors ? 'ENABLED' : 'LEGACY',
    EnableTokenRevocation: client.enableTokenRevocation,
    EnablePropagateAdditionalUserContextData: given.EnablePropagateAdditionalUserContextData === true,
    AuthSessionValidity: client.authSessionValiditySeconds / 60,
    RefreshTokenRotation: {
      Feature: client.refreshTokenRotation.enabled ? 'ENABLED' : 'DISABLED',
      RetryGracePeriodSeconds: client.refreshTokenRotation.retryGracePeriodSeconds,
    },
  };
}

/** SchemaAttributeType: the given Schema entry's data type and constraints, the pool's required/mutable. */
function schemaAttribute(
  name: string,
  definition: AttributeDefinition,
  pool: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const bare = name.startsWith('custom:') ? name.slice('custom:'.length) : name;
  const entry = (Array.isArray(pool.Schema) ? pool.Schema : [])
    .map(record)
    .find((item) => item.Name === bare);
  const type =
    text(entry?.AttributeDataType) ??
    (name.endsWith('_verified') ? 'Boolean' : name === 'updated_at' ? 'Number' : 'String');
  return {
    Name: name,
    AttributeDataType: type,
    DeveloperOnlyAttribute: entry?.DeveloperOnlyAttribute === true,
    Mutable: definition.mutable,
    Required: name === 'sub' || definition.required,
    ...(entry?.StringAttributeConstraints
      ? { StringAttributeConstraints: entry.StringAttributeConstraints }
      : type === 'String'
        ? { StringAttributeConstraints: { MinLength: name === 'sub' ? '1' : '0', MaxLength: '2048' } }
        : {}),
    ...(entry?.NumberAttributeConstraints
      ? { NumberAttributeConstraints: entry.NumberAttributeConstraints }
      : {}),
  };
}

function pick(source: Readonly<Record<string, unknown>>, names: readonly string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const name of names) if (source[name] !== undefined) result[name] = source[name];
  return result;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
