/**
 * What the code relies on from the DynamoDB engine the integration, hardening and e2e tests run
 * against (DynamoDB Local, local/dynamodb-local.ts), proven on the engine itself so that a test
 * elsewhere never passes because the engine is lax:
 * - a transaction whose conditional Put fails writes nothing, not even its other items, and says
 *   which item failed and what that item held (ReturnValuesOnConditionCheckFailure: ALL_OLD);
 * - a plain conditional PutItem returns the item it found with the same setting;
 * - every client sees the same tables whatever its credentials and region (-sharedDb: the
 *   stack's CLIs sign with other dummy credentials than the handlers);
 * - requests are validated as DynamoDB does (table names of 3 to 255 characters), and access key
 *   IDs must be letters and digits only (DynamoDB Local's own rule: dummy keys such as `local`).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

const TABLE = 'auth-state-test';
const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
const client = new DynamoDBClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});

afterAll(() => client.destroy());

/** Fresh keys per test: the engine is shared by the whole run. */
function keys() {
  const id = randomUUID();
  return {
    code: { pk: `CHALLENGE#${id}`, sk: 'CODE' },
    counter: { pk: `SENDS#USER#${id}`, sk: 'DAY#2026-01-01' },
  };
}

async function get(key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: TABLE, Key: marshall(key), ConsistentRead: true }),
  );
  return Item ? unmarshall(Item) : undefined;
}

