/**
 * AccountStatusStore with the DynamoDB client faked: how the items of the one Query become
 * AccountRecords (the lockout reset in particular), and the single conditional PutItem of
 * `resetLockout`. The same store against a real engine: test/integration/users-cli.test.ts.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { AccountStatusStore } from '#shared/auth-state/account-status';
import { LOCKOUT_RESET_SK, SUSPENSION_SK } from '#shared/auth-state/keys';
import { dynamodb } from '#shared/aws/dynamodb';

const ddb = mockClient(DynamoDBDocumentClient);
const store = new AccountStatusStore(dynamodb, 'auth-state-test');
const PK = 'USER#sub-1';
const SINCE = new Date('2030-01-01T11:45:00.000Z');
const failure = { pk: PK, sk: 'FAIL#2030-01-01T11:50:00.000Z#0a1b2c3d', at: '2030-01-01T11:50:00.000Z' };

beforeEach(() => ddb.reset());

describe('read: the lockout reset item', () => {
  test('is parsed with its time, operator and reason, next to the other records of the one Query', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        failure,
        { pk: PK, sk: LOCKOUT_RESET_SK, at: '2030-01-01T11:55:00.000Z', by: 'ops-oncall', reason: 'attack' },
        { pk: PK, sk: SUSPENSION_SK, at: '2030-01-01T10:00:00.000Z', by: 'ops', reason: 'fraud' },
      ],
    });
    const records = await store.read('sub-1', SINCE);
    expect(records.lockoutReset).toEqual({
      at: '2030-01-01T11:55:00.000Z',
      by: 'ops-oncall',
      reason: 'attack',
    });
    expect(records.failures).toHaveLength(1);
    expect(records.suspension?.reason).toBe('fraud');
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
  });

  test('without a reason or operator it is still a reset', async () => {
    ddb
      .on(QueryCommand)
      .resolves({ Items: [{ pk: PK, sk: LOCKOUT_RESET_SK, at: '2030-01-01T11:55:00.000Z' }] });
    expect((await store.read('sub-1', SINCE)).lockoutReset).toEqual({
      at: '2030-01-01T11:55:00.000Z',
      by: '',
      reason: undefined,
    });
  });

  test.each([
    ['a time that is no time', { at: 'yesterday-ish' }],
    ['an empty time', { at: '' }],
    ['a number', { at: 1_893_499_200_000 }],
    ['no time at all', {}],
  ])('with %s is ignored (never unlocks, never crashes)', async (_name, over) => {
    ddb.on(QueryCommand).resolves({ Items: [failure, { pk: PK, sk: LOCKOUT_RESET_SK, by: 'ops', ...over }] });
    const records = await store.read('sub-1', SINCE);
    expect(records.lockoutReset).toBeUndefined();
    expect(records.failures).toHaveLength(1);
  });
});

describe('resetLockout', () => {
  const reset = { at: '2030-01-01T12:00:00.000Z', by: 'ops-oncall', reason: 'attack' };

  test('is one PutItem of USER#<sub> / LOCKOUT#RESET that cannot replace a later reset', async () => {
    ddb.on(PutCommand).resolves({});
    await expect(store.resetLockout('sub-1', reset)).resolves.toBe(true);
    expect(ddb.calls()).toHaveLength(1);
    const input = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: 'auth-state-test',
      Item: { pk: PK, sk: 'LOCKOUT#RESET', ...reset },
      ConditionExpression: 'attribute_not_exists(pk) OR NOT attribute_type(#at, :string) OR #at <= :at',
      ExpressionAttributeValues: { ':at': reset.at, ':string': 'S' },
    });
  });

  test('without a reason, the item has no reason attribute', async () => {
    ddb.on(PutCommand).resolves({});
    await store.resetLockout('sub-1', { at: reset.at, by: 'ops' });
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toEqual({
      pk: PK,
      sk: 'LOCKOUT#RESET',
      at: reset.at,
      by: 'ops',
    });
  });

  test('a later stored reset stands: false, nothing else sent', async () => {
    ddb
      .on(PutCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    await expect(store.resetLockout('sub-1', reset)).resolves.toBe(false);
    expect(ddb.calls()).toHaveLength(1);
  });

  test('any other error is thrown', async () => {
    ddb.on(PutCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(store.resetLockout('sub-1', reset)).rejects.toThrow('throttled');
  });
});
