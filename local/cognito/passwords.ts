/**
 * Password rules and storage. The pool never keeps a password: it keeps the SRP verifier (what
 * SRP sign-ins need) and a scrypt hash (for the calls that send a password in clear:
 * ChangePassword's previous password and USER_PASSWORD_AUTH when a client allows it).
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { invalidParameter, invalidPassword } from './errors';
import type { PasswordPolicy } from './settings';
import { createVerifier } from './srp';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number },
) => Promise<Buffer>;

const SCRYPT = { N: 16384, r: 8, p: 1 };
const SYMBOLS = '^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+-';

export interface StoredPassword {
  salt: string;
  verifier: string;
  /** `scrypt$N$r$p$salt$hash`, base64 parts. */
  hash: string;
  setAt: number;
  /** Set by AdminCreateUser / AdminSetUserPassword(Permanent: false): must be changed at sign-in. */
  temporary: boolean;
}

/**
 * Cognito's checks, in Cognito's wording: first the request constraint (no leading or trailing
 * whitespace, at most 256 characters), then the pool's policy.
 */
export function checkPassword(password: string, policy: PasswordPolicy, member = 'password'): void {
  if (password.length === 0 || password.length > 256 || !/^\S(.*\S)?$/s.test(password)) {
    throw invalidParameter(
      `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$`,
    );
  }
  const failure = policyFailure(password, policy);
  if (failure) throw invalidPassword(`Password did not conform with policy: ${failure}`);
}

/** The first rule of the policy the password breaks, or `undefined`. Pure. */
export function policyFailure(password: string, policy: PasswordPolicy): string | undefined {
  if ([...password].length < policy.minimumLength) return 'Password not long enough';
  if (policy.requireUppercase && !/[A-Z]/.test(password)) return 'Password must have uppercase characters';
  if (policy.requireLowercase && !/[a-z]/.test(password)) return 'Password must have lowercase characters';
  if (policy.requireNumbers && !/[0-9]/.test(password)) return 'Password must have numeric characters';
  if (policy.requireSymbols && ![...password].some((c) => SYMBOLS.includes(c) || c === ' ')) {
    return 'Password must have symbol characters';
  }
  return undefined;
}

export async function storePassword(
  poolName: string,
  userIdForSrp: string,
  password: string,
  options: { now: number; temporary: boolean },
): Promise<StoredPassword> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, SCRYPT);
  return {
    ...createVerifier(poolName, userIdForSrp, password),
    hash: ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), hash.toString('base64')].join(
      '$',
    ),
    setAt: options.now,
    temporary: options.temporary,
  };
}

/** Constant-time check of a clear password against the stored scrypt hash. */
export async function passwordMatches(
  stored: Pick<StoredPassword, 'hash'>,
  password: string,
): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.hash.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}

/** Spends the same time as `passwordMatches` for a user that does not exist. */
export async function decoyPasswordCheck(password: string): Promise<false> {
  await scryptAsync(password, randomBytes(16), 32, SCRYPT);
  return false;
}

/** A temporary password that satisfies the policy (AdminCreateUser without TemporaryPassword). */
export function generateTemporaryPassword(policy: PasswordPolicy): string {
  const classes = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '!#%*+=?@^_-'];
  const all = classes.join('');
  const chars = classes.map(pick);
  while (chars.length < Math.max(policy.minimumLength, 12)) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)] as string;
}
