/**
 * The local stack in a process of its own, so its memory and CPU are its own: started by
 * bench/stack/throughput.ts with `node --import tsx` (as `npm start` runs it), on free ports,
 * with the functions at serverless.yml's log level (INFO) writing to this process's stdout, which
 * the parent points at /dev/null.
 *
 * IPC: sends `{ type: 'ready', url, info }` once serving; answers `{ type: 'usage' }` with its CPU
 * time and peak RSS, its DynamoDB Local's (a JVM, child of this process) included;
 * `{ type: 'profile-start' }` / `{ type: 'profile-stop', file }` run the V8 CPU
 * profiler over the measured phases only (the file is written before `profile-done` is sent);
 * `{ type: 'stop' }` closes the stack and exits.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { startStack } from '../../local/stack';

let session: Session | undefined;

function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    session?.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function profileStart(): Promise<void> {
  session = new Session();
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
}

async function profileStop(file: string): Promise<void> {
  const { profile } = (await post('Profiler.stop')) as { profile: unknown };
  writeFileSync(file, JSON.stringify(profile));
  session?.disconnect();
  session = undefined;
}

/**
 * CPU time and memory of this process's children (DynamoDB Local's JVM), from Linux's /proc:
 * the stack's cost includes its database engine, as it did when that ran on a thread in here.
 */
function childrenUsage(): { cpuMs: number; maxRssBytes: number; rssBytes: number } {
  const usage = { cpuMs: 0, maxRssBytes: 0, rssBytes: 0 };
  if (process.platform !== 'linux') return usage;
  const pids = readdirSync('/proc/self/task').flatMap((task) =>
    readFileSync(`/proc/self/task/${task}/children`, 'utf8').split(' ').filter(Boolean),
  );
  for (const pid of pids) {
    try {
      // Fields 14 and 15 (utime, stime) in clock ticks (100 a second on Linux), after "(comm)".
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      usage.cpuMs += (Number(fields[11]) + Number(fields[12])) * 10;
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
      usage.maxRssBytes += kb('VmHWM') * 1024;
      usage.rssBytes += kb('VmRSS') * 1024;
    } catch {
      // The child ended between the listing and the read.
    }
  }
  return usage;
}

async function main(): Promise<void> {
  const send = (message: unknown) => process.send?.(message);
  const stack = await startStack({ port: 0, printOutbox: false });
  process.on('message', (message: { type?: string; file?: string }) => {
    if (message.type === 'profile-start') {
      profileStart().then(() => send({ type: 'profile-started' }));
    } else if (message.type === 'profile-stop' && message.file) {
      profileStop(message.file).then(() => send({ type: 'profile-done' }));
    } else if (message.type === 'usage') {
      const cpu = process.cpuUsage();
      const engine = childrenUsage();
      send({
        type: 'usage',
        cpuMs: (cpu.user + cpu.system) / 1000 + engine.cpuMs,
        // Linux reports kilobytes. Peaks of two processes added: an upper bound of their sum.
        maxRssBytes: process.resourceUsage().maxRSS * 1024 + engine.maxRssBytes,
        rssBytes: process.memoryUsage().rss + engine.rssBytes,
      });
    } else if (message.type === 'stop') {
      stack.close().finally(() => process.exit(0));
    }
  });
  // The parent went away: do not linger.
  process.on('disconnect', () => {
    stack.close().finally(() => process.exit(0));
  });
  send({ type: 'ready', url: stack.url, info: stack.info });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
