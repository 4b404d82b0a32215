/**
 * The SNS client used to send SMS directly to phone numbers, created once per Lambda instance.
 *
 * One attempt only, with a longer request timeout than the other clients: SNS has no idempotency
 * key for SMS, so the SDK's retry after a timed-out (but possibly delivered) Publish would text the
 * same code twice and pay twice. A failed Publish fails the round; the user asks again.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { clientOptions } from '#shared/aws/client-options';

export const SNS_REQUEST_TIMEOUT_MS = 2000;

export const sns = new SNSClient({
  ...clientOptions,
  maxAttempts: 1,
  requestHandler: { ...clientOptions.requestHandler, requestTimeout: SNS_REQUEST_TIMEOUT_MS },
});
