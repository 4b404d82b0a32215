/**
 * What Verify tells about remembered devices (issue 15), with its ports faked (fakes.ts):
 * - a device remembered with a right SMS code: one `device_remembered` notice (audit record and
 *   email) naming the device, after the store; none on a Cognito retry of the same answer, none
 *   when nothing was stored;
 * - a right recovery code revokes the user's devices: one `devices_revoked` audit record (how
 *   many, why), and no second email (the `recovery_code_used` notice of that answer tells);
 *   nothing when there was no device, or when a retry finds them gone; the same when the new
 *   number of a recovery is proven (the devices revoked again: one may have been stored since).
 */
import { generateKeyPairSync } from 'node:crypto';
import type { RememberedDevice } from '#shared/auth-state/account-status';
import { deviceIdOf } from '#shared/challenge/device-proof';
import { verifyAuthChallenge } from '../../../functions/verify-auth-challenge/verify-auth-challenge';
import { id } from '../../helpers/session-rounds';
import { CODE, codeRound, EMAIL, type FakeInput, fakes, NEW_PHONE, NOW, SUB, verifyEvent } from './fakes';

const TARGET = { email: EMAIL, emailVerified: true, locale: 'fr' };

function newKey() {
  const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
    type: 'spki',
    format: 'der',
  });
  return { spki: spki.toString('base64url'), id: deviceIdOf(spki) };
}

const stored = (deviceId: string, name?: string): RememberedDevice => ({
  id: deviceId,
  publicKey: newKey().spki,
  ...(name ? { name } : {}),
  createdAt: new Date(NOW.getTime() - 86_400_000).toISOString(),
  expiresAt: new Date(NOW.getTime() + 86_400_000).toISOString(),
});

async function answerCode(clientMetadata: Record<string, string>, fake: FakeInput = {}) {
  const f = fakes(fake);
  const event = verifyEvent(codeRound({ id: id('a') }), CODE);
  event.request.clientMetadata = clientMetadata;
  await verifyAuthChallenge(event, f.deps);
  return { f, correct: event.response.answerCorrect };
}

describe('device_remembered', () => {
  test('a right code with rememberDevice: stored, then one notice with the device id and name', async () => {
    const key = newKey();
    const { f, correct } = await answerCode({
      rememberDevice: key.spki,
      deviceName: ' <b>Ada’s</b> laptop ',
    });
    expect(correct).toBe(true);
    expect(f.devices.remember).toHaveBeenCalledTimes(1);
    expect(f.notices.record).toHaveBeenCalledTimes(1);
    expect(f.notices.record).toHaveBeenCalledWith(
      SUB,
      { kind: 'device_remembered', by: 'user', deviceId: key.id, deviceName: '<b>Ada’s</b> laptop' },
      TARGET,
    );
    // After the store: a notice never tells of a device that is not there.
    expect(f.devices.remember.mock.invocationCallOrder[0]).toBeLessThan(
      f.notices.record.mock.invocationCallOrder[0] ?? 0,
    );
  });

  test('no name: the notice has none', async () => {
    const key = newKey();
    const { f } = await answerCode({ rememberDevice: key.spki });
    expect(f.notices.record).toHaveBeenCalledWith(
      SUB,
      { kind: 'device_remembered', by: 'user', deviceId: key.id, deviceName: undefined },
      TARGET,
    );
  });

  test('a Cognito retry of the same answer stores again but tells nobody again', async () => {
    const { f, correct } = await answerCode(
      { rememberDevice: newKey().spki, deviceName: 'Phone' },
      { used: { outcome: 'used', retry: true } },
    );
    expect(correct).toBe(true);
    expect(f.devices.remember).toHaveBeenCalledTimes(1);
    expect(f.notices.record).not.toHaveBeenCalled();
  });

  test('a wrong code: nothing stored, no notice', async () => {
    const f = fakes();
    const event = verifyEvent(codeRound({ id: id('a') }), '000000');
    event.request.clientMetadata = { rememberDevice: newKey().spki, deviceName: 'Phone' };
    await verifyAuthChallenge(event, f.deps);
    expect(event.response.answerCorrect).toBe(false);
    expect(f.devices.remember).not.toHaveBeenCalled();
    expect(f.notices.record).not.toHaveBeenCalled();
  });

  test('remembering turned off (rememberDeviceDays 0): nothing stored, no notice', async () => {
    const { f, correct } = await answerCode({ rememberDevice: newKey().spki }, { rememberDeviceDays: 0 });
    expect(correct).toBe(true);
    expect(f.devices.remember).not.toHaveBeenCalled();
    expect(f.notices.record).not.toHaveBeenCalled();
  });
});

