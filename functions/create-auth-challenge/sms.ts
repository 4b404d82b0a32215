/**
 * The SMS port and its SNS adapter: a direct `Publish` to one phone number (never a topic), SMS
 * type Transactional (delivery optimised for reliability, as OTPs need), with the optional sender
 * ID and origination number of the account.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DependencyError } from '#shared/challenge/errors';

export interface SmsSender {
  send(input: { phone: string; message: string }): Promise<void>;
}

export interface SmsOptions {
  senderId?: string | undefined;
  originationNumber?: string | undefined;
}

export function snsSmsSender(client: SNSClient, options: SmsOptions, signal?: AbortSignal): SmsSender {
  const attributes: Record<string, { DataType: 'String'; StringValue: string }> = {
    'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
  };
  if (options.senderId)
    attributes['AWS.SNS.SMS.SenderID'] = { DataType: 'String', StringValue: options.senderId };
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
