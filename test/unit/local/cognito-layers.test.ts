/**
 * local/cognito reads from server.ts down: its modules import one another in one direction only
 * (no circle), so a reader can start at the server and walk down, and a lower module never needs
 * one above it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FOLDER = join(__dirname, '..', '..', '..', 'local', 'cognito');

/** module -> the sibling modules it imports (type-only imports included: they tie files too). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of readdirSync(FOLDER).filter((name) => name.endsWith('.ts'))) {
    const source = readFileSync(join(FOLDER, file), 'utf8');
    const targets = [...source.matchAll(/from '\.\/([\w-]+)'/g)].map((match) => `${match[1]}.ts`);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** A circle of imports, if there is one: [a, b, ..., a]. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'visiting');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('local/cognito module layers', () => {
  it('has no circle of imports', () => {
    expect(findCycle(importGraph())).toBeUndefined();
  });

  it('reaches every operation module from server.ts, and nothing imports server.ts but index.ts', () => {
    const graph = importGraph();
    const importers = [...graph].filter(([, targets]) => targets.includes('server.ts')).map(([file]) => file);

    expect(importers).toEqual(['index.ts']);
    expect(graph.get('server.ts')).toEqual(
      expect.arrayContaining(['auth-operations.ts', 'admin-operations.ts', 'user-operations.ts']),
    );
  });

  it('finds a circle when there is one (the check itself can fail)', () => {
    const graph = new Map([
      ['flows.ts', ['pool.ts']],
      ['pool.ts', ['lifecycle.ts']],
      ['lifecycle.ts', ['flows.ts']],
    ]);

    expect(findCycle(graph)).toEqual(['flows.ts', 'pool.ts', 'lifecycle.ts', 'flows.ts']);
  });
});
