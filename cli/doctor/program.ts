/**
 * `npm run doctor -- [--stage S | --pool-id ID --client-id ID] [--local] [--json]`: checks a
 * deployed or existing pool against what the suite needs and says, for each finding, why it matters
 * and the exact fix (docs/operations.md, "Checking a pool"). Steps:
 * 1. resolve the pool, client, tables and functions to check (target.ts);
 * 2. read the facts, with read-only calls only (facts.ts);
 * 3. judge them (checks/: pure);
 * 4. print the report (report.ts); exit 1 when any finding is blocking.
 */
import { tableDefinitions } from '../../local/tables';
import { awsOptions } from '../lib/aws';
import { formatJson } from '../lib/output';
import type { Program } from '../lib/run';
import { clientChecks } from './checks/client';
import { codeLifetime } from './checks/code-lifetime';
import { poolChecks } from './checks/pool';
import { smsChecks, tableChecks } from './checks/resources';
import { gatherFacts } from './facts';
import type { Finding } from './finding';
import { doctorJson, doctorText } from './report';
import { OTP_TTL, resolveTarget } from './target';

export const doctorProgram: Program = {
  name: 'doctor',
  invocation: 'npm run doctor --',
  summary:
    'Check a user pool, its app client, the tables and the SMS account against what the triggers need (docs/operations.md).',
  globalOptions: {
    ...awsOptions,
    'pool-id': {
      type: 'string',
      valueName: 'ID',
      description: 'The pool to check (with --client-id); default: the stage`s, found by name',
    },
    'client-id': { type: 'string', valueName: 'ID', description: 'Its app client the apps sign in with' },
    'invites-table': {
      type: 'string',
      valueName: 'NAME',
      description: 'Default: $INVITES_TABLE, else cognito-auth-triggers-<stage>-invites',
    },
    'auth-state-table': {
      type: 'string',
      valueName: 'NAME',
      description: 'Default: $AUTH_STATE_TABLE, else cognito-auth-triggers-<stage>-auth-state',
    },
    'otp-ttl-seconds': {
      type: 'string',
      valueName: 'N',
      description: `Check the auth session against this code lifetime instead of the OTP_TTL_SECONDS the deployed CreateAuthChallenge runs with (read with lambda:GetFunctionConfiguration; if it cannot be read: $OTP_TTL_SECONDS, else ${OTP_TTL.fallback})`,
    },
    json: { type: 'boolean', description: 'Print JSON instead of text (for scripts)' },
  },
  footer: [
    'Exit status: 0 nothing blocking, 1 a blocking finding (or the pool could not be read), 2 bad command line.',
    'Read-only: DescribeUserPool(Client), ListUserPools(Clients) (to find the stage`s pool), DescribeTable,',
    'DescribeTimeToLive, DescribeContinuousBackups, GetSMSSandboxAccountStatus, GetSMSAttributes,',
    'GetFunctionConfiguration (of the CreateAuthChallenge trigger`s function).',
  ].join('\n'),
  defaultCommand: 'check',
  commands: {
    check: {
      summary:
        'Check a user pool, its app client, the tables and the SMS account against what the triggers need (docs/operations.md).',
      usage: '[--stage S | --pool-id ID --client-id ID] [--local] [--json]',
      options: {},
      run: async (context) => {
        const target = await resolveTarget(context);
        try {
          const facts = await gatherFacts(target);
          const definitions = tableDefinitions();
          const code = codeLifetime(facts.codeFunction, target);
          const findings: Finding[] = [
            ...clientChecks(facts.client, { ...target, codeLifetime: code.lifetime }),
            ...poolChecks(facts.pool, target),
            code.finding,
            ...tableChecks(
              facts.tables.invites,
              { label: 'invites', keySchema: definitions.InvitesTable?.KeySchema ?? [] },
              target.stage,
            ),
            ...tableChecks(
              facts.tables.authState,
              { label: 'auth-state', keySchema: definitions.AuthStateTable?.KeySchema ?? [] },
              target.stage,
            ),
            ...smsChecks(facts.sms),
          ];
          context.print(
            context.options.flag('json')
              ? formatJson(doctorJson(target, findings, code.lifetime))
              : doctorText(target, findings),
          );
          return findings.some((finding) => finding.severity === 'blocking') ? 1 : 0;
        } finally {
          target.close();
        }
      },
    },
  },
};
