/**
 * The remembered device's signature check (device-proof.ts) with vectors made the two ways an app
 * makes them: WebCrypto (`crypto.subtle`, what a browser has; its ECDSA signatures are IEEE P1363)
 * and Node's crypto (`dsaEncoding: 'ieee-p1363'`). Everything else a client could send is refused:
 * another curve or key type, a DER signature, a signature over another user's, pool's or round's
 * text, and any text that is not the canonical base64url of the right number of bytes.
 */
import { createHash, generateKeyPairSync, type KeyObject, sign, webcrypto } from 'node:crypto';
import {
  DEVICE_NAME_MAX,
  deviceIdOf,
  deviceProofMessage,
  isDeviceChallenge,
  newDeviceChallenge,
  parseDevicePublicKey,
  readDeviceId,
  readRememberDevice,
  verifyDeviceProof,
} from '#shared/challenge/device-proof';
import { InvalidClientMetadataError } from '#shared/errors';

const POOL = 'us-east-1_EXAMPLE1';
const SUB = '8f3c2b1a-5d4e-4f60-9a7b-1c2d3e4f5a6b';
const OTHER_SUB = '0b9e8d7c-6f5a-4e3d-8c2b-1a0f9e8d7c6b';
const CHALLENGE = newDeviceChallenge();

interface Device {
  spki: string;
  /** base64url signature of `text` (P1363 unless the device says otherwise). */
  sign(text: string): Promise<string>;
}

/** A device as a browser app makes it: WebCrypto, the private key non-extractable. */
async function webCryptoDevice(): Promise<Device & { id: string }> {
  const { subtle } = webcrypto;
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const spki = Buffer.from(await subtle.exportKey('spki', pair.publicKey));
  return {
    spki: spki.toString('base64url'),
    // The id as the app computes it, with WebCrypto's own digest.
    id: Buffer.from(await subtle.digest('SHA-256', spki)).toString('base64url'),
    sign: async (text) =>
      Buffer.from(
        await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, Buffer.from(text, 'utf8')),
      ).toString('base64url'),
  };
}

/** A device made with Node's crypto, signing with the given encoding (P1363 is the protocol's). */
function nodeDevice(
  options: Parameters<typeof generateKeyPairSync>[1] = { namedCurve: 'prime256v1' },
  type: 'ec' | 'rsa' | 'ed448' = 'ec',
  dsaEncoding: 'ieee-p1363' | 'der' = 'ieee-p1363',
): Device & { privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync(type as 'ec', options as { namedCurve: string });
  return {
    spki: publicKey.export({ type: 'spki', format: 'der' }).toString('base64url'),
    privateKey,
    sign: async (text) =>
      sign(type === 'ed448' ? null : 'sha256', Buffer.from(text, 'utf8'), {
        key: privateKey,
        dsaEncoding,
      }).toString('base64url'),
  };
}

const proofText = (challenge = CHALLENGE, sub = SUB, pool = POOL) => deviceProofMessage(pool, sub, challenge);
const verifies = (
  device: Pick<Device, 'spki'>,
  signature: unknown,
  over: Partial<{ sub: string; pool: string; challenge: string }> = {},
) =>
  verifyDeviceProof({
    spki: device.spki,
    userPoolId: over.pool ?? POOL,
    sub: over.sub ?? SUB,
    challenge: over.challenge ?? CHALLENGE,
    signature,
  });

describe('the proof text and the challenge', () => {
  test('the signed text is device-proof:<userPoolId>:<sub>:<challenge>, UTF-8', () => {
    expect(deviceProofMessage(POOL, SUB, 'abc')).toBe(`device-proof:${POOL}:${SUB}:abc`);
  });

  test('a challenge is 32 random bytes, base64url without padding (43 characters), new every time', () => {
    const challenges = Array.from({ length: 200 }, newDeviceChallenge);
    for (const challenge of challenges) {
      expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(challenge, 'base64url')).toHaveLength(32);
      expect(isDeviceChallenge(challenge)).toBe(true);
    }
    expect(new Set(challenges).size).toBe(challenges.length);
  });

  test.each([
    ['too short', 'A'.repeat(42)],
    ['too long', 'A'.repeat(44)],
    ['padded', `${'A'.repeat(42)}=`],
    ['standard base64', `${'A'.repeat(41)}+/`],
    ['not a string', 42],
  ])('isDeviceChallenge refuses a challenge %s', (_what, value) => {
    expect(isDeviceChallenge(value)).toBe(false);
  });
});

