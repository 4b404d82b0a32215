/**
 * Cold init: fresh Node processes that load a packaged handler and handle one event.
 *
 * How it is measured, and why:
 * - Each run is `node -e <loader>` with the function's environment; the loader requires the
 *   bundle, invokes the handler once with the scenario's event and exits as soon as the
 *   invocation resolves. The parent times spawn -> exit.
 * - The baseline is `node -e ""` with the same environment and the same stdio, timed the same
 *   way. Cold init = a target's time minus the baseline's: what loading and running our code
 *   adds to starting Node. Timing from the parent (not inside the child) keeps both measurements
 *   identical in kind; the child also reports its own split (require, first invoke) from
 *   performance.now() for the breakdown.
 * - CPU time as a second view: each child reports its process.cpuUsage() when it is done, and a
 *   third interleaved kind of run, Node reporting its own CPU time and nothing else, is the
 *   baseline for it. On a loaded machine wall time includes waiting for a core; CPU time does
 *   not.
 * - The machine is shared and noisy, so runs are interleaved: every round runs the baseline and
 *   every target once, in a new random order. Reported: median(target) - median(baseline), and
 *   p90(target) - median(baseline).
 * - AWS calls go to the local stub server (bench/aws-stub.ts): the first call of each client
 *   opens a loopback connection, as a Lambda's first call opens one (minus TLS and distance).
 *   The stub counts the requests of each run: the AWS calls per invocation.
 */
import type { StubServer } from './aws-stub';
import { runNode } from './child';
import type { Json, Prepared } from './scenarios';
import { median, quantile, shuffle } from './stats';

/** The cold run's `-e` program: load the bundle, invoke once, report on fd 3, exit. */
export const LOADER = [
  'const t0=performance.now();const fs=require("fs");const e=process.env;let m;',
  'try{m=require(e.BENCH_HANDLER)}catch(x){fs.writeSync(3,JSON.stringify({ok:false,error:"load: "+x.message}));process.exit(1)}',
  'const t1=performance.now();const ev=JSON.parse(e.BENCH_EVENT);const n=e.AWS_LAMBDA_FUNCTION_NAME;',
  'const ctx={callbackWaitsForEmptyEventLoop:true,functionName:n,functionVersion:"$LATEST",',
  'invokedFunctionArn:"arn:aws:lambda:us-east-1:000000000000:function:"+n,memoryLimitInMB:e.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,',
  'awsRequestId:"00000000-0000-4000-8000-000000000001",logGroupName:"/aws/lambda/"+n,logStreamName:"bench",',
  'getRemainingTimeInMillis:()=>5000};',
  'Promise.resolve().then(()=>m[e.BENCH_EXPORT](ev,ctx)).then(o=>{const t2=performance.now();',
  'const c=process.cpuUsage();fs.writeSync(3,JSON.stringify({ok:true,loadMs:t1-t0,invokeMs:t2-t1,',
  'cpuMs:(c.user+c.system)/1000,output:o}));process.exit(0)},',
  'x=>{fs.writeSync(3,JSON.stringify({ok:false,error:String(x&&x.message||x)}));process.exit(1)})',
].join('');

/** The CPU baseline: Node reporting its own CPU time and nothing else. */
const CPU_BASELINE =
  'const c=process.cpuUsage();require("fs").writeSync(3,JSON.stringify({ok:true,cpuMs:(c.user+c.system)/1000}))';

export interface ColdTarget {
  id: string;
  handlerFile: string;
  exportName: string;
  env: Record<string, string>;
  prepare: () => Prepared;
}

export interface ColdRuns {
  id: string;
  wallMs: number[];
  loadMs: number[];
  invokeMs: number[];
  /** CPU time of the whole child (user + system, all threads), from its own process.cpuUsage(). */
  cpuMs: number[];
  /** AWS requests of the first good run, by operation. */
  calls: Record<string, number> | undefined;
  /** Runs whose AWS requests differed from the first good run's. */
  unstableCalls: number;
  errors: string[];
}

export interface ColdSummary {
  runs: number;
  /** Cold init (target - baseline), milliseconds. */
  medianMs: number;
  p90Ms: number;
  /** Inside the child: require() of the bundle, and the first invocation. Medians, ms. */
  loadMs: number;
  firstInvokeMs: number;
  /** CPU time the child spent beyond a bare Node's (medians): robust to a busy machine. */
  cpuMs: number;
}

