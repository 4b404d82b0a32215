/**
 * Warm latency: one child process per trigger and mode (bench/warm-child.ts) runs a handler
 * `calls` times after a warm-up, with AWS answered in-process. See warm-child.ts for the modes.
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../test/package/package-service';
import type { CannedResponses } from './aws-stub';
import { runNode } from './child';
import { packagingOptions } from './composition';
import type { WarmJob, WarmReport } from './warm-child';

/**
 * The function's own code built with the packaging options, the AWS SDK left out (loaded from
 * node_modules at run time, so its client classes can be stubbed at `send`). Returns the file.
 */
export async function buildWithoutSdk(sourceFile: string, workDir: string): Promise<string> {
  const outfile = join(workDir, 'without-sdk', relative(ROOT, sourceFile).replace(/\.ts$/, '.js'));
  await build({
    ...packagingOptions(),
    sourcemap: false,
    absWorkingDir: ROOT,
    entryPoints: [sourceFile],
    outfile,
    external: ['@aws-sdk/*', '@smithy/*'],
    logLevel: 'silent',
  });
  return outfile;
}

/** Bundles the warm child into `workDir` (plain JS for plain `node`); returns its path. */
export async function buildWarmChild(workDir: string): Promise<string> {
  const outfile = join(workDir, 'warm-child.cjs');
  await build({
    entryPoints: [join(__dirname, 'warm-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

export async function measureWarm(input: {
  mode: WarmJob['mode'];
  childFile: string;
  workDir: string;
  id: string;
  handlerFile: string;
  exportName: string;
  functionName: string;
  memorySize: number;
  env: Record<string, string>;
  event: unknown;
  responses: CannedResponses;
  calls: number;
  warmup: number;
}): Promise<WarmReport> {
  const job: WarmJob = {
    mode: input.mode,
    repoRoot: ROOT,
    handlerFile: input.handlerFile,
    exportName: input.exportName,
    functionName: input.functionName,
    memorySize: input.memorySize,
    event: input.event,
    responses: input.responses,
    warmup: input.warmup,
    calls: input.calls,
  };
  const jobFile = join(input.workDir, `warm-${input.id}-${input.mode}.json`);
  writeFileSync(jobFile, JSON.stringify(job));
  // The SDK-less build finds the SDK in the repository's node_modules.
  const env = input.mode === 'send' ? { ...input.env, NODE_PATH: join(ROOT, 'node_modules') } : input.env;
  const result = await runNode([input.childFile, jobFile], env, 600_000);
  const report = result.report as WarmReport | undefined;
  if (!report) {
    return {
      ok: false,
      error: result.stderr.trim().split('\n').slice(-3).join(' ') || `exit code ${result.code}`,
    } as WarmReport;
  }
  return report;
}
