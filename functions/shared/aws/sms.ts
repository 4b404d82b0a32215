/**
 * The SMS port and its SNS adapter: a direct `Publish` to one phone number (never a topic), SMS
 * type Transactional (delivery optimised for reliability, as OTPs need), with the optional sender
 * ID, origination number and per-message price cap of the account.
 *
 * A Publish is never retried, by us or by the SDK (the SNS client makes one attempt,
 * functions/shared/aws/sns.ts): SNS has no idempotency key for SMS, so a retry after a lost reply
 * could deliver the code twice. When a Publish fails or is aborted, Create removes the code's item;
 * should SNS deliver that SMS anyway, its code is dead, because Verify accepts a code only while
 * its item is the user's current code.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DependencyError } from '#shared/challenge/errors';

export interface SmsSender {
  send(input: { phone: string; message: string }): Promise<void>;
}

export interface SmsOptions {
  senderId?: string | undefined;
  originationNumber?: string | undefined;
  /** USD, as SNS takes it (`AWS.SNS.SMS.MaxPrice`). */
  maxPriceUsd?: string | undefined;
}

export function snsSmsSender(client: SNSClient, options: SmsOptions, signal?: AbortSignal): SmsSender {
  const attributes: Record<string, { DataType: 'String' | 'Number'; StringValue: string }> = {
    'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
  };
  if (options.senderId)
    attributes['AWS.SNS.SMS.SenderID'] = { DataType: 'String', StringValue: options.senderId };
  if (options.maxPriceUsd)
    attributes['AWS.SNS.SMS.MaxPrice'] = { DataType: 'Number', StringValue: options.maxPriceUsd };
  if (options.originationNumber) {
    attributes['AWS.MM.SMS.OriginationNumber'] = {
      DataType: 'String',
      StringValue: options.originationNumber,
    };
  }
  return {
    async send({ phone, message }) {
      try {
        await client.send(
          new PublishCommand({ PhoneNumber: phone, Message: message, MessageAttributes: attributes }),
          { abortSignal: signal },
        );
      } catch (error) {
        // SNS quotes the number it refused in its message: only the error's name travels on.
        throw new DependencyError('SNS', 'Publish', error);
      }
    },
  };
}
