/**
 * recordSecurityEvent: one audit record (numbers masked), then the notice to a verified email in
 * the user's language, counted; and, because a sign-in must never fail over a notice, every
 * failure logged without personal data, counted as a DependencyFailure, and never thrown.
 * The audit writer and the email sender are fakes (ports); the metrics and logs are the real
 * lines, read from stdout as CloudWatch reads them.
 */
import { SECURITY_EVENTS, type SecurityEventRecord } from '#shared/auth-state/keys';
import type { Email, EmailSender } from '#shared/aws/ses';
import { DependencyError } from '#shared/challenge/errors';
import { logger } from '#shared/logger';
import { DEFAULT_BRANDING } from '#shared/messages/index';
import { METRICS } from '#shared/metric-catalog';
import {
  type AuditWriter,
  type NoticeRecipient,
  noticeRecipient,
  recordAuditEvent,
  recordSecurityEvent,
  type SecurityEventDeps,
  sendEmailOtp,
} from '#shared/notices/index';
import { captureLogs } from '../capture-logs';

// Metrics are off in tests (test/setup-env.ts); on here, to read what is counted.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

const SUB = '11111111-2222-3333-4444-555555555555';
const AT = new Date('2025-01-31T12:00:00.000Z');
const ADA: NoticeRecipient = { email: 'ada@example.com', emailVerified: 'true', locale: 'de', name: 'Ada' };

class FakeAudit implements AuditWriter {
  records: SecurityEventRecord[] = [];
  failWith: unknown;
  async put(record: SecurityEventRecord) {
    if (this.failWith) throw this.failWith;
    if (this.records.some((r) => r.pk === record.pk && r.sk === record.sk)) return 'duplicate' as const;
    this.records.push(record);
    return 'recorded' as const;
  }
}

class FakeMail implements EmailSender {
  sent: Email[] = [];
  failWith: unknown;
  async send(email: Email) {
    if (this.failWith) throw this.failWith;
    this.sent.push(email);
  }
}

let audit: FakeAudit;
let mail: FakeMail;
let deps: SecurityEventDeps;
beforeEach(() => {
  audit = new FakeAudit();
  mail = new FakeMail();
  deps = {
    audit,
    email: mail,
    branding: DEFAULT_BRANDING,
    trigger: 'VerifyAuthChallengeResponse',
    now: () => AT,
  };
});

/** Runs `work` and returns what it wrote: log records and metric lines apart. */
async function observed<T>(work: () => Promise<T>) {
  const logs = captureLogs(logger, 'INFO');
  try {
    const result = await work();
    const records = logs.records();
    const text = logs.text();
    return {
      result,
      text,
      logs: records.filter((r) => !('_aws' in r)),
      metrics: records
        .filter((r) => '_aws' in r)
        .map((r) => ({
          name: (r._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> })
            .CloudWatchMetrics[0]?.Metrics[0]?.Name,
          reason: r.reason,
        })),
    };
  } finally {
    logs.restore();
  }
}

