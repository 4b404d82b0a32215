/**
 * PostConfirmation logs outcomes with masked emails and never an invite code passed along in
 * ClientMetadata. Loaded in its own module registry with POWERTOOLS_LOG_LEVEL=DEBUG.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { z } from 'zod';
import type { postConfirmationEvent } from '#shared/events';
import { type Invite, newInvite } from '#shared/invites/invite';
import confirmSignUpFixture from '../../../fixtures/post-confirmation.confirm-sign-up.json';
import { captureLogs } from '../shared/capture-logs';
import { loadIsolated } from '../shared/isolated';

const CODE = '01AB-CD23-EFGH-JK45';
const SUB = confirmSignUpFixture.request.userAttributes.sub;
const isolated = loadIsolated({ POWERTOOLS_LOG_LEVEL: 'DEBUG' }, () => ({
  handler: (
    require('../../../functions/post-confirmation/handler') as typeof import('../../../functions/post-confirmation/handler')
  ).handler,
  dynamodb: (require('#shared/aws/dynamodb') as typeof import('#shared/aws/dynamodb')).dynamodb,
  cognito: (require('#shared/aws/cognito') as typeof import('#shared/aws/cognito')).cognito,
  // The store checks `instanceof` against the class of its own registry.
  UpdateCommand: (require('@aws-sdk/lib-dynamodb') as typeof import('@aws-sdk/lib-dynamodb')).UpdateCommand,
  ConditionFailed: (require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb'))
    .ConditionalCheckFailedException,
}));
const ddb = mockClient(isolated.dynamodb);
mockClient(isolated.cognito).resolves({});

const invite = (over: Partial<Invite>): Invite => ({
  ...newInvite({
    email: 'ada.lovelace@example.com',
    code: CODE.replaceAll('-', ''),
    group: 'beta',
    days: 7,
    now: new Date(),
  }),
  ...over,
});

test('logs outcomes with a masked email, never the code, the full email or the event', async () => {
  const logs = captureLogs();
  try {
    const event = structuredClone(confirmSignUpFixture) as z.input<typeof postConfirmationEvent>;
    event.request.clientMetadata = { inviteCode: CODE };

    ddb.resolves({ Attributes: invite({ status: 'accepted', acceptedBy: SUB }) });
    await isolated.handler(structuredClone(event));
    ddb.reset();
    // The confirmation mark succeeds; the invite's conditional write fails.
    ddb.on(isolated.UpdateCommand, { TableName: process.env.AUTH_STATE_TABLE }).resolves({});
    ddb.on(isolated.UpdateCommand, { TableName: process.env.INVITES_TABLE }).rejects(
      new isolated.ConditionFailed({
        message: 'The conditional request failed',
        $metadata: {},
        Item: marshall(invite({ status: 'accepted', acceptedBy: 'someone-else' }), {
          removeUndefinedValues: true,
        }),
      }),
    );
    await isolated.handler(structuredClone(event));

    expect(logs.records()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'invite accepted',
        email: 'a***@example.com',
        group: 'beta',
      }),
      expect.objectContaining({ level: 'INFO', message: 'user added to group', group: 'beta' }),
      expect.objectContaining({
        level: 'WARN',
        message: 'invite already accepted by another user; nothing changed',
        email: 'a***@example.com',
      }),
    ]);
    const text = logs.text();
    for (const secret of [
      CODE,
      CODE.replaceAll('-', ''),
      'ada.lovelace@example.com',
      'inviteCode',
      'clientMetadata',
    ]) {
      expect(text).not.toContain(secret);
    }
  } finally {
    logs.restore();
  }
});
