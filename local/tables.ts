/**
 * Creates the project's DynamoDB tables on a local engine from `resources/tables.yml`, the same
 * definitions serverless.yml deploys. Used by the integration tests and the local stack.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { parse } from 'yaml';

interface TableResource {
  Type: string;
  Properties: { AttributeDefinitions: AttributeDefinition[]; KeySchema: KeySchemaElement[] };
}

/** Logical ID (e.g. `InvitesTable`) -> the CreateTable essentials. */
export function tableDefinitions(root = join(__dirname, '..')): Record<string, TableResource['Properties']> {
  const doc = parse(readFileSync(join(root, 'resources', 'tables.yml'), 'utf8')) as {
    Resources: Record<string, TableResource>;
  };
  const tables: Record<string, TableResource['Properties']> = {};
  for (const [id, resource] of Object.entries(doc.Resources)) {
    if (resource.Type === 'AWS::DynamoDB::Table') tables[id] = resource.Properties;
  }
  return tables;
}

/** Creates each logical table under the given physical name; existing tables are left alone. */
export async function createTables(client: DynamoDBClient, names: Record<string, string>): Promise<void> {
  const definitions = tableDefinitions();
  for (const [id, tableName] of Object.entries(names)) {
    const definition = definitions[id];
    if (!definition) throw new Error(`resources/tables.yml has no table ${id}`);
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          AttributeDefinitions: definition.AttributeDefinitions,
          KeySchema: definition.KeySchema,
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
}
