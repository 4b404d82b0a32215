import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { dynamodb } from '#shared/aws/dynamodb';
import base from '../../../fixtures/pre-signup.sign-up.json';
import { handler } from '../../../functions/pre-signup/handler';

const ddb = mockClient(dynamodb);

test('smoke: rejects a sign-up without an invite for the email', async () => {
  ddb.on(GetCommand).resolves({});
  const event = structuredClone(base);
  event.request.clientMetadata.inviteCode = '7K2M-QX9D-4HTV-B8RW';
  await expect(handler(event as never)).rejects.toThrow('Invitation is invalid or has expired');
  expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
});