/** The transaction CreateAuthChallenge sends: a new code only if none is there, plus one send counted. */
function claimAndCount(code: Record<string, unknown>, counter: Record<string, string>) {
  return new TransactWriteItemsCommand({
    TransactItems: [
      {
        Put: {
          TableName: TABLE,
          Item: marshall(code),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Update: {
          TableName: TABLE,
          Key: marshall(counter),
          UpdateExpression: 'ADD #count :one',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: marshall({ ':one': 1, ':limit': 5 }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ],
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to be refused');
}

/** The local addresses of the sockets listening on `port`, read from Linux's /proc/net/tcp{,6}. */
function listeningAddresses(port: number): string[] {
  const ipv4 = (hex: string) => [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join('.');
  const addresses: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, hexPort] = local?.split(':') ?? [];
      // 0A: LISTEN.
      if (state !== '0A' || !address || Number.parseInt(hexPort ?? '', 16) !== port) continue;
      const mapped = /^0{16}FFFF0000([0-9A-F]{8})$/.exec(address);
      if (address.length === 8) addresses.push(ipv4(address));
      else if (mapped?.[1]) addresses.push(ipv4(mapped[1]));
      else addresses.push(/^0+$/.test(address) ? '::' : address);
    }
  }
  return addresses;
}

describe('the test engine is DynamoDB Local on this machine', () => {
  test('the endpoint comes from the run-wide globalSetup and is on the loopback interface', () => {
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  // DynamoDB Local alone listens on every interface (0.0.0.0); local/DynamoDbLocalOnHost.java
  // keeps it on the host asked for. (Linux: the only place /proc/net/tcp exists.)
  (process.platform === 'linux' ? test : test.skip)(
    'it listens on 127.0.0.1 only, not on every interface',
    () => {
      expect(listeningAddresses(Number(new URL(endpoint ?? '').port))).toEqual(['127.0.0.1']);
    },
  );
});

describe('TransactWriteItems', () => {
  test('when both conditions hold, both items are written', async () => {
    const { code, counter } = keys();
    await client.send(claimAndCount({ ...code, round: 'r1' }, counter));

    expect(await get(code)).toEqual({ ...code, round: 'r1' });
    expect(await get(counter)).toEqual({ ...counter, count: 1 });
  });

  test('a failed conditional Put cancels the whole transaction: its reason and the old item come back, the Update writes nothing', async () => {
    const { code, counter } = keys();
    await client.send(new PutItemCommand({ TableName: TABLE, Item: marshall({ ...code, round: 'r0' }) }));

    const error = await rejection(client.send(claimAndCount({ ...code, round: 'r1' }, counter)));

    expect(error).toBeInstanceOf(TransactionCanceledException);
    const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
    expect(reasons.map((reason) => reason.Code)).toEqual(['ConditionalCheckFailed', 'None']);
    expect(reasons[0]?.Item && unmarshall(reasons[0].Item)).toEqual({ ...code, round: 'r0' });
    expect(reasons[1]?.Item).toBeUndefined();
    expect(await get(code)).toEqual({ ...code, round: 'r0' });
    expect(await get(counter)).toBeUndefined();
  });

  test('a failed conditional Update cancels the Put too, and returns the counter it found', async () => {
    const { code, counter } = keys();
    await client.send(new PutItemCommand({ TableName: TABLE, Item: marshall({ ...counter, count: 5 }) }));

    const error = await rejection(client.send(claimAndCount({ ...code, round: 'r1' }, counter)));

    expect(error).toBeInstanceOf(TransactionCanceledException);
    const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
    expect(reasons.map((reason) => reason.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(reasons[1]?.Item && unmarshall(reasons[1].Item)).toEqual({ ...counter, count: 5 });
    expect(await get(code)).toBeUndefined();
    expect(await get(counter)).toEqual({ ...counter, count: 5 });
  });
});

describe('PutItem with ReturnValuesOnConditionCheckFailure', () => {
  test('ALL_OLD returns the item that failed the condition with ConditionalCheckFailedException', async () => {
    const { code } = keys();
    await client.send(new PutItemCommand({ TableName: TABLE, Item: marshall({ ...code, round: 'r0' }) }));

    const error = await rejection(
      client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: marshall({ ...code, round: 'r1' }),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );

    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    const { Item } = error as ConditionalCheckFailedException;
    expect(Item && unmarshall(Item)).toEqual({ ...code, round: 'r0' });
    expect(await get(code)).toEqual({ ...code, round: 'r0' });
  });

  test('without it, the failure carries no item', async () => {
    const { code } = keys();
    await client.send(new PutItemCommand({ TableName: TABLE, Item: marshall(code) }));

    const error = await rejection(
      client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: marshall(code),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );

    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    expect((error as ConditionalCheckFailedException).Item).toBeUndefined();
  });
});

describe('one database for every client (-sharedDb)', () => {
  test('a client with other credentials and another region sees the same tables and items', async () => {
    const { code } = keys();
    await client.send(new PutItemCommand({ TableName: TABLE, Item: marshall(code) }));
    const other = new DynamoDBClient({
      endpoint,
      region: 'eu-west-3',
      credentials: { accessKeyId: 'someoneElse', secretAccessKey: 'other' },
    });
    try {
      const { TableNames } = await other.send(new ListTablesCommand({}));
      expect(TableNames).toEqual(expect.arrayContaining(['invites-test', 'auth-state-test']));
      const { Item } = await other.send(
        new GetItemCommand({ TableName: TABLE, Key: marshall(code), ConsistentRead: true }),
      );
      expect(Item && unmarshall(Item)).toEqual(code);
    } finally {
      other.destroy();
    }
  });
});

describe('validation as strict as DynamoDB', () => {
  test('a table name shorter than 3 characters is refused', async () => {
    const error = await rejection(
      client.send(
        new CreateTableCommand({
          TableName: 'ab',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      ),
    );

    expect((error as Error).name).toBe('ValidationException');
  });

  test('an access key ID with other characters than letters and digits is refused (dummy keys: `local`, `test`)', async () => {
    const other = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'not-letters', secretAccessKey: 'other' },
      maxAttempts: 1,
    });
    try {
      const error = await rejection(other.send(new ListTablesCommand({})));
      expect((error as Error).name).toBe('UnrecognizedClientException');
    } finally {
      other.destroy();
    }
  });
});
