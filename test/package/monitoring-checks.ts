/**
 * The monitoring a deployment gets (resources/alarms.yml, function-alarms.yml, dashboard.yml,
 * log-queries.yml): every alarm, dashboard graph and saved query names resources and metrics that
 * exist, the switches do what docs/operations.md says, and cfn-lint finds nothing in the packaged
 * template but what .cfnlintrc.yaml switches off, where it says.
 *
 * Called from serverless-package.test.ts, which packages the service once for all its checks.
 */
import { join } from 'node:path';
import { ALL_TRIGGERS, METRICS, METRICS_NAMESPACE, type MetricName } from '#shared/metric-catalog';
import {
  alarmMetrics,
  cfnLint,
  dashboardBody,
  expressionProblems,
  type LintFinding,
  widgetMetrics,
} from './monitoring';
import { type Resource, ROOT, type RunResult, type Template } from './package-service';
import { describeTarget } from './template';

const SERVICE = 'cognito-auth-triggers';
const STAGE = 'dev';
const CFN_LINT_CONFIG = join(ROOT, '.cfnlintrc.yaml');

/** serverless.yml's function keys and the trigger each one is (the `trigger` dimension). */
const FUNCTIONS: Record<string, string> = {
  preSignUp: 'PreSignUp',
  postConfirmation: 'PostConfirmation',
  preAuthentication: 'PreAuthentication',
  customMessage: 'CustomMessage',
  defineAuthChallenge: 'DefineAuthChallenge',
  createAuthChallenge: 'CreateAuthChallenge',
  verifyAuthChallenge: 'VerifyAuthChallengeResponse',
};
const logical = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

