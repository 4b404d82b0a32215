/**
 * The doctor's pure checks on facts the local pool cannot show: legacy flow names, qualified
 * function ARNs, a spend limit that is not a number. Against the local stack: test/e2e/doctor.test.ts.
 */
import { clientChecks } from '../../../cli/doctor/checks/client';
import { functionName } from '../../../cli/doctor/checks/pool';
import { smsChecks } from '../../../cli/doctor/checks/resources';

const context = {
  userPoolId: 'us-east-1_P',
  clientId: 'c1',
  codeLifetime: { seconds: 180, source: 'from --otp-ttl-seconds' },
};
const severity = (client: Parameters<typeof clientChecks>[0], id: string) =>
  clientChecks(client, context).find((finding) => finding.id === id)?.severity;

test('legacy flow names count like their ALLOW_ forms', () => {
  const base = { WriteAttributes: ['email'], PreventUserExistenceErrors: 'ENABLED' as const };
  expect(
    severity(
      { ...base, ExplicitAuthFlows: ['CUSTOM_AUTH_FLOW_ONLY', 'ALLOW_REFRESH_TOKEN_AUTH'] },
      'client.auth-flows',
    ),
  ).toBe('ok');
  expect(
    severity(
      { ...base, ExplicitAuthFlows: ['CUSTOM_AUTH_FLOW_ONLY', 'ADMIN_NO_SRP_AUTH'] },
      'client.auth-flows',
    ),
  ).toBe('blocking');
  expect(
    severity({ ...base, ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_USER_AUTH'] }, 'client.auth-flows'),
  ).toBe('blocking');
});

test('a session of Cognito`s default length (no AuthSessionValidity) is 3 minutes', () => {
  const finding = clientChecks(
    { ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH'] },
    { ...context, codeLifetime: { seconds: 200, source: 'from --otp-ttl-seconds' } },
  ).find((f) => f.id === 'client.auth-session-validity');
  expect(finding).toMatchObject({
    severity: 'blocking',
    fix: expect.stringContaining('--auth-session-validity 4'),
  });
});

test('the function of a trigger ARN, with or without a version or alias', () => {
  expect(functionName('arn:aws:lambda:us-east-1:123456789012:function:svc-dev-preSignUp')).toBe(
    'svc-dev-preSignUp',
  );
  expect(functionName('arn:aws:lambda:us-east-1:123456789012:function:svc-dev-preSignUp:live')).toBe(
    'svc-dev-preSignUp',
  );
});

test('a spend limit that is missing or not a number is the 1 USD default: a warning', () => {
  const cases: Record<string, string>[] = [{}, { MonthlySpendLimit: 'lots' }, { MonthlySpendLimit: '0.5' }];
  for (const attributes of cases) {
    const finding = smsChecks({
      inSandbox: { ok: true, value: false },
      attributes: { ok: true, value: attributes },
    }).find((f) => f.id === 'sms.spend-limit');
    expect(finding?.severity).toBe('warning');
  }
  const fine = smsChecks({
    inSandbox: { ok: true, value: false },
    attributes: { ok: true, value: { MonthlySpendLimit: '250' } },
  });
  expect(fine.map((f) => f.severity)).toEqual(['ok', 'ok']);
});