describe('devices_revoked after a right recovery code', () => {
  const RECOVERY_ROUND = { type: 'RECOVERY_CODE' as const, id: id('c') };
  const burnt = (retry: boolean) => ({ outcome: 'burnt' as const, retry, left: 7 });

  async function recover(fake: FakeInput) {
    const f = fakes(fake);
    const event = verifyEvent(RECOVERY_ROUND, '7KQ2-M9XD-4RTB');
    await verifyAuthChallenge(event, f.deps);
    return { f, correct: event.response.answerCorrect };
  }

  test('every device revoked; one audit record (count, cause), and only the recovery_code_used email', async () => {
    const devices = [stored(newKey().id, 'Laptop'), stored(newKey().id)];
    const { f, correct } = await recover({ burn: burnt(false), devices });
    expect(correct).toBe(true);
    expect(f.devices.revoke).toHaveBeenCalledWith(SUB, [devices[0]?.id, devices[1]?.id]);
    expect(f.notices.audit).toHaveBeenCalledTimes(1);
    expect(f.notices.audit).toHaveBeenCalledWith(SUB, {
      kind: 'devices_revoked',
      by: 'user',
      devicesRevoked: 2,
      cause: 'recovery_code_used',
    });
    expect(f.notices.record.mock.calls.map(([, event]) => event.kind)).toEqual(['recovery_code_used']);
  });

  test('no device: nothing revoked, no record', async () => {
    const { f } = await recover({ burn: burnt(false) });
    expect(f.devices.revoke).not.toHaveBeenCalled();
    expect(f.notices.audit).not.toHaveBeenCalled();
  });

  test('a retry that finds the devices already gone records nothing', async () => {
    const f = fakes({ burn: burnt(true), devices: [stored(newKey().id)] });
    f.devices.revoke.mockResolvedValueOnce([]);
    await verifyAuthChallenge(verifyEvent(RECOVERY_ROUND, '7KQ2-M9XD-4RTB'), f.deps);
    expect(f.devices.revoke).toHaveBeenCalledTimes(1);
    expect(f.notices.audit).not.toHaveBeenCalled();
  });
});

describe('devices_revoked when a recovery ends (the new number proven)', () => {
  const PENDING = new Date(NOW.getTime() + 60_000).toISOString();

  async function proveNewNumber(fake: FakeInput) {
    const f = fakes({ recoveryPendingUntil: PENDING, ...fake });
    const event = verifyEvent(codeRound({ id: id('a'), purpose: 'replace_phone', phone: NEW_PHONE }), CODE);
    await verifyAuthChallenge(event, f.deps);
    return { f, correct: event.response.answerCorrect };
  }

  test('a device stored since the recovery code: revoked, one audit record; the email is phone_changed`s', async () => {
    const { f, correct } = await proveNewNumber({ devices: [stored(newKey().id, 'Laptop')] });
    expect(correct).toBe(true);
    expect(f.notices.audit).toHaveBeenCalledWith(SUB, {
      kind: 'devices_revoked',
      by: 'user',
      devicesRevoked: 1,
      cause: 'recovery_code_used',
    });
    expect(f.notices.record.mock.calls.map(([, event]) => event.kind)).toEqual(['phone_changed']);
  });

  test('no device left: no record', async () => {
    const { f } = await proveNewNumber({});
    expect(f.devices.revoke).toHaveBeenCalledWith(SUB, 'all');
    expect(f.notices.audit).not.toHaveBeenCalled();
  });
});
