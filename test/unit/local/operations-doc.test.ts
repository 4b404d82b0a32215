/**
 * docs/local-cognito.md's table of operations against the server's operation map: the page lists
 * exactly what the local pool answers, so it cannot drift as operations come and go.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATIONS } from '../../../local/cognito/server';

/** The first column of the table under `## Operations` (up to the next heading). */
function documentedOperations(markdown: string): string[] {
  const section = markdown.split(/^## Operations$/m)[1]?.split(/^#{2,3} /m)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) => line.split('|')[1]?.trim() ?? '')
    .filter((name) => /^[A-Z][A-Za-z]+$/.test(name) && name !== 'Operation');
}

describe('docs/local-cognito.md', () => {
  const markdown = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'local-cognito.md'), 'utf8');

  it('lists every operation the server answers, once, and nothing else', () => {
    const documented = documentedOperations(markdown);

    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(Object.keys(OPERATIONS).sort());
  });

  it('reads a table row as an operation only when its name is a whole word (the check itself can fail)', () => {
    const page =
      '## Operations\n\n| Operation | x |\n| --- | --- |\n| SignUp | a |\n| Nope! | b |\n\n### Next\n| Later | c |';

    expect(documentedOperations(page)).toEqual(['SignUp']);
  });
});
