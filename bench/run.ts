/**
 * `npm run bench`: how big, how fast to start, how fast warm, how many AWS calls, and how much
 * the local stack serves. docs/performance.md explains every number and the targets.
 *
 *   npm run bench                 # the full run (a few minutes); writes bench/results.json
 *   npm run bench -- --quick      # a smoke run: fewer rounds and calls, same sections
 *   npm run bench -- --skip stack,warm --out /tmp/results.json
 *
 * Sections: package (serverless package, sizes, composition), cold, calls, warm, zod, stack.
 * Progress goes to stderr, the table to stdout.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { startStubServer } from './aws-stub';
import { lambdaEnvironment } from './child';
import { type ColdTarget, countCalls, measureCold, summarise } from './cold';
import { buildZodExperiment, composition } from './composition';
import { type BuiltFunction, buildFunctions } from './package';
import { profileColdStart } from './profile';
import { markdownSummary, printReport, type Results } from './report';
import { describeCalls, readFixture, SCENARIOS } from './scenarios';
import { measureStack } from './stack/throughput';
import { median, quantile } from './stats';
import { buildWarmChild, buildWithoutSdk, measureWarm } from './warm';

const ROOT = join(__dirname, '..');
const SECTIONS = ['cold', 'profile', 'calls', 'warm', 'zod', 'stack'] as const;

const USAGE = `Usage: npm run bench -- [--quick] [--skip ${SECTIONS.join(',')}] [--rounds N] [--calls N] [--out FILE]
       npm run bench -- --from bench/results.json [--markdown]
  --quick    smoke run: 5 cold rounds, 10,000 warm calls, short stack phases (numbers are rough)
  --markdown also print a Markdown summary (for README.md / docs/performance.md)
  --profile-stack  run the local stack under node --cpu-prof and show where its CPU goes
                   (the profiler slows the stack down: throughput numbers of such a run are low)
  --from     print the report of a saved results file; measures nothing
  --skip     sections to leave out (comma-separated)
  --rounds   cold-start rounds (default 20; each round starts every target and the baseline once)
  --calls    warm invocations per trigger (default 100,000)
  --out      where the JSON goes (default bench/results.json)`;

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      skip: { type: 'string', default: '' },
      rounds: { type: 'string' },
      calls: { type: 'string' },
      out: { type: 'string', default: join(ROOT, 'bench', 'results.json') },
      markdown: { type: 'boolean', default: false },
      'profile-stack': { type: 'boolean', default: false },
      from: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const skip = new Set(values.skip.split(',').filter(Boolean));
  for (const name of skip) {
    if (!(SECTIONS as readonly string[]).includes(name))
      throw new Error(`--skip: unknown section "${name}"\n${USAGE}`);
  }
  const number = (value: string | undefined, fallback: number, min: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`expected an integer >= ${min}, got "${value}"`);
    return n;
  };
  const quick = values.quick;
  return {
    quick,
    skip,
    out: values.out,
    markdown: values.markdown,
    profileStack: values['profile-stack'],
    from: values.from,
    rounds: number(values.rounds, quick ? 5 : 20, 1),
    warmCalls: number(values.calls, quick ? 10_000 : 100_000, 100),
    warmup: quick ? 1_000 : 2_000,
    profileRuns: quick ? 1 : 3,
    /** Warm calls without logs (our code only) and with the SDK (packaged bundle, ~1 ms a call). */
    sideCalls: quick ? 5_000 : 20_000,
    sdkCalls: quick ? 1_000 : 3_000,
    stack: quick
      ? { signUps: { c1: 10, c8: 40 }, signIns: { c1: 10, c8: 40 }, devices: { users: 16, returning: 2 } }
      : { signUps: { c1: 50, c8: 240 }, signIns: { c1: 50, c8: 240 }, devices: { users: 48, returning: 5 } },
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function gitDescription(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.from) {
    const saved = JSON.parse(readFileSync(opts.from, 'utf8')) as Results;
    printReport(saved, (line) => process.stdout.write(`${line}\n`));
    if (opts.markdown) process.stdout.write(`\n${markdownSummary(saved)}\n`);
    return;
  }
  // This process creates SDK clients too (stack seeding); Lambda runs Node 22, no warning there.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const started = Date.now();
  const workDir = mkdtempSync(join(tmpdir(), 'cat-bench-'));
  const results: Results = {
    meta: {
      date: new Date().toISOString(),
      commit: gitDescription(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
      loadAverageAtEnd: [],
      quick: opts.quick,
      coldRounds: opts.rounds,
      warmCalls: opts.warmCalls,
      seconds: 0,
    },
    functions: [],
    zod: [],
    stack: undefined,
  };
  const stub = await startStubServer();
  try {
    const section = async (name: string, run: () => Promise<void>) => {
      const t0 = Date.now();
      log(`\n== ${name}`);
      await run();
      log(`   (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    };

    let functions: BuiltFunction[] = [];
    await section('serverless package (offline, scratch copy) + bundle composition', async () => {
      functions = await buildFunctions(workDir);
      for (const fn of functions) {
        const parts = await composition(fn.sourceFile, workDir);
        const scenario = fn.trigger ? SCENARIOS[fn.trigger] : undefined;
        results.functions.push({
          key: fn.key,
          trigger: fn.trigger ?? '(none)',
          scenario: scenario ? `${scenario.fixture}: ${scenario.path}` : '(no scenario: not measured)',
          bundle: {
            rawBytes: fn.rawBytes,
            gzipBytes: fn.gzipBytes,
            zipBytes: fn.zipBytes,
            mapBytes: fn.mapBytes,
            rebuiltBytes: parts.bytes,
            packages: parts.packages.slice(0, 8),
          },
        });
        log(
          `   ${fn.key}: ${(fn.rawBytes / 1024).toFixed(0)} KB (${(fn.gzipBytes / 1024).toFixed(0)} KB gzip)`,
        );
      }
    });

    const envOf = (fn: BuiltFunction): Record<string, string> => ({
      ...lambdaEnvironment({
        functionName: fn.name,
        memorySize: fn.memorySize,
        taskRoot: join(workDir, fn.key),
        endpoint: stub.url,
      }),
      ...fn.environment,
      // Measured as deployed with security emails on (EMAIL_OTP rounds and notices go through SES).
      ...('SECURITY_EMAIL_FROM' in fn.environment
        ? { SECURITY_EMAIL_FROM: fn.environment.SECURITY_EMAIL_FROM || 'no-reply@example.com' }
        : {}),
    });
    const measured = functions.filter((fn) => fn.trigger && SCENARIOS[fn.trigger]);
    for (const fn of functions) {
      if (!measured.includes(fn))
        log(`   ${fn.key}: no scenario for trigger ${fn.trigger ?? '(none)'}; sizes only`);
    }
    const resultOf = (key: string) => results.functions.find((entry) => entry.key === key);
    const baselineEnv = {
      ...lambdaEnvironment({
        functionName: 'baseline',
        memorySize: 256,
        taskRoot: workDir,
        endpoint: stub.url,
      }),
      ...(functions[0]?.environment.NODE_OPTIONS
        ? { NODE_OPTIONS: functions[0].environment.NODE_OPTIONS }
        : {}),
    };

    // The zod experiment is timed with the cold runs.
    const zodBundles = opts.skip.has('zod') || opts.skip.has('cold') ? [] : await buildZodExperiment(workDir);
    if (!opts.skip.has('cold')) {
      await section(`cold init: ${opts.rounds} interleaved rounds`, async () => {
        const targets: ColdTarget[] = [];
        for (const fn of measured) {
          const scenario = SCENARIOS[fn.trigger as string];
          if (!scenario) continue;
          const base = { handlerFile: fn.handlerFile, exportName: fn.exportName, prepare: scenario.prepare };
          targets.push({ id: fn.key, ...base, env: envOf(fn) });
          const { NODE_OPTIONS: _maps, ...withoutMaps } = envOf(fn);
          if (fn.environment.NODE_OPTIONS?.includes('--enable-source-maps')) {
            targets.push({ id: `${fn.key}~nomaps`, ...base, env: withoutMaps });
          }
        }
        const preSignUpEvent = readFixture('pre-signup.sign-up');
        for (const bundle of zodBundles) {
          targets.push({
            id: bundle.id,
            handlerFile: bundle.handlerFile,
            exportName: 'handler',
            env: baselineEnv,
            prepare: () => ({
              event: structuredClone(preSignUpEvent),
              responses: {},
              check: (out) => (out?.ok === true ? undefined : 'the event did not validate'),
            }),
          });
        }
        let lastShown = 0;
        const cold = await measureCold({
          targets,
          baselineEnv,
          rounds: opts.rounds,
          stub,
          progress: (done, total) => {
            const pct = Math.floor((done / total) * 10);
            if (pct > lastShown) {
              lastShown = pct;
              log(`   ${pct * 10}% (${done}/${total} processes)`);
            }
          },
        });
        results.baseline = {
          runs: cold.baselineMs.length,
          medianMs: median(cold.baselineMs),
          p90Ms: quantile(cold.baselineMs, 0.9),
          cpuMs: median(cold.baselineCpuMs),
        };
        for (const [id, runs] of cold.runs) {
          const summary =
            runs.wallMs.length > 0 ? summarise(runs, cold.baselineMs, cold.baselineCpuMs) : undefined;
          const errors = [...new Set(runs.errors)];
          if (id.endsWith('~nomaps')) {
            const entry = resultOf(id.slice(0, -'~nomaps'.length));
            if (entry?.cold) entry.cold.withoutSourceMaps = summary;
          } else if (id.startsWith('zod-')) {
            const bundle = zodBundles.find((b) => b.id === id);
            if (bundle)
              results.zod.push({
                id: bundle.id,
                label: bundle.label,
                bytes: bundle.bytes,
                cold: summary,
                errors,
              });
          } else {
            const entry = resultOf(id);
            if (!entry) continue;
            entry.cold = { ...(summary ?? emptySummary()), errors, unstableCalls: runs.unstableCalls };
          }
          if (errors.length > 0) log(`   ${id}: ${runs.errors.length} failed runs: ${errors.join('; ')}`);
        }
      });
    }

    if (!opts.skip.has('profile')) {
      await section('cold init by package (CPU profiles of unminified builds)', async () => {
        for (const fn of measured) {
          const scenario = SCENARIOS[fn.trigger as string];
          const entry = resultOf(fn.key);
          if (!scenario || !entry) continue;
          entry.coldProfile = await profileColdStart({
            key: fn.key,
            sourceFile: fn.sourceFile,
            exportName: fn.exportName,
            env: envOf(fn),
            prepare: scenario.prepare,
            workDir,
            runs: opts.profileRuns,
            use: (prepared) => stub.use(prepared.responses),
          });
          const top = entry.coldProfile.parts
            .slice(0, 3)
            .map((part) => `${part.name} ${part.ms.toFixed(1)} ms`)
            .join(', ');
          log(`   ${fn.key}: ${top}`);
        }
      });
    }

    if (!opts.skip.has('calls')) {
      await section('AWS calls per invocation (stub server counts)', async () => {
        for (const fn of measured) {
          const scenario = SCENARIOS[fn.trigger as string];
          const entry = resultOf(fn.key);
          if (!scenario || !entry) continue;
          const target = { handlerFile: fn.handlerFile, exportName: fn.exportName, env: envOf(fn) };
          const main = await countCalls({ ...target, prepare: scenario.prepare }, stub);
          entry.awsCalls = {
            ...describeCalls(main.calls),
            floor: scenario.floor,
            floorCalls: scenario.floorCalls,
            variants: [],
            error: main.error,
          };
          for (const variant of scenario.variants ?? []) {
            const counted = await countCalls({ ...target, prepare: variant.prepare }, stub);
            entry.awsCalls.variants.push({
              label: variant.label,
              ...describeCalls(counted.calls),
              floorCalls: variant.floorCalls,
              error: counted.error,
            });
          }
          log(`   ${fn.key}: ${entry.awsCalls.total} (${entry.awsCalls.detail || 'none'})`);
        }
      });
    }

    if (!opts.skip.has('warm')) {
      await section(
        `warm latency: ${opts.warmCalls.toLocaleString('en-US')} calls per trigger (SDK stubbed at send), ` +
          `then without logs and with the SDK`,
        async () => {
          const childFile = await buildWarmChild(workDir);
          for (const fn of measured) {
            const scenario = SCENARIOS[fn.trigger as string];
            const entry = resultOf(fn.key);
            if (!scenario || !entry) continue;
            const prepared = scenario.prepare();
            const withoutSdk = await buildWithoutSdk(fn.sourceFile, workDir);
            const base = {
              childFile,
              workDir,
              id: fn.key,
              exportName: fn.exportName,
              functionName: fn.name,
              memorySize: fn.memorySize,
              event: prepared.event,
              responses: prepared.responses,
            };
            const run = async (
              mode: 'send' | 'http',
              handlerFile: string,
              calls: number,
              env: Record<string, string>,
              warmup = opts.warmup,
            ) => {
              const report = await measureWarm({ ...base, mode, handlerFile, calls, env, warmup });
              return { report, problem: report.ok ? prepared.check(report.output) : report.error };
            };
            const main = await run('send', withoutSdk, opts.warmCalls, envOf(fn));
            const quiet = await run('send', withoutSdk, opts.sideCalls, {
              ...envOf(fn),
              POWERTOOLS_LOG_LEVEL: 'SILENT',
            });
            // A call through the SDK costs ~1 ms here: a short warm-up is enough.
            const sdk = await run('http', fn.handlerFile, opts.sdkCalls, envOf(fn), 300);
            const brief = (r: typeof main) => ({
              calls: r.report.calls,
              meanUs: r.report.meanNs / 1000,
              p99Us: r.report.p99Ns / 1000,
              cpuMeanUs: r.report.cpuMeanNs / 1000,
              error: r.problem,
            });
            entry.warm = {
              calls: main.report.calls,
              meanUs: main.report.meanNs / 1000,
              p50Us: main.report.p50Ns / 1000,
              p99Us: main.report.p99Ns / 1000,
              cpuMeanUs: main.report.cpuMeanNs / 1000,
              harnessUs: main.report.harnessNs / 1000,
              logLevel: fn.environment.POWERTOOLS_LOG_LEVEL ?? '(unset: INFO)',
              callsPerInvocation: main.report.callsPerInvocation,
              error: main.problem,
              withoutLogs: brief(quiet),
              withSdk: { ...brief(sdk), callsPerInvocation: sdk.report.callsPerInvocation },
            };
            const failed = [main, quiet, sdk].find((r) => r.problem)?.problem;
            log(
              failed
                ? `   ${fn.key}: FAILED ${failed}`
                : `   ${fn.key}: mean ${entry.warm.meanUs.toFixed(1)} us, p99 ${entry.warm.p99Us.toFixed(1)} us; ` +
                    `no logs ${entry.warm.withoutLogs.meanUs.toFixed(1)} us; with the SDK ${entry.warm.withSdk.meanUs.toFixed(0)} us`,
            );
          }
        },
      );
    }

    if (!opts.skip.has('stack')) {
      await section('local stack throughput', async () => {
        results.stack = await measureStack({
          ...opts.stack,
          profile: opts.profileStack,
          log: (line) => log(`   ${line}`),
        });
        for (const note of results.stack.notes) log(`   note: ${note}`);
      });
    }
  } finally {
    await stub.close();
    rmSync(workDir, { recursive: true, force: true });
  }
  results.meta.loadAverageAtEnd = loadavg().map((n) => Math.round(n * 100) / 100);
  results.meta.seconds = Math.round((Date.now() - started) / 1000);
  writeFileSync(opts.out, `${JSON.stringify(results, null, 2)}\n`);
  printReport(results, (line) => process.stdout.write(`${line}\n`));
  if (opts.markdown) process.stdout.write(`\n${markdownSummary(results)}\n`);
  log(
    `\nResults written to ${relative(process.cwd(), opts.out) || opts.out} (${results.meta.seconds} s in all)`,
  );
}

function emptySummary() {
  return {
    runs: 0,
    medianMs: Number.NaN,
    p90Ms: Number.NaN,
    loadMs: Number.NaN,
    firstInvokeMs: Number.NaN,
    cpuMs: Number.NaN,
  };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
