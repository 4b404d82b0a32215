/**
 * local/dynamodb-local.ts, the module that runs DynamoDB Local for the stack and the tests: it
 * answers once started, keeps data in a folder when asked, says clearly why it cannot start, and
 * never leaves its JVM behind (close(), and the death of the Node process that started it).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { type LocalDynamoDb, startDynamoDbLocal } from '../../local/dynamodb-local';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

async function tableNames(url: string): Promise<string[]> {
  const client = new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  try {
    return (await client.send(new ListTablesCommand({}))).TableNames ?? [];
  } finally {
    client.destroy();
  }
}

/** Whether anything accepts HTTP at `url` (a stopped engine refuses the connection). */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

async function untilRefused(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await answers(url))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

test('it answers DynamoDB requests once started; close() stops it and frees its port', async () => {
  const engine = await startDynamoDbLocal();
  expect(engine.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(await tableNames(engine.url)).toEqual([]);

  await engine.close();

  expect(await answers(engine.url)).toBe(false);
  await expect(engine.close()).resolves.toBeUndefined();
});

test('with a path, the tables are kept in that folder across restarts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynamodb-local-'));
  let engine: LocalDynamoDb | undefined;
  try {
    engine = await startDynamoDbLocal({ path: join(dir, 'data') });
    const client = new DynamoDBClient({ endpoint: engine.url, region: 'us-east-1', credentials });
    await client.send(
      new CreateTableCommand({
        TableName: 'kept-table',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    client.destroy();
    await engine.close();

    engine = await startDynamoDbLocal({ path: join(dir, 'data') });

    expect(await tableNames(engine.url)).toEqual(['kept-table']);
    expect(readdirSync(join(dir, 'data'))).toEqual(['shared-local-instance.db']);
  } finally {
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a port already taken fails at once with EADDRINUSE and the port (what `npm start` reports)', async () => {
  const holder: Server = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const address = holder.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    await expect(startDynamoDbLocal({ port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
      port,
      message: `DynamoDB Local: port ${port} on 127.0.0.1 is already in use`,
    });
  } finally {
    holder.close();
  }
});

test('without Java the error says what is missing, in one line', async () => {
  const saved = { PATH: process.env.PATH, JAVA_HOME: process.env.JAVA_HOME };
  const empty = mkdtempSync(join(tmpdir(), 'no-java-'));
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  process.env.PATH = empty;
  process.env.JAVA_HOME = join(empty, 'nothing-here');
  try {
    // A module instance of its own: it remembers whether javac was found.
    await jest.isolateModulesAsync(async () => {
      const { startDynamoDbLocal: start } = await import('../../local/dynamodb-local');
      await expect(start()).rejects.toThrow(
        'DynamoDB Local needs Java 17 or later: "java" was not found (install a JDK or JRE 17+, or set JAVA_HOME)',
      );
    });
  } finally {
    Object.assign(process.env, saved);
    warn.mockRestore();
    rmSync(empty, { recursive: true, force: true });
  }
});

// The kernel's parent-death signal (setpriv --pdeathsig) exists on Linux only.
(process.platform === 'linux' ? test : test.skip)(
  'its JVM dies with the Node process that started it, even one killed with SIGKILL',
  async () => {
    const script = `
      const { startDynamoDbLocal } = require(${JSON.stringify(join(__dirname, '../../local/dynamodb-local.ts'))});
      startDynamoDbLocal().then((engine) => console.log(engine.url));
      setInterval(() => undefined, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      child.once('exit', (code) =>
        reject(new Error(`the child exited (${code}) before starting the engine`)),
      );
    });
    expect(await answers(url)).toBe(true);

    child.kill('SIGKILL');

    expect(await untilRefused(url, 10_000)).toBe(true);
  },
);