function ofType(template: Template, type: string): Array<[string, Resource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

function typeOfRef(template: Template, value: unknown): string | undefined {
  const ref = (value as { Ref?: unknown } | undefined)?.Ref;
  return typeof ref === 'string' ? template.Resources[ref]?.Type : undefined;
}

/** What is wrong with one metric an alarm or a graph reads (empty: nothing). */
function metricProblems(
  template: Template,
  metric: {
    namespace: string;
    name: string;
    dimensions: Record<string, string>;
    rawDimensions?: Record<string, unknown>;
  },
): string[] {
  const problems: string[] = [];
  const where = `${metric.namespace}/${metric.name}`;
  if (metric.namespace === METRICS_NAMESPACE) {
    const definition = METRICS[metric.name as MetricName] as (typeof METRICS)[MetricName] | undefined;
    if (!definition) return [`${where} is not in the metric catalog`];
    const { service, stage, trigger, reason } = metric.dimensions;
    if (service !== SERVICE || stage !== STAGE) problems.push(`${where} is read for ${service}/${stage}`);
    if (trigger !== undefined && !(definition.emittedBy as readonly string[]).includes(trigger)) {
      problems.push(`${where} is never emitted by ${trigger}`);
    }
    const reasons: readonly string[] = 'reasons' in definition ? definition.reasons : [];
    if (reason !== undefined && !reasons.includes(reason)) problems.push(`${where} has no reason ${reason}`);
    return problems;
  }
  for (const [name, value] of Object.entries(metric.rawDimensions ?? {})) {
    const expected = { FunctionName: 'AWS::Lambda::Function', TableName: 'AWS::DynamoDB::Table' }[name];
    if (expected && typeOfRef(template, value) !== expected) {
      problems.push(`${where} ${name} ${JSON.stringify(value)} is not a Ref to a ${expected}`);
    }
  }
  return problems;
}

/** The packaged templates the checks read. */
export interface MonitoringTemplates {
  /** Stage dev, creating its pool, defaults. */
  created: Template;
  /** Stage dev, attached to an existing pool. */
  existing: Template;
  /** `serverless print` of stage prod with `alarms: false` and an `alarmEmail`. */
  withoutAlarms: RunResult;
  /** `serverless print` with `alarms: yes`. */
  badSwitch: RunResult;
}

export function describeMonitoring(packaged: () => MonitoringTemplates): void {
  describe('alarms', () => {
    const alarms = () => ofType(packaged().created, 'AWS::CloudWatch::Alarm');

    it('read only metrics that exist: suite metrics of the catalog, functions and tables of this stack', () => {
      expect(alarms().length).toBeGreaterThan(0);
      const problems = alarms().flatMap(([id, alarm]) =>
        alarmMetrics(alarm).flatMap((metric) =>
          metricProblems(packaged().created, metric).map((p) => `${id}: ${p}`),
        ),
      );
      expect(problems).toEqual([]);
    });

    it('compute complete metric math: every id an expression uses is defined, one result', () => {
      expect(alarms().flatMap(([id, alarm]) => expressionProblems(alarm).map((p) => `${id}: ${p}`))).toEqual(
        [],
      );
    });

    it('notify the alarm topic when they fire and when they recover', () => {
      for (const [id, alarm] of alarms()) {
        expect({ id, actions: alarm.Properties.AlarmActions }).toEqual({
          id,
          actions: [{ Ref: 'AlarmTopic' }],
        });
        expect({ id, actions: alarm.Properties.OKActions }).toEqual({ id, actions: [{ Ref: 'AlarmTopic' }] });
        expect(alarm.Properties.AlarmName).toMatch(new RegExp(`^${SERVICE}-${STAGE}-`));
        expect(alarm.Properties.AlarmDescription).toMatch(/docs\/operations\.md, "[^"]+"/);
      }
    });

    it.each(Object.entries(FUNCTIONS))(
      'watch %s: errors that are not its refusals, throttles, p99 over 3 s',
      (name, trigger) => {
        const fn = `${logical(name)}LambdaFunction`;
        const reading = (metricName: string) =>
          alarms().filter(([, alarm]) =>
            alarmMetrics(alarm).some(
              (m) =>
                m.namespace === 'AWS/Lambda' &&
                m.name === metricName &&
                typeOfRef(packaged().created, m.rawDimensions.FunctionName) &&
                (m.rawDimensions.FunctionName as { Ref: string }).Ref === fn,
            ),
          );
        expect(reading('Errors')).toHaveLength(1);
        const errors = (reading('Errors')[0] as [string, Resource])[1];
        expect(errors.Properties.Threshold).toBe(2);
        const refusals = alarmMetrics(errors).filter((m) => m.name === 'Refusals');
        expect(refusals.map((m) => m.dimensions)).toEqual([{ service: SERVICE, stage: STAGE, trigger }]);
        const queries = errors.Properties.Metrics as Array<{ Expression?: string }>;
        expect(queries.find((m) => m.Expression)?.Expression).toBe('FILL(errors, 0) - FILL(refusals, 0)');

        expect(reading('Throttles')).toHaveLength(1);
        const [duration] = reading('Duration');
        expect(reading('Duration')).toHaveLength(1);
        expect(duration?.[1].Properties).toMatchObject({
          ExtendedStatistic: 'p99',
          Threshold: 3000,
          ComparisonOperator: 'GreaterThanThreshold',
        });
      },
    );

    it('sum every trigger that emits the metric they watch (spikes of refused sends and of lockouts)', () => {
      for (const [id, metricName] of [
        ['SendsRefusedAlarm', 'SendsRefused'],
        ['LockoutsAlarm', 'Lockouts'],
      ] as const) {
        const alarm = packaged().created.Resources[id] as Resource;
        const triggers = alarmMetrics(alarm)
          .filter((m) => m.name === metricName)
          .map((m) => m.dimensions.trigger);
        expect({ id, triggers: triggers.sort() }).toEqual({
          id,
          triggers: [...METRICS[metricName].emittedBy].sort(),
        });
      }
      expect(packaged().created.Resources.SendsRefusedAlarm?.Properties.Threshold).toBe('20');
      expect(packaged().created.Resources.LockoutsAlarm?.Properties.Threshold).toBe('20');
    });

    it('watch SMS spend against smsMonthlySpendAlarmUsd, SMS failures, and throttling of both tables', () => {
      expect(packaged().created.Resources.SmsSpendAlarm?.Properties).toMatchObject({
        Namespace: 'AWS/SNS',
        MetricName: 'SMSMonthToDateSpentUSD',
        Statistic: 'Maximum',
        Threshold: '0.8',
      });
      const smsFailures = alarmMetrics(packaged().created.Resources.SmsFailuresAlarm as Resource);
      expect(smsFailures.map((m) => `${m.namespace}/${m.name}`).sort()).toEqual([
        'AWS/SNS/NumberOfNotificationsFailed',
        `${METRICS_NAMESPACE}/DependencyFailures`,
      ]);
      const tables = ofType(packaged().created, 'AWS::DynamoDB::Table').map(([id]) => id);
      const watched = alarms().flatMap(([, alarm]) =>
        alarmMetrics(alarm)
          .filter((m) => m.namespace === 'AWS/DynamoDB')
          .map((m) => `${(m.rawDimensions.TableName as { Ref: string }).Ref} ${m.name}`),
      );
      expect(watched.sort()).toEqual(
        tables.flatMap((table) => [`${table} ReadThrottleEvents`, `${table} WriteThrottleEvents`]).sort(),
      );
    });

    it('go to a topic only this account`s CloudWatch alarms may publish to', () => {
      const policy = packaged().created.Resources.AlarmTopicPolicy?.Properties as {
        Topics: unknown[];
        PolicyDocument: { Statement: Array<Record<string, unknown>> };
      };
      expect(policy.Topics).toEqual([{ Ref: 'AlarmTopic' }]);
      expect(policy.PolicyDocument.Statement).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: { Ref: 'AlarmTopic' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: { 'aws:SourceArn': expect.anything() },
          },
        }),
      ]);
    });

    it('subscribe alarmEmail only when it is set, as a condition CloudFormation evaluates', () => {
      const subscription = packaged().created.Resources.AlarmEmailSubscription as Resource;
      expect(subscription.Condition).toBe('AlarmEmailGiven');
      expect(subscription.Properties).toMatchObject({ Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } });
      expect(packaged().created.Parameters?.AlarmEmail).toMatchObject({ Type: 'String', Default: '' });
      expect(packaged().created.Conditions?.AlarmEmailGiven).toEqual({
        'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmEmail' }, ''] }],
      });
    });

    it('are left out with their topic when alarms is false; the dashboard and the queries stay', () => {
      const printed = packaged().withoutAlarms;
      expect(printed.code).toBe(0);
      const { resources } = JSON.parse(printed.stdout) as { resources: Template };
      const types = Object.values(resources.Resources).map((resource) => resource.Type);
      expect(
        types.filter((type) => type === 'AWS::CloudWatch::Alarm' || type.startsWith('AWS::SNS::')),
      ).toEqual([]);
      expect(resources.Parameters ?? {}).not.toHaveProperty('AlarmEmail');
      expect(types.filter((type) => type === 'AWS::CloudWatch::Dashboard')).toHaveLength(1);
      expect(types.filter((type) => type === 'AWS::Logs::QueryDefinition')).toHaveLength(4);
    });

    it('refuse to package with an alarms value other than true or false, naming the setting', () => {
      expect(packaged().badSwitch.code).not.toBe(0);
      expect(packaged().badSwitch.stdout + packaged().badSwitch.stderr).toMatch(/custom\.alarms\b/);
    });
  });

  describe('the dashboard', () => {
    const body = () => dashboardBody(packaged().created.Resources.Dashboard as Resource);

    it('is one dashboard named after the stage, whose body is JSON once its variables are filled in', () => {
      expect(ofType(packaged().created, 'AWS::CloudWatch::Dashboard').map(([id]) => id)).toEqual([
        'Dashboard',
      ]);
      expect(packaged().created.Resources.Dashboard?.Properties.DashboardName).toBe(`${SERVICE}-${STAGE}`);
      expect(body().widgets.length).toBeGreaterThan(10);
    });

    it('fills in only resources of this stack and pseudo parameters', () => {
      const unknown = body().variables.filter(
        (name) => !name.startsWith('AWS::') && !(name in packaged().created.Resources),
      );
      expect(unknown).toEqual([]);
    });

    it('graphs only metrics that exist, for this service and stage', () => {
      const problems = body().widgets.flatMap((widget) =>
        widgetMetrics(widget).flatMap((metric) => {
          const ref = /^<ref:(\w+)>$/;
          const raw = Object.fromEntries(
            Object.entries(metric.dimensions).map(([key, value]) => [
              key,
              ref.test(value) ? { Ref: ref.exec(value)?.[1] } : value,
            ]),
          );
          return metricProblems(packaged().created, { ...metric, rawDimensions: raw });
        }),
      );
      expect(problems).toEqual([]);
    });

    it('graphs every metric of the catalog, and every function', () => {
      const graphed = body().widgets.flatMap((widget) => widgetMetrics(widget));
      const suite = new Set(graphed.filter((m) => m.namespace === METRICS_NAMESPACE).map((m) => m.name));
      expect([...suite].sort()).toEqual(Object.keys(METRICS).sort());
      const functions = new Set(graphed.map((m) => m.dimensions.FunctionName).filter(Boolean));
      expect([...functions].sort()).toEqual(
        Object.keys(FUNCTIONS)
          .map((n) => `<ref:${logical(n)}LambdaFunction>`)
          .sort(),
      );
    });

    it('reads the latest errors from every function`s log group', () => {
      const logWidget = body().widgets.find((widget) => widget.type === 'log');
      const sources = [...String(logWidget?.properties.query).matchAll(/SOURCE '<ref:(\w+)>'/g)].map(
        (m) => m[1],
      );
      expect(sources.sort()).toEqual(
        ofType(packaged().created, 'AWS::Logs::LogGroup')
          .map(([id]) => id)
          .sort(),
      );
    });
  });

  describe('saved Logs Insights queries', () => {
    const queries = () => ofType(packaged().created, 'AWS::Logs::QueryDefinition');

    it('are the four of docs/operations.md, in the stage`s folder', () => {
      expect(
        queries()
          .map(([, q]) => q.Properties.Name)
          .sort(),
      ).toEqual(
        ['Every error', 'Failures by reason', 'Sign-in trail of one user', 'Slowest invocations'].map(
          (name) => `${SERVICE}-${STAGE}/${name}`,
        ),
      );
    });

    it('search the log group of every function, and only log groups of this stack', () => {
      const logGroups = ofType(packaged().created, 'AWS::Logs::LogGroup')
        .map(([id]) => id)
        .sort();
      for (const [id, query] of queries()) {
        const groups = (query.Properties.LogGroupNames as unknown[]).map(describeTarget).sort();
        expect({ id, groups }).toEqual({ id, groups: logGroups });
        expect(String(query.Properties.QueryString).trim().length).toBeGreaterThan(0);
      }
    });

    it('follow one user by the keyed hash the logs carry, never by name', () => {
      const trail = packaged().created.Resources.UserSignInTrailQuery?.Properties.QueryString;
      expect(trail).toMatch(/filter user = "u_[0-9a-f]{16}"/);
      expect(trail).not.toMatch(/userName|email|phone/);
    });
  });

  describe('cfn-lint on the packaged template', () => {
    /**
     * What .cfnlintrc.yaml switches off, and where: a DependsOn serverless generates (on each
     * function, on the pool, on each attachment to an existing pool) beside a GetAtt.
     */
    const generatedByServerless = [
      'AWS::Lambda::Function',
      'AWS::Cognito::UserPool',
      'Custom::CognitoUserPool',
    ];
    const explained = (finding: LintFinding, template: Template) =>
      finding.rule === 'W3005' &&
      finding.path[0] === 'Resources' &&
      finding.path[2] === 'DependsOn' &&
      generatedByServerless.includes(template.Resources[String(finding.path[1])]?.Type ?? '');

    const templates = () => ({
      'a stack with its own pool': packaged().created,
      'a stack attached to an existing pool': packaged().existing,
    });

    it('finds nothing, with the project`s configuration, in any of the stack`s shapes', async () => {
      const findings = await cfnLint(Object.values(templates()), CFN_LINT_CONFIG);
      const names = Object.keys(templates());
      expect(findings.map((f) => ({ ...f, template: names[f.template] }))).toEqual([]);
    }, 90_000);

    it('finds, without the configuration, only what the configuration switches off and says why', async () => {
      const all = Object.values(templates());
      const findings = await cfnLint(all, undefined);
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.filter((f) => !explained(f, all[f.template] as Template))).toEqual([]);
    }, 90_000);

    it('covers every trigger the catalog names', () => {
      expect([...ALL_TRIGGERS].sort()).toEqual(Object.values(FUNCTIONS).sort());
    });
  });
}
