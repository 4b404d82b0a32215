/**
 * Attacks on the registration of a remembered device (docs/protocol.md, "Remembered devices"), in
 * Verify with its ports faked (fakes.ts): what an app (or someone posing as one) sends as
 * `ClientMetadata.rememberDevice` / `deviceName` with the answer to an SMS code, and when a right
 * code may register a device at all.
 */
import { generateKeyPairSync } from 'node:crypto';
import { deviceIdOf } from '#shared/challenge/device-proof';
import { verifyAuthChallenge } from '../../../functions/verify-auth-challenge/verify-auth-challenge';
import { CODE, codeRound, fakes, verifyEvent, withPhone } from './fakes';

const KEY_ERROR = 'rememberDevice must be the base64url SPKI of an ECDSA P-256 public key';

/** A fresh P-256 public key as DER SPKI bytes (what WebCrypto's exportKey('spki') returns). */
function spkiBytes(): Buffer {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return publicKey.export({ type: 'spki', format: 'der' }) as Buffer;
}

/** The right code answered with `clientMetadata`, for a user with a verified phone. */
async function answerRightCode(clientMetadata: Record<string, string>, attributes = withPhone()) {
  const f = fakes();
  const event = verifyEvent(codeRound(), CODE, attributes);
  event.request.clientMetadata = clientMetadata;
  const outcome = await verifyAuthChallenge(event, f.deps).then(
    () => ({ correct: event.response.answerCorrect }),
    (error: Error) => ({ error: error.message }),
  );
  return { f, outcome };
}

describe('one key, one device id: only the DER encoding of an SPKI is taken', () => {
  // OpenSSL reads a key followed by stray bytes, or with a long-form (BER) length, as the same key.
  // Each such text hashes to another id, so one key could fill every slot of the user's list under
  // ids the app never computes (the id is documented as the SHA-256 of the SPKI's bytes).
  const der = spkiBytes();
  const variants: [string, Buffer][] = [
    ['followed by a stray byte', Buffer.concat([der, Buffer.from([0])])],
    ['followed by a stray DER element', Buffer.concat([der, Buffer.from([0x05, 0x00])])],
    [
      'with a long-form (BER) outer length',
      Buffer.concat([Buffer.from([0x30, 0x81, der[1] as number]), der.subarray(2)]),
    ],
  ];

  test.each(variants)(
    'an SPKI %s: the rememberDevice error, the code not judged, nothing written',
    async (_name, bytes) => {
      expect(deviceIdOf(bytes)).not.toBe(deviceIdOf(der));
      const { f, outcome } = await answerRightCode({ rememberDevice: bytes.toString('base64url') });
      expect(outcome).toEqual({ error: KEY_ERROR });
      expect(f.writes()).toEqual([]);
    },
  );

  test('the DER SPKI itself is remembered under the SHA-256 of its bytes', async () => {
    const { f, outcome } = await answerRightCode({ rememberDevice: der.toString('base64url') });
    expect(outcome).toEqual({ correct: true });
    expect(f.devices.remember).toHaveBeenCalledTimes(1);
    expect(f.devices.remember.mock.calls[0]?.[1]).toMatchObject({
      id: deviceIdOf(der),
      publicKey: der.toString('base64url'),
    });
  });
});

describe('deviceName: shown in the security email and the users CLI, so it cannot reorder or break what surrounds it', () => {
  const NAME_ERROR = 'deviceName must be at most 64 characters, without control characters';
  const key = spkiBytes().toString('base64url');

  // A right-to-left override (or an isolate, or a mark) in the name reverses the text that follows
  // it wherever the name is shown: the line of the security email that says which device was
  // remembered, or a row of `users devices`. A lone surrogate is not text at all (UTF-8 has no
  // encoding for it), so every reader would have to guess.
  test.each([
    ['a right-to-left override', 'Ada\u2019s laptop\u202E'],
    ['a left-to-right embedding', '\u202AAda'],
    ['a right-to-left isolate', 'Ada \u2067laptop'],
    ['a pop directional isolate', 'Ada\u2069'],
    ['a right-to-left mark', 'Ada\u200F'],
    ['an Arabic letter mark', 'Ada\u061C'],
    ['a lone high surrogate', 'Ada\uD83D'],
    ['a lone low surrogate', '\uDE00Ada'],
  ])('a name with %s: the deviceName error, the code not judged, nothing written', async (_name, name) => {
    const { f, outcome } = await answerRightCode({ rememberDevice: key, deviceName: name });
    expect(outcome).toEqual({ error: NAME_ERROR });
    expect(f.writes()).toEqual([]);
  });

  test.each([
    ['an emoji sequence (joined with U+200D)', 'Ada\u2019s \u{1F469}\u200D\u{1F4BB} laptop'],
    ['Arabic text', 'حاسوب أدا'],
    ['Hebrew and Latin', 'המחשב של Ada'],
  ])('a name in %s is remembered as given', async (_name, name) => {
    const { f, outcome } = await answerRightCode({ rememberDevice: key, deviceName: name });
    expect(outcome).toEqual({ correct: true });
    expect(f.devices.remember.mock.calls[0]?.[1]).toMatchObject({ name });
  });
});

describe('a sign-in code answered after the phone it went to was taken away', () => {
  // Someone holds the password and the user's stolen phone; an operator runs `users reset-phone`,
  // which removes the phone from the user first and deletes the code in flight after. A sign-in
  // code sent before the reset and answered in between (or after a reset that stopped half-way)
  // is still right, and with rememberDevice it stored a device the reset never saw: once the user
  // enrols a new phone, that device and the password sign in with no code. The sign-in itself
  // ends at Define (no verified phone), so the device would be all it leaves.
  const attributesAfterReset = () => {
    const { phone_number: _phone, phone_number_verified: _verified, ...rest } = withPhone();
    return rest;
  };
  const key = spkiBytes().toString('base64url');

  test.each([
    ['no phone at all (reset-phone removed both attributes)', attributesAfterReset()],
    ['a verified flag that is not exactly "true"', { ...withPhone(), phone_number_verified: 'True' }],
    ['a number that is no longer verified', { ...withPhone(), phone_number_verified: 'false' }],
  ])(
    'the right code with rememberDevice, the user having %s: no device is remembered',
    async (_name, attributes) => {
      const { f, outcome } = await answerRightCode({ rememberDevice: key }, attributes);
      // The code is judged as before (Define, which sees no verified phone, ends the sign-in)...
      expect(outcome).toEqual({ correct: true });
      expect(f.challenges.useCode).toHaveBeenCalledTimes(1);
      // ...but it remembers nothing.
      expect(f.devices.remember).not.toHaveBeenCalled();
    },
  );

  test('with the verified phone still on file, the same answer remembers the device', async () => {
    const { f } = await answerRightCode({ rememberDevice: key });
    expect(f.devices.remember).toHaveBeenCalledTimes(1);
  });
});
