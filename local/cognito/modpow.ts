/**
 * SRP's modular exponentiations, answered by a worker thread (modpow-worker.cjs) so the pool's
 * thread keeps serving requests and running triggers meanwhile. One worker per process, shared by
 * the pools running in it: started by the first `acquireModPow()`, ended by the last
 * `releaseModPow()` (startLocalUserPool / close). It does not keep the process alive while idle.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

type Request =
  | { op: 'powG'; exponent: bigint }
  | { op: 'srpSecret'; A: bigint; v: bigint; u: bigint; b: bigint };

type Answer = { id: number; value: bigint; error?: undefined } | { id: number; error: string };

interface Pending {
  resolve: (value: bigint) => void;
  reject: (error: Error) => void;
}

/** The worker refused the numbers (OpenSSL rejects a degenerate base), as opposed to the worker failing. */
export class ModPowRefused extends Error {}

let worker: Worker | undefined;
let users = 0;
let nextId = 0;
const pending = new Map<number, Pending>();

function failAll(error: Error): void {
  for (const waiting of pending.values()) waiting.reject(error);
  pending.clear();
}

function startWorker(): Worker {
  const started = new Worker(join(__dirname, 'modpow-worker.cjs'), { execArgv: [] });
  started.unref();
  started.on('message', (answer: Answer) => {
    const waiting = pending.get(answer.id);
    if (!waiting) return;
    pending.delete(answer.id);
    if (pending.size === 0) started.unref();
    if (answer.error === undefined) waiting.resolve(answer.value);
    else waiting.reject(new ModPowRefused(answer.error));
  });
  started.on('error', (error) => failAll(error));
  started.on('exit', () => {
    if (worker === started) worker = undefined;
    failAll(new Error('the SRP worker thread stopped'));
  });
  return started;
}

function call(request: Request): Promise<bigint> {
  worker ??= startWorker();
  const running = worker;
  return new Promise((resolve, reject) => {
    const id = nextId++;
    // Referenced only while it owes an answer.
    if (pending.size === 0) running.ref();
    pending.set(id, { resolve, reject });
    running.postMessage({ id, ...request });
  });
}

/** g^exponent mod N. */
export function powG(exponent: bigint): Promise<bigint> {
  return call({ op: 'powG', exponent });
}

/**
 * The server's SRP secret S = (A * v^u)^b mod N. Rejects with `ModPowRefused` when OpenSSL
 * refuses a degenerate base (0, 1, N-1), which no valid client produces.
 */
export function srpSecret(A: bigint, v: bigint, u: bigint, b: bigint): Promise<bigint> {
  return call({ op: 'srpSecret', A, v, u, b });
}

/** A pool starts using the worker. */
export function acquireModPow(): void {
  users++;
}

/** A pool is done with it; the last one ends the thread. */
export async function releaseModPow(): Promise<void> {
  users = Math.max(0, users - 1);
  if (users > 0 || !worker) return;
  const running = worker;
  worker = undefined;
  await running.terminate();
}
