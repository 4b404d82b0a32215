/**
 * Remembered devices (issue 15) in the calls section: the DEVICE_PROOF round Create builds, the
 * proof Verify judges (right and wrong), and the registration of a device with the right SMS code.
 * The device is a real ECDSA P-256 key pair and the status Query answers with its item, as the
 * auth-state table would hold it (device-store.ts), so the right proof really verifies.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { rememberedDeviceSk, userPk } from '#shared/auth-state/keys';
import { deviceIdOf, deviceProofMessage, newDeviceChallenge } from '#shared/challenge/device-proof';
import { newRoundId, privateParameters } from '#shared/challenge/protocol';
import { item, type Prepared, readFixture } from './fixtures';

function benchDevice() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return { id: deviceIdOf(der), spki: der.toString('base64url'), privateKey };
}

/** The status Query's answer: the user's remembered device, unexpired. */
function statusWithDevice(sub: string, device: { id: string; spki: string }) {
  const now = Date.now();
  const items = [
    item({
      pk: userPk(sub),
      sk: rememberedDeviceSk(device.id),
      publicKey: device.spki,
      createdAt: new Date(now - 86_400_000).toISOString(),
      expiresAt: new Date(now + 29 * 86_400_000).toISOString(),
    }),
  ];
  return { 'dynamodb:Query': { Items: items, Count: 1, ScannedCount: 1 } };
}

/** Create, first custom round, the app naming a remembered device: a DEVICE_PROOF round. */
export function createDeviceProof(): Prepared {
  const event = readFixture('create-auth-challenge.sms-otp');
  const device = benchDevice();
  event.request.clientMetadata = { deviceId: device.id };
  return {
    event,
    responses: statusWithDevice(event.request.userAttributes.sub, device),
    check: (out) =>
      out?.response?.publicChallengeParameters?.type === 'DEVICE_PROOF' ? undefined : 'no DEVICE_PROOF round',
  };
}

/** Verify of a DEVICE_PROOF round: the device's signature (right), or another key's (wrong). */
export function verifyDeviceProof(answer: 'right' | 'wrong'): () => Prepared {
  return () => {
    const event = readFixture('verify-auth-challenge.sms-otp');
    const { sub } = event.request.userAttributes;
    const device = benchDevice();
    const challenge = newDeviceChallenge();
    event.request.privateChallengeParameters = privateParameters({
      type: 'DEVICE_PROOF',
      id: newRoundId(),
      deviceId: device.id,
      challenge,
    });
    const signer = answer === 'right' ? device.privateKey : benchDevice().privateKey;
    event.request.challengeAnswer = sign(
      'sha256',
      Buffer.from(deviceProofMessage(event.userPoolId, sub, challenge), 'utf8'),
      { key: signer, dsaEncoding: 'ieee-p1363' },
    ).toString('base64url');
    const expected = answer === 'right';
    return {
      event,
      responses: statusWithDevice(sub, device),
      check: (out) =>
        out?.response?.answerCorrect === expected ? undefined : `the ${answer} proof was judged wrongly`,
    };
  };
}

/** A right-code scenario, the app asking to remember a new device with that answer. */
export function verifyRegistration(rightCode: () => Prepared): () => Prepared {
  return () => {
    const prepared = rightCode();
    prepared.event.request.clientMetadata = {
      rememberDevice: benchDevice().spki,
      deviceName: 'Bench laptop',
    };
    return prepared;
  };
}
