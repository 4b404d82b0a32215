/**
 * The invite store: every state transition is one conditional DynamoDB write, so concurrent
 * callers (Cognito retries, racing sign-ups, an admin revoking) can never leave an invite
 * half-changed or accepted twice.
 *
 * Table: partition key `email` (string), TTL attribute `ttl`. One invite per email.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Invite } from '#shared/invites/invite';

export class InviteNotFoundError extends Error {
  override name = 'InviteNotFoundError';
  constructor(email: string) {
    super(`No invite exists for ${email}`);
  }
}

export class InviteAlreadyAcceptedError extends Error {
  override name = 'InviteAlreadyAcceptedError';
  constructor(email: string, action: string) {
    super(`The invite for ${email} has already been accepted and cannot be ${action}`);
  }
}

export type ConsumeResult =
  | { outcome: 'accepted'; invite: Invite }
  | { outcome: 'not_found' }
  | { outcome: 'revoked'; invite: Invite }
  | { outcome: 'accepted_by_other'; invite: Invite };

export type RevokeResult =
  | { outcome: 'revoked'; invite: Invite }
  | { outcome: 'already_revoked'; invite: Invite };

export class InviteStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async get(email: string): Promise<Invite | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { email }, ConsistentRead: true }),
    );
    return Item as Invite | undefined;
  }

  /** Creates the invite, replacing a pending, expired or revoked one; never an accepted one. */
  async put(invite: Invite): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: invite,
          ConditionExpression: 'attribute_not_exists(email) OR #status <> :accepted',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':accepted': 'accepted' },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new InviteAlreadyAcceptedError(invite.email, 'replaced');
      throw error;
    }
  }

  /** pending -> revoked. Revoking a revoked invite is a no-op; an accepted one is refused. */
  async revoke(email: string, now: Date): Promise<RevokeResult> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { email },
          UpdateExpression: 'SET #status = :revoked, revokedAt = :now',
          ConditionExpression: 'attribute_exists(email) AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':revoked': 'revoked',
            ':pending': 'pending',
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { outcome: 'revoked', invite: updatedItem(Attributes) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await this.currentAfterConditionFailure(email, error);
      if (!current) throw new InviteNotFoundError(email);
      if (current.status === 'accepted') throw new InviteAlreadyAcceptedError(email, 'revoked');
      return { outcome: 'already_revoked', invite: current };
    }
  }

  /**
   * pending -> accepted by `sub`, atomically. A repeat by the same `sub` (Cognito retrying the
   * trigger) succeeds again without changing `acceptedAt`; any other caller changes nothing.
   * `alsoAcceptedBy`: another name the same user may have accepted it under (a federated user's
   * sign-up consumes the invite by user name, before the user has a `sub`); it is then re-recorded
   * under `sub`.
   * Expiry is not checked here: the invite was checked at sign-up, and a confirmation that comes
   * later (or a reconciliation) must still be able to record it.
   */
  async consume(email: string, sub: string, now: Date, alsoAcceptedBy?: string): Promise<ConsumeResult> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { email },
          UpdateExpression:
            'SET #status = :accepted, acceptedBy = :sub, acceptedAt = if_not_exists(acceptedAt, :now)',
          ConditionExpression:
            'attribute_exists(email) AND (#status = :pending OR (#status = :accepted AND acceptedBy IN (:sub, :alias)))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':accepted': 'accepted',
            ':pending': 'pending',
            ':sub': sub,
            ':alias': alsoAcceptedBy ?? sub,
            ':now': now.toISOString(),
          },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { outcome: 'accepted', invite: updatedItem(Attributes) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await this.currentAfterConditionFailure(email, error);
      if (!current) return { outcome: 'not_found' };
      if (current.status === 'revoked') return { outcome: 'revoked', invite: current };
      return { outcome: 'accepted_by_other', invite: current };
    }
  }

  /**
   * The item that made a condition fail. DynamoDB returns it with the error
   * (ReturnValuesOnConditionCheckFailure); an engine that does not gets a consistent read.
   */
  private async currentAfterConditionFailure(
    email: string,
    error: ConditionalCheckFailedException,
  ): Promise<Invite | undefined> {
    return error.Item ? (unmarshall(error.Item) as Invite) : this.get(email);
  }

  /** Every invite (admin listing; a scan is fine at invite-table sizes). */
  async list(): Promise<Invite[]> {
    const invites: Invite[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new ScanCommand({ TableName: this.tableName, ExclusiveStartKey }));
      invites.push(...((page.Items ?? []) as Invite[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return invites.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
}

/** The item an `ALL_NEW` update returned. DynamoDB always returns it; an engine that does not is a fault. */
function updatedItem(attributes: Record<string, unknown> | undefined): Invite {
  if (!attributes) throw new Error('DynamoDB UpdateItem returned no attributes');
  return attributes as unknown as Invite;
}
