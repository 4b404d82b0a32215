/**
 * The store's condition-failure paths as real DynamoDB answers them: with
 * ReturnValuesOnConditionCheckFailure the failed item comes back (marshalled) on the error, so no
 * extra read is needed (DynamoDB Local does the same: test/integration/dynamodb-engine.test.ts).
 * Without an item on the error (none was there) the store reads the current state.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { type Invite, newInvite } from '#shared/invites/invite';
import { InviteAlreadyAcceptedError, InviteNotFoundError, InviteStore } from '#shared/invites/store';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const ddb = mockClient(client);
const store = new InviteStore(client, 'invites-unit');
const now = new Date('2025-03-01T12:00:00.000Z');
const invite = (over: Partial<Invite> = {}): Invite => ({
  ...newInvite({ email: 'ada@example.com', code: '01ABCD23EFGHJK45', days: 7, now }),
  ...over,
});
const conditionFailed = (item?: Invite) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(item ? { Item: marshall(item, { removeUndefinedValues: true }) } : {}),
  });

beforeEach(() => ddb.reset());

test('consume sends one conditional update: pending, or accepted by this same sub', async () => {
  ddb.on(UpdateCommand).resolves({ Attributes: invite({ status: 'accepted', acceptedBy: 'sub-1' }) });
  const result = await store.consume('ada@example.com', 'sub-1', now);
  expect(result.outcome).toBe('accepted');
  expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
  expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
    TableName: 'invites-unit',
    Key: { email: 'ada@example.com' },
    ConditionExpression:
      'attribute_exists(email) AND (#status = :pending OR (#status = :accepted AND acceptedBy IN (:sub, :alias)))',
    ExpressionAttributeValues: expect.objectContaining({ ':sub': 'sub-1' }),
  });
});

test('consume: the item returned with a condition failure is used directly (no extra read)', async () => {
  ddb.on(UpdateCommand).rejects(conditionFailed(invite({ status: 'accepted', acceptedBy: 'sub-other' })));
  const result = await store.consume('ada@example.com', 'sub-1', now);
  expect(result).toMatchObject({ outcome: 'accepted_by_other', invite: { acceptedBy: 'sub-other' } });
  expect(ddb).toHaveReceivedCommandTimes(GetCommand, 0);

  ddb.on(UpdateCommand).rejects(conditionFailed(invite({ status: 'revoked' })));
  expect(await store.consume('ada@example.com', 'sub-1', now)).toMatchObject({ outcome: 'revoked' });
});

test('consume: without the item on the error it reads the current state consistently', async () => {
  ddb.on(UpdateCommand).rejects(conditionFailed());
  ddb.on(GetCommand).resolves({});
  expect(await store.consume('nobody@example.com', 'sub-1', now)).toEqual({ outcome: 'not_found' });
  expect(ddb).toHaveReceivedCommandWith(GetCommand, {
    Key: { email: 'nobody@example.com' },
    ConsistentRead: true,
  });
});

test('consume passes on errors that are not condition failures', async () => {
  ddb.on(UpdateCommand).rejects(new Error('ProvisionedThroughputExceededException'));
  await expect(store.consume('ada@example.com', 'sub-1', now)).rejects.toThrow('ProvisionedThroughput');
});

test('revoke: accepted is refused, revoked is a no-op, missing is not found (from the returned item)', async () => {
  ddb.on(UpdateCommand).rejects(conditionFailed(invite({ status: 'accepted', acceptedBy: 's' })));
  await expect(store.revoke('ada@example.com', now)).rejects.toThrow(InviteAlreadyAcceptedError);

  ddb
    .reset()
    .on(UpdateCommand)
    .rejects(conditionFailed(invite({ status: 'revoked' })));
  expect(await store.revoke('ada@example.com', now)).toMatchObject({ outcome: 'already_revoked' });
  expect(ddb).toHaveReceivedCommandTimes(GetCommand, 0);

  ddb.reset().on(UpdateCommand).rejects(conditionFailed());
  ddb.on(GetCommand).resolves({});
  await expect(store.revoke('ada@example.com', now)).rejects.toThrow(InviteNotFoundError);
});

test('put refuses to replace an accepted invite with a named error', async () => {
  ddb.on(PutCommand).rejects(conditionFailed());
  await expect(store.put(invite())).rejects.toThrow(
    new InviteAlreadyAcceptedError('ada@example.com', 'replaced'),
  );
  expect(ddb).toHaveReceivedCommandWith(PutCommand, {
    ConditionExpression: 'attribute_not_exists(email) OR #status <> :accepted',
  });
});

test('list follows every page and sorts by creation time', async () => {
  const first = invite({ email: 'b@example.com', createdAt: '2025-01-02T00:00:00.000Z' });
  const second = invite({ email: 'a@example.com', createdAt: '2025-01-01T00:00:00.000Z' });
  ddb
    .on(ScanCommand)
    .resolvesOnce({ Items: [first], LastEvaluatedKey: { email: 'b@example.com' } })
    .resolvesOnce({ Items: [second] });
  expect((await store.list()).map((i) => i.email)).toEqual(['a@example.com', 'b@example.com']);
  expect(ddb).toHaveReceivedCommandTimes(ScanCommand, 2);
  expect(ddb).toHaveReceivedNthSpecificCommandWith(2, ScanCommand, {
    ExclusiveStartKey: { email: 'b@example.com' },
  });
});
