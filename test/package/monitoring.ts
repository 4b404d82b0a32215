/**
 * Reading the monitoring part of a packaged template: the metrics each alarm reads, the dashboard
 * body with its `Fn::Sub` variables filled in, and cfn-lint's findings on the template.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource, Template } from './package-service';

/** One metric an alarm reads: its namespace, name and dimensions (values described as text). */
export interface AlarmMetric {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  /** The value of each dimension as written, for Ref checks. */
  rawDimensions: Record<string, unknown>;
}

interface RawDimension {
  Name: string;
  Value: unknown;
}
interface RawMetric {
  Namespace: string;
  MetricName: string;
  Dimensions?: RawDimension[];
}

function toAlarmMetric(metric: RawMetric): AlarmMetric {
  const dimensions: Record<string, string> = {};
  const rawDimensions: Record<string, unknown> = {};
  for (const { Name, Value } of metric.Dimensions ?? []) {
    rawDimensions[Name] = Value;
    dimensions[Name] = typeof Value === 'string' ? Value : JSON.stringify(Value);
  }
  return { namespace: metric.Namespace, name: metric.MetricName, dimensions, rawDimensions };
}

/** Every metric an alarm reads, whether it is a single-metric alarm or a metric math one. */
export function alarmMetrics(alarm: Resource): AlarmMetric[] {
  const p = alarm.Properties;
  if (typeof p.MetricName === 'string') {
    return [
      toAlarmMetric({
        Namespace: p.Namespace as string,
        MetricName: p.MetricName,
        Dimensions: p.Dimensions as RawDimension[] | undefined,
      }),
    ];
  }
  const queries = (p.Metrics ?? []) as Array<{ MetricStat?: { Metric: RawMetric } }>;
  return queries.flatMap((query) => (query.MetricStat ? [toAlarmMetric(query.MetricStat.Metric)] : []));
}

/**
 * The metric math of an alarm: the ids its expressions use that no query of the alarm defines
 * (empty when every expression is complete), and whether exactly one query returns data.
 */
export function expressionProblems(alarm: Resource): string[] {
  const queries = (alarm.Properties.Metrics ?? []) as Array<{
    Id: string;
    Expression?: string;
    ReturnData?: boolean;
  }>;
  if (queries.length === 0) return [];
  const ids = new Set(queries.map((query) => query.Id));
  const problems: string[] = [];
  for (const query of queries) {
    if (!query.Expression) continue;
    const used = query.Expression.replace(/\b(FILL|SUM|MAX|MIN|IF|AVG)\(/g, '(').match(/\b[a-z]\w*\b/g) ?? [];
    for (const id of used) if (!ids.has(id)) problems.push(`${query.Id} uses unknown id ${id}`);
  }
  const returning = queries.filter((query) => query.ReturnData !== false);
  if (returning.length !== 1) problems.push(`${returning.length} queries return data`);
  return problems;
}

export interface DashboardBody {
  /** The body as JSON, with every variable replaced by a placeholder naming it. */
  widgets: Array<{ type: string; properties: Record<string, unknown> }>;
  /** The `${X}` variables of the `Fn::Sub` (not the `${!literal}` ones). */
  variables: string[];
}

/** The dashboard's body with `${X}` -> `<ref:X>` and `${!X}` -> `${X}`, parsed. */
export function dashboardBody(dashboard: Resource): DashboardBody {
  const sub = (dashboard.Properties.DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];
  if (typeof sub !== 'string') throw new Error('the dashboard body is not an Fn::Sub string');
  const variables = [...sub.matchAll(/\$\{([^!}][^}]*)\}/g)].map((match) => match[1] ?? '');
  const text = sub.replace(/\$\{([^!}][^}]*)\}/g, '<ref:$1>').replace(/\$\{!/g, '${');
  return { widgets: (JSON.parse(text) as DashboardBody).widgets, variables: [...new Set(variables)] };
}

/** The metric names a SEARCH expression or a metric line of a dashboard widget names, by namespace. */
export function widgetMetrics(widget: { properties: Record<string, unknown> }): Array<{
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}> {
  const found: Array<{ namespace: string; name: string; dimensions: Record<string, string> }> = [];
  for (const line of (widget.properties.metrics ?? []) as unknown[][]) {
    const first = line[0];
    if (typeof first === 'object' && first !== null && 'expression' in first) {
      const expression = String((first as { expression: string }).expression);
      const search = /SEARCH\('\{([^,}]+)((?:,[^,}]+)*)\}\s+(.*)', '\w+', \d+\)/.exec(expression);
      if (!search) throw new Error(`not a SEARCH expression: ${expression}`);
      const dimensions: Record<string, string> = {};
      for (const [, key, value] of (search[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)) {
        dimensions[key ?? ''] = value ?? '';
      }
      const { MetricName: name = '', ...rest } = dimensions;
      const schema = (search[2] ?? '').split(',').filter(Boolean);
      found.push({ namespace: search[1] ?? '', name, dimensions: { ...rest, schema: schema.join(',') } });
      continue;
    }
    const [namespace, name, ...rest] = line.filter((item) => typeof item === 'string') as string[];
    const dimensions: Record<string, string> = {};
    for (let i = 0; i + 1 < rest.length; i += 2) dimensions[rest[i] ?? ''] = rest[i + 1] ?? '';
    found.push({ namespace: namespace ?? '', name: name ?? '', dimensions });
  }
  return found;
}

export interface LintFinding {
  /** Index of the template in the list given to `cfnLint`. */
  template: number;
  rule: string;
  level: string;
  path: Array<string | number>;
  message: string;
}

/**
 * cfn-lint's findings on templates (`--format json`, one run for all of them), with the project's
 * .cfnlintrc.yaml or with no configuration at all (`config: undefined`; run in an empty directory
 * with an empty home, so no rc file is found). cfn-lint is installed on every machine that runs
 * the tests, CI included.
 */
export async function cfnLint(
  templates: readonly Template[],
  config: string | undefined,
): Promise<LintFinding[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cat-cfn-lint-'));
  try {
    const files = templates.map((template, index) => {
      const file = join(dir, `template-${index}.json`);
      writeFileSync(file, JSON.stringify(template, null, 2));
      return file;
    });
    const args = ['--format', 'json', ...(config ? ['--config-file', config] : []), '--', ...files];
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        'cfn-lint',
        args,
        { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir }, maxBuffer: 16 * 1024 * 1024 },
        (error, out, stderr) => {
          // Exit status: bit 1 a failure to run, 2 errors, 4 warnings, 8 informational findings.
          const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
          if (code < 0 || code > 14 || (code & 1) === 1) {
            reject(
              new Error(
                (error as NodeJS.ErrnoException | null)?.code === 'ENOENT'
                  ? 'cfn-lint is not installed (pip install cfn-lint): the template checks need it'
                  : `cfn-lint failed (${code}): ${stderr || out}`,
              ),
            );
          } else resolve(out);
        },
      );
    });
    const raw = JSON.parse(stdout || '[]') as Array<{
      Filename: string;
      Rule: { Id: string };
      Level: string;
      Location: { Path: Array<string | number> };
      Message: string;
    }>;
    return raw.map((finding) => ({
      template: files.indexOf(finding.Filename),
      rule: finding.Rule.Id,
      level: finding.Level,
      path: finding.Location.Path,
      message: finding.Message,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
