/**
 * The server side of SRP-6a as Cognito runs it (the variant amazon-cognito-identity-js and
 * Amplify implement on the client):
 * - the 3072-bit MODP group of RFC 3526 (Node's `modp15`), g = 2, SHA-256, k = H(N | g);
 * - numbers are hashed as "padded hex": the shortest even-length hex, with `00` in front when the
 *   top bit is set (Java's BigInteger.toByteArray);
 * - x = H(salt | H(poolName | userIdForSrp | ":" | password)), verifier v = g^x;
 * - u = H(A | B); S = (A * v^u)^b; the key is HKDF-SHA256(S, salt u, info "Caldera Derived Key"),
 *   16 bytes;
 * - the client proves it with HMAC-SHA256(key, poolName | userIdForSrp | secretBlock | timestamp).
 *
 * The modular exponentiations run in OpenSSL through a DiffieHellman object (private key =
 * exponent): about a millisecond each with 256-bit exponents, ten times faster than BigInt. They
 * run on a worker thread (modpow.ts), so the functions that need one are asynchronous.
 */
import {
  createHash,
  createHmac,
  getDiffieHellman,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { ModPowRefused, powG, srpSecret } from './modpow';

const PRIME = getDiffieHellman('modp15').getPrime();
export const N = toBigInt(PRIME);
const G = 2n;
const INFO = Buffer.from('Caldera Derived Key', 'utf8');

export const K = toBigInt(hashHex(padHex(N) + padHex(G)));

/** Shortest even-length hex of a non-negative integer, `00`-prefixed when its top bit is set. */
export function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

export interface PasswordVerifier {
  /** Hex, as sent to the client in SALT. */
  salt: string;
  /** Hex of v = g^x mod N. */
  verifier: string;
}

export async function createVerifier(
  poolName: string,
  userIdForSrp: string,
  password: string,
): Promise<PasswordVerifier> {
  const salt = padHex(toBigInt(randomBytes(16)));
  return { salt, verifier: await verifierHex(poolName, userIdForSrp, password, salt) };
}

/** A verifier for a user that does not exist, stable per name so repeated tries look alike. */
export async function decoyVerifier(
  secret: Buffer,
  poolName: string,
  name: string,
): Promise<PasswordVerifier> {
  const salt = padHex(toBigInt(createHmac('sha256', secret).update(`salt:${name}`).digest().subarray(0, 16)));
  const password = createHmac('sha256', secret).update(`password:${name}`).digest('hex');
  return { salt, verifier: await verifierHex(poolName, name, password, salt) };
}

/**
 * Whether `password` is the one the verifier was made from: v' = g^x with the stored salt,
 * compared with v in constant time. What the calls that carry a password in clear
 * (ChangePassword's previous password, USER_PASSWORD_AUTH) check against.
 */
export async function verifierMatches(
  poolName: string,
  userIdForSrp: string,
  password: string,
  stored: PasswordVerifier,
): Promise<boolean> {
  const actual = toBigInt(await verifierHex(poolName, userIdForSrp, password, stored.salt));
  return timingSafeEqual(fixedWidth(actual), fixedWidth(toBigInt(stored.verifier)));
}

async function verifierHex(poolName: string, userIdForSrp: string, password: string, salt: string) {
  return (await powG(passwordExponent(poolName, userIdForSrp, password, salt))).toString(16);
}

function passwordExponent(poolName: string, userIdForSrp: string, password: string, salt: string): bigint {
  const inner = createHash('sha256').update(`${poolName}${userIdForSrp}:${password}`, 'utf8').digest('hex');
  return toBigInt(hashHex(padHex(toBigInt(salt)) + inner));
}

export interface ServerEphemeral {
  b: bigint;
  B: bigint;
}

/** B = k*v + g^b mod N, with a fresh 256-bit b. */
export async function serverEphemeral(verifierHex: string): Promise<ServerEphemeral> {
  const v = toBigInt(verifierHex);
  for (;;) {
    const b = toBigInt(randomBytes(32));
    if (b === 0n) continue;
    const B = (K * v + (await powG(b))) % N;
    if (B !== 0n) return { b, B };
  }
}

/** Parses the client's SRP_A; `undefined` for anything that is not usable (not hex, A mod N = 0). */
export function parseClientPublic(hex: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{1,1024}$/.test(hex)) return undefined;
  const A = toBigInt(hex);
  return A % N === 0n ? undefined : A;
}

/** The 16-byte key both sides derive; `undefined` when the numbers are degenerate. */
export async function sessionKey(input: {
  A: bigint;
  B: bigint;
  b: bigint;
  verifierHex: string;
}): Promise<Buffer | undefined> {
  const u = toBigInt(hashHex(padHex(input.A) + padHex(input.B)));
  if (u === 0n) return undefined;
  const v = toBigInt(input.verifierHex);
  try {
    const S = await srpSecret(input.A, v, u, input.b);
    return Buffer.from(
      hkdfSync('sha256', Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'), INFO, 16),
    );
  } catch (error) {
    // OpenSSL refuses bases of 0, 1 and N-1: no valid client produces them.
    if (error instanceof ModPowRefused) return undefined;
    throw error;
  }
}

/** HMAC-SHA256(key, poolName | userIdForSrp | secretBlock | timestamp), as the client computes it. */
export function claimSignature(
  key: Buffer,
  poolName: string,
  userIdForSrp: string,
  secretBlock: string,
  timestamp: string,
): Buffer {
  return createHmac('sha256', key)
    .update(Buffer.from(poolName, 'utf8'))
    .update(Buffer.from(userIdForSrp, 'utf8'))
    .update(Buffer.from(secretBlock, 'base64'))
    .update(Buffer.from(timestamp, 'utf8'))
    .digest();
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TIMESTAMP =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) UTC (\d{4})$/;

/** Parses `Tue Sep 25 00:09:40 UTC 2018` (epoch ms), or `undefined` if it is not that format or not a real date. */
export function parseClaimTimestamp(value: string): number | undefined {
  const match = TIMESTAMP.exec(value);
  if (!match) return undefined;
  const [, day, month, date, hours, minutes, seconds, year] = match;
  const monthIndex = MONTHS.indexOf(month ?? '');
  if (monthIndex < 0) return undefined;
  const ms = Date.UTC(
    Number(year),
    monthIndex,
    Number(date),
    Number(hours),
    Number(minutes),
    Number(seconds),
  );
  const parsed = new Date(ms);
  if (parsed.getUTCDate() !== Number(date) || DAYS[parsed.getUTCDay()] !== day) return undefined;
  return ms;
}

function hashHex(hex: string): string {
  return createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
}

function toBigInt(value: Buffer | string): bigint {
  const hex = typeof value === 'string' ? value : value.toString('hex');
  return hex.length === 0 ? 0n : BigInt(`0x${hex}`);
}

/** A number below N as exactly N's width in bytes (for constant-time comparison). */
function fixedWidth(value: bigint): Buffer {
  return Buffer.from(
    value
      .toString(16)
      .padStart(PRIME.length * 2, '0')
      .slice(-PRIME.length * 2),
    'hex',
  );
}
