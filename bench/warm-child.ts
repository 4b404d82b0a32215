/**
 * One warm-latency run, in a process of its own (bench/warm.ts bundles this file with esbuild and
 * runs it with plain `node`: no TypeScript loader in the measured process).
 *
 * Two ways to answer AWS, both in-process:
 * - `send`: the handler is our code built with the packaging options but with the AWS SDK left
 *   external, and the `send` method of each SDK client class (DynamoDB document client, SNS,
 *   Cognito) is replaced by a stub that returns the scenario's canned output at once. What is
 *   timed is our code: zod, the use-case, the logger. This is the warm number.
 * - `http`: the packaged bundle as deployed, with `http.request` answered in-process
 *   (bench/aws-stub.ts): the SDK serialises, signs, retries and parses every call, no socket is
 *   opened. What the SDK adds per call shows as the difference.
 *
 * Warm-up first, then each invocation is timed alone with process.hrtime, and the CPU time of
 * the calls is read with process.cpuUsage. Every call gets its own copy of the event, made
 * outside the measured region, as Lambda hands every invocation a freshly parsed event. Logs go
 * to this process's stdout, which the parent points at /dev/null: written at the function's own
 * log level, then thrown away.
 *
 * Reports one JSON object on file descriptor 3.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type CannedResponses, cannedBody, installInProcessHttp } from './aws-stub';

export interface WarmJob {
  mode: 'send' | 'http';
  /** The repository, whose node_modules hold the SDK in `send` mode. */
  repoRoot: string;
  handlerFile: string;
  exportName: string;
  functionName: string;
  memorySize: number;
  event: unknown;
  responses: CannedResponses;
  warmup: number;
  calls: number;
}

export interface WarmReport {
  ok: boolean;
  error?: string;
  output?: unknown;
  calls: number;
  /** Nanoseconds. */
  meanNs: number;
  p50Ns: number;
  p90Ns: number;
  p99Ns: number;
  maxNs: number;
  /** CPU time (user + system, all threads) of the timed calls, per call: robust to a busy machine. */
  cpuMeanNs: number;
  /** The timing harness alone (an awaited no-op), mean nanoseconds: included in the numbers above. */
  harnessNs: number;
  /** AWS requests per invocation, by operation, during the timed calls. */
  callsPerInvocation: Record<string, number>;
  rssBytes: number;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
type Send = (command: object) => Promise<unknown>;

/** lib-dynamodb command class -> DynamoDB operation. */
const DOCUMENT_OPERATIONS: Record<string, string> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
  BatchGetCommand: 'BatchGetItem',
  BatchWriteCommand: 'BatchWriteItem',
  TransactGetCommand: 'TransactGetItems',
  TransactWriteCommand: 'TransactWriteItems',
};

/** Replaces `send` of the SDK client classes the functions use with canned, already-parsed outputs. */
function installSendStubs(
  repoRoot: string,
  responses: CannedResponses,
  counts: Record<string, number>,
): void {
  const load = createRequire(join(repoRoot, 'package.json'));
  const { unmarshall } = load('@aws-sdk/util-dynamodb') as {
    unmarshall: (item: Record<string, unknown>) => Record<string, unknown>;
  };
  // Parsed once: the stub itself must cost next to nothing.
  const outputs = new Map<string, unknown>();
  const output = (operation: string, parse: (body: Record<string, unknown>) => unknown): unknown => {
    if (!outputs.has(operation)) {
      const body = cannedBody(operation, responses);
      if (body === undefined) throw new Error(`bench stub: no answer for ${operation}`);
      outputs.set(operation, {
        ...(parse(body as Record<string, unknown>) as object),
        $metadata: { httpStatusCode: 200 },
      });
    }
    return outputs.get(operation);
  };
  const documentOutput = (body: Record<string, unknown>) => {
    const out: Record<string, unknown> = { ...body };
    if (body.Item) out.Item = unmarshall(body.Item as Record<string, unknown>);
    if (body.Attributes) out.Attributes = unmarshall(body.Attributes as Record<string, unknown>);
    if (Array.isArray(body.Items))
      out.Items = body.Items.map((item) => unmarshall(item as Record<string, unknown>));
    return out;
  };
  const stub = (
    moduleName: string,
    className: string,
    operationOf: (command: object) => string,
    parse = (b: Record<string, unknown>) => b as unknown,
  ) => {
    const client = (load(moduleName) as Record<string, { prototype: { send: Send } }>)[className];
    if (!client) throw new Error(`${moduleName} has no ${className}`);
    client.prototype.send = async function send(command: object) {
      const operation = operationOf(command);
      counts[operation] = (counts[operation] ?? 0) + 1;
      return output(operation, parse);
    };
  };
  const name = (command: object) => command.constructor.name.replace(/Command$/, '');
  stub(
    '@aws-sdk/lib-dynamodb',
    'DynamoDBDocumentClient',
    (command) => `dynamodb:${DOCUMENT_OPERATIONS[command.constructor.name] ?? name(command)}`,
    documentOutput,
  );
  stub('@aws-sdk/client-dynamodb', 'DynamoDBClient', (command) => `dynamodb:${name(command)}`);
  stub(
    '@aws-sdk/client-sns',
    'SNSClient',
    (command) => `sns:${name(command)}`,
    () => ({ MessageId: randomUUID() }),
  );
  stub(
    '@aws-sdk/client-cognito-identity-provider',
    'CognitoIdentityProviderClient',
    (command) => `cognito:${name(command)}`,
  );
}

