/**
 * `users audit`: a user's whole audit trail, newest first: the security events (phone bound,
 * changed or reset, recovery codes used or renewed, lockouts, suspensions) and the operators'
 * changes (`migrate --apply`), each with every field it was stored with. Records expire after
 * AUDIT_TTL_DAYS (docs/operations.md, "The audit trail").
 */
import { AUDIT_TTL_DAYS } from '#shared/auth-state/keys';
import { formatJson, formatTable } from '../lib/output';
import type { Command } from '../lib/run';
import { userOptions, withUser } from './target';
import { type AuditEntry, trailColumns, trailEntries } from './trail';

/** The most `--limit` accepts: far beyond any real trail, low enough to bound a typo's read. */
export const AUDIT_LIMIT_MAX = 100_000;

export function auditText(email: string, entries: readonly AuditEntry[], limit?: number): string {
  if (entries.length === 0) return `No audit records for ${email} (records are kept ${AUDIT_TTL_DAYS} days).`;
  const more =
    limit !== undefined && entries.length >= limit ? ` (the newest ${limit}; --limit for more)` : '';
  return `${formatTable(trailColumns, entries)}\n${entries.length} record${entries.length === 1 ? '' : 's'}${more}, newest first.`;
}

export const auditCommand: Command = {
  summary: "List a user's audit trail, newest first: security events and operators' changes",
  usage: '--email EMAIL [--limit N]',
  details:
    `Reads every AUDIT# record under the user in the auth-state table (kept ${AUDIT_TTL_DAYS} days).\n` +
    'Text: one row per record (DETAILS holds every field without its own column, EXPIRES the day\n' +
    'DynamoDB may delete it). --json: every field of each record but its keys.',
  options: {
    ...userOptions,
    limit: {
      type: 'string',
      valueName: 'N',
      description: `Only the newest N records (1-${AUDIT_LIMIT_MAX}; default: all)`,
    },
  },
  run: async (context) => {
    const { options } = context;
    const limit =
      options.string('limit') === undefined
        ? undefined
        : options.integer('limit', { min: 1, max: AUDIT_LIMIT_MAX, fallback: AUDIT_LIMIT_MAX });
    const { user, entries } = await withUser(context, async (session) => ({
      user: session.user,
      entries: await trailEntries(session, session.user.sub, limit).catch((error: unknown) => {
        throw session.fail(error, 'dynamodb');
      }),
    }));
    context.print(
      options.flag('json')
        ? formatJson({ email: user.email, sub: user.sub, records: entries })
        : auditText(user.email, entries, limit),
    );
  },
};
