/**
 * docs/operations.md's table of metrics against the catalog the code emits from
 * (functions/shared/metric-catalog.ts): every metric once, with the triggers that count it and its
 * reasons, so the page an operator reads cannot drift from what CloudWatch receives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_TRIGGERS, METRICS } from '#shared/metric-catalog';

/** The rows of the table under `## Metrics`: metric -> [counted by, reasons]. */
function documented(markdown: string): Record<string, [string, string]> {
  const section = markdown.split(/^## Metrics$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = section
    .split('\n')
    .filter((line) => /^\| `\w+`/.test(line))
    .map((line) => line.split('|').map((cell) => cell.trim()));
  return Object.fromEntries(
    rows.map(([, name, by, reasons]) => [String(name).replace(/`/g, ''), [String(by), String(reasons)]]),
  );
}

test('docs/operations.md lists every metric of the catalog, with who counts it and its reasons', () => {
  const markdown = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'operations.md'), 'utf8');
  const expected = Object.fromEntries(
    Object.entries(METRICS).map(([name, definition]) => [
      name,
      [
        definition.emittedBy.length === ALL_TRIGGERS.length
          ? 'every trigger'
          : definition.emittedBy.length > 0
            ? definition.emittedBy.join(', ')
            : '(not built yet)',
        'reasons' in definition
          ? (definition.reasons as readonly string[]).map((r) => `\`${r}\``).join(', ')
          : '',
      ],
    ]),
  );
  expect(documented(markdown)).toEqual(expected);
});

test('the table reader finds rows only in the Metrics section (the check itself can fail)', () => {
  const page =
    '## Metrics\n\n| Metric | x | y | z |\n| `A` | T | `r` | a |\n\n## Alarms\n\n| `B` | T | | b |';
  expect(documented(page)).toEqual({ A: ['T', '`r`'] });
});
