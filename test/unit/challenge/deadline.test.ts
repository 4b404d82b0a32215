import { DeadlineExceededError, sleep, withDeadline } from '#shared/challenge/deadline';

afterEach(() => jest.useRealTimers());

test('work that finishes in time returns its result and leaves no timer behind', async () => {
  jest.useFakeTimers();
  await expect(withDeadline(100, async () => 'done')).resolves.toBe('done');
  expect(jest.getTimerCount()).toBe(0);
});

test('work that hangs is abandoned at the deadline and its signal is aborted', async () => {
  jest.useFakeTimers();
  let seen: AbortSignal | undefined;
  const result = withDeadline(2500, (signal) => {
    seen = signal;
    return new Promise<never>(() => undefined);
  });
  const assertion = expect(result).rejects.toBeInstanceOf(DeadlineExceededError);
  jest.advanceTimersByTime(2500);
  await assertion;
  expect(seen?.aborted).toBe(true);
  expect(seen?.reason).toBeInstanceOf(DeadlineExceededError);
});

test('sleep stops as soon as the signal aborts', async () => {
  jest.useFakeTimers();
  const controller = new AbortController();
  const slept = sleep(10_000, controller.signal);
  const assertion = expect(slept).rejects.toBe('stop');
  controller.abort('stop');
  await assertion;
  await expect(sleep(10, AbortSignal.abort('already'))).rejects.toBe('already');
});

test('work cut short gets the grace period to clean up, and its own error is what surfaces', async () => {
  jest.useFakeTimers();
  const cleaned: string[] = [];
  const result = withDeadline(
    2500,
    (signal) =>
      new Promise<never>((_, reject) => {
        signal.addEventListener('abort', () => {
          cleaned.push('released');
          reject(new Error('publish aborted'));
        });
      }),
    400,
  );
  const assertion = expect(result).rejects.toThrow('publish aborted');
  jest.advanceTimersByTime(2500);
  await assertion;
  expect(cleaned).toEqual(['released']);
});

test('work that ignores the abort is abandoned when the grace period ends', async () => {
  jest.useFakeTimers();
  const result = withDeadline(2500, () => new Promise<never>(() => undefined), 400);
  const assertion = expect(result).rejects.toBeInstanceOf(DeadlineExceededError);
  jest.advanceTimersByTime(2900);
  await assertion;
});
