/**
 * Stack traces that point at the TypeScript source, paid for only when one is logged.
 *
 * The deployed bundles are minified, with a source map beside each (`handler.js.map`). Node's
 * `--enable-source-maps` would map every trace, but it reads and parses the map of every file it
 * loads, at every cold start: 7-25 ms per function on our machines (docs/deploy.md). Stacks are
 * only worth mapping for the rare unexpected failure, so the map is read here, the first time an
 * unexpected error is logged, with Node's own parser (`module.SourceMap`).
 *
 * A frame whose file has no readable map (node internals, tests running the TypeScript directly)
 * is left as it is; nothing here throws.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';

/**
 * `    at name (file:line:column)`, `    at file:line:column`, and the same after `at async ` (the
 * frames of an awaited call: `at async file:line:column` names no function).
 */
const FRAME = /^(\s*at (?:async )?(?:.+? \()?)(.+?):(\d+):(\d+)(\)?)$/;

/** Parsed maps by generated file; `null` when a file has none. */
const maps = new Map<string, SourceMap | null>();

function mapOf(file: string): SourceMap | null {
  let map = maps.get(file);
  if (map === undefined) {
    try {
      map = file.endsWith('.js') ? new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))) : null;
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  return map;
}

/** One stack, each frame of a mapped file replaced by its place in the original source. */
export function sourceMappedStack(stack: string): string {
  return stack
    .split('\n')
    .map((line) => {
      const frame = FRAME.exec(line);
      if (!frame) return line;
      const [, head = '', file = '', lineNumber = '', column = '', tail = ''] = frame;
      const origin = mapOf(file)?.findOrigin(Number(lineNumber), Number(column));
      if (!origin || !('fileName' in origin)) return line;
      const source = resolve(dirname(file), origin.fileName);
      return `${head}${source}:${origin.lineNumber}:${origin.columnNumber}${tail}`;
    })
    .join('\n');
}

/**
 * Maps the stack of `error` and of the errors in its `cause` chain, in place, and returns it.
 * Meant for an error about to be logged and then dropped.
 */
export function withSourceMappedStack<E extends Error>(error: E): E {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    try {
      if (current.stack) current.stack = sourceMappedStack(current.stack);
    } catch {
      // A frozen error or a getter-only stack: log it as it is.
    }
    current = current.cause;
  }
  return error;
}