describe('a recorded event with a notice', () => {
  test('one record with the numbers masked, one email in the user`s language, one count', async () => {
    const { result, metrics, text } = await observed(() =>
      recordSecurityEvent(
        deps,
        SUB,
        { action: 'phone_changed', by: 'user', destination: '+14155550123', oldDestination: '+447700900987' },
        ADA,
      ),
    );
    expect(result).toEqual({ recorded: 'recorded', notice: 'sent' });
    expect(audit.records).toEqual([
      {
        pk: `USER#${SUB}`,
        sk: 'AUDIT#2025-01-31T12:00:00.000Z#phone_changed',
        at: '2025-01-31T12:00:00.000Z',
        action: 'phone_changed',
        by: 'user',
        destination: '+*******0123',
        oldDestination: '+*******0987',
        ttl: Math.floor(AT.getTime() / 1000) + 400 * 86_400,
      },
    ]);
    expect(mail.sent).toHaveLength(1);
    const [email] = mail.sent;
    expect(email?.to).toBe('ada@example.com');
    expect(email?.subject).toBe(
      'Sicherheitshinweis: Die Telefonnummer Ihres Example App-Kontos wurde geändert',
    );
    expect(email?.text).toContain('Neue Nummer: +*******0123');
    expect(email?.text).toContain('Bisherige Nummer: +*******0987');
    expect(email?.text).toContain('2025-01-31 12:00 UTC');
    expect(email?.html).toContain('+*******0987');
    expect(metrics).toEqual([{ name: 'SecurityNoticesSent', reason: 'phone_changed' }]);
    // The log line says what happened, with no address and no number.
    expect(text).toContain('"securityEvent":"phone_changed"');
    expect(text).not.toContain('ada@example.com');
    expect(text).not.toContain('4155550123');
  });

  test.each(SECURITY_EVENTS)('%s: recorded, and a notice sent', async (action) => {
    const result = await recordSecurityEvent(deps, SUB, { action, by: 'system', recoveryCodesLeft: 4 }, ADA);
    expect(result).toEqual({ recorded: 'recorded', notice: 'sent' });
    expect(audit.records[0]?.action).toBe(action);
    expect(mail.sent[0]?.subject).toContain('Sicherheitshinweis');
  });

  test('the time of a retry repeats the record: the second call is a duplicate and sends nothing', async () => {
    const event = { action: 'recovery_code_used' as const, by: 'user', recoveryCodesLeft: 9, at: AT };
    await recordSecurityEvent(deps, SUB, event, ADA);
    const again = await recordSecurityEvent(deps, SUB, event, ADA);
    expect(again).toEqual({ recorded: 'duplicate', notice: 'duplicate' });
    expect(audit.records).toHaveLength(1);
    expect(mail.sent).toHaveLength(1);
  });

  test('the user`s locale chooses the language; none, or an unknown one, gets English', async () => {
    await recordSecurityEvent(deps, SUB, { action: 'suspended', by: 'ops' }, { ...ADA, locale: 'es-MX' });
    await recordSecurityEvent(
      deps,
      SUB,
      { action: 'locked_out', by: 'system' },
      { ...ADA, locale: undefined },
    );
    await recordSecurityEvent(deps, SUB, { action: 'phone_bound', by: 'user' }, { ...ADA, locale: 'xx' });
    expect(mail.sent.map((email) => email.subject)).toEqual([
      'Aviso de seguridad: su cuenta de Example App fue suspendida',
      'Security notice: sign-in to your Example App account is paused',
      'Security notice: a phone number was added to your Example App account',
    ]);
  });
});

describe('no notice, but the record', () => {
  test('without a sender (SECURITY_EMAIL_FROM unset)', async () => {
    const result = await recordSecurityEvent(
      { ...deps, email: undefined },
      SUB,
      { action: 'phone_bound', by: 'user' },
      ADA,
    );
    expect(result).toEqual({ recorded: 'recorded', notice: 'no_sender' });
    expect(audit.records).toHaveLength(1);
  });

  test.each<[string, NoticeRecipient]>([
    ['an unverified email (it may be someone else`s)', { ...ADA, emailVerified: 'false' }],
    ['an email whose verification is unknown', { ...ADA, emailVerified: undefined }],
    ['no email at all', { emailVerified: 'true' }],
    ['email_verified spelt otherwise than Cognito writes it', { ...ADA, emailVerified: 'TRUE ' }],
  ])('for %s', async (_what, user) => {
    const { result, metrics } = await observed(() =>
      recordSecurityEvent(deps, SUB, { action: 'phone_bound', by: 'user' }, user),
    );
    expect(result).toEqual({ recorded: 'recorded', notice: 'no_verified_email' });
    expect(mail.sent).toEqual([]);
    expect(metrics).toEqual([]);
  });
});

describe('best effort: nothing is thrown, every failure is logged without personal data and counted', () => {
  test('SES fails: the record stays, the outcome says failed, DependencyFailures ses is counted', async () => {
    mail.failWith = new DependencyError(
      'SES',
      'SendEmail',
      Object.assign(new Error('ada@example.com'), { name: 'MessageRejected' }),
    );
    const { result, metrics, logs, text } = await observed(() =>
      recordSecurityEvent(deps, SUB, { action: 'phone_bound', by: 'user', destination: '+14155550123' }, ADA),
    );
    expect(result).toEqual({ recorded: 'recorded', notice: 'failed' });
    expect(audit.records).toHaveLength(1);
    expect(metrics).toEqual([{ name: 'DependencyFailures', reason: 'ses' }]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'security event not completed',
        securityEvent: 'phone_bound',
        step: 'email',
        error: 'DependencyError',
        detail: 'SES SendEmail failed: MessageRejected',
      }),
    );
    expect(text).not.toContain('ada@example.com');
    expect(text).not.toContain('4155550123');
  });

  test('DynamoDB fails: the user is still told (the email goes), DependencyFailures dynamodb is counted', async () => {
    audit.failWith = new DependencyError(
      'DynamoDB',
      'PutItem',
      Object.assign(new Error('x'), { name: 'ProvisionedThroughputExceededException' }),
    );
    const { result, metrics } = await observed(() =>
      recordSecurityEvent(deps, SUB, { action: 'locked_out', by: 'system' }, ADA),
    );
    expect(result).toEqual({ recorded: 'failed', notice: 'sent' });
    expect(mail.sent).toHaveLength(1);
    expect(metrics).toEqual([
      { name: 'DependencyFailures', reason: 'dynamodb' },
      { name: 'SecurityNoticesSent', reason: 'locked_out' },
    ]);
  });

  test('both fail, or the deadline passed: still no throw', async () => {
    audit.failWith = new DependencyError('DynamoDB', 'PutItem', new Error('x'));
    mail.failWith = Object.assign(new Error('trigger budget of 2500 ms exceeded'), {
      name: 'DeadlineExceededError',
    });
    const { result, metrics } = await observed(() =>
      recordSecurityEvent(deps, SUB, { action: 'suspended', by: 'ops' }, ADA),
    );
    expect(result).toEqual({ recorded: 'failed', notice: 'failed' });
    expect(metrics).toEqual([
      { name: 'DependencyFailures', reason: 'dynamodb' },
      { name: 'DependencyFailures', reason: 'deadline' },
    ]);
  });

  test('an unexpected error (not a dependency) is logged by name only and not thrown either', async () => {
    mail.failWith = new TypeError('ada@example.com is not a function');
    const { result, text, metrics } = await observed(() =>
      recordSecurityEvent(deps, SUB, { action: 'suspended', by: 'ops' }, ADA),
    );
    expect(result.notice).toBe('failed');
    expect(text).toContain('"error":"TypeError"');
    expect(text).not.toContain('ada@example.com');
    expect(metrics).toEqual([]);
  });

  test('the users CLI (no trigger) counts nothing', async () => {
    const { metrics } = await observed(() =>
      recordSecurityEvent({ ...deps, trigger: undefined }, SUB, { action: 'suspended', by: 'ops' }, ADA),
    );
    expect(metrics).toEqual([]);
    expect(mail.sent).toHaveLength(1);
  });
});