function lambdaContext(name: string, memorySize: number) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: String(memorySize),
    awsRequestId: '00000000-0000-4000-8000-000000000000',
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => 5000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function quantileNs(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * q))] as number;
}

async function harnessOverhead(calls: number): Promise<number> {
  const noop = async (_event: unknown, _context: unknown) => undefined;
  let total = 0;
  for (let i = 0; i < calls; i++) {
    const t0 = process.hrtime.bigint();
    await noop(undefined, undefined);
    total += Number(process.hrtime.bigint() - t0);
  }
  return total / calls;
}

async function run(job: WarmJob): Promise<WarmReport> {
  const counts: Record<string, number> = {};
  if (job.mode === 'send') installSendStubs(job.repoRoot, job.responses, counts);
  else installInProcessHttp(job.responses, counts);
  const load = createRequire(job.handlerFile);
  const handler = (load(job.handlerFile) as Record<string, unknown>)[job.exportName] as Handler;
  const context = lambdaContext(job.functionName, job.memorySize);

  let output: unknown;
  for (let i = 0; i < job.warmup; i++) output = await handler(structuredClone(job.event), context);
  for (const key of Object.keys(counts)) delete counts[key];

  // Events are copied in batches ahead of the calls, so neither the clock nor the CPU counter
  // sees the copying.
  const samples = new Float64Array(job.calls);
  const BATCH = 1000;
  let cpuMicros = 0;
  for (let start = 0; start < job.calls; start += BATCH) {
    const events = Array.from({ length: Math.min(BATCH, job.calls - start) }, () =>
      structuredClone(job.event),
    );
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < events.length; i++) {
      const t0 = process.hrtime.bigint();
      await handler(events[i], context);
      samples[start + i] = Number(process.hrtime.bigint() - t0);
    }
    const cpu = process.cpuUsage(cpuBefore);
    cpuMicros += cpu.user + cpu.system;
  }
  let sum = 0;
  for (const sample of samples) sum += sample;
  samples.sort();
  const perInvocation: Record<string, number> = {};
  for (const [operation, n] of Object.entries(counts)) perInvocation[operation] = n / job.calls;
  return {
    ok: true,
    output,
    calls: job.calls,
    meanNs: sum / job.calls,
    p50Ns: quantileNs(samples, 0.5),
    p90Ns: quantileNs(samples, 0.9),
    p99Ns: quantileNs(samples, 0.99),
    maxNs: samples[samples.length - 1] as number,
    cpuMeanNs: (cpuMicros * 1000) / job.calls,
    harnessNs: await harnessOverhead(Math.min(job.calls, 100_000)),
    callsPerInvocation: perInvocation,
    rssBytes: process.memoryUsage().rss,
  };
}

const job = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as WarmJob;
run(job).then(
  (report) => {
    writeSync(3, JSON.stringify(report));
    process.exit(0);
  },
  (error: unknown) => {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    writeSync(3, JSON.stringify({ ok: false, error: message }));
    process.exit(1);
  },
);
