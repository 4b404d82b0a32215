/**
 * A readable console for `npm start`: the triggers' structured JSON log lines (one Powertools
 * line per event, as CloudWatch would show them) are rewritten as one short line each, with the
 * fields that are the same on every line (ARNs, service, request IDs, pool and client IDs) left
 * out; a metric line (#shared/metrics) becomes `# <trigger> <Metric> +1`. Anything that is not such
 * a line passes through untouched. `--log-format json` keeps the raw lines.
 */

/** Keys that say nothing new on a local console (they are the same for every line of a stack). */
const NOISE = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
  'trigger',
  'triggerSource',
  'userPoolId',
  'clientId',
]);

const LEVEL_COLOUR: Record<string, string> = {
  ERROR: '31',
  CRITICAL: '31',
  WARN: '33',
  INFO: '2',
  DEBUG: '2',
};

/** One JSON log line -> a short line, or `undefined` when it is not a trigger's log line. */
export function compactLogLine(line: string, tty: boolean): string | undefined {
  const text = line.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const metric = metricLine(entry);
  if (metric) return tty ? `\x1b[2m${metric}\x1b[0m` : metric;
  const { level, message, function_name: functionName } = entry;
  if (typeof level !== 'string' || typeof message !== 'string') return undefined;
  const source =
    typeof functionName === 'string' ? functionName.split('-').pop() : String(entry.service ?? '');
  const details = Object.entries(entry)
    .filter(([key, value]) => !NOISE.has(key) && value !== undefined)
    .map(([key, value]) =>
      // Cognito user names are UUIDs here: the first block is enough to follow one user.
      key === 'userName' && typeof value === 'string'
        ? `user=${value.split('-')[0]}`
        : `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
    )
    .join(' ');
  const head = `  λ ${source} ${level.padEnd(5)} ${message}`;
  const out = details ? `${head}  ${details}` : head;
  return tty ? `\x1b[${LEVEL_COLOUR[level] ?? '2'}m${out}\x1b[0m` : out;
}

/**
 * A metric line (CloudWatch's embedded metric format, #shared/metrics) -> `  # <trigger> <Metric> +1
 * reason=...`, or undefined when the entry is not one.
 */
function metricLine(entry: Record<string, unknown>): string | undefined {
  const aws = entry._aws as { CloudWatchMetrics?: Array<{ Metrics?: Array<{ Name?: string }> }> } | undefined;
  const names = aws?.CloudWatchMetrics?.flatMap((group) => group.Metrics ?? []).map((metric) => metric.Name);
  if (!names?.length) return undefined;
  const counts = names.map((name) => `${name} +${String(entry[name ?? ''] ?? 1)}`).join(' ');
  const reason = typeof entry.reason === 'string' ? `  reason=${entry.reason}` : '';
  return `  # ${String(entry.trigger ?? '')} ${counts}${reason}`;
}

/** Rewrites the stream's JSON log lines as they are written. Returns a function that undoes it. */
export function compactTriggerLogs(stream: NodeJS.WriteStream): () => void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const tty = stream.isTTY === true;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) return write(chunk, ...rest);
    const text = chunk.toString();
    if (!text.startsWith('{')) return write(chunk, ...rest);
    const lines = text.split('\n');
    const rewritten = lines.map((line) => (line === '' ? line : (compactLogLine(line, tty) ?? line)));
    return write(rewritten.join('\n'), ...rest);
  }) as typeof stream.write;
  return () => {
    stream.write = write as typeof stream.write;
  };
}
