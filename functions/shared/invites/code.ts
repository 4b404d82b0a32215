/**
 * Invite codes: 80 random bits written as 16 Crockford base32 characters in groups of four
 * (`7K2M-QX9D-4HTV-B8RW`). Crockford's alphabet drops I, L, O and U, so a code read aloud or
 * copied by hand survives: input is upper-cased, separators and spaces are ignored, and the
 * look-alikes I/L -> 1 and O -> 0 are folded before hashing.
 *
 * Only a SHA-256 hash of the canonical code is stored. The code is a random 80-bit secret, not a
 * human-chosen password, so a fast hash is enough: no dictionary exists to try against it.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 16; // 16 x 5 bits = 80 bits of entropy
const GROUP = 4;

export function generateInviteCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) {
    if (i > 0 && i % GROUP === 0) code += '-';
    // randomInt's upper bound is exclusive: [0, 32) covers every character uniformly.
    code += CODE_ALPHABET[randomInt(0, CODE_ALPHABET.length)];
  }
  return code;
}

/** The canonical form of what a user typed, or `undefined` if it cannot be a code. */
export function canonicalInviteCode(input: string): string | undefined {
  const canonical = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (canonical.length !== CODE_LENGTH) return undefined;
  for (const char of canonical) if (!CODE_ALPHABET.includes(char)) return undefined;
  return canonical;
}

export function hashInviteCode(canonicalCode: string): string {
  return createHash('sha256').update(canonicalCode, 'utf8').digest('hex');
}

/**
 * Constant-time comparison of two hex hashes of equal length. A stored hash comes from DynamoDB
 * and may be anything: a value that is not a string never matches (rather than a TypeError).
 */
export function hashesEqual(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