describe('vectors that verify', () => {
  test('WebCrypto: P-256 key, SHA-256, the P1363 signature it returns (64 bytes)', async () => {
    const device = await webCryptoDevice();
    const signature = await device.sign(proofText());
    expect(Buffer.from(signature, 'base64url')).toHaveLength(64);
    expect(verifies(device, signature)).toBe(true);
  });

  test("Node: generateKeyPairSync('ec', prime256v1), sign with dsaEncoding ieee-p1363", async () => {
    const device = nodeDevice();
    expect(verifies(device, await device.sign(proofText()))).toBe(true);
  });

  test('a P-256 key in compressed-point SPKI form (59 bytes) is a P-256 key too', async () => {
    const device = nodeDevice();
    const jwk = device.privateKey.export({ format: 'jwk' });
    const x = Buffer.from(String(jwk.x), 'base64url');
    const y = Buffer.from(String(jwk.y), 'base64url');
    const prefix = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');
    const compressed = Buffer.concat([prefix, Buffer.from([0x02 | ((y.at(-1) ?? 0) & 1)]), x]);
    const spki = compressed.toString('base64url');
    expect(parseDevicePublicKey(spki)).toMatchObject({ ok: true, key: { id: deviceIdOf(compressed), spki } });
    expect(verifies({ spki }, await device.sign(proofText()))).toBe(true);
  });

  test('an answer with spaces around it is read trimmed (as every answer is)', async () => {
    const device = nodeDevice();
    expect(verifies(device, ` ${await device.sign(proofText())}\n`)).toBe(true);
  });
});

