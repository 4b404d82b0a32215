/**
 * How a CLI records a security event and tells the user, as the triggers do (#shared/notices): the
 * audit record in the auth-state table and, with a sender, the notice through SES v2.
 *
 * The settings are the functions' own variables, read and checked the same way (`emailSettings`,
 * `brandingSettings`): with `--local`, the local stack's (its emailing functions' environment, in
 * `/_local/stack`), so the notice goes to the stack's SES endpoint and outbox; otherwise this
 * process's environment (SECURITY_EMAIL_FROM, SES_CONFIGURATION_SET, APP_NAME, SIGN_IN_URL,
 * SUPPORT_EMAIL). No SECURITY_EMAIL_FROM: the event is recorded, no email is sent.
 */
import {
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type EmailSenderOptions, emailSenderOptions, emailSettings, sesEmailSender } from '#shared/aws/ses';
import { ConfigError, readConfig } from '#shared/config';
import { type Branding, brandingFrom, brandingSettings } from '#shared/messages/index';
import {
  type NoticeRecipient,
  noticeRecipient,
  type SecurityEventDeps,
  SecurityEventStore,
} from '#shared/notices/index';
import { type AwsEnvironment, awsTarget } from './aws';
import { UsageError } from './errors';

export interface NoticeSettings {
  sender: EmailSenderOptions | undefined;
  branding: Branding;
}

/** The email settings this run uses; a bad value is a usage error naming the variable. */
export function noticeSettings(environment: AwsEnvironment): NoticeSettings {
  const source = environment.stack ? (environment.stack.emailSettings ?? {}) : environment.env;
  try {
    const config = readConfig({ ...emailSettings, ...brandingSettings }, source);
    return { sender: emailSenderOptions(config), branding: brandingFrom(config) };
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new UsageError(`${error.message}${environment.stack ? ' (from the local stack)' : ''}`);
    }
    throw error;
  }
}

/**
 * The adapters of `recordSecurityEvent` for a CLI run: the auth-state table through the run's
 * DynamoDB client, SES (the stack's endpoint with `--local`) when `notify` and a sender is set.
 * Nothing is logged (the CLI prints the outcome itself): a failed step is kept in `problems`
 * (`email: SES SendEmail failed: MessageRejected (HTTP 400)`). `close()` destroys the SES client.
 */
export function cliSecurityEventDeps(input: {
  environment: AwsEnvironment;
  dynamodb: DynamoDBDocumentClient;
  tableName: string;
  settings: NoticeSettings;
  notify: boolean;
}): { deps: SecurityEventDeps; problems: string[]; close: () => void } {
  const sender = input.notify ? input.settings.sender : undefined;
  const client = sender
    ? new SESv2Client({ ...awsTarget('ses', input.environment).clientOptions, maxAttempts: 1 })
    : undefined;
  // Nothing on stdout: what failed is kept for the command's own message.
  const problems: string[] = [];
  const quiet = {
    info: () => undefined,
    warn: (_message: string, extra: Record<string, unknown>) => {
      problems.push(`${String(extra.step)}: ${String(extra.detail ?? extra.error)}`);
    },
  };
  return {
    problems,
    deps: {
      audit: new SecurityEventStore(input.dynamodb, input.tableName),
      email:
        sender && client
          ? sesEmailSender(sender, undefined, async () => ({ sesv2: client, SendEmailCommand }))
          : undefined,
      branding: input.settings.branding,
      log: quiet,
    },
    close: () => client?.destroy(),
  };
}

/** The user's email, its verification and language, from the pool (AdminGetUser). */
export async function noticeRecipientOf(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  username: string,
): Promise<NoticeRecipient> {
  const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  const attributes: Record<string, string> = {};
  for (const { Name, Value } of user.UserAttributes ?? [])
    if (Name && Value !== undefined) attributes[Name] = Value;
  return noticeRecipient(attributes);
}
