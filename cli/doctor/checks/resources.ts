/**
 * The stage's tables (present, with the keys resources/tables.yml gives them, TTL on `ttl`,
 * point-in-time recovery) and the account's SMS state (out of the sandbox, a spend limit real
 * traffic fits in). Pure.
 */
import type { KeySchemaElement } from '@aws-sdk/client-dynamodb';
import type { Facts, TableFacts } from '../facts';
import { type Finding, ok, unreadable } from '../finding';

/** An AWS SMS spend limit this low stops real sign-ins within days (1 USD: a new account's). */
const LOW_SPEND_LIMIT_USD = 1;

export interface TableExpectation {
  /** `invites` or `auth-state`, for ids and titles. */
  label: string;
  keySchema: readonly KeySchemaElement[];
}

const keys = (schema: readonly KeySchemaElement[] | undefined) =>
  (schema ?? []).map((key) => `${key.AttributeName} ${key.KeyType}`).join(', ');

export function tableChecks(facts: TableFacts, expected: TableExpectation, stage: string): Finding[] {
  const base = `table.${expected.label}`;
  const { name } = facts;
  if (!facts.table.ok) {
    if (facts.table.name === 'ResourceNotFoundException') {
      return [
        {
          id: base,
          severity: 'blocking',
          title: `table ${name} does not exist`,
          why: `The triggers read and write it on every ${expected.label === 'invites' ? 'sign-up' : 'sign-in'}: without it they fail (closed).`,
          fix: `npx serverless deploy --stage ${stage} creates it; or, if it has another name, pass --${expected.label === 'invites' ? 'invites' : 'auth-state'}-table NAME.`,
        },
      ];
    }
    return [unreadable(base, `table ${name}`, facts.table.error)];
  }
  const table = facts.table.value;
  const findings: Finding[] = [];
  if (keys(table.KeySchema) !== keys(expected.keySchema)) {
    findings.push({
      id: base,
      severity: 'blocking',
      title: `table ${name} has the keys (${keys(table.KeySchema)}), not (${keys(expected.keySchema)})`,
      why: "Every read and write of the triggers names the table's keys: with others, each one fails.",
      fix: 'Point the stage at the table resources/tables.yml defines (deploy the stage), or pass the right table name.',
    });
  } else if (table.TableStatus && table.TableStatus !== 'ACTIVE') {
    findings.push({
      id: base,
      severity: 'warning',
      title: `table ${name} is ${table.TableStatus}`,
      why: 'Reads and writes may fail until it is ACTIVE again.',
      fix: 'Wait for the update to finish (DynamoDB console, the table), then run the doctor again.',
    });
  } else {
    findings.push(ok(base, `table ${name} (${keys(table.KeySchema)})`));
  }
  findings.push(ttl(facts, base), pitr(facts, base));
  return findings;
}

function ttl(facts: TableFacts, base: string): Finding {
  const id = `${base}.ttl`;
  if (!facts.ttl.ok) return unreadable(id, `the TTL of ${facts.name}`, facts.ttl.error);
  const { TimeToLiveStatus: status, AttributeName: attribute } = facts.ttl.value;
  if ((status === 'ENABLED' || status === 'ENABLING') && attribute === 'ttl')
    return ok(id, `${facts.name}: TTL on \`ttl\``);
  return {
    id,
    severity: 'warning',
    title: `${facts.name}: TTL is ${status ?? 'DISABLED'}${attribute && attribute !== 'ttl' ? ` on \`${attribute}\`` : ''}, not on \`ttl\``,
    why: 'Expired codes, counters, failure records and invites are never removed: the table grows forever (the triggers ignore expired items, so nothing breaks).',
    fix: `aws dynamodb update-time-to-live --table-name ${facts.name} --time-to-live-specification Enabled=true,AttributeName=ttl`,
  };
}

function pitr(facts: TableFacts, base: string): Finding {
  const id = `${base}.point-in-time-recovery`;
  if (!facts.pitr.ok) {
    if (facts.pitr.name === 'UnknownOperationException') {
      return {
        id,
        severity: 'skipped',
        title: `${facts.name}: this DynamoDB has no point-in-time recovery (DynamoDB Local)`,
      };
    }
    return unreadable(id, `point-in-time recovery of ${facts.name}`, facts.pitr.error);
  }
  if (facts.pitr.value === 'ENABLED') return ok(id, `${facts.name}: point-in-time recovery on`);
  return {
    id,
    severity: 'warning',
    title: `${facts.name}: point-in-time recovery is ${facts.pitr.value}`,
    why: 'A bad write or a deleted item (invites, suspensions) cannot be restored (docs/operations.md, "Restore").',
    fix: `aws dynamodb update-continuous-backups --table-name ${facts.name} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true`,
  };
}

export function smsChecks(sms: Facts['sms']): Finding[] {
  const findings: Finding[] = [];
  if (!sms.inSandbox.ok)
    findings.push(unreadable('sms.sandbox', 'the SMS sandbox status', sms.inSandbox.error));
  else if (sms.inSandbox.value) {
    findings.push({
      id: 'sms.sandbox',
      severity: 'warning',
      title: 'the account is in the SNS SMS sandbox',
      why: 'Codes go only to the (at most 10) verified destination numbers: fine for a test stage, but no real user can sign in.',
      fix: 'Leave the sandbox: SNS console, Text messaging (SMS), "Exit SMS sandbox" (docs/operations.md, "SMS: the spend limit and the sandbox").',
    });
  } else findings.push(ok('sms.sandbox', 'the account is out of the SNS SMS sandbox'));

  if (!sms.attributes.ok) {
    findings.push(unreadable('sms.spend-limit', 'the SMS spend limit', sms.attributes.error));
    return findings;
  }
  const raw = sms.attributes.value.MonthlySpendLimit;
  const limit = raw === undefined ? LOW_SPEND_LIMIT_USD : Number(raw);
  if (Number.isFinite(limit) && limit > LOW_SPEND_LIMIT_USD) {
    findings.push(ok('sms.spend-limit', `SMS spend limit ${limit} USD a month`));
  } else {
    findings.push({
      id: 'sms.spend-limit',
      severity: 'warning',
      title: `the SMS spend limit is ${raw ?? 'the default'} (${limit} USD a month)`,
      why: 'SNS stops sending within minutes of the limit: at 1 USD that is about a hundred codes a month, then nobody can sign in.',
      fix: 'Ask for a higher SMS spending quota, then: aws sns set-sms-attributes --attributes MonthlySpendLimit=<USD> (docs/operations.md, "SMS: the spend limit and the sandbox").',
    });
  }
  return findings;
}
