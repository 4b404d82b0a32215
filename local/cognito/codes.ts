/**
 * One-time codes Cognito sends (sign-up confirmation, password reset, attribute verification):
 * six random digits, kept only as an HMAC, limited in time and in wrong guesses.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import {
  ATTEMPTS_EXCEEDED,
  codeMismatch,
  EXPIRED_CODE,
  expiredCode,
  INVALID_CODE,
  limitExceeded,
} from './errors';

export interface StoredCode {
  hash: string;
  expiresAt: number;
  failures: number;
  /** The attribute the code was sent to (`email`, `phone_number`): confirming it verifies that attribute. */
  attribute?: string | undefined;
}

/** Wrong guesses allowed on one code before it is void. */
export const MAX_CODE_FAILURES = 5;

export function newCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

export function storeCode(
  code: string,
  secret: Buffer,
  expiresAt: number,
  attribute?: 'email' | 'phone_number',
): StoredCode {
  return { hash: digest(code, secret), expiresAt, failures: 0, attribute };
}

/**
 * Checks a submitted code and counts a wrong one on `stored` (the caller saves it). Throws
 * Cognito's errors: CodeMismatchException, ExpiredCodeException, LimitExceededException.
 */
export function consumeCode(
  stored: StoredCode | undefined,
  submitted: string,
  secret: Buffer,
  now: number,
): void {
  if (!stored) throw codeMismatch(INVALID_CODE);
  if (stored.failures >= MAX_CODE_FAILURES) throw limitExceeded(ATTEMPTS_EXCEEDED);
  if (now > stored.expiresAt) throw expiredCode(EXPIRED_CODE);
  const expected = Buffer.from(stored.hash, 'hex');
  const actual = Buffer.from(digest(submitted, secret), 'hex');
  if (!timingSafeEqual(expected, actual)) {
    stored.failures += 1;
    throw codeMismatch(INVALID_CODE);
  }
}

function digest(code: string, secret: Buffer): string {
  return createHmac('sha256', secret).update(code).digest('hex');
}
