/**
 * The SES v2 client, created once per Lambda instance, but only by the first email: this module is
 * loaded with `import()` from #shared/aws/ses, so a function that sends no email on a cold start
 * (most sign-ins) neither runs nor initialises the SES client (docs/performance.md).
 *
 * One attempt only, as for SNS (#shared/aws/sns): SendEmail has no idempotency key, so the SDK's
 * retry after a timed-out (but possibly accepted) request could mail the user twice. The request
 * timeout is the SNS client's: long enough for SES's usual latency, short enough for the trigger's
 * 3 s budget, which the caller's deadline signal bounds anyway.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { clientOptions } from '#shared/aws/client-options';

export const SES_REQUEST_TIMEOUT_MS = 2000;

export const sesv2 = new SESv2Client({
  ...clientOptions,
  maxAttempts: 1,
  requestHandler: { ...clientOptions.requestHandler, requestTimeout: SES_REQUEST_TIMEOUT_MS },
});

export { SendEmailCommand };
