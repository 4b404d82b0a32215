/**
 * A user's audit trail as the users CLI reads it: the `USER#<sub>` / `AUDIT#<ISO at>#<action>`
 * items of the auth-state table (#shared/auth-state/keys: the security events the triggers and
 * the commands write, devices remembered and revoked included, and the changes `migrate --apply`
 * makes), newest first, one Query page at a
 * time (sort key descending, so the newest come first and a limit stops the reading early).
 * Also how `show` and `audit` print an entry.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AUDIT_SK_PREFIX, SECURITY_EVENTS, type SecurityEventKind, userPk } from '#shared/auth-state/keys';
import { type Column, formatTime } from '../lib/output';

/** One audit record: every attribute of the item but its keys (`pk`, `sk`), as stored. */
export interface AuditEntry {
  /** ISO-8601 (from the item, else from its sort key). */
  at: string;
  action: string;
  by?: string | undefined;
  reason?: string | undefined;
  [field: string]: unknown;
}

/** The fields every trail table shows in their own column; the rest go to DETAILS. */
const OWN_COLUMNS = new Set(['at', 'action', 'by', 'reason', 'ttl']);

export interface TrailReader {
  dynamodb: DynamoDBDocumentClient;
  tableName: string;
}

/**
 * The user's audit records, newest first, page by page (strongly consistent: a record written a
 * moment ago by another command is there). `pageSize` caps each Query; the caller stops iterating
 * when it has read enough.
 */
export async function* readTrail(
  reader: TrailReader,
  sub: string,
  pageSize = 100,
): AsyncGenerator<AuditEntry, void, undefined> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await reader.dynamodb.send(
      new QueryCommand({
        TableName: reader.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': userPk(sub), ':audit': AUDIT_SK_PREFIX },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: pageSize,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) yield auditEntry(item);
    start = page.LastEvaluatedKey;
  } while (start);
}

/** The first `limit` records of the trail (all of them without a limit), newest first. */
export async function trailEntries(
  reader: TrailReader,
  sub: string,
  limit?: number | undefined,
): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  if (limit !== undefined && limit <= 0) return entries;
  for await (const entry of readTrail(reader, sub, Math.min(limit ?? 100, 100))) {
    entries.push(entry);
    if (limit !== undefined && entries.length >= limit) break;
  }
  return entries;
}

/** An item without its keys, with sets as sorted lists (so it prints as JSON). */
export function auditEntry(stored: object): AuditEntry {
  const item = stored as Record<string, unknown>;
  const sk = typeof item.sk === 'string' ? item.sk : '';
  // `AUDIT#<ISO at>#<action>`: the ISO time holds no `#`.
  const [, skAt = '', ...skAction] = sk.split('#');
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name === 'pk' || name === 'sk') continue;
    fields[name] = plain(value);
  }
  return {
    ...fields,
    at: typeof item.at === 'string' ? item.at : skAt,
    action: typeof item.action === 'string' ? item.action : skAction.join('#'),
  };
}

function plain(value: unknown): unknown {
  if (value instanceof Set) return [...value].map(plain).sort();
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
  }
  return value;
}

export function isSecurityEvent(entry: AuditEntry): entry is AuditEntry & { action: SecurityEventKind } {
  return (SECURITY_EVENTS as readonly string[]).includes(entry.action);
}

/**
 * A value fit for one cell of a terminal table: control characters (escape sequences) and the
 * bidirectional overrides that reorder what follows them (a device's name is the app's words)
 * shown as `?`.
 */
export function cell(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.replace(/[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu, '?');
}

/** Every field a table has no own column for, as `name=value` pairs in the stored order. */
export function details(entry: AuditEntry): string | undefined {
  const pairs = Object.entries(entry)
    .filter(([name, value]) => !OWN_COLUMNS.has(name) && value !== undefined)
    .map(([name, value]) => `${name}=${cell(value) ?? '""'}`);
  return pairs.length > 0 ? pairs.join(' ') : undefined;
}

/** `ttl` (epoch seconds) as the day DynamoDB may delete the record. */
export function expiryDay(entry: AuditEntry): string | undefined {
  const ttl = entry.ttl;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl)) return undefined;
  return new Date(ttl * 1000).toISOString().slice(0, 10);
}

/** TIME, ACTION, BY, REASON: the columns `show` lists security events with. */
export const eventColumns: Column<AuditEntry>[] = [
  { header: 'time', value: (entry) => formatTime(cell(entry.at)) },
  { header: 'action', value: (entry) => cell(entry.action) },
  { header: 'by', value: (entry) => cell(entry.by) },
  { header: 'reason', value: (entry) => cell(entry.reason) },
];

/** `audit`'s columns: those of `show`, every other field, and when the record expires. */
export const trailColumns: Column<AuditEntry>[] = [
  ...eventColumns,
  { header: 'details', value: details },
  { header: 'expires', value: expiryDay },
];
