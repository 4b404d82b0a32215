/** The `userAttributes` map Cognito puts in trigger events for an existing user. */
import type { Attributes } from './attributes';
import type { UserRecord } from './store';

export function userAttributesForEvent(user: UserRecord): Attributes {
  return { ...user.attributes, 'cognito:user_status': user.status };
}
