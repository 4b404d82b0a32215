/**
 * The client side of Cognito's SRP (the PASSWORD_VERIFIER answer), for the load generator.
 *
 * Same math as amazon-cognito-identity-js's AuthenticationHelper, with the three 3072-bit modular
 * exponentiations done by OpenSSL (a node:crypto DiffieHellman object over RFC 3526's group,
 * `modp15`, whose private key is the exponent) instead of pure-JS big integers. A generator built
 * on the library would spend ~10x more CPU per sign-in than the server it loads and measure itself.
 * `crossCheck` (bench/stack/cross-check.ts) proves the two agree before any load is run, and the
 * local pool proves it again on every sign-in by accepting the signature.
 *
 *   k = H(N | g), u = H(A | B), x = H(salt | H(poolName | userId | ":" | password))
 *   S = (B - k * g^x) ^ (a + u * x) mod N
 *   key = HKDF-SHA256(S, salt = u, info = "Caldera Derived Key"), 16 bytes
 *   signature = HMAC-SHA256(key, poolName | userId | secretBlock | timestamp)
 *
 * Numbers are hashed as Cognito's "padded hex" (even length, `00` in front when the top bit is
 * set). g^x depends only on the user, salt and password, so it is kept per user: a real client
 * recomputes it, which would only add one exponentiation per sign-in to the generator's side.
 */
import {
  createDiffieHellman,
  createHash,
  createHmac,
  getDiffieHellman,
  hkdfSync,
  randomBytes,
} from 'node:crypto';

const PRIME = getDiffieHellman('modp15').getPrime();
export const N = toBigInt(PRIME);
const G = 2n;
const K = toBigInt(hashHex(padHex(N) + padHex(G)));
const INFO = Buffer.from('Caldera Derived Key', 'utf8');
const engine = createDiffieHellman(PRIME, Buffer.from([2]));

export function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

export interface Ephemeral {
  a: bigint;
  A: bigint;
}

/** A fresh client ephemeral: a (256 random bits) and A = g^a mod N. */
export function newEphemeral(): Ephemeral {
  for (;;) {
    const a = toBigInt(randomBytes(32));
    if (a === 0n) continue;
    const A = modPowG(a);
    if (A % N !== 0n) return { a, A };
  }
}

/** The ephemeral for a given `a` (the cross-check feeds both clients the same one). */
export function ephemeralFrom(a: bigint): Ephemeral {
  return { a, A: modPowG(a) };
}

const gxCache = new Map<string, { x: bigint; gx: bigint }>();

/** The 16-byte key of this sign-in. */
export function passwordKey(input: {
  poolName: string;
  userIdForSrp: string;
  password: string;
  saltHex: string;
  srpBHex: string;
  ephemeral: Ephemeral;
  cache?: boolean;
}): Buffer {
  const B = toBigInt(input.srpBHex);
  if (B % N === 0n) throw new Error('SRP_B is zero mod N');
  const { a, A } = input.ephemeral;
  const u = toBigInt(hashHex(padHex(A) + padHex(B)));
  if (u === 0n) throw new Error('u is zero');
  const cacheKey = `${input.poolName}\n${input.userIdForSrp}\n${input.saltHex}\n${input.password}`;
  let secret = input.cache === false ? undefined : gxCache.get(cacheKey);
  if (!secret) {
    const inner = createHash('sha256')
      .update(`${input.poolName}${input.userIdForSrp}:${input.password}`, 'utf8')
      .digest('hex');
    const x = toBigInt(hashHex(padHex(toBigInt(input.saltHex)) + inner));
    secret = { x, gx: modPowG(x) };
    if (input.cache !== false) gxCache.set(cacheKey, secret);
  }
  const base = (((B - K * secret.gx) % N) + N) % N;
  const S = modPow(base, a + u * secret.x);
  return Buffer.from(
    hkdfSync('sha256', Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'), INFO, 16),
  );
}

/** PASSWORD_CLAIM_SIGNATURE (base64). */
export function claimSignature(
  key: Buffer,
  poolName: string,
  userIdForSrp: string,
  secretBlock: string,
  timestamp: string,
): string {
  return createHmac('sha256', key)
    .update(Buffer.from(poolName, 'utf8'))
    .update(Buffer.from(userIdForSrp, 'utf8'))
    .update(Buffer.from(secretBlock, 'base64'))
    .update(Buffer.from(timestamp, 'utf8'))
    .digest('base64');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Tue Sep 25 00:09:40 UTC 2018`: UTC, day of month not zero-padded. */
export function cognitoTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`
  );
}

function modPowG(exponent: bigint): bigint {
  engine.setPrivateKey(toBuffer(exponent));
  engine.generateKeys();
  return toBigInt(engine.getPublicKey());
}

function modPow(base: bigint, exponent: bigint): bigint {
  engine.setPrivateKey(toBuffer(exponent));
  return toBigInt(engine.computeSecret(toBuffer(base)));
}

function hashHex(hex: string): string {
  return createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
}

export function toBigInt(value: Buffer | string): bigint {
  const hex = typeof value === 'string' ? value : value.toString('hex');
  return hex.length === 0 ? 0n : BigInt(`0x${hex}`);
}

function toBuffer(value: bigint): Buffer {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex');
}
