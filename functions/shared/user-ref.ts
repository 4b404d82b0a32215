/**
 * What the logs say instead of a user name: a keyed hash of the pool and the name as typed, e.g.
 * `u_3f9c0a…` (16 hex characters). The name typed for an unknown user is often an email or a phone
 * number, and must not reach the logs; the hash still lets an operator follow one user's trail
 * (compute the same HMAC with the key: docs/two-factor.md, "Logs").
 *
 * The key is `LOG_HASH_KEY` (the `logHashKey` stage parameter, at least 32 characters). Unset, a
 * random key is drawn once per Lambda instance: nothing can be recovered from the logs, but lines
 * of different instances no longer match (docs/two-factor.md, "Logs").
 */

/**
 * `node:crypto` is loaded on the first hash, not at start: loading it costs ~6 ms of a cold start,
 * and a trigger whose invocation writes no line (Define's routine steps) never needs it.
 */
function crypto(): typeof import('node:crypto') {
  return require('node:crypto') as typeof import('node:crypto');
}

let key: Buffer | undefined;

function logHashKey(env: Record<string, string | undefined> = process.env): Buffer {
  const configured = env.LOG_HASH_KEY?.trim();
  return configured && configured.length >= 32 ? Buffer.from(configured, 'utf8') : crypto().randomBytes(32);
}

/** The keyed hash of `userName` in pool `userPoolId`. */
export function userRef(userPoolId: string, userName: string, hashKey?: string): string {
  if (hashKey === undefined) key ??= logHashKey();
  const secret = hashKey === undefined ? (key as Buffer) : Buffer.from(hashKey, 'utf8');
  return `u_${crypto().createHmac('sha256', secret).update(`${userPoolId}\n${userName}`, 'utf8').digest('hex').slice(0, 16)}`;
}
