/**
 * Remembered devices in the auth-state table (`USER#<sub>` / `REMEMBERED#<device id>`, keys.ts).
 * Create and Verify read them with the account-status Query they make anyway; this store writes
 * them, and lists and revokes them for the users CLI and the triggers that revoke.
 *
 * - `remember`: ONE TransactWriteItems: the device's item (a repeat of the same key replaces it,
 *   with a new expiry), and the deletion of the oldest devices beyond the per-user maximum.
 * - `prove`: ONE conditional UpdateItem per right signature: it succeeds only while the device is
 *   stored (not revoked since the round was built), unexpired, and the challenge was not already
 *   used by another answer; the answer's nonce is kept so a Cognito retry of that very answer is
 *   right again. A challenge is single-use.
 * - `revoke`: deletes the named devices, or all of them (one Query, then one DeleteItem each).
 */
import { DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type RememberedDevice, toRememberedDevice } from '#shared/auth-state/account-status';
import { AuthStateAdapter } from '#shared/auth-state/client';
import { REMEMBERED_SK_PREFIX, rememberedDeviceSk, userPk } from '#shared/auth-state/keys';
import { DependencyError } from '#shared/challenge/errors';

export interface RememberInput {
  id: string;
  publicKey: string;
  name?: string | undefined;
  now: Date;
  /** How long the device is remembered. */
  days: number;
  /** Ids of devices to delete in the same write (the oldest, beyond the maximum). */
  drop: readonly string[];
}

export type ProofOutcome = { outcome: 'proven'; retry: boolean } | { outcome: 'dead' };

/**
 * The devices to drop so that, with one more, at most `max` remain: the oldest first (by creation
 * time), never the device being remembered again.
 */
export function devicesToDrop(devices: readonly RememberedDevice[], keepId: string, max: number): string[] {
  const others = devices
    .filter((device) => device.id !== keepId)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const excess = others.length + 1 - max;
  return excess > 0 ? others.slice(0, excess).map((device) => device.id) : [];
}

export class DeviceStore extends AuthStateAdapter {
  async remember(sub: string, input: RememberInput): Promise<RememberedDevice> {
    const expiresAt = new Date(input.now.getTime() + input.days * 86_400_000);
    const device: RememberedDevice = {
      id: input.id,
      publicKey: input.publicKey,
      ...(input.name === undefined ? {} : { name: input.name }),
      createdAt: input.now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    };
    const put = {
      TableName: this.tableName,
      Item: {
        pk: userPk(sub),
        sk: rememberedDeviceSk(input.id),
        ...device,
        ttl: Math.ceil(expiresAt.getTime() / 1000),
      },
    };
    if (input.drop.length === 0) {
      await this.call('PutItem', new PutCommand(put));
      return device;
    }
    const written = await this.transact(
      new TransactWriteCommand({
        TransactItems: [
          { Put: put },
          ...input.drop.map((id) => ({
            Delete: { TableName: this.tableName, Key: { pk: userPk(sub), sk: rememberedDeviceSk(id) } },
          })),
        ],
      }),
    );
    if (!written.ok)
      throw new DependencyError(
        'DynamoDB',
        'TransactWriteItems',
        new Error(written.reasons.map((r) => r.code).join()),
      );
    return device;
  }

  async prove(
    sub: string,
    input: { deviceId: string; challenge: string; nonce: string; now: Date },
  ): Promise<ProofOutcome> {
    const result = await this.send<{ Attributes?: Record<string, unknown> }>(
      'UpdateItem',
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: userPk(sub), sk: rememberedDeviceSk(input.deviceId) },
        UpdateExpression: 'SET lastUsedAt = :now, lastChallenge = :challenge, lastNonce = :nonce',
        ConditionExpression:
          'attribute_exists(pk) AND expiresAt > :now AND ' +
          '(attribute_not_exists(lastChallenge) OR lastChallenge <> :challenge OR lastNonce = :nonce)',
        ExpressionAttributeValues: {
          ':now': input.now.toISOString(),
          ':challenge': input.challenge,
          ':nonce': input.nonce,
        },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    if (!result.ok) return { outcome: 'dead' };
    return { outcome: 'proven', retry: result.output.Attributes?.lastNonce === input.nonce };
  }

  /** The user's devices, expired ones included, oldest first. */
  async list(sub: string): Promise<RememberedDevice[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': userPk(sub), ':prefix': REMEMBERED_SK_PREFIX },
      ConsistentRead: true,
    });
    return items
      .map(toRememberedDevice)
      .filter((device): device is RememberedDevice => device !== undefined)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * Deletes the devices with these ids, or every device of the user (`'all'`). Returns the devices
   * that were there and are gone now.
   */
  async revoke(sub: string, which: readonly string[] | 'all'): Promise<RememberedDevice[]> {
    const ids = which === 'all' ? (await this.list(sub)).map((device) => device.id) : which;
    const removed = await Promise.all(
      ids.map(async (id) => {
        const { Attributes } = await this.call<{ Attributes?: Record<string, unknown> }>(
          'DeleteItem',
          new DeleteCommand({
            TableName: this.tableName,
            Key: { pk: userPk(sub), sk: rememberedDeviceSk(id) },
            ReturnValues: 'ALL_OLD',
          }),
        );
        return Attributes ? toRememberedDevice(Attributes) : undefined;
      }),
    );
    return removed.filter((device): device is RememberedDevice => device !== undefined);
  }
}