describe('the device id: base64url SHA-256 of the SPKI bytes', () => {
  test('is what the app computes itself (WebCrypto digest), 43 characters', async () => {
    const device = await webCryptoDevice();
    const parsed = parseDevicePublicKey(device.spki);
    expect(parsed).toMatchObject({ ok: true, key: { id: device.id, spki: device.spki } });
    expect(device.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('deviceIdOf hashes the DER bytes, not the text', () => {
    const der = Buffer.from(nodeDevice().spki, 'base64url');
    expect(deviceIdOf(der)).toBe(createHash('sha256').update(der).digest('base64url'));
    expect(deviceIdOf(der)).not.toBe(
      createHash('sha256').update(der.toString('base64url')).digest('base64url'),
    );
  });
});

describe('keys refused', () => {
  test.each<[string, () => string, string]>([
    ['P-384', () => nodeDevice({ namedCurve: 'P-384' }).spki, 'not_base64url_spki'],
    ['secp256k1 (the same size as P-256)', () => nodeDevice({ namedCurve: 'secp256k1' }).spki, 'not_p256'],
    ['RSA', () => nodeDevice({ modulusLength: 512 }, 'rsa').spki, 'not_p256'],
    ['RSA 2048', () => nodeDevice({ modulusLength: 2048 }, 'rsa').spki, 'not_base64url_spki'],
    [
      'Ed25519',
      () =>
        generateKeyPairSync('ed25519')
          .publicKey.export({ type: 'spki', format: 'der' })
          .toString('base64url'),
      'not_base64url_spki',
    ],
    ['Ed448', () => nodeDevice({}, 'ed448').spki, 'not_p256'],
    [
      'a P-256 private key (PKCS#8)',
      () => nodeDevice().privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64url'),
      'not_base64url_spki',
    ],
    [
      'a PEM public key',
      () =>
        String(
          generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
            type: 'spki',
            format: 'pem',
          }),
        ),
      'not_base64url_spki',
    ],
    [
      'standard base64 (+ and /)',
      () => Buffer.from(nodeDevice().spki, 'base64url').toString('base64'),
      'not_base64url_spki',
    ],
    ['padded base64url', () => `${nodeDevice().spki}=`, 'not_base64url_spki'],
    ['garbage of the right length', () => 'A'.repeat(122), 'not_spki'],
    ['a truncated SPKI', () => nodeDevice().spki.slice(0, 100), 'not_spki'],
  ])('%s', (_what, make, reason) => {
    expect(parseDevicePublicKey(make())).toEqual({ ok: false, reason });
  });

  test('a non-canonical base64url SPKI (spare bits set in the last character) is refused', () => {
    const spki = nodeDevice().spki; // 91 bytes: 122 characters, the last one carries 2 spare bits
    const noncanonical = withSpareBitSet(spki);
    expect(Buffer.from(noncanonical, 'base64url')).toEqual(Buffer.from(spki, 'base64url'));
    expect(parseDevicePublicKey(noncanonical)).toEqual({ ok: false, reason: 'not_base64url_spki' });
  });

  test.each([undefined, null, 42, {}, ''])('not a string: %p', (value) => {
    expect(parseDevicePublicKey(value)).toEqual({ ok: false, reason: 'not_base64url_spki' });
  });

  test('a signature is never checked against a refused key, even one it verifies under', async () => {
    // secp256k1 signatures are 64 bytes in P1363 form too: the key's curve must be checked.
    const k1 = nodeDevice({ namedCurve: 'secp256k1' });
    const signature = await k1.sign(proofText());
    expect(Buffer.from(signature, 'base64url')).toHaveLength(64);
    expect(verifies(k1, signature)).toBe(false);
  });
});

/** The same bytes, another text: the last character with a spare (padding) bit set. */
function withSpareBitSet(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(text.at(-1) ?? 'A');
  return `${text.slice(0, -1)}${alphabet[last | 1]}`;
}

describe('signatures refused', () => {
  test('a DER-encoded signature (Node’s default) instead of P1363', async () => {
    const device = nodeDevice(undefined, 'ec', 'der');
    const der = await device.sign(proofText());
    expect(Buffer.from(der, 'base64url')[0]).toBe(0x30);
    expect(verifies(device, der)).toBe(false);
  });

  test('a signature made for another user, another pool or another challenge', async () => {
    const device = await webCryptoDevice();
    const signature = await device.sign(proofText());
    expect(verifies(device, signature)).toBe(true);
    expect(verifies(device, signature, { sub: OTHER_SUB })).toBe(false);
    expect(verifies(device, signature, { pool: 'us-east-1_OTHERPOOL' })).toBe(false);
    expect(verifies(device, signature, { challenge: newDeviceChallenge() })).toBe(false);
    // And the other way round: signed for another user, pool or challenge, checked for this one.
    expect(verifies(device, await device.sign(proofText(CHALLENGE, OTHER_SUB)))).toBe(false);
    expect(verifies(device, await device.sign(proofText(CHALLENGE, SUB, 'eu-west-1_EXAMPLE1')))).toBe(false);
    expect(verifies(device, await device.sign(proofText(newDeviceChallenge())))).toBe(false);
  });

  test('a signature by another device, for the very same text', async () => {
    const device = await webCryptoDevice();
    const other = await webCryptoDevice();
    expect(verifies(device, await other.sign(proofText()))).toBe(false);
  });

  test('a signature of the bare challenge, or of the text signed with another hash', async () => {
    const device = nodeDevice();
    expect(verifies(device, await device.sign(CHALLENGE))).toBe(false);
    const sha384 = sign('sha384', Buffer.from(proofText()), {
      key: device.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    expect(verifies(device, sha384.toString('base64url'))).toBe(false);
  });

  test('truncated, padded, standard base64, or one byte short or long', async () => {
    const device = nodeDevice();
    const signature = await device.sign(proofText());
    const bytes = Buffer.from(signature, 'base64url');
    expect(verifies(device, signature.slice(0, -1))).toBe(false);
    expect(verifies(device, `${signature}==`)).toBe(false);
    expect(verifies(device, bytes.toString('base64'))).toBe(false);
    expect(verifies(device, bytes.subarray(0, 63).toString('base64url'))).toBe(false);
    expect(verifies(device, Buffer.concat([bytes, Buffer.from([0])]).toString('base64url'))).toBe(false);
  });

  test('a non-canonical base64url signature (spare bits set in the last character): the same bytes, refused', async () => {
    const device = nodeDevice();
    const signature = await device.sign(proofText());
    const noncanonical = withSpareBitSet(signature);
    expect(noncanonical).not.toBe(signature);
    expect(Buffer.from(noncanonical, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(verifies(device, noncanonical)).toBe(false);
  });

  test.each([
    ['empty', ''],
    ['garbage of the right length', 'A'.repeat(86)],
    ['all ones', `${'_'.repeat(85)}w`],
    ['RESEND', 'RESEND'],
    ['a number', 42],
    ['missing', undefined],
    ['null', null],
  ])('%s', (_what, answer) => {
    expect(verifies(nodeDevice(), answer)).toBe(false);
  });

  test('a stored key that does not parse verifies nothing (no error)', async () => {
    const device = nodeDevice();
    const signature = await device.sign(proofText());
    expect(verifies({ spki: 'A'.repeat(122) }, signature)).toBe(false);
    expect(verifies({ spki: '' }, signature)).toBe(false);
  });

  test('a malformed challenge in the round verifies nothing', async () => {
    const device = nodeDevice();
    const challenge = 'short';
    expect(verifies(device, await device.sign(proofText(challenge)), { challenge })).toBe(false);
  });
});

describe('readRememberDevice: ClientMetadata.rememberDevice and deviceName', () => {
  const KEY_ERROR = 'rememberDevice must be the base64url SPKI of an ECDSA P-256 public key';
  const NAME_ERROR = `deviceName must be at most ${DEVICE_NAME_MAX} characters, without control characters`;

  test('absent or empty: nothing to remember (a deviceName alone is ignored)', () => {
    expect(readRememberDevice(undefined)).toBeUndefined();
    expect(readRememberDevice(null)).toBeUndefined();
    expect(readRememberDevice({})).toBeUndefined();
    expect(readRememberDevice({ rememberDevice: '' })).toBeUndefined();
    expect(readRememberDevice({ deviceName: '\u0000'.repeat(100) })).toBeUndefined();
  });

  test('a P-256 key: its id and the key as given; the name trimmed and NFC-normalised', async () => {
    const device = await webCryptoDevice();
    expect(readRememberDevice({ rememberDevice: device.spki })).toEqual({
      key: { id: device.id, spki: device.spki },
    });
    expect(readRememberDevice({ rememberDevice: device.spki, deviceName: '  Cafe\u0301 laptop ' })).toEqual({
      key: { id: device.id, spki: device.spki },
      name: 'Café laptop',
    });
    expect(readRememberDevice({ rememberDevice: device.spki, deviceName: '   ' })).toEqual({
      key: { id: device.id, spki: device.spki },
    });
  });

  test('a name of exactly 64 characters (counted as characters, not UTF-16 units) is kept', () => {
    const spki = nodeDevice().spki;
    expect(readRememberDevice({ rememberDevice: spki, deviceName: 'x'.repeat(64) })?.name).toHaveLength(64);
    const emoji = '📱'.repeat(64);
    expect(readRememberDevice({ rememberDevice: spki, deviceName: emoji })?.name).toBe(emoji);
  });

  test.each<[string, () => Record<string, string>, string, string]>([
    [
      'a P-384 key',
      () => ({ rememberDevice: nodeDevice({ namedCurve: 'P-384' }).spki }),
      KEY_ERROR,
      'remember_device_not_base64url_spki',
    ],
    [
      'a secp256k1 key',
      () => ({ rememberDevice: nodeDevice({ namedCurve: 'secp256k1' }).spki }),
      KEY_ERROR,
      'remember_device_not_p256',
    ],
    ['garbage', () => ({ rememberDevice: 'not a key' }), KEY_ERROR, 'remember_device_not_base64url_spki'],
    [
      'bytes that are no SPKI',
      () => ({ rememberDevice: 'A'.repeat(122) }),
      KEY_ERROR,
      'remember_device_not_spki',
    ],
    [
      'a name of 65 characters',
      () => ({ rememberDevice: nodeDevice().spki, deviceName: 'x'.repeat(65) }),
      NAME_ERROR,
      'device_name_invalid',
    ],
    [
      'a name with a newline',
      () => ({ rememberDevice: nodeDevice().spki, deviceName: 'my\nphone' }),
      NAME_ERROR,
      'device_name_invalid',
    ],
    [
      'a name with a NUL',
      () => ({ rememberDevice: nodeDevice().spki, deviceName: 'my\u0000phone' }),
      NAME_ERROR,
      'device_name_invalid',
    ],
    [
      'a name with DEL',
      () => ({ rememberDevice: nodeDevice().spki, deviceName: 'my\u007fphone' }),
      NAME_ERROR,
      'device_name_invalid',
    ],
    [
      'a name with a C1 control (NEL)',
      () => ({ rememberDevice: nodeDevice().spki, deviceName: 'my\u0085phone' }),
      NAME_ERROR,
      'device_name_invalid',
    ],
    [
      'a name with a line separator',
      () => ({ rememberDevice: nodeDevice().spki, deviceName: 'my\u2028phone' }),
      NAME_ERROR,
      'device_name_invalid',
    ],
    [
      'a name with an escape sequence',
      () => ({ rememberDevice: nodeDevice().spki, deviceName: '\u001b[31mred' }),
      NAME_ERROR,
      'device_name_invalid',
    ],
  ])('%s: a short, clear error', (_what, metadata, message, reason) => {
    let thrown: unknown;
    try {
      readRememberDevice(metadata());
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidClientMetadataError);
    expect(thrown).toMatchObject({ message, reason });
  });

  test('the key is checked before the name: a bad key with a bad name reports the key', () => {
    expect(() => readRememberDevice({ rememberDevice: 'nope', deviceName: 'x'.repeat(100) })).toThrow(
      KEY_ERROR,
    );
  });
});

describe('readDeviceId: ClientMetadata.deviceId', () => {
  test('a well-formed id (43 base64url characters) is read', async () => {
    const device = await webCryptoDevice();
    expect(readDeviceId({ deviceId: device.id })).toBe(device.id);
  });

  test.each([
    ['absent', {}],
    ['no metadata', undefined],
    ['null metadata', null],
    ['empty', { deviceId: '' }],
    ['too long', { deviceId: 'A'.repeat(44) }],
    ['too short', { deviceId: 'A'.repeat(42) }],
    ['padded', { deviceId: `${'A'.repeat(42)}=` }],
    ['hex', { deviceId: 'ab'.repeat(32) }],
    ['with a space', { deviceId: ` ${'A'.repeat(42)}` }],
  ])('%s: no device (the SMS code, never an error)', (_what, metadata) => {
    expect(readDeviceId(metadata as Record<string, string> | null | undefined)).toBeUndefined();
  });
});
