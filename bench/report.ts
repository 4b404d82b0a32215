/**
 * The shape of bench/results.json and the table printed from it, with the issue's targets next
 * to our numbers.
 */
import type { ColdSummary } from './cold';
import type { Composition } from './composition';
import type { ColdProfile } from './profile';
import type { DeviceResult, SmsPerSignIn } from './stack/devices';
import type { Journey } from './stack/journeys';
import type { StackResult } from './stack/throughput';

export interface WarmBrief {
  calls: number;
  meanUs: number;
  p99Us: number;
  cpuMeanUs: number;
  error?: string | undefined;
}

export interface FunctionResult {
  key: string;
  trigger: string;
  scenario: string;
  bundle: {
    rawBytes: number;
    gzipBytes: number;
    zipBytes: number;
    mapBytes: number;
    /** handler.js as rebuilt for the composition (should equal rawBytes). */
    rebuiltBytes: number;
    packages: Composition['packages'];
  };
  coldProfile?: ColdProfile;
  cold?: ColdSummary & {
    errors: string[];
    unstableCalls: number;
    withoutSourceMaps?: ColdSummary | undefined;
  };
  warm?: {
    calls: number;
    meanUs: number;
    p50Us: number;
    p99Us: number;
    cpuMeanUs: number;
    harnessUs: number;
    logLevel: string;
    callsPerInvocation: Record<string, number>;
    error?: string | undefined;
    /** Same build, POWERTOOLS_LOG_LEVEL=SILENT. */
    withoutLogs: WarmBrief;
    /** The packaged bundle with the SDK at work, HTTP answered in-process. */
    withSdk: WarmBrief & { callsPerInvocation: Record<string, number> };
  };
  awsCalls?: {
    total: number;
    detail: string;
    floor: string;
    floorCalls: number;
    error?: string | undefined;
    variants: Array<{
      label: string;
      total: number;
      detail: string;
      floorCalls: number;
      error?: string | undefined;
    }>;
  };
}

export interface Results {
  meta: {
    date: string;
    commit: string;
    node: string;
    platform: string;
    cpus: number;
    cpuModel: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
    quick: boolean;
    coldRounds: number;
    warmCalls: number;
    seconds: number;
  };
  /** `node -e ""`: wall ms spawn -> exit; CPU ms of a Node that only reports its CPU time. */
  baseline?: { runs: number; medianMs: number; p90Ms: number; cpuMs: number };
  functions: FunctionResult[];
  zod: Array<{ id: string; label: string; bytes: number; cold: ColdSummary | undefined; errors: string[] }>;
  stack: StackResult | undefined;
}

/** The issue's targets (issue 6), in one place. */
export const TARGETS = {
  heaviestColdMs: 65,
  defineColdMs: 5,
  defineWarmUs: 10,
  signInsPerSecond: 76,
  signUpsPerSecond: 50,
};

const JOURNEY_LABELS: Record<Journey, string> = {
  'sign-up': 'sign-up journey',
  'sign-in': '2FA sign-in',
  'sign-in, registers a device': '2FA sign-in, registers a device',
  'sign-in, remembered device': 'sign-in with a remembered device',
  'sign-in, device not named': '2FA sign-in, device not named',
};

