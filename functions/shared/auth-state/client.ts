/**
 * The small base every auth-state adapter shares: one table, an optional abort signal (the
 * invocation's deadline) on every call, and SDK errors replaced by `DependencyError`.
 *
 * Why replace them: the logger prints every enumerable property of an error, and DynamoDB's
 * ConditionalCheckFailedException carries the item it compared against (phone number included)
 * when ReturnValuesOnConditionCheckFailure is set. Adapters catch the condition failures they
 * expect; anything else leaves as a name and an HTTP status, never with data.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DeleteCommand,
  type DynamoDBDocumentClient,
  type GetCommand,
  type PutCommand,
  QueryCommand,
  type QueryCommandInput,
  type TransactWriteCommand,
  type UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DependencyError } from '#shared/challenge/errors';

type Command = GetCommand | PutCommand | UpdateCommand | DeleteCommand | QueryCommand;

/**
 * Why each item of a cancelled transaction was (or was not) the cause, in the order of the items:
 * `ConditionalCheckFailed` (with the item as it was, when asked for), `TransactionConflict`
 * (another request was writing one of the items), `None` (this item was fine), or another code.
 */
export interface CancellationReason {
  code: string;
  item: Record<string, unknown> | undefined;
}

export abstract class AuthStateAdapter {
  constructor(
    protected readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
    protected readonly signal?: AbortSignal,
  ) {}

  /** Sends a command; a failed condition comes back as `{ conditionFailed, item? }`. */
  protected async send<T>(
    operation: string,
    command: Command,
  ): Promise<{ ok: true; output: T } | { ok: false; item: Record<string, unknown> | undefined }> {
    try {
      const output = (await this.client.send(command as never, { abortSignal: this.signal })) as T;
      return { ok: true, output };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return { ok: false, item: error.Item ? unmarshall(error.Item) : undefined };
      }
      throw new DependencyError('DynamoDB', operation, error);
    }
  }

  /**
   * Sends a TransactWriteItems; a cancelled transaction (nothing written) comes back as the reason
   * of every item. Any other error leaves as a `DependencyError`.
   */
  protected async transact(
    command: TransactWriteCommand,
  ): Promise<{ ok: true } | { ok: false; reasons: CancellationReason[] }> {
    try {
      await this.client.send(command, { abortSignal: this.signal });
      return { ok: true };
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons) {
        return {
          ok: false,
          reasons: error.CancellationReasons.map((reason) => ({
            code: reason.Code ?? 'None',
            item: reason.Item ? unmarshall(reason.Item) : undefined,
          })),
        };
      }
      throw new DependencyError('DynamoDB', 'TransactWriteItems', error);
    }
  }

  /** Every item of a Query, page after page. */
  protected async queryAll(
    input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.call<{
        Items?: Record<string, unknown>[];
        LastEvaluatedKey?: Record<string, unknown>;
      }>('Query', new QueryCommand({ ...input, ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** Like `send`, for commands without a condition. */
  protected async call<T>(operation: string, command: Command): Promise<T> {
    const result = await this.send<T>(operation, command);
    if (!result.ok)
      throw new DependencyError('DynamoDB', operation, new Error('unexpected condition failure'));
    return result.output;
  }
}
