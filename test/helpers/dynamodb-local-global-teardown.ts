import { shared } from './dynamodb-local-global-setup';

/** Stops the run's DynamoDB Local (its JVM is also killed if jest exits without this). */
export default async function globalTeardown(): Promise<void> {
  const engine = shared.__dynamodbLocal__;
  shared.__dynamodbLocal__ = undefined;
  await engine?.close();
}
