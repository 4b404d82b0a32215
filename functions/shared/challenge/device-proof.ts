/**
 * Remembered devices (docs/protocol.md, "Remembered devices"): a device proves itself with an
 * ECDSA P-256 key pair whose private key never leaves it. The server keeps only the public key, so
 * nothing it stores can sign in on its own.
 *
 * - Register: `ClientMetadata.rememberDevice` = base64url of the public key's SPKI (DER) bytes, as
 *   WebCrypto's `exportKey('spki', …)` or Node's `export({ type: 'spki', format: 'der' })` give
 *   them; optional `ClientMetadata.deviceName` (at most 64 characters, shown in lists and emails).
 * - Device id: base64url SHA-256 of the SPKI bytes (43 characters), so the app knows it without a
 *   reply.
 * - Proof: the base64url ECDSA P-256 / SHA-256 signature in IEEE P1363 form (r || s, 64 bytes,
 *   what WebCrypto returns; Node: `dsaEncoding: 'ieee-p1363'`) over the UTF-8 bytes of
 *   `device-proof:<userPoolId>:<sub>:<challenge>`, the challenge being 32 random bytes, base64url.
 *   The pool and the user are in the signed text, so a proof made for one user or pool proves
 *   nothing for another.
 */
import { createHash, createPublicKey, type KeyObject, randomBytes, verify } from 'node:crypto';
import { InvalidClientMetadataError } from '#shared/errors';

/** base64url of 32 bytes: 43 characters, no padding. */
const B64URL_32 = /^[A-Za-z0-9_-]{43}$/;
/** base64url of 64 bytes (a P1363 P-256 signature): 86 characters, no padding. */
const B64URL_64 = /^[A-Za-z0-9_-]{86}$/;
/** A P-256 SPKI is 91 bytes (uncompressed point) or 59 (compressed); base64url, no padding. */
const SPKI_PATTERN = /^[A-Za-z0-9_-]{70,130}$/;
export const DEVICE_NAME_MAX = 64;
export const DEVICE_ID_PATTERN = B64URL_32;

export const deviceIdOf = (spki: Buffer): string => createHash('sha256').update(spki).digest('base64url');

/** A fresh challenge for a DEVICE_PROOF round: 32 random bytes, base64url. */
export const newDeviceChallenge = (): string => randomBytes(32).toString('base64url');

export const isDeviceChallenge = (value: unknown): value is string =>
  typeof value === 'string' && B64URL_32.test(value);

/** The exact text a device signs. */
export const deviceProofMessage = (userPoolId: string, sub: string, challenge: string): string =>
  `device-proof:${userPoolId}:${sub}:${challenge}`;

/** A public key the app offered, checked: an ECDSA P-256 SPKI, and its id. */
export interface DevicePublicKey {
  /** base64url SHA-256 of the SPKI bytes. */
  id: string;
  /** base64url SPKI (DER), as stored. */
  spki: string;
}

/**
 * The SPKI as an ECDSA P-256 public key, or why not. Only the canonical base64url of a DER SPKI of
 * curve P-256 is accepted: another curve, an RSA or Ed25519 key, a private key, PEM, padding,
 * stray bytes after the key or BER lengths all fail.
 */
export function parseDevicePublicKey(
  value: unknown,
): { ok: true; key: DevicePublicKey; keyObject: KeyObject } | { ok: false; reason: string } {
  if (typeof value !== 'string' || !SPKI_PATTERN.test(value))
    return { ok: false, reason: 'not_base64url_spki' };
  const der = Buffer.from(value, 'base64url');
  // Base64url decoding skips what it cannot read; the round trip proves the text was canonical.
  if (der.toString('base64url') !== value) return { ok: false, reason: 'not_base64url_spki' };
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    return { ok: false, reason: 'not_spki' };
  }
  if (keyObject.asymmetricKeyType !== 'ec' || keyObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    return { ok: false, reason: 'not_p256' };
  // OpenSSL also reads a key followed by stray bytes, or with BER lengths: each such text would be
  // one more id for the same key. Only the DER SPKI (what the key exports to) is taken.
  if (!keyObject.export({ type: 'spki', format: 'der' }).equals(der))
    return { ok: false, reason: 'not_der_spki' };
  return { ok: true, key: { id: deviceIdOf(der), spki: value }, keyObject };
}

/**
 * Does `signature` prove the device's private key signed this challenge for this user and pool?
 * Anything malformed is simply `false` (never an error that tells which check failed).
 */
export function verifyDeviceProof(input: {
  spki: string;
  userPoolId: string;
  sub: string;
  challenge: string;
  signature: unknown;
}): boolean {
  if (typeof input.signature !== 'string') return false;
  const text = input.signature.trim();
  if (!B64URL_64.test(text)) return false;
  if (!isDeviceChallenge(input.challenge)) return false;
  const parsed = parseDevicePublicKey(input.spki);
  if (!parsed.ok) return false;
  const signature = Buffer.from(text, 'base64url');
  // Only the canonical text of the 64 bytes (no spare bits set in the last character), as for the key.
  if (signature.length !== 64 || signature.toString('base64url') !== text) return false;
  try {
    return verify(
      'sha256',
      Buffer.from(deviceProofMessage(input.userPoolId, input.sub, input.challenge), 'utf8'),
      { key: parsed.keyObject, dsaEncoding: 'ieee-p1363' },
      signature,
    );
  } catch {
    return false;
  }
}

/** What an app asked to remember with its answer: the checked key and an optional name. */
export interface RememberRequest {
  key: DevicePublicKey;
  name?: string | undefined;
}

/**
 * `ClientMetadata.rememberDevice` (and `deviceName`) of this call: `undefined` when none is given;
 * a malformed key or name throws a short, clear error before anything is judged or written.
 */
export function readRememberDevice(
  clientMetadata: Record<string, string> | null | undefined,
): RememberRequest | undefined {
  const raw = clientMetadata?.rememberDevice;
  if (raw === undefined || raw === '') return undefined;
  const parsed = parseDevicePublicKey(raw);
  if (!parsed.ok)
    throw new InvalidClientMetadataError(
      'rememberDevice must be the base64url SPKI of an ECDSA P-256 public key',
      `remember_device_${parsed.reason}`,
    );
  const name = readDeviceName(clientMetadata?.deviceName);
  return { key: parsed.key, ...(name === undefined ? {} : { name }) };
}

/**
 * Control characters, line and paragraph separators, bidirectional controls (an override or an
 * isolate reorders the text after the name wherever it is shown: the security email, the users
 * CLI) and lone surrogates (not text: UTF-8 cannot encode them).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const NOT_IN_A_NAME = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Bidi_Control}\p{Cs}]/u;

/** Trimmed, 1..64 characters, none of NOT_IN_A_NAME; absent or empty: no name. */
function readDeviceName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const name = raw.normalize('NFC').trim();
  if (name === '') return undefined;
  if ([...name].length > DEVICE_NAME_MAX || NOT_IN_A_NAME.test(name))
    throw new InvalidClientMetadataError(
      `deviceName must be at most ${DEVICE_NAME_MAX} characters, without control characters`,
      'device_name_invalid',
    );
  return name;
}

/** `ClientMetadata.deviceId` of this call, when it is a well-formed device id; else `undefined`. */
export function readDeviceId(clientMetadata: Record<string, string> | null | undefined): string | undefined {
  const value = clientMetadata?.deviceId;
  return typeof value === 'string' && DEVICE_ID_PATTERN.test(value) ? value : undefined;
}
