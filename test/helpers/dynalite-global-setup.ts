/**
 * jest globalSetup for the integration project: one in-memory dynalite for the run, the project's
 * tables created from resources/tables.yml, and the SDK's standard endpoint variable pointed at
 * it (workers inherit the environment, so every client the code under test creates goes there).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynalite } from './dynalite';

export default async function globalSetup(): Promise<void> {
  const engine = await startDynalite();
  (globalThis as { __dynalite__?: typeof engine }).__dynalite__ = engine;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = engine.endpoint;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const client = new DynamoDBClient({
    endpoint: engine.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const { createTables } = await import('../../local/tables');
  await createTables(client, TEST_TABLES);
  client.destroy();
}

export const TEST_TABLES = { InvitesTable: 'invites-test', AuthStateTable: 'auth-state-test' };
