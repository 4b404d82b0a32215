/**
 * One-time SMS codes: generation, hashing at rest and the constant-time check.
 *
 * A code of n digits is `crypto.randomInt(0, 10 ** n)` written with leading zeros: randomInt's
 * upper bound is exclusive, so every one of the 10^n values (000000 … 999999) is equally likely.
 *
 * Only `HMAC-SHA256(salt, code)` is stored, with 16 random bytes of salt per code. With 10^6
 * possible codes a hash cannot make a stolen record safe against brute force; what it does is
 * keep codes out of clear text wherever the record travels (console, backups, exports) and make
 * two records with the same code look different. The real protections are the short expiry, the
 * wrong-code limit per sign-in (Define) and the lockout across sign-ins, and that a code works
 * only with the password proven in the same sign-in, all enforced server-side.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export interface HashedCode {
  /** Hex HMAC-SHA256 of the code, keyed with `salt`. */
  codeHash: string;
  /** Hex, 16 random bytes. */
  salt: string;
}

export function generateCode(length: number): string {
  if (!Number.isInteger(length) || length < 4 || length > 10)
    throw new RangeError('code length must be 4..10');
  return String(randomInt(0, 10 ** length)).padStart(length, '0');
}

export function hashCode(code: string, salt: string = randomBytes(16).toString('hex')): HashedCode {
  return {
    codeHash: createHmac('sha256', Buffer.from(salt, 'hex')).update(code, 'utf8').digest('hex'),
    salt,
  };
}

/** What a user typed, trimmed; `undefined` unless it is exactly `length` ASCII digits. */
export function normaliseCodeAnswer(answer: string, length: number): string | undefined {
  const trimmed = answer.trim();
  return trimmed.length === length && /^[0-9]+$/.test(trimmed) ? trimmed : undefined;
}

/** Constant-time comparison of a (normalised) answer with a stored hash. */
export function codeMatches(answer: string, stored: HashedCode): boolean {
  const expected = Buffer.from(stored.codeHash, 'hex');
  const actual = Buffer.from(hashCode(answer, stored.salt).codeHash, 'hex');
  return expected.length === 32 && actual.length === expected.length && timingSafeEqual(actual, expected);
}
