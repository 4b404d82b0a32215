/**
 * Remembered devices in Verify (docs/protocol.md, "Remembered devices").
 *
 * DEVICE_PROOF: the answer is the device's signature over this round's challenge, for this pool
 * and user (device-proof.ts). The device's public key comes from the account-status Query Verify
 * made anyway, never from the answer or the client. A right signature is then recorded with ONE
 * conditional UpdateItem (DeviceStore.prove): the device is still stored (a revocation since
 * Create made the round wins), unexpired, and the challenge was not used by another answer. A
 * wrong signature, a device gone or expired, or a challenge used twice: a wrong answer, counted
 * toward the lockout like a wrong code (the SMS code follows; nothing tells which check failed).
 *
 * Registration: the right answer to an SMS code (the whole second factor: a sign-in code, or the
 * code that proved a new number) with `ClientMetadata.rememberDevice` stores the device, at most
 * MAX_REMEMBERED_DEVICES per user (the oldest dropped in the same write), and sends the
 * `device_remembered` notice (audit record and email, with the device's name) once, not again on
 * a Cognito retry of the same answer. Nothing is registered when REMEMBER_DEVICE_DAYS is 0.
 */
import { type RememberedDevice, usableDevice } from '#shared/auth-state/account-status';
import { devicesToDrop } from '#shared/auth-state/device-store';
import { type RememberRequest, readRememberDevice, verifyDeviceProof } from '#shared/challenge/device-proof';
import type { PrivateRound } from '#shared/challenge/protocol';
import { logger } from '#shared/logger';
import { countMetric } from '#shared/metrics';
import { type Answering, countWrong } from './answering';
import { noticeTarget } from './notices';

type DeviceRound = Extract<PrivateRound, { type: 'DEVICE_PROOF' }>;

export async function verifyDeviceAnswer(
  answering: Answering,
  round: DeviceRound,
  devices: readonly RememberedDevice[],
): Promise<boolean> {
  const { event, sub, now, deps } = answering;
  const failed = async (detail: string): Promise<false> => {
    await countWrong(answering, round, 'wrong_device_proof');
    logger.info('device proof rejected', { roundId: round.id, detail });
    return false;
  };
  const device = usableDevice({ devices: [...devices] }, round.deviceId, now);
  if (!device) return failed('device_gone');
  const right = verifyDeviceProof({
    spki: device.publicKey,
    userPoolId: event.userPoolId,
    sub,
    challenge: round.challenge,
    signature: event.request.challengeAnswer,
  });
  if (!right) return failed('bad_signature');
  const proof = await deps.devices.prove(sub, {
    deviceId: device.id,
    challenge: round.challenge,
    nonce: round.nonce,
    now,
  });
  if (proof.outcome === 'dead') return failed('device_gone_or_challenge_used');
  if (!proof.retry) countMetric('VerifyAuthChallengeResponse', 'DeviceProofs');
  logger.info('device proof accepted', { roundId: round.id });
  return true;
}

/**
 * The device the app asks to remember with this answer, checked before the answer is judged (a
 * malformed key or name is a clear error and changes nothing), or `undefined`.
 */
export function rememberRequest(answering: Pick<Answering, 'event' | 'deps'>): RememberRequest | undefined {
  const request = readRememberDevice(answering.event.request.clientMetadata);
  return request && answering.deps.settings.rememberDeviceDays > 0 ? request : undefined;
}

/** Stores the device after a right SMS code (the caller decides that); the oldest beyond the maximum go. */
export async function rememberDevice(
  answering: Answering,
  request: RememberRequest,
  devices: readonly RememberedDevice[],
  retry: boolean,
): Promise<void> {
  const { sub, now, deps } = answering;
  const { rememberDeviceDays: days, maxRememberedDevices: max } = deps.settings;
  const drop = devicesToDrop(devices, request.key.id, max);
  await deps.devices.remember(sub, {
    id: request.key.id,
    publicKey: request.key.spki,
    name: request.name,
    now,
    days,
    drop,
  });
  logger.info('device remembered', { dropped: drop.length, days });
  // A Cognito retry of this very answer stores the same again; it was counted and told once.
  if (retry) return;
  countMetric('VerifyAuthChallengeResponse', 'DevicesRemembered');
  await deps.notices?.record(
    sub,
    { kind: 'device_remembered', by: 'user', deviceId: request.key.id, deviceName: request.name },
    noticeTarget(answering.event.request.userAttributes),
  );
}
