/**
 * Where cold init goes, by package: the function rebuilt with the packaging options but not
 * minified (esbuild then marks every module with a `// <path>` line), started like a cold run
 * (bench/cold.ts) under `node --cpu-prof`, and every sample attributed to the innermost module of
 * the bundle on its stack (an npm package or `(project)`; Node internals a package calls count
 * for that package), or else to Node's own work (compiling the bundle, reading source maps,
 * start-up). Averages over a few runs. The unminified file is bigger than the
 * deployed one, so compile time reads a little high; the split between packages is the point.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../test/package/package-service';
import { runNode } from './child';
import { LOADER } from './cold';
import { packagingOptions } from './composition';
import type { Prepared } from './scenarios';

export interface ColdProfile {
  runs: number;
  /** Milliseconds of samples per run (main thread, from Node's start to exit). */
  totalMs: number;
  /** Largest first, milliseconds per run. */
  parts: Array<{ name: string; ms: number }>;
}

interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
    positionTicks?: Array<{ line: number; ticks: number }>;
  }>;
  samples: number[];
  timeDeltas: number[];
}

function packageOf(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  if (at < 0) return '(project)';
  const parts = path.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
}

/** Line number (0-based) -> package, from esbuild's `// path` markers. */
function moduleMap(bundle: string): { starts: number[]; names: string[] } {
  const starts: number[] = [];
  const names: string[] = [];
  const lines = bundle.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^\/\/ (\S+\.(?:[cm]?js|ts|json))$/.exec(lines[i] as string);
    if (match) {
      starts.push(i);
      names.push(packageOf(match[1] as string));
    }
  }
  return { starts, names };
}

function lookup(map: { starts: number[]; names: string[] }, line: number): string {
  let low = 0;
  let high = map.starts.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if ((map.starts[mid] as number) <= line) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found < 0 ? '(bundle runtime)' : (map.names[found] as string);
}

type Frame = CpuProfile['nodes'][number]['callFrame'];

const topLevel = (name: string) => (name === '(bundle runtime)' ? '(bundle top-level code)' : name);

/**
 * Who a node's self time is spent for. A frame of the bundle counts for the module its line is in
 * (the whole-file wrapper, line 0, runs every top-level statement: its time is split by the line
 * ticks V8 records). Node internals count for the innermost module of the bundle that called
 * them (loading `http` for the SDK counts for the SDK). Time with no bundle frame on its stack is
 * Node's own work, named by what is on the stack.
 */
function attribute(
  node: CpuProfile['nodes'][number],
  stack: Frame[],
  bundle: string,
  map: ReturnType<typeof moduleMap>,
): Array<[string, number]> {
  const inBundle = (frame: Frame) => frame.url === bundle || frame.url === `file://${bundle}`;
  const leaf = stack[0];
  if (leaf && inBundle(leaf) && leaf.lineNumber === 0) {
    const ticks = node.positionTicks ?? [];
    const total = ticks.reduce((sum, tick) => sum + tick.ticks, 0);
    if (total > 0) return ticks.map((tick) => [topLevel(lookup(map, tick.line - 1)), tick.ticks / total]);
  }
  // esbuild's helpers (__esm, __toESM, ...) work for the module that called them: look past them.
  for (const frame of stack) {
    if (!inBundle(frame)) continue;
    const name = lookup(map, frame.lineNumber);
    if (name !== '(bundle runtime)') return [[name, 1]];
    if (frame.lineNumber === 0) return [['(bundle top-level code)', 1]];
  }
  const names = stack.map((frame) => frame.functionName);
  if (names.includes('(garbage collector)')) return [['(node: garbage collection)', 1]];
  if (stack.some((frame) => frame.url.includes('source_map'))) return [['(node: read source maps)', 1]];
  if (names.includes('wrapSafe') || names.includes('compileFunction'))
    return [['(node: compile the bundle)', 1]];
  if (names[0] === '(program)' || names[0] === '(idle)') return [['(node: native, untracked)', 1]];
  return [['(node: start-up, as in the baseline)', 1]];
}

