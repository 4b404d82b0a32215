/** The SNS client used to send SMS directly to phone numbers, created once per Lambda instance. */
import { SNSClient } from '@aws-sdk/client-sns';
import { clientOptions } from '#shared/aws/client-options';

export const sns = new SNSClient(clientOptions);
