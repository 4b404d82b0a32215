/**
 * jest globalSetup of the integration and hardening projects: one in-memory DynamoDB Local
 * (local/dynamodb-local.ts) for the whole run, the project's tables created from
 * resources/tables.yml, and the SDK's standard endpoint variable pointed at it (workers inherit
 * the environment, so every client the code under test creates goes there).
 *
 * jest runs a global hook file once per run even when several projects name it, so `npm test`
 * starts one engine (one JVM, ~200 MB) for both projects.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type LocalDynamoDb, startDynamoDbLocal } from '../../local/dynamodb-local';

export const TEST_TABLES = { InvitesTable: 'invites-test', AuthStateTable: 'auth-state-test' };

/** Where globalSetup leaves the engine for globalTeardown (same process, same globalThis). */
export const shared = globalThis as { __dynamodbLocal__?: LocalDynamoDb };

export default async function globalSetup(): Promise<void> {
  const engine = await startDynamoDbLocal();
  shared.__dynamodbLocal__ = engine;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = engine.url;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const client = new DynamoDBClient({
    endpoint: engine.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const { createTables } = await import('../../local/tables');
  try {
    await createTables(client, TEST_TABLES);
  } catch (error) {
    // jest runs no teardown after a failed setup.
    await engine.close();
    throw error;
  } finally {
    client.destroy();
  }
}
