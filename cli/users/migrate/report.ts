/** `users migrate`'s report: for people (counts, the users with findings, why and the fix) or as JSON. */
import { formatTable } from '../../lib/output';
import { FINDINGS, type FindingKind, OUTCOMES, type Outcome } from './assess';
import type { MigrationState, UserReport } from './progress';

/** Users listed in the text report; `--json` lists every one. */
export const TEXT_USER_LIMIT = 100;

const OUTCOME_TEXT: Record<Outcome, [string, string]> = {
  locked_out: ['locked out', 'cannot sign in once the triggers are attached, until fixed'],
  downgraded: ['downgraded', 'can sign in, but lose something (password recovery)'],
  enrol: ['enrol', 'asked for a phone number at their next sign-in'],
  ok: ['ok', 'nothing changes for them'],
};

export function migrationJson(state: MigrationState, tableName: string): unknown {
  const kinds = new Set(state.users.flatMap((user) => user.findings.map((finding) => finding.kind)));
  return {
    userPoolId: state.userPoolId,
    allowedCountries: state.allowedCountries,
    apply: state.apply,
    usersRead: state.usersRead,
    counts: state.counts,
    changes: state.changes,
    auditTable: state.apply ? tableName : undefined,
    users: state.users,
    findings: Object.fromEntries(
      (Object.keys(FINDINGS) as FindingKind[])
        .filter((kind) => kinds.has(kind))
        .map((kind) => [kind, FINDINGS[kind]]),
    ),
  };
}

export function migrationText(state: MigrationState, tableName: string): string {
  const lines = [
    `Checked ${state.usersRead} user${state.usersRead === 1 ? '' : 's'} of ${state.userPoolId} against the triggers (allowed countries: ${state.allowedCountries.join(', ')}).`,
    '',
    ...[...OUTCOMES].reverse().map((outcome) => {
      const [label, meaning] = OUTCOME_TEXT[outcome];
      return `  ${label.padEnd(10)}  ${String(state.counts[outcome]).padStart(6)}  ${meaning}`;
    }),
    '',
    changesLine(state, tableName),
  ];
  if (state.users.length > 0) {
    const shown = state.users.slice(0, TEXT_USER_LIMIT);
    lines.push(
      '',
      formatTable<UserReport>(
        [
          { header: 'username', value: (user) => user.username },
          { header: 'email', value: (user) => user.email },
          {
            header: 'status',
            value: (user) => `${user.status ?? '?'}${user.enabled === false ? ' (disabled)' : ''}`,
          },
          { header: 'outcome', value: (user) => OUTCOME_TEXT[user.outcome][0] },
          {
            header: 'findings',
            value: (user) =>
              user.findings
                .map((finding) => (finding.detail ? `${finding.kind} (${finding.detail})` : finding.kind))
                .join(', ') + (user.change?.applied ? ' [fixed]' : ''),
          },
        ],
        shown,
      ),
    );
    if (state.users.length > shown.length) {
      lines.push(`... and ${state.users.length - shown.length} more (--json lists every user).`);
    }
    lines.push('', 'Why each finding matters, and the fix:');
    for (const kind of Object.keys(FINDINGS) as FindingKind[]) {
      const count = state.users.filter((user) =>
        user.findings.some((finding) => finding.kind === kind),
      ).length;
      if (count === 0) continue;
      const { outcome, why, fix } = FINDINGS[kind];
      lines.push(
        '',
        `  ${kind} (${count} user${count === 1 ? '' : 's'}, ${OUTCOME_TEXT[outcome][0]})`,
        `    Why: ${why}`,
        `    Fix: ${fix}`,
      );
    }
  }
  return lines.join('\n');
}

function changesLine(state: MigrationState, tableName: string): string {
  const { planned, applied } = state.changes;
  const users = (n: number) => `${n} user${n === 1 ? '' : 's'}`;
  if (!state.apply) {
    return planned === 0
      ? 'Dry run: nothing was changed, and --apply would change nothing.'
      : `Dry run: nothing was changed. --apply would turn Cognito's own MFA off for ${users(planned)} (cognito_mfa below).`;
  }
  return applied === 0
    ? 'Nothing needed a change.'
    : `Turned Cognito's own MFA off for ${users(applied)}; each change is recorded (with how to undo it) as an AUDIT# item under the user in ${tableName}.`;
}
