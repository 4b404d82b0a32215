/**
 * Runs a fresh `node` (this machine's, with nothing but the given environment) and times it from
 * just before spawn to its exit. stdout goes to /dev/null (the functions' logs), stderr is kept
 * for error messages, and the child reports on file descriptor 3.
 */
import { spawn } from 'node:child_process';

export interface ChildResult {
  code: number | null;
  /** Spawn to exit, measured in this process. */
  wallMs: number;
  /** What the child wrote on fd 3 (parsed JSON), if anything. */
  report: unknown;
  stderr: string;
}

export function runNode(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let exited = started;
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    const stderr: Buffer[] = [];
    const report: Buffer[] = [];
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdio[3]?.on('data', (chunk: Buffer) => report.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', () => {
      exited = process.hrtime.bigint();
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const text = Buffer.concat(report).toString('utf8');
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = { ok: false, error: `unreadable report: ${text.slice(0, 200)}` };
      }
      resolve({
        code,
        wallMs: Number(exited - started) / 1e6,
        report: parsed,
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

/** What every measured child gets besides its function's environment: Lambda's basics, dummy credentials. */
export function lambdaEnvironment(input: {
  functionName: string;
  memorySize: number;
  taskRoot: string;
  endpoint: string;
}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: input.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(input.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    LAMBDA_TASK_ROOT: input.taskRoot,
    // Dummy credentials: the stub accepts any signature, and nothing may reach AWS.
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    AWS_ENDPOINT_URL_DYNAMODB: input.endpoint,
    AWS_ENDPOINT_URL_SNS: input.endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: input.endpoint,
    AWS_ENDPOINT_URL_SESV2: input.endpoint,
    // Lambda runs Node 22; this machine may run Node 20, about which the SDK would warn once.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