/** SMS per returning sign-in, with a remembered device and without (issue 15). */
function deviceLines(devices: DeviceResult): string[] {
  const sms = (count: SmsPerSignIn) =>
    `${count.perSignIn.toFixed(2)} (${count.sms} SMS / ${count.signIns} sign-ins${count.failed ? `, ${count.failed} failed` : ''})`;
  return [
    `SMS per returning sign-in (${devices.users} users): with a remembered device ${sms(devices.withDevice)}, ` +
      `without ${sms(devices.withoutDevice)}; registering the device ${sms(devices.registration)}`,
  ];
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? '-' : `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const us = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? '-' : `${value.toFixed(value < 100 ? 1 : 0)} us`;

function table(rows: string[][], align: Array<'l' | 'r'>): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length))) ?? [];
  return rows.map((row, r) => {
    const line = row
      .map((cell, c) => (align[c] === 'r' ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
    return r === 0 ? `${line}\n${'-'.repeat(line.length)}` : line;
  });
}

const verdict = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? 'met' : 'MISSED');

export function printReport(results: Results, write: (line: string) => void): void {
  const { meta } = results;
  write('');
  write(
    `Cognito Auth Triggers: bench (${meta.quick ? 'QUICK smoke run, rough numbers' : 'full run'}) ` +
      `${meta.date.slice(0, 16)}Z, ${meta.commit}`,
  );
  write(
    `Node ${meta.node}, ${meta.cpus} x ${meta.cpuModel}, load average ${meta.loadAverageAtStart.join(' ')} -> ${meta.loadAverageAtEnd.join(' ')}`,
  );
  write('');
  write(
    `Bundles as \`serverless package\` builds them. Cold init: median and p90 of ${meta.coldRounds} fresh Node processes ` +
      `(load, then handle one event) minus \`node -e ""\`${results.baseline ? ` (median ${ms(results.baseline.medianMs)})` : ''}, ` +
      'interleaved; CPU = the same in CPU time.',
  );
  const coldRows = [
    ['trigger', 'handler.js', 'gzip', 'zip', '.map', 'cold init', 'p90', 'CPU', 'without source maps'],
  ];
  for (const fn of results.functions) {
    coldRows.push([
      fn.trigger,
      kb(fn.bundle.rawBytes),
      kb(fn.bundle.gzipBytes),
      kb(fn.bundle.zipBytes),
      kb(fn.bundle.mapBytes),
      ms(fn.cold?.medianMs),
      ms(fn.cold?.p90Ms),
      ms(fn.cold?.cpuMs),
      fn.cold?.withoutSourceMaps
        ? `${ms(fn.cold.withoutSourceMaps.medianMs)} (CPU ${ms(fn.cold.withoutSourceMaps.cpuMs)})`
        : '-',
    ]);
  }
  for (const line of table(coldRows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'])) write(line);

  write('');
  write(
    `Warm: ${meta.warmCalls.toLocaleString('en-US')} calls at the deployed log level, SDK clients stubbed at send ` +
      "(our code: zod, use-case, logger); 'no logs' = log level SILENT; 'with SDK' = the packaged bundle, " +
      'HTTP answered in-process. AWS calls: success path, counted by the stub server.',
  );
  const warmRows = [
    ['trigger', 'warm mean', 'p50', 'p99', 'CPU/call', 'no logs', 'with SDK', 'AWS calls', 'floor'],
  ];
  for (const fn of results.functions) {
    const calls = fn.awsCalls;
    const warm = fn.warm;
    warmRows.push([
      fn.trigger,
      warm?.error ? 'FAILED' : us(warm?.meanUs),
      us(warm?.p50Us),
      us(warm?.p99Us),
      us(warm?.cpuMeanUs),
      warm?.withoutLogs.error ? 'FAILED' : us(warm?.withoutLogs.meanUs),
      warm?.withSdk.error ? 'FAILED' : us(warm?.withSdk.meanUs),
      calls ? (calls.error ? `${calls.total} (FAILED)` : String(calls.total)) : '-',
      calls ? String(calls.floorCalls) : '-',
    ]);
  }
  for (const line of table(warmRows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'])) write(line);

  if (results.functions.some((fn) => fn.coldProfile)) {
    write('');
    write('Cold init by package (CPU profile of an unminified build, ms of one start, largest first):');
    for (const fn of results.functions) {
      if (!fn.coldProfile) continue;
      const parts = fn.coldProfile.parts
        .slice(0, 6)
        .map((part) => `${part.name} ${part.ms.toFixed(1)}`)
        .join(', ');
      write(`  ${fn.trigger} (${fn.coldProfile.totalMs.toFixed(0)} ms): ${parts}`);
    }
  }

  write('');
  write('AWS calls per invocation (success path, counted by the stub):');
  for (const fn of results.functions) {
    if (!fn.awsCalls) continue;
    write(
      `  ${fn.trigger}: ${fn.awsCalls.total} (${fn.awsCalls.detail || 'none'}); floor ${fn.awsCalls.floor}`,
    );
    for (const variant of fn.awsCalls.variants) {
      write(
        `    ${variant.label}: ${variant.total} (${variant.detail || 'none'}); floor ${variant.floorCalls}` +
          (variant.error ? ` FAILED: ${variant.error}` : ''),
      );
    }
  }

  write('');
  write('Bundle composition (bytes of handler.js per package):');
  for (const fn of results.functions) {
    const parts = fn.bundle.packages
      .slice(0, 5)
      .map((p) => `${p.name} ${kb(p.bytes)}`)
      .join(', ');
    write(`  ${fn.trigger}: ${parts}`);
  }

  if (results.zod.length > 0) {
    write('');
    write('zod experiment (a handler that only validates a PreSignUp event):');
    const zodRows = [['bundle', 'size', 'cold init', 'p90', 'cold CPU']];
    for (const entry of results.zod) {
      zodRows.push([
        entry.label,
        kb(entry.bytes),
        ms(entry.cold?.medianMs),
        ms(entry.cold?.p90Ms),
        ms(entry.cold?.cpuMs),
      ]);
    }
    for (const line of table(zodRows, ['l', 'r', 'r', 'r', 'r'])) write(`  ${line.replace(/\n/g, '\n  ')}`);
  }

  const stack = results.stack;
  if (stack) {
    write('');
    write(
      `Local stack (child process; peak RSS ${stack.peakRssBytes ? `${(stack.peakRssBytes / 1048576).toFixed(0)} MB` : '-'}; ` +
        `SRP client: ${stack.srp.ok ? 'agrees with' : 'DISAGREES with'} amazon-cognito-identity-js, ` +
        `${stack.srp.oursMs.toFixed(1)} ms vs ${stack.srp.libraryMs.toFixed(0)} ms per key):`,
    );
    const stackRows = [
      [
        'journey',
        'concurrency',
        'per second',
        'p50',
        'p99',
        'done',
        'failed',
        'generator CPU',
        'stack CPU',
        'per journey',
      ],
    ];
    for (const phase of stack.phases) {
      stackRows.push([
        JOURNEY_LABELS[phase.journey],
        String(phase.concurrency),
        phase.perSecond.toFixed(1),
        ms(phase.p50Ms),
        ms(phase.p99Ms),
        String(phase.completed),
        phase.failed > 0 ? `${phase.failed} ${JSON.stringify(phase.errors)}` : '0',
        `${phase.generatorCpuPct.toFixed(0)}%`,
        `${phase.stackCpuPct.toFixed(0)}%`,
        ms(phase.stackCpuMsPerJourney),
      ]);
    }
    for (const line of table(stackRows, ['l', 'r', 'r', 'r', 'r', 'r', 'l', 'r', 'r', 'r']))
      write(`  ${line.replace(/\n/g, '\n  ')}`);
    if (stack.devices) for (const line of deviceLines(stack.devices)) write(`  ${line}`);
    for (const note of stack.notes) write(`  note: ${note}`);
    const profile = stack.profile;
    if (profile) {
      const parts = profile.parts
        .slice(0, 10)
        .map((part) => `${part.name} ${((part.ms / profile.totalMs) * 100).toFixed(0)}%`)
        .join(', ');
      write(`  stack main-thread CPU (${(profile.totalMs / 1000).toFixed(1)} s busy) by module: ${parts}`);
    }
  }

  write('');
  write('Targets (issue 6):');
  const byTrigger = (trigger: string) => results.functions.find((fn) => fn.trigger === trigger);
  const withCold = results.functions.filter((fn) => fn.cold && !Number.isNaN(fn.cold.medianMs));
  const heaviest = withCold.sort((a, b) => (b.cold?.medianMs ?? 0) - (a.cold?.medianMs ?? 0))[0];
  const define = byTrigger('DefineAuthChallenge');
  const phase = (journey: string, concurrency: number) =>
    stack?.phases.find((p) => p.journey === journey && p.concurrency === concurrency);
  const signIns = phase('sign-in', 8);
  const signUps = phase('sign-up', 8);
  const targetRows = [
    ['target', 'ours', 'verdict'],
    [
      `heaviest cold init <= ${TARGETS.heaviestColdMs} ms`,
      heaviest ? `${heaviest.trigger} ${ms(heaviest.cold?.medianMs)}` : '-',
      verdict(heaviest ? (heaviest.cold?.medianMs ?? Infinity) <= TARGETS.heaviestColdMs : undefined),
    ],
    [
      `define cold init < ${TARGETS.defineColdMs} ms`,
      ms(define?.cold?.medianMs),
      verdict(define?.cold ? define.cold.medianMs < TARGETS.defineColdMs : undefined),
    ],
    [
      `define warm <= ${TARGETS.defineWarmUs} us (log level ${define?.warm?.logLevel ?? '?'})`,
      us(define?.warm?.meanUs),
      verdict(define?.warm && !define.warm.error ? define.warm.meanUs <= TARGETS.defineWarmUs : undefined),
    ],
    [
      `2FA sign-ins/s at concurrency 8 >= ${TARGETS.signInsPerSecond}`,
      signIns ? signIns.perSecond.toFixed(1) : '-',
      verdict(signIns ? signIns.perSecond >= TARGETS.signInsPerSecond : undefined),
    ],
    [
      `sign-up journeys/s at concurrency 8 >= ${TARGETS.signUpsPerSecond}`,
      signUps ? signUps.perSecond.toFixed(1) : '-',
      verdict(signUps ? signUps.perSecond >= TARGETS.signUpsPerSecond : undefined),
    ],
  ];
  for (const fn of results.functions) {
    if (!fn.awsCalls) continue;
    targetRows.push([
      `${fn.trigger} AWS calls at the floor (${fn.awsCalls.floorCalls})`,
      String(fn.awsCalls.total),
      verdict(fn.awsCalls.error ? false : fn.awsCalls.total <= fn.awsCalls.floorCalls),
    ]);
  }
  for (const line of table(targetRows, ['l', 'r', 'l'])) write(`  ${line.replace(/\n/g, '\n  ')}`);
}

/** A short Markdown summary (for README.md and docs/performance.md). */
export function markdownSummary(results: Results): string {
  const { meta } = results;
  const lines: string[] = [];
  lines.push(
    `Measured ${meta.date.slice(0, 10)} (${meta.commit}), Node ${meta.node}, ${meta.cpus} x ${meta.cpuModel}, ` +
      `load average ${meta.loadAverageAtStart[0]}${meta.quick ? ', QUICK run' : ''}.`,
  );
  lines.push('');
  lines.push(
    '| Trigger | handler.js (gzip) | Cold init, median (p90) | Warm, mean (p99) | AWS calls (floor) |',
  );
  lines.push('|---|---:|---:|---:|---:|');
  for (const fn of results.functions) {
    const cold = fn.cold ? `${ms(fn.cold.medianMs)} (${ms(fn.cold.p90Ms)})` : '-';
    const warm = fn.warm && !fn.warm.error ? `${us(fn.warm.meanUs)} (${us(fn.warm.p99Us)})` : '-';
    const calls = fn.awsCalls ? `${fn.awsCalls.total} (${fn.awsCalls.floorCalls})` : '-';
    lines.push(
      `| ${fn.trigger} | ${kb(fn.bundle.rawBytes)} (${kb(fn.bundle.gzipBytes)}) | ${cold} | ${warm} | ${calls} |`,
    );
  }
  const stack = results.stack;
  if (stack && stack.phases.length > 0) {
    lines.push('');
    lines.push('| Local stack | Concurrency | Per second | p50 | p99 | Stack CPU per journey |');
    lines.push('|---|---:|---:|---:|---:|---:|');
    for (const phase of stack.phases) {
      const name = JOURNEY_LABELS[phase.journey];
      lines.push(
        `| ${name} | ${phase.concurrency} | ${phase.perSecond.toFixed(1)} | ${ms(phase.p50Ms)} | ${ms(phase.p99Ms)} | ` +
          `${ms(phase.stackCpuMsPerJourney)} |`,
      );
    }
    if (stack.devices) {
      lines.push('');
      for (const line of deviceLines(stack.devices)) lines.push(`${line}.`);
    }
    if (stack.peakRssBytes) {
      lines.push('');
      lines.push(`Peak RSS of the local stack: ${(stack.peakRssBytes / 1048576).toFixed(0)} MB.`);
    }
  }
  return lines.join('\n');
}
