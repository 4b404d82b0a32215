import {
  formatDetails,
  formatJson,
  formatRelative,
  formatTable,
  formatTime,
} from '../../../../cli/lib/output';

test('formatTable aligns columns under upper-case headers, with - for empty cells', () => {
  const rows = [
    { name: 'ada@example.com', group: 'beta' },
    { name: 'ü@example.com', group: undefined },
  ];
  const table = formatTable(
    [
      { header: 'email', value: (row: (typeof rows)[number]) => row.name },
      { header: 'group', value: (row: (typeof rows)[number]) => row.group },
    ],
    rows,
  );
  expect(table).toBe(['EMAIL            GROUP', 'ada@example.com  beta', 'ü@example.com    -'].join('\n'));
});

test('formatTable with no rows is just the header', () => {
  expect(formatTable([{ header: 'email', value: () => 'x' }], [])).toBe('EMAIL');
});

test('formatDetails aligns values and leaves out entries without one', () => {
  expect(
    formatDetails([
      ['Email', 'ada@example.com'],
      ['Revoked', undefined],
      ['Group assigned', '2025-01-01 00:00 UTC'],
    ]),
  ).toBe(['Email:           ada@example.com', 'Group assigned:  2025-01-01 00:00 UTC'].join('\n'));
});

test('formatTime shows minutes in UTC; absent stays absent', () => {
  expect(formatTime('2025-03-01T12:34:56.789Z')).toBe('2025-03-01 12:34 UTC');
  expect(formatTime(undefined)).toBeUndefined();
  expect(formatTime('not a date')).toBe('not a date');
});

test.each([
  ['2025-03-08T12:00:00.000Z', 'in 7 days'],
  ['2025-03-01T13:00:00.000Z', 'in 1 hour'],
  ['2025-03-01T12:05:00.000Z', 'in 5 minutes'],
  ['2025-03-01T12:00:10.000Z', 'in 1 minute'],
  ['2025-02-27T12:00:00.000Z', '2 days ago'],
])('formatRelative(%s) from 2025-03-01 12:00 is %j', (iso, text) => {
  expect(formatRelative(iso, new Date('2025-03-01T12:00:00.000Z'))).toBe(text);
});

test('formatJson is indented and drops undefined fields', () => {
  expect(formatJson({ a: 1, b: undefined })).toBe('{\n  "a": 1\n}');
});
