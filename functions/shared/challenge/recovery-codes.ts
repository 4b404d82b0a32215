/**
 * Recovery codes: generation, the form users type, and the hash kept at rest.
 *
 * A code is 12 characters of Crockford's base32 alphabet (digits and letters without I, L, O, U),
 * 5 bits each: 60 random bits, drawn with `crypto.randomInt` so every character is uniform. Shown
 * in groups of four (`7KQ2-M9XD-4RTB`) for typing; read back forgivingly: any case, spaces and
 * dashes ignored, and the look-alikes O -> 0, I and L -> 1 mapped as Crockford's alphabet says.
 *
 * Only `HMAC-SHA256("recovery:<sub>", code)` is stored. 60 bits make an offline search of a
 * stolen table cost about 2^59 hashes per code, and the per-user key means no work is shared
 * between users; online, a wrong code is a wrong answer like a wrong SMS code (the per-sign-in
 * limit and the lockout). Hashes are compared by DynamoDB (`contains` on the set), which is not
 * constant-time, but what it compares is an HMAC the attacker cannot steer: timing tells nothing
 * about any code.
 */
import { createHmac, randomInt } from 'node:crypto';

export const RECOVERY_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECOVERY_CODE_CHARACTERS = 12;
/** Bits of one code: 12 characters of a 32-letter alphabet. */
export const RECOVERY_CODE_BITS = RECOVERY_CODE_CHARACTERS * 5;

export interface RecoverySet {
  /** As shown to the user, grouped. */
  codes: string[];
  /** `recoveryCodeHash` of each, in the same order. */
  hashes: string[];
}

export function generateRecoveryCode(): string {
  let raw = '';
  for (let i = 0; i < RECOVERY_CODE_CHARACTERS; i++) raw += RECOVERY_ALPHABET[randomInt(0, 32)];
  return formatRecoveryCode(raw);
}

/** `7KQ2M9XD4RTB` -> `7KQ2-M9XD-4RTB`. */
export function formatRecoveryCode(raw: string): string {
  return raw.match(/.{1,4}/g)?.join('-') ?? raw;
}

/**
 * What a user typed -> the 12 canonical characters, or `undefined` when it cannot be a code (too
 * long before cleaning, wrong length, a character outside the alphabet).
 */
export function normaliseRecoveryCode(answer: string): string | undefined {
  // ASCII only, before any case change: `ß`.toUpperCase() is `SS`, `ı` becomes `I`.
  if (answer.length > 64 || !/^[0-9A-Za-z\s-]*$/.test(answer)) return undefined;
  const cleaned = answer.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (cleaned.length !== RECOVERY_CODE_CHARACTERS) return undefined;
  for (const char of cleaned) if (!RECOVERY_ALPHABET.includes(char)) return undefined;
  return cleaned;
}

/** The hash kept at rest (hex): keyed per user, of the canonical characters. */
export function recoveryCodeHash(sub: string, canonical: string): string {
  return createHmac('sha256', `recovery:${sub}`).update(canonical, 'utf8').digest('hex');
}

/** A new set of `count` distinct codes for `sub`. */
export function newRecoverySet(sub: string, count: number): RecoverySet {
  const codes = new Set<string>();
  while (codes.size < count) codes.add(generateRecoveryCode());
  const shown = [...codes];
  return {
    codes: shown,
    hashes: shown.map((code) => recoveryCodeHash(sub, normaliseRecoveryCode(code) as string)),
  };
}

/** Codes in one set (the 10: enough for years of lost phones, few enough to print). */
export const RECOVERY_CODE_COUNT = 10;
