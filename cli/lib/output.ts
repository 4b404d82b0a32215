/** Plain-text output for terminals (aligned tables, label/value blocks) and JSON for scripts. */

export interface Column<T> {
  header: string;
  value: (row: T) => string | undefined;
}

/** An aligned table: upper-case headers, two spaces between columns, `-` for an empty cell. */
export function formatTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row) || '-'));
  const headers = columns.map((column) => column.header.toUpperCase());
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((line) => width(line[i] ?? ''))),
  );
  const render = (line: readonly string[]) =>
    line
      .map((cell, i) => cell + ' '.repeat((widths[i] ?? 0) - width(cell)))
      .join('  ')
      .trimEnd();
  return [render(headers), ...cells.map(render)].join('\n');
}

/** `Label:  value` lines with the values aligned; entries without a value are left out. */
export function formatDetails(entries: ReadonlyArray<readonly [string, string | undefined]>): string {
  const shown = entries.filter((entry): entry is readonly [string, string] => Boolean(entry[1]));
  const labelWidth = Math.max(0, ...shown.map(([label]) => label.length + 1));
  return shown.map(([label, value]) => `${`${label}:`.padEnd(labelWidth)}  ${value}`).join('\n');
}

/** Pretty JSON with a stable shape: `undefined` fields are left out. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** `2025-03-01T12:34:56.789Z` -> `2025-03-01 12:34 UTC`. */
export function formatTime(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `in 7 days`, `3 hours ago`, `in 12 minutes`: how far `iso` is from `now`, roughly. */
export function formatRelative(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime();
  const abs = Math.abs(ms);
  const units: Array<[string, number]> = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ];
  const [unit, size] = units.find(([, size]) => abs >= size) ?? ['minute', 60_000];
  const count = Math.max(1, Math.round(abs / size));
  const text = `${count} ${unit}${count === 1 ? '' : 's'}`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

/** Display width, counting each code point once (good enough for emails and group names). */
function width(text: string): number {
  return [...text].length;
}
