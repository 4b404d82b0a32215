/**
 * DynamoDB for the local stack: dynalite, served from a worker thread (local/dynalite-worker.cjs)
 * so that it uses a core of its own instead of sharing the main thread with the pool and the
 * triggers. To its clients nothing changes: the same HTTP endpoint on 127.0.0.1, the same
 * in-memory or LevelDB (`path`) storage.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface LocalDynamoDb {
  url: string;
  close(): Promise<void>;
}

/** How long close() waits for dynalite to finish what it is doing before ending its thread. */
const CLOSE_TIMEOUT_MS = 5_000;

type WorkerMessage =
  | { type: 'listening'; port: number }
  | { type: 'failed'; message: string; code?: string; port?: number }
  | { type: 'closed'; message?: string };

/** Starts dynalite on host:port (0: a free port); `path` keeps the tables in that folder. */
export function startDynalite(host: string, port: number, path: string | undefined): Promise<LocalDynamoDb> {
  const worker = new Worker(join(__dirname, 'dynalite-worker.cjs'), {
    workerData: { host, port, path },
    // The worker needs no loader, and the parent's `--cpu-prof` etc. are about the main thread.
    execArgv: [],
  });
  let exited = false;
  const gone = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.once('exit', () => {
    exited = true;
  });

  const close = async (): Promise<void> => {
    if (exited) return;
    let timer: NodeJS.Timeout | undefined;
    const closed = new Promise<WorkerMessage>((resolve) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'closed') resolve(message);
      });
      void gone.then(() => resolve({ type: 'closed' }));
      // A request that never ends would hold dynalite's close() forever.
      timer = setTimeout(() => resolve({ type: 'closed' }), CLOSE_TIMEOUT_MS);
    });
    worker.postMessage({ type: 'close' });
    const answer = await closed;
    clearTimeout(timer);
    // Whatever dynalite still holds, the thread ends here.
    await worker.terminate();
    if (answer.type === 'closed' && answer.message) throw new Error(`dynalite: ${answer.message}`);
  };

  return new Promise((resolve, reject) => {
    let listening = false;
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'listening') {
        listening = true;
        resolve({ url: `http://${host}:${message.port}`, close });
      } else if (message.type === 'failed') {
        // The shape `npm start` reports (EADDRINUSE with the port) is kept across the thread.
        reject(Object.assign(new Error(message.message), { code: message.code, port: message.port }));
        void worker.terminate();
      }
    });
    worker.on('error', (error) => {
      if (!listening) reject(error);
      // On the main thread this would have ended the process; say so at least as loudly.
      else console.error('local DynamoDB (dynalite) stopped after an error:', error);
    });
    worker.once('exit', (code) => {
      if (!listening) reject(new Error(`the dynalite thread exited (${code}) before listening`));
    });
  });
}
