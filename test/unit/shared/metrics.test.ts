/**
 * #shared/metrics: the embedded-metric-format lines it writes (namespace, names, dimensions), the
 * reasons it lets through, and what the trigger wrapper counts for a refusal or a failure. The
 * lines are read from stdout, as CloudWatch reads them.
 */
import { DependencyError, SendLimitError, SignInNotAllowedError } from '#shared/challenge/errors';
import { InvalidInvitationError } from '#shared/errors';
import { METRICS, METRICS_NAMESPACE } from '#shared/metric-catalog';
import { countFailure, countMetric, countRefusal, reasonOf } from '#shared/metrics';
import { trigger } from '#shared/trigger';
import { compactLogLine } from '../../../local/log-view';
import { captureLogs } from './capture-logs';

// Metrics are off in tests (test/setup-env.ts); on here. Read when the first count is made.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.STAGE = 'unit';

interface Emf {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
  [key: string]: unknown;
}

function metricLines(run: () => unknown): Emf[] {
  const logs = captureLogs();
  try {
    run();
  } finally {
    logs.restore();
  }
  return logs.records().filter((record) => '_aws' in record) as unknown as Emf[];
}

describe('countMetric', () => {
  it('writes one line per count: the namespace, the metric as a Count of 1, two dimension sets', () => {
    const [line, ...more] = metricLines(() =>
      countMetric('CreateAuthChallenge', 'CodesSent', 'verify_phone'),
    );
    expect(more).toEqual([]);
    expect(line?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: METRICS_NAMESPACE,
        Dimensions: [
          ['service', 'stage', 'trigger'],
          ['service', 'stage', 'trigger', 'reason'],
        ],
        Metrics: [{ Name: 'CodesSent', Unit: 'Count' }],
      },
    ]);
    expect(line).toMatchObject({
      CodesSent: 1,
      service: 'cognito-auth-triggers',
      stage: 'unit',
      trigger: 'CreateAuthChallenge',
      reason: 'verify_phone',
    });
  });

  it('gives a metric without reasons one dimension set and no reason, whatever is passed', () => {
    const [line] = metricLines(() =>
      countMetric('VerifyAuthChallengeResponse', 'PhonesEnrolled', '+14155550100'),
    );
    expect(line?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'stage', 'trigger']]);
    expect(line).not.toHaveProperty('reason');
    expect(JSON.stringify(line)).not.toContain('4155550100');
  });

  it('never writes a reason the catalog does not list: typed text becomes `other`', () => {
    const [line] = metricLines(() => countMetric('PreSignUp', 'InvitesRefused', 'ada@example.com'));
    expect(line?.reason).toBe('other');
    expect(JSON.stringify(line)).not.toContain('ada@example.com');
  });

  it('reads a reason that starts with a listed one and `_` as that one', () => {
    expect(reasonOf('InvitesRefused', 'consume_revoked')).toBe('consume');
    expect(reasonOf('SignInsFailed', 'foreign_challenge_SMS_MFA')).toBe('foreign_challenge');
    expect(reasonOf('SignInsFailed', 'expected_SRP_A_at_0')).toBe('other');
    expect(reasonOf('SignInsFailed', undefined)).toBe('other');
    expect(reasonOf('SignInsCompleted', 'anything')).toBeUndefined();
  });

  it('keeps a line per trigger apart: each carries its own trigger (one process runs them all locally)', () => {
    const lines = metricLines(() => {
      countMetric('PostConfirmation', 'InvitesAccepted');
      countMetric('PreAuthentication', 'InvitesAccepted');
    });
    expect(lines.map((line) => line.trigger)).toEqual(['PostConfirmation', 'PreAuthentication']);
  });

  it('every reason of the catalog is written as itself', () => {
    for (const [name, definition] of Object.entries(METRICS)) {
      for (const reason of 'reasons' in definition ? definition.reasons : []) {
        expect({ name, reason: reasonOf(name as keyof typeof METRICS, reason) }).toEqual({ name, reason });
      }
    }
  });
});

describe('what the wrapper counts', () => {
  it.each([
    [
      'an invite refused',
      new InvalidInvitationError('code_mismatch'),
      'PreSignUp',
      [
        ['Refusals', 'InvalidInvitationError'],
        ['InvitesRefused', 'code_mismatch'],
      ],
    ],
    [
      'a send limit',
      new SendLimitError('unproven_phone'),
      'CreateAuthChallenge',
      [
        ['Refusals', 'SendLimitError'],
        ['SendsRefused', 'unproven_phone'],
      ],
    ],
    [
      'a lockout',
      new SignInNotAllowedError('locked_out'),
      'VerifyAuthChallengeResponse',
      [
        ['Refusals', 'SignInNotAllowedError'],
        ['Lockouts', undefined],
      ],
    ],
    [
      'a suspension',
      new SignInNotAllowedError('suspended'),
      'CreateAuthChallenge',
      [
        ['Refusals', 'SignInNotAllowedError'],
        ['SuspensionsDenied', undefined],
      ],
    ],
  ])('%s', (_, error, triggerName, expected) => {
    const lines = metricLines(() => countRefusal(triggerName, error));
    expect(lines.map((line) => [line._aws.CloudWatchMetrics[0]?.Metrics[0]?.Name, line.reason])).toEqual(
      expected,
    );
    expect(lines.every((line) => line.trigger === triggerName)).toBe(true);
  });

  it('a dependency failure by service, a blown time budget as `deadline`, a bug as nothing more', () => {
    const lines = metricLines(() => {
      countFailure('CreateAuthChallenge', new DependencyError('SNS', 'Publish', new Error('x')));
      countFailure(
        'VerifyAuthChallengeResponse',
        Object.assign(new Error('late'), { name: 'DeadlineExceededError' }),
      );
      countFailure('DefineAuthChallenge', new TypeError('a bug'));
    });
    expect(lines.map((line) => [line.trigger, line.reason])).toEqual([
      ['CreateAuthChallenge', 'sns'],
      ['VerifyAuthChallengeResponse', 'deadline'],
    ]);
  });

  it('counts through a real trigger wrapper, and the caller still gets the short message', async () => {
    const schema = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (value: unknown) => ({ value }),
      },
    } as const;
    const handler = trigger('PreSignUp', schema as never, async () => {
      throw new InvalidInvitationError('expired');
    });
    const logs = captureLogs();
    let message = '';
    try {
      await (handler as unknown as (event: unknown) => Promise<unknown>)({
        triggerSource: 'PreSignUp_SignUp',
        userPoolId: 'us-east-1_X',
        userName: 'ada@example.com',
        request: {},
        response: {},
      }).catch((error: Error) => {
        message = error.message;
      });
    } finally {
      logs.restore();
    }
    expect(message).toBe('Invitation is invalid or has expired');
    const lines = logs.records().filter((record) => '_aws' in record);
    expect(lines.map((line) => [line.trigger, line.reason])).toEqual([
      ['PreSignUp', 'InvalidInvitationError'],
      ['PreSignUp', 'expired'],
    ]);
    expect(JSON.stringify(lines)).not.toContain('ada@example.com');
  });
});

test('the local console shows a metric line as one short line', () => {
  const [line] = metricLines(() => countMetric('CreateAuthChallenge', 'SendsRefused', 'phone'));
  expect(compactLogLine(JSON.stringify(line), false)).toBe(
    '  # CreateAuthChallenge SendsRefused +1  reason=phone',
  );
});
