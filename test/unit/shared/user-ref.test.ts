/**
 * The keyed hash logged instead of a user name (`user` on every line): stable for one key, so an
 * operator can follow one user's trail, and nothing of the name can be read back from it.
 */
import { createHmac } from 'node:crypto';
import { userRef } from '#shared/user-ref';
import { loadIsolated } from './isolated';

const POOL = 'us-east-1_EXAMPLE1';
const KEY = 'k'.repeat(32);

test('u_ and 16 hex characters of HMAC-SHA256(key, pool + newline + name)', () => {
  const expected = createHmac('sha256', KEY).update(`${POOL}\nada@example.com`).digest('hex').slice(0, 16);
  expect(userRef(POOL, 'ada@example.com', KEY)).toBe(`u_${expected}`);
});

test('the same name gives the same ref; another name, pool or key another one', () => {
  const ref = userRef(POOL, 'ada@example.com', KEY);
  expect(userRef(POOL, 'ada@example.com', KEY)).toBe(ref);
  expect(userRef(POOL, 'Ada@example.com', KEY)).not.toBe(ref);
  expect(userRef('eu-west-1_OTHER', 'ada@example.com', KEY)).not.toBe(ref);
  expect(userRef(POOL, 'ada@example.com', 'x'.repeat(32))).not.toBe(ref);
});

test('without a key (no secret to guess), the name cannot be confirmed by hashing guesses', () => {
  const unkeyed = createHmac('sha256', '').update(`${POOL}\nada@example.com`).digest('hex').slice(0, 16);
  expect(userRef(POOL, 'ada@example.com')).not.toBe(`u_${unkeyed}`);
  expect(userRef(POOL, 'ada@example.com')).not.toContain('ada');
});

/** A fresh module (a new Lambda instance) whose first ref is computed with LOG_HASH_KEY set. */
function instanceRef(key: string | undefined, name: string): string {
  const previous = process.env.LOG_HASH_KEY;
  if (key === undefined) delete process.env.LOG_HASH_KEY;
  else process.env.LOG_HASH_KEY = key;
  try {
    const fresh = loadIsolated(
      {},
      () => (require('#shared/user-ref') as typeof import('#shared/user-ref')).userRef,
    );
    return fresh(POOL, name);
  } finally {
    if (previous === undefined) delete process.env.LOG_HASH_KEY;
    else process.env.LOG_HASH_KEY = previous;
  }
}

test('LOG_HASH_KEY (32 characters or more) is the key: lines of different instances match', () => {
  expect(instanceRef(KEY, '+12015550123')).toBe(userRef(POOL, '+12015550123', KEY));
  expect(instanceRef(KEY, '+12015550123')).toBe(instanceRef(KEY, '+12015550123'));
});

test.each([
  ['shorter than 32 characters', 'short-key'],
  ['unset', undefined],
])('a LOG_HASH_KEY %s is not used: a random key per instance instead', (_label, key) => {
  const first = instanceRef(key, 'ada@example.com');
  if (key) expect(first).not.toBe(userRef(POOL, 'ada@example.com', key));
  expect(first).toMatch(/^u_[0-9a-f]{16}$/);
  expect(instanceRef(key, 'ada@example.com')).not.toBe(first);
});