export async function profileColdStart(input: {
  key: string;
  sourceFile: string;
  exportName: string;
  env: Record<string, string>;
  prepare: () => Prepared;
  workDir: string;
  runs: number;
  /** Called before each run with its canned AWS answers (the stub server in use). */
  use: (prepared: Prepared) => void;
}): Promise<ColdProfile> {
  const folder = join(input.workDir, 'profile', input.key);
  const handlerFile = join(folder, relative(ROOT, input.sourceFile).replace(/\.ts$/, '.js'));
  await build({
    ...packagingOptions(),
    minify: false,
    absWorkingDir: ROOT,
    entryPoints: [input.sourceFile],
    outfile: handlerFile,
    logLevel: 'silent',
  });
  const map = moduleMap(readFileSync(handlerFile, 'utf8'));
  const totals = new Map<string, number>();
  let totalMicros = 0;
  let good = 0;
  for (let run = 0; run < input.runs; run++) {
    const dir = join(folder, `cpu-${run}`);
    mkdirSync(dir, { recursive: true });
    const prepared = input.prepare();
    input.use(prepared);
    const result = await runNode(
      ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '100', '-e', LOADER],
      {
        ...input.env,
        BENCH_HANDLER: handlerFile,
        BENCH_EXPORT: input.exportName,
        BENCH_EVENT: JSON.stringify(prepared.event),
      },
    );
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (result.code !== 0 || !file) continue;
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    const self = new Map<number, number>();
    for (const [i, id] of profile.samples.entries()) {
      const delta = profile.timeDeltas[i] ?? 0;
      totalMicros += delta;
      self.set(id, (self.get(id) ?? 0) + delta);
    }
    for (const [id, micros] of self) {
      const node = byId.get(id);
      if (!node) continue;
      const stack: Frame[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const frame = byId.get(at)?.callFrame;
        if (frame) stack.push(frame);
      }
      for (const [name, share] of attribute(node, stack, handlerFile, map)) {
        totals.set(name, (totals.get(name) ?? 0) + micros * share);
      }
    }
    good++;
    rmSync(dir, { recursive: true, force: true });
  }
  const perRun = (micros: number) => (good === 0 ? Number.NaN : micros / 1000 / good);
  return {
    runs: good,
    totalMs: perRun(totalMicros),
    parts: [...totals].map(([name, micros]) => ({ name, ms: perRun(micros) })).sort((a, b) => b.ms - a.ms),
  };
}

/**
 * A CPU profile of a process running TypeScript from this repository (the local stack), by
 * module group: an npm package, or the repository folder (`local/cognito`, `functions/shared`, ...).
 * Node internals count for the code that called them; idle time is left out. Only the main
 * thread is sampled: work in libuv's thread pool (scrypt, async crypto) is not in it.
 */
export function profileByModule(file: string, root: string): ColdProfile {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const group = (url: string): string | undefined => {
    const path = url.startsWith('file://') ? url.slice('file://'.length) : url;
    if (!path.startsWith('/')) return undefined;
    if (path.includes('/node_modules/')) return packageOf(path);
    const parts = relative(root, path).split('/');
    return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts.join('/');
  };
  const totals = new Map<string, number>();
  let busy = 0;
  for (const [i, id] of profile.samples.entries()) {
    const delta = profile.timeDeltas[i] ?? 0;
    const leaf = byId.get(id);
    if (!leaf || leaf.callFrame.functionName === '(idle)') continue;
    busy += delta;
    let name: string | undefined;
    for (let at: number | undefined = id; at !== undefined && !name; at = parent.get(at)) {
      name = group(byId.get(at)?.callFrame.url ?? '');
    }
    if (!name) {
      const fn = leaf.callFrame.functionName;
      name =
        fn === '(garbage collector)'
          ? '(node: garbage collection)'
          : fn === '(program)'
            ? '(node: native, untracked)'
            : '(node internals)';
    }
    totals.set(name, (totals.get(name) ?? 0) + delta);
  }
  return {
    runs: 1,
    totalMs: busy / 1000,
    parts: [...totals].map(([name, micros]) => ({ name, ms: micros / 1000 })).sort((a, b) => b.ms - a.ms),
  };
}
