/**
 * Password rules and storage. The pool never keeps a password: it keeps the SRP verifier and its
 * salt (v = g^x, x = H(salt | H(poolName | userIdForSrp | ":" | password))), which is all SRP
 * sign-ins need. The calls that carry a password in clear
 * (ChangePassword's previous password, USER_PASSWORD_AUTH when a client allows it) are checked
 * against the same verifier: g^x is computed again with the stored salt and compared in constant
 * time.
 *
 * There is no second, slower hash (scrypt) beside the verifier: anyone holding the stored data can
 * test guesses against the verifier at one SHA-256 and one modular exponentiation each, so a slow
 * hash next to it would protect nothing, and it cost ~40-50 ms of CPU for every new password. Persist
 * files written before carry a `hash` member per password; it is dropped when they are loaded.
 */
import { randomInt } from 'node:crypto';
import { invalidParameter, invalidPassword } from './errors';
import type { PasswordPolicy } from './settings';
import { createVerifier, type PasswordVerifier, verifierMatches } from './srp';

const SYMBOLS = '^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+-';

export interface StoredPassword extends PasswordVerifier {
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
  return {
    ...(await createVerifier(poolName, userIdForSrp, password)),
    setAt: options.now,
    temporary: options.temporary,
  };
}

/** Constant-time check of a clear password against the user's stored verifier. */
export function passwordMatches(
  poolName: string,
  userIdForSrp: string,
  stored: PasswordVerifier,
  password: string,
): Promise<boolean> {
  return verifierMatches(poolName, userIdForSrp, password, stored);
}

/** Spends the same work as `passwordMatches` for a user that does not exist. */
export async function decoyPasswordCheck(poolName: string, name: string, password: string): Promise<false> {
  await createVerifier(poolName, name, password);
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
