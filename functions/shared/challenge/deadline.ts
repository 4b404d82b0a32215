/**
 * A time budget per invocation. Cognito gives a trigger 5 s and retries on timeout; we hold each
 * invocation to TRIGGER_BUDGET_MS of work even if every dependency hangs. The shared clients
 * already bound one call (300 ms connect, 1 s request, 2 attempts); the deadline bounds the sum of
 * several calls. Adapters pass the signal to `client.send(command, { abortSignal })`, which
 * aborts the HTTP request in flight, so nothing keeps running after the trigger gave up (a frozen
 * Lambda must not wake up later and send an SMS).
 */
export const TRIGGER_BUDGET_MS = 2500;
/**
 * After the budget, work that was cut short may still undo what it started (remove a code it
 * never sent), with calls bounded by this much; then the invocation ends regardless.
 * 2500 + 400 ms keeps the worst case under 3 s.
 */
export const CLEANUP_GRACE_MS = 400;

export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
  constructor(ms: number) {
    super(`trigger budget of ${ms} ms exceeded`);
  }
}

/**
 * Runs `work` with a signal that aborts after `ms`. Calls made with the signal fail at once, so
 * the work's own error handling runs; if the work has still not finished `graceMs` later, the
 * returned promise rejects anyway.
 */
export async function withDeadline<T>(
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
  graceMs = 0,
): Promise<T> {
  const controller = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  const expired = new Promise<never>((_, reject) => {
    const error = new DeadlineExceededError(ms);
    timers.push(setTimeout(() => controller.abort(error), ms));
    timers.push(setTimeout(() => reject(error), ms + graceMs));
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
