/**
 * ListUsers' Filter: `"<attribute> = \"<value>\""` (exact) or `"<attribute> ^= \"<value>\""`
 * (prefix) over the attributes Cognito allows searching: username, email, phone_number, name,
 * given_name, family_name, preferred_username, cognito:user_status (also as `status` for
 * Enabled/Disabled) and sub. Pure.
 */
import { invalidParameter } from './errors';
import type { UserRecord } from './store';

const FILTER = /^\s*([a-z_:]+)\s*(=|\^=)\s*"((?:[^"\\]|\\.)*)"\s*$/;
const SEARCHABLE = new Set([
  'username',
  'email',
  'phone_number',
  'name',
  'given_name',
  'family_name',
  'preferred_username',
  'cognito:user_status',
  'status',
  'sub',
]);

export type UserFilter = (user: UserRecord) => boolean;

export function parseFilter(filter: string | undefined, caseSensitive: boolean): UserFilter {
  if (filter === undefined || filter.trim() === '') return () => true;
  const match = FILTER.exec(filter);
  const [, attribute = '', operator, rawValue = ''] = match ?? [];
  if (!match || !SEARCHABLE.has(attribute)) throw invalidParameter('Invalid search filter');
  const value = rawValue.replace(/\\(.)/g, '$1');
  const insensitive = !caseSensitive && (attribute === 'username' || attribute === 'email');
  const wanted = insensitive ? value.toLowerCase() : value;
  const test =
    operator === '=' ? (actual: string) => actual === wanted : (actual: string) => actual.startsWith(wanted);
  return (user) => {
    const actual = read(user, attribute);
    if (actual === undefined) return false;
    return test(insensitive ? actual.toLowerCase() : actual);
  };
}

function read(user: UserRecord, attribute: string): string | undefined {
  switch (attribute) {
    case 'username':
      return user.userName;
    case 'cognito:user_status':
      return user.status;
    case 'status':
      return user.enabled ? 'Enabled' : 'Disabled';
    default:
      return user.attributes[attribute];
  }
}
