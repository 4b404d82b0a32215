/** What a bench scenario is made of: a Cognito event from fixtures/*.json and the AWS answers it needs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { CannedResponses } from './aws-stub';

const FIXTURES = join(__dirname, '..', 'fixtures');

/** An event as Cognito sends it: plain JSON. */
// biome-ignore lint/suspicious/noExplicitAny: fixtures are read as untyped JSON on purpose.
export type Json = any;

export interface Prepared {
  event: Json;
  responses: CannedResponses;
  /** Why `output` is not the success path's, or undefined when it is. */
  check(output: Json): string | undefined;
}

export function readFixture(name: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
}

/** A DynamoDB item in the wire format (what the stub answers with). */
export const item = (value: Record<string, unknown>) => marshall(value, { removeUndefinedValues: true });
