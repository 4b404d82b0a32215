/**
 * The email port and its Amazon SES v2 adapter: one `SendEmail` with Simple content (subject, a
 * text part and an HTML part, UTF-8) from the configured sender, optionally through a
 * configuration set (SES's event publishing: bounces, complaints, deliveries). API:
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html
 *
 * - The sender is `SECURITY_EMAIL_FROM` (a verified SES identity: the address or its domain);
 *   `SES_CONFIGURATION_SET` is optional. Without a sender there is no EmailSender at all
 *   (`emailSenderFrom` returns undefined): security notices and EMAIL_OTP are off, and
 *   `serverless package` says so.
 * - The SDK client is loaded at the first send (`import()` of #shared/aws/ses-client), so the cold
 *   start of a function that may send email does not grow (measured: docs/performance.md).
 * - One attempt, the invocation's deadline signal on the request, and any failure replaced by a
 *   `DependencyError` that carries the operation and the error's name only: SES quotes addresses
 *   in some of its messages, and nothing personal may reach a log.
 * - Endpoints: the SDK's own `AWS_ENDPOINT_URL_SESV2` (or `AWS_ENDPOINT_URL`), which is how the
 *   local stack's SES endpoint is reached.
 */
import * as z from 'zod/mini';
import { DependencyError } from '#shared/challenge/errors';

/** One email to one recipient. All text is plain; `html` is a complete, escaped document. */
export interface Email {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** What sends email: the SES adapter below, or a fake in tests. */
export interface EmailSender {
  send(email: Email): Promise<void>;
}

export interface EmailSenderOptions {
  /** The From address: a verified SES identity (the address itself or its domain). */
  from: string;
  configurationSet?: string | undefined;
}

/** An optional setting: unset or blank means "not configured". */
const optional = <T extends z.core.$ZodType>(schema: T) =>
  z.pipe(
    z.transform((value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)),
    z.optional(schema),
  );

/** The environment variables of email sending (read once at cold start with `readConfig`). */
export const emailSettings = {
  /** The sender of security notices and EMAIL_OTP codes. Unset: no email is ever sent. */
  SECURITY_EMAIL_FROM: optional(
    z
      .email({ error: 'must be an email address such as no-reply@example.com' })
      .check(z.maxLength(254, { error: 'must be at most 254 characters' })),
  ),
  /** An SES configuration set to send through (letters, digits, `_`, `-`; at most 64). */
  SES_CONFIGURATION_SET: optional(
    z
      .string({ error: 'must be text' })
      .check(
        z.regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1-64 letters, digits, underscores or dashes' }),
      ),
  ),
};

/** The sender's options from the read settings; undefined when no sender is configured. */
export function emailSenderOptions(config: {
  SECURITY_EMAIL_FROM?: string | undefined;
  SES_CONFIGURATION_SET?: string | undefined;
}): EmailSenderOptions | undefined {
  if (!config.SECURITY_EMAIL_FROM) return undefined;
  return { from: config.SECURITY_EMAIL_FROM, configurationSet: config.SES_CONFIGURATION_SET };
}

/** What a send needs of the SDK: a client and the command class (#shared/aws/ses-client). */
export interface SesClientModule {
  sesv2: Pick<import('@aws-sdk/client-sesv2').SESv2Client, 'send'>;
  SendEmailCommand: typeof import('@aws-sdk/client-sesv2').SendEmailCommand;
}

let loaded: Promise<SesClientModule> | undefined;

/** The SES client module, loaded once, at the first send of this Lambda instance. */
export function loadSesClient(): Promise<SesClientModule> {
  if (!loaded) {
    loaded = import('#shared/aws/ses-client');
    // A failed load is tried again by the next send, not remembered.
    loaded.catch(() => {
      loaded = undefined;
    });
  }
  return loaded;
}

/**
 * An EmailSender on SES v2 SendEmail. `signal` is the invocation's deadline: it aborts the request
 * in flight. A failure is thrown as `DependencyError('SES', 'SendEmail', ...)`. `load` gives the
 * client: the function's own (loaded at the first send), or one a CLI built for its target.
 */
export function sesEmailSender(
  options: EmailSenderOptions,
  signal?: AbortSignal,
  load: () => Promise<SesClientModule> = loadSesClient,
): EmailSender {
  return {
    async send({ to, subject, text, html }) {
      try {
        const { sesv2, SendEmailCommand } = await load();
        await sesv2.send(
          new SendEmailCommand({
            FromEmailAddress: options.from,
            Destination: { ToAddresses: [to] },
            Content: {
              Simple: {
                Subject: { Data: subject, Charset: 'UTF-8' },
                Body: {
                  Text: { Data: text, Charset: 'UTF-8' },
                  Html: { Data: html, Charset: 'UTF-8' },
                },
              },
            },
            ...(options.configurationSet ? { ConfigurationSetName: options.configurationSet } : {}),
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        // SES can quote the addresses it refused: only the error's name travels on.
        throw new DependencyError('SES', 'SendEmail', error);
      }
    },
  };
}

/** The sender for a function's configuration, or undefined when email is off. */
export function emailSenderFrom(
  options: EmailSenderOptions | undefined,
  signal?: AbortSignal,
): EmailSender | undefined {
  return options ? sesEmailSender(options, signal) : undefined;
}
