/**
 * The README's client code is examples/clients as it is (the e2e test runs those files against the
 * local stack): every file there appears in the README verbatim, in a ```ts block of its own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)\n```/g)].map((match) => match[1]);
const files = readdirSync(join(ROOT, 'examples', 'clients')).filter((name) => name.endsWith('.ts'));

test('examples/clients has the four client files', () => {
  expect(files.sort()).toEqual(['amplify.ts', 'device.ts', 'rounds.ts', 'sdk-v3.ts']);
});

test.each(files)('README shows examples/clients/%s verbatim', (name) => {
  const source = readFileSync(join(ROOT, 'examples', 'clients', name), 'utf8').trimEnd();
  expect(blocks).toContain(source);
});
