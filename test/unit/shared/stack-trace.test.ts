import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { sourceMappedStack, withSourceMappedStack } from '#shared/stack-trace';

// A tiny "function" bundled the way serverless.yml bundles ours (minified, linked map, no sources).
const dir = mkdtempSync(join(tmpdir(), 'stack-trace-'));
const source = join(dir, 'src', 'boom.ts');
const bundle = join(dir, 'out', 'handler.js');

/** The stack a minified frame produces when Node runs the bundle without --enable-source-maps. */
let rawStack = '';

beforeAll(() => {
  mkdirSync(join(dir, 'src'));
  writeFileSync(
    source,
    ['export function boom(): never {', "  throw new Error('boom');", '}', ''].join('\n'),
  );
  buildSync({
    entryPoints: [source],
    outfile: bundle,
    bundle: true,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    format: 'cjs',
    platform: 'node',
    logLevel: 'silent',
  });
  const run = spawnSync(
    process.execPath,
    ['-e', `try { require(${JSON.stringify(bundle)}).boom() } catch (e) { process.stdout.write(e.stack) }`],
    { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
  );
  rawStack = run.stdout;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sourceMappedStack', () => {
  test('maps a frame of a minified bundle to the TypeScript line and column that threw', () => {
    expect(rawStack).toContain(`${bundle}:1:`);
    const mapped = sourceMappedStack(rawStack);
    expect(mapped.split('\n')[0]).toBe('Error: boom');
    expect(mapped).toContain(`(${source}:2:9)`);
    expect(mapped).not.toContain(bundle);
  });

  test('maps the frames of awaited calls too (`at async file:line:column`, `at async name (...)`)', () => {
    const frame = rawStack.split('\n').find((line) => line.includes(`${bundle}:1:`)) ?? '';
    const position = frame.slice(frame.lastIndexOf(bundle)).replace(/\)$/, '');
    const stack = ['Error: boom', `    at async ${position}`, `    at async boom (${position})`].join('\n');
    expect(sourceMappedStack(stack)).toBe(
      ['Error: boom', `    at async ${source}:2:9`, `    at async boom (${source}:2:9)`].join('\n'),
    );
  });

  test('leaves frames without a map as they are: node internals, TypeScript run directly, no .map file', () => {
    writeFileSync(join(dir, 'out', 'plain.js'), 'module.exports = 1;\n');
    const stack = [
      'Error: x',
      '    at Module._compile (node:internal/modules/cjs/loader:1521:14)',
      `    at run (${join(dir, 'src', 'boom.ts')}:2:9)`,
      `    at ${join(dir, 'out', 'plain.js')}:1:1`,
      '    at async Promise.all (index 0)',
    ].join('\n');
    expect(sourceMappedStack(stack)).toBe(stack);
  });

  test('a corrupt map changes nothing and throws nothing', () => {
    const broken = join(dir, 'out', 'broken.js');
    writeFileSync(broken, 'module.exports = 1;\n//# sourceMappingURL=broken.js.map\n');
    writeFileSync(`${broken}.map`, '{ not json');
    const stack = `Error: x\n    at f (${broken}:1:5)`;
    expect(sourceMappedStack(stack)).toBe(stack);
  });
});

describe('withSourceMappedStack', () => {
  test('maps the error and its cause chain in place and returns the same error', () => {
    const cause = new Error('boom');
    cause.stack = rawStack;
    const error = new Error('wrapped', { cause });
    error.stack = `Error: wrapped\n${rawStack.split('\n').slice(1).join('\n')}`;
    expect(withSourceMappedStack(error)).toBe(error);
    expect(error.stack).toContain(`(${source}:2:9)`);
    expect(cause.stack).toContain(`(${source}:2:9)`);
  });

  test('an error whose stack cannot be replaced is logged as it is', () => {
    const error = new Error('frozen');
    const stack = error.stack;
    Object.freeze(error);
    expect(() => withSourceMappedStack(error)).not.toThrow();
    expect(error.stack).toBe(stack);
  });
});
