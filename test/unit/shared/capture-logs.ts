/**
 * Captures what the Powertools logger writes. The logger writes JSON lines straight to
 * process.stdout / process.stderr (POWERTOOLS_DEV is off in tests), so spying on `write` sees
 * exactly what CloudWatch would receive.
 */
import type { LogLevel } from '@aws-lambda-powertools/logger/types';

interface Logs {
  /** Everything written, as one string. */
  text: () => string;
  /** Each line parsed as JSON. */
  records: () => Record<string, unknown>[];
  restore: () => void;
}

export function captureLogs(
  logger?: { setLogLevel: (level: LogLevel) => void },
  level: LogLevel = 'DEBUG',
): Logs {
  const chunks: string[] = [];
  const record = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(record as typeof process.stdout.write);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(record as typeof process.stderr.write);
  logger?.setLogLevel(level);
  return {
    text: () => chunks.join(''),
    records: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      logger?.setLogLevel('SILENT');
      out.mockRestore();
      err.mockRestore();
    },
  };
}
