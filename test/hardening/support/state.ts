/**
 * Reading and seeding the project's tables on the test DynamoDB engine (DynamoDB Local, started by the
 * jest project's globalSetup and shared through AWS_ENDPOINT_URL_DYNAMODB), and fresh identities
 * so tests never share a user, an email or a phone number.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { canonicalInviteCode, generateInviteCode } from '#shared/invites/code';
import { type Invite, newInvite } from '#shared/invites/invite';
import { checkPhone } from '#shared/phone';

export const INVITES_TABLE = process.env.INVITES_TABLE ?? 'invites-test';
export const AUTH_STATE_TABLE = process.env.AUTH_STATE_TABLE ?? 'auth-state-test';

/**
 * A client of its own, bound to the engine's URL as it is when this module loads: tests that
 * point the SDK's endpoint variables elsewhere (fault servers) still read the real state.
 */
export function stateClient(): DynamoDBDocumentClient {
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  if (!endpoint) throw new Error('AWS_ENDPOINT_URL_DYNAMODB is not set (run under the hardening project)');
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
}

export class State {
  constructor(readonly client: DynamoDBDocumentClient = stateClient()) {}

  async invite(email: string): Promise<Invite | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: INVITES_TABLE, Key: { email }, ConsistentRead: true }),
    );
    return Item as Invite | undefined;
  }

  /** A pending invite for `email`; returns the code as a user would type it. */
  async seedInvite(email: string, group?: string): Promise<string> {
    const code = generateInviteCode();
    const invite = newInvite({
      email,
      code: canonicalInviteCode(code) as string,
      group,
      days: 7,
      now: new Date(),
    });
    await this.client.send(new PutCommand({ TableName: INVITES_TABLE, Item: invite }));
    return code;
  }

  /** Every item of an auth-state partition, sorted by sort key. */
  async partition(pk: string): Promise<Record<string, unknown>[]> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: AUTH_STATE_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
      }),
    );
    return (Items ?? []) as Record<string, unknown>[];
  }

  async item(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: AUTH_STATE_TABLE, Key: { pk, sk }, ConsistentRead: true }),
    );
    return Item;
  }

  async put(item: Record<string, unknown>): Promise<void> {
    await this.client.send(new PutCommand({ TableName: AUTH_STATE_TABLE, Item: item }));
  }

  /** Failure records of a user (`USER#<sub>` / `FAIL#...`). */
  async failures(sub: string): Promise<Record<string, unknown>[]> {
    return (await this.partition(`USER#${sub}`)).filter((item) => String(item.sk).startsWith('FAIL#'));
  }

  /** Send counters of a user: `SENDS#USER#<sub>` items. */
  async userSends(sub: string): Promise<number> {
    const items = await this.partition(`SENDS#USER#${sub}`);
    return items.reduce((sum, item) => sum + Number(item.sends ?? 0), 0);
  }

  destroy(): void {
    this.client.destroy();
  }
}

/** A fresh user: sub, email, and a valid US mobile number no other test uses. */
export function newIdentity(prefix = 'hardening'): { sub: string; email: string; phone: string } {
  const sub = randomUUID();
  return { sub, email: `${prefix}.${sub.slice(0, 8)}@example.com`, phone: freshPhone() };
}

/** A valid, allowed mobile number (US, 201 area), random so concurrent test files do not collide. */
export function freshPhone(): string {
  for (;;) {
    const phone = `+1201${randomInt(200, 1000)}${String(randomInt(0, 10_000)).padStart(4, '0')}`;
    if (checkPhone(phone, ['US']).ok) return phone;
  }
}
