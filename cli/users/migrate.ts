/**
 * `users migrate [--apply] [--json]`: before the triggers are attached to a pool that already has
 * users, who would be locked out or downgraded, and why (docs/operations.md, "Moving an existing
 * pool over"). Steps:
 * 1. page through every user (ListUsers, then AdminGetUser for their MFA settings: migrate/read-pool);
 * 2. judge each with the triggers' rules (migrate/assess: pure);
 * 3. with `--apply`, make the one safe, reversible change where it is planned (migrate/apply:
 *    the audit record first, then the change);
 * 4. after each page, save the state file (migrate/progress), so a stopped run resumes there; say
 *    how far it got on stderr;
 * 5. print the report (migrate/report) and remove the state file.
 */
import { resolve } from 'node:path';
import { ConfigError, readConfig } from '#shared/config';
import { allowedCountriesSetting } from '#shared/phone';
import { CliError, UsageError } from '../lib/errors';
import { formatJson } from '../lib/output';
import type { Command, CommandContext } from '../lib/run';
import { applyChange } from './migrate/apply';
import { assessUser } from './migrate/assess';
import { loadState, type MigrationState, newState, removeState, saveState } from './migrate/progress';
import { readPage } from './migrate/read-pool';
import { migrationJson, migrationText } from './migrate/report';
import { openTarget, operator } from './target';

/** `--allowed-countries`, else ALLOWED_COUNTRIES, else the triggers' default: as Create reads it. */
function allowedCountries(context: CommandContext): string[] {
  const given = context.options.string('allowed-countries') ?? context.io.env.ALLOWED_COUNTRIES;
  try {
    return readConfig(allowedCountriesSetting, { ALLOWED_COUNTRIES: given }).ALLOWED_COUNTRIES;
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new UsageError(
        `--allowed-countries ${error.message.replace(/^Invalid configuration: ALLOWED_COUNTRIES /, '')}`,
      );
    }
    throw error;
  }
}

export const migrateCommand: Command = {
  summary:
    'Before attaching the triggers to a pool with users: who would be locked out or downgraded, and why',
  usage: '[--apply] [--allowed-countries US,CA] [--state FILE] [--restart]',
  details: [
    'Reads every user (ListUsers, and AdminGetUser for their MFA settings) and judges each with the',
    "triggers' rules: no phone or an unverified one (asked to enrol one at the next sign-in), a verified",
    "number that cannot get a code (outside the allowed countries, not a mobile: locked out), Cognito's",
    'own SMS_MFA / SOFTWARE_TOKEN_MFA (locked out), no email or an unverified one (no password recovery).',
    '',
    'Without --apply nothing is changed. With --apply the one safe, reversible change is made:',
    "Cognito's own MFA is turned off for users whose verified phone can get the suite's code (the code",
    'replaces it), each recorded first in the auth-state table (AUDIT# under the user, with how to undo',
    'it). Nothing else is changed: every other fix is printed for you to decide.',
    '',
    'Progress goes to stderr after every page of 60 users, and the state to --state FILE (default',
    './users-migrate-<pool id>.json): run the same command again to continue where it stopped.',
  ].join('\n'),
  options: {
    apply: { type: 'boolean', description: 'Make the safe changes (default: report only)' },
    'allowed-countries': {
      type: 'string',
      valueName: 'LIST',
      description: 'Countries codes may go to, as deployed (default: $ALLOWED_COUNTRIES, else US,CA,GB)',
    },
    state: {
      type: 'string',
      valueName: 'FILE',
      description: 'Where progress is saved (default: ./users-migrate-<pool id>.json)',
    },
    restart: {
      type: 'boolean',
      description: 'Start from the first user even if FILE holds an unfinished run',
    },
    by: {
      type: 'string',
      valueName: 'NAME',
      description: 'Who makes the changes, for the audit trail (default: your login name)',
    },
  },
  run: async (context) => {
    const { options, io } = context;
    const apply = options.flag('apply');
    const countries = allowedCountries(context);
    const by = operator(options);
    const target = await openTarget(context);
    const file = resolve(options.string('state') ?? `users-migrate-${target.userPoolId}.json`);
    const settings = { userPoolId: target.userPoolId, apply, allowedCountries: countries };
    try {
      const saved = options.flag('restart') ? undefined : loadState(file, settings);
      const state: MigrationState = saved ?? newState(settings, io.now());
      if (saved) {
        io.stderr(`users migrate: resuming from ${file} (${saved.usersRead} users already read)\n`);
      }
      const stopped = (error: CliError) =>
        new CliError(
          `${error.message}; ${state.usersRead} users done before this page, progress saved in ${file}: ` +
            'run the same command to continue',
        );
      let token = state.next ?? undefined;
      do {
        const page = await readPage(target.cognito, target.userPoolId, token).catch((error: unknown) => {
          throw stopped(target.fail(error, 'cognito'));
        });
        for (const user of page.users) {
          const assessment = assessUser(user, countries);
          state.counts[assessment.outcome]++;
          const sub = user.attributes.sub;
          let applied = false;
          if (assessment.change && sub) {
            state.changes.planned++;
            if (apply) {
              await applyChange({ username: user.username, sub }, assessment.change, {
                cognito: target.cognito,
                dynamodb: target.dynamodb,
                userPoolId: target.userPoolId,
                tableName: target.tableName,
                by,
                now: io.now,
                fail: target.fail,
              }).catch((error: CliError) => {
                throw stopped(error);
              });
              state.changes.applied++;
              applied = true;
            }
          }
          if (assessment.findings.length > 0) {
            state.users.push({
              username: user.username,
              sub,
              email: user.attributes.email,
              status: user.status,
              enabled: user.enabled,
              outcome: assessment.outcome,
              findings: assessment.findings,
              ...(assessment.change ? { change: { action: assessment.change.action, applied } } : {}),
            });
          }
        }
        state.usersRead += page.users.length;
        state.pages++;
        state.next = page.next ?? null;
        token = page.next;
        if (token) saveState(file, state);
        io.stderr(`users migrate: ${state.usersRead} users read${token ? '...' : ', done'}\n`);
      } while (token);
      removeState(file);
      context.print(
        options.flag('json')
          ? formatJson(migrationJson(state, target.tableName))
          : migrationText(state, target.tableName),
      );
    } finally {
      target.close();
    }
  },
};
