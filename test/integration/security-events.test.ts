/**
 * Security events against a real engine (DynamoDB Local): the audit record lands under the user's
 * partition with its TTL and masked numbers, a retry with the same time is refused by the table's
 * condition (no second email), and the sign-in checks' one Query never reads the trail.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AccountStatusStore } from '#shared/auth-state/account-status';
import { auditSk, userPk } from '#shared/auth-state/keys';
import { dynamodb } from '#shared/aws/dynamodb';
import type { Email } from '#shared/aws/ses';
import { DEFAULT_BRANDING } from '#shared/messages/index';
import { recordSecurityEvent, SecurityEventStore, securityEventDeps } from '#shared/notices/index';

const TABLE = 'auth-state-test';
const AT = new Date('2025-03-01T08:15:00.000Z');

function mailbox() {
  const sent: Email[] = [];
  return { sent, send: async (email: Email) => void sent.push(email) };
}

test('the record is one item under USER#<sub>, AUDIT#<at>#<action>, numbers masked, kept 400 days', async () => {
  const sub = randomUUID();
  const mail = mailbox();
  const result = await recordSecurityEvent(
    { audit: new SecurityEventStore(dynamodb, TABLE), email: mail, branding: DEFAULT_BRANDING },
    sub,
    { action: 'phone_bound', by: 'user', destination: '+14155550123', at: AT },
    { email: 'ada@example.com', emailVerified: 'true' },
  );
  expect(result).toEqual({ recorded: 'recorded', notice: 'sent' });
  const { Item } = await dynamodb.send(
    new GetCommand({ TableName: TABLE, Key: { pk: userPk(sub), sk: auditSk(AT, 'phone_bound') } }),
  );
  expect(Item).toEqual({
    pk: `USER#${sub}`,
    sk: 'AUDIT#2025-03-01T08:15:00.000Z#phone_bound',
    at: '2025-03-01T08:15:00.000Z',
    action: 'phone_bound',
    by: 'user',
    destination: '+*******0123',
    ttl: Math.floor(AT.getTime() / 1000) + 400 * 24 * 3600,
  });
  expect(mail.sent).toHaveLength(1);
});

test('the same event at the same time again (a Cognito retry) is a duplicate: one item, one email', async () => {
  const sub = randomUUID();
  const mail = mailbox();
  const deps = { audit: new SecurityEventStore(dynamodb, TABLE), email: mail, branding: DEFAULT_BRANDING };
  const user = { email: 'ada@example.com', emailVerified: 'true' };
  const event = { action: 'recovery_code_used' as const, by: 'user', recoveryCodesLeft: 9, at: AT };
  const outcomes = await Promise.all([
    recordSecurityEvent(deps, sub, event, user),
    recordSecurityEvent(deps, sub, event, user),
  ]);
  expect(outcomes.map((o) => o.recorded).sort()).toEqual(['duplicate', 'recorded']);
  const { Items = [] } = await dynamodb.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': userPk(sub), ':audit': 'AUDIT#' },
    }),
  );
  expect(Items).toHaveLength(1);
  expect(mail.sent).toHaveLength(1);
});

test('the sign-in checks` Query of the user never reads the trail', async () => {
  const sub = randomUUID();
  const deps = securityEventDeps({
    dynamodb,
    tableName: TABLE,
    email: undefined,
    branding: DEFAULT_BRANDING,
  });
  expect(deps.email).toBeUndefined();
  const outcome = await recordSecurityEvent(
    deps,
    sub,
    { action: 'suspended', by: 'ops', at: new Date() },
    {},
  );
  expect(outcome).toEqual({ recorded: 'recorded', notice: 'no_sender' });
  const status = await new AccountStatusStore(dynamodb, TABLE).read(sub, new Date(Date.now() - 86_400_000));
  expect(status).toEqual({ failures: [] });
});

test('an unreachable table is a failed record, not an error: the notice still goes', async () => {
  const mail = mailbox();
  const result = await recordSecurityEvent(
    { audit: new SecurityEventStore(dynamodb, 'no-such-table'), email: mail, branding: DEFAULT_BRANDING },
    randomUUID(),
    { action: 'locked_out', by: 'system' },
    { email: 'ada@example.com', emailVerified: 'true' },
  );
  expect(result).toEqual({ recorded: 'failed', notice: 'sent' });
  expect(mail.sent).toHaveLength(1);
});