interface ChildReport {
  ok: boolean;
  error?: string;
  loadMs?: number;
  invokeMs?: number;
  cpuMs?: number;
  output?: Json;
}

export async function measureCold(input: {
  targets: ColdTarget[];
  baselineEnv: Record<string, string>;
  rounds: number;
  stub: StubServer;
  progress?: (done: number, total: number) => void;
}): Promise<{ baselineMs: number[]; baselineCpuMs: number[]; runs: Map<string, ColdRuns> }> {
  const { targets, stub } = input;
  const runs = new Map<string, ColdRuns>(
    targets.map((t) => [
      t.id,
      {
        id: t.id,
        wallMs: [],
        loadMs: [],
        invokeMs: [],
        cpuMs: [],
        calls: undefined,
        unstableCalls: 0,
        errors: [],
      },
    ]),
  );
  const baselineMs: number[] = [];
  const baselineCpuMs: number[] = [];
  const total = input.rounds * (targets.length + 2);
  let done = 0;
  for (let round = 0; round < input.rounds; round++) {
    const order: Array<ColdTarget | 'bare' | 'cpu'> = shuffle(['bare', 'cpu', ...targets]);
    for (const target of order) {
      if (target === 'bare') {
        const result = await runNode(['-e', ''], input.baselineEnv);
        if (result.code === 0) baselineMs.push(result.wallMs);
      } else if (target === 'cpu') {
        const result = await runNode(['-e', CPU_BASELINE], input.baselineEnv);
        const cpu = (result.report as ChildReport | undefined)?.cpuMs;
        if (result.code === 0 && cpu !== undefined) baselineCpuMs.push(cpu);
      } else {
        const record = runs.get(target.id) as ColdRuns;
        const { result, report, counts, problem } = await runOnce(target, stub);
        if (problem) {
          record.errors.push(problem);
        } else {
          record.wallMs.push(result.wallMs);
          record.loadMs.push(report?.loadMs ?? Number.NaN);
          record.invokeMs.push(report?.invokeMs ?? Number.NaN);
          record.cpuMs.push(report?.cpuMs ?? Number.NaN);
          if (!record.calls) record.calls = counts;
          else if (JSON.stringify(sorted(record.calls)) !== JSON.stringify(sorted(counts)))
            record.unstableCalls++;
        }
      }
      input.progress?.(++done, total);
    }
  }
  return { baselineMs, baselineCpuMs, runs };
}

/**
 * One fresh process that loads the target's bundle and handles its scenario's event, with the
 * stub answering the AWS calls: the result, the child's report, the requests it made and what
 * went wrong (a failed run, or a check of the output that did not pass).
 */
async function runOnce(target: Omit<ColdTarget, 'id'>, stub: StubServer) {
  const prepared = target.prepare();
  stub.use(prepared.responses);
  stub.takeCounts();
  const result = await runNode(['-e', LOADER], {
    ...target.env,
    BENCH_HANDLER: target.handlerFile,
    BENCH_EXPORT: target.exportName,
    BENCH_EVENT: JSON.stringify(prepared.event),
  });
  const counts = stub.takeCounts();
  const report = result.report as ChildReport | undefined;
  const problem =
    result.code !== 0 || !report?.ok
      ? (report?.error ?? (result.stderr.trim().split('\n').slice(-1)[0] || `exit code ${result.code}`))
      : prepared.check(report.output);
  return { result, report, counts, problem };
}

/** Runs one target once, untimed, to count the AWS requests of a path (the scenario variants). */
export async function countCalls(
  target: Omit<ColdTarget, 'id'>,
  stub: StubServer,
): Promise<{ calls: Record<string, number>; error?: string }> {
  const { counts: calls, problem: error } = await runOnce(target, stub);
  return error ? { calls, error } : { calls };
}

export function summarise(runs: ColdRuns, baselineMs: number[], baselineCpuMs: number[]): ColdSummary {
  const base = median(baselineMs);
  return {
    runs: runs.wallMs.length,
    medianMs: median(runs.wallMs) - base,
    p90Ms: quantile(runs.wallMs, 0.9) - base,
    loadMs: median(runs.loadMs),
    firstInvokeMs: median(runs.invokeMs),
    cpuMs: median(runs.cpuMs) - median(baselineCpuMs),
  };
}

function sorted(counts: Record<string, number>): Array<[string, number]> {
  return Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
}
