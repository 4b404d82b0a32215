/**
 * Captures everything a process writes while it runs triggers: process.stdout / process.stderr
 * (where the Powertools logger writes its JSON lines, as Lambda's runtime does) and the console
 * methods (anything logged with console.* on the way), without printing it.
 */
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

export interface Capture {
  /** Everything written since the last `clear()`. */
  text(): string;
  /** The JSON log records among the lines written (other lines are skipped). */
  records(): Record<string, unknown>[];
  clear(): void;
  restore(): void;
}

export function captureOutput(): Capture {
  let chunks: string[] = [];
  const keep = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const spies: { mockRestore(): void }[] = [
    jest.spyOn(process.stdout, 'write').mockImplementation(keep as typeof process.stdout.write),
    jest.spyOn(process.stderr, 'write').mockImplementation(keep as typeof process.stderr.write),
    ...CONSOLE_METHODS.map((method) =>
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        keep(`${args.map((arg) => (typeof arg === 'string' ? arg : safeJson(arg))).join(' ')}\n`);
      }),
    ),
  ];
  return {
    text: () => chunks.join(''),
    records: () =>
      chunks
        .join('')
        .split('\n')
        .flatMap((line) => {
          if (!line.startsWith('{')) return [];
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    clear: () => {
      chunks = [];
    },
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack ?? ''}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