describe('recordAuditEvent: the record alone', () => {
  test('one record with every field, no email even with a sender and a verified address', async () => {
    const { result, metrics } = await observed(() =>
      recordAuditEvent(deps, SUB, {
        action: 'devices_revoked',
        by: 'user',
        devicesRevoked: 2,
        cause: 'recovery_code_used',
      }),
    );
    expect(result).toBe('recorded');
    expect(audit.records).toEqual([
      {
        pk: `USER#${SUB}`,
        sk: `AUDIT#${AT.toISOString()}#devices_revoked`,
        at: AT.toISOString(),
        action: 'devices_revoked',
        by: 'user',
        devicesRevoked: 2,
        cause: 'recovery_code_used',
        ttl: Math.floor(AT.getTime() / 1000) + 400 * 86_400,
      },
    ]);
    expect(mail.sent).toEqual([]);
    expect(metrics).toEqual([]);
  });

  test('a failed write is logged and counted, never thrown', async () => {
    audit.failWith = new DependencyError('DynamoDB', 'PutItem', new Error('x'));
    const { result, metrics, logs } = await observed(() =>
      recordAuditEvent(deps, SUB, { action: 'devices_revoked', by: 'user', devicesRevoked: 1 }),
    );
    expect(result).toBe('failed');
    expect(metrics).toEqual([{ name: 'DependencyFailures', reason: 'dynamodb' }]);
    expect(logs).toContainEqual(
      expect.objectContaining({ message: 'security event not completed', step: 'audit' }),
    );
  });
});

test('noticeRecipient reads Cognito`s attribute names', () => {
  expect(
    noticeRecipient({ email: 'a@example.com', email_verified: 'true', locale: 'de', name: 'A', sub: SUB }),
  ).toEqual({ email: 'a@example.com', emailVerified: 'true', locale: 'de', name: 'A' });
});

test('the SecurityNoticesSent reasons are exactly the security events', () => {
  expect(METRICS.SecurityNoticesSent.reasons).toEqual(SECURITY_EVENTS);
});

describe('sendEmailOtp', () => {
  test('renders the code in the user`s language and sends it to the given address', async () => {
    await sendEmailOtp(mail, {
      to: 'ada@example.com',
      code: '482913',
      validMinutes: 3,
      locale: 'es',
      branding: DEFAULT_BRANDING,
    });
    expect(mail.sent).toHaveLength(1);
    expect(mail.sent[0]).toMatchObject({
      to: 'ada@example.com',
      subject: 'Su código de inicio de sesión de Example App',
    });
    expect(mail.sent[0]?.text).toContain('    482913\n');
  });

  test('a failed send is thrown (the round cannot go on without its code)', async () => {
    mail.failWith = new DependencyError('SES', 'SendEmail', new Error('x'));
    await expect(
      sendEmailOtp(mail, {
        to: 'ada@example.com',
        code: '482913',
        validMinutes: 3,
        branding: DEFAULT_BRANDING,
      }),
    ).rejects.toMatchObject({ name: 'DependencyError', service: 'SES' });
  });
});
