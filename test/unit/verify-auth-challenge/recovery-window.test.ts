/**
 * The window of a recovery (docs/protocol.md, "Remembered devices"): from the right recovery code
 * until the new number is proven, the lost phone is still the user's verified phone, so whoever
 * holds it can still answer sign-in codes. In that window no device is remembered, and the bind of
 * the new number revokes every device and signs the user out everywhere. Verify with its ports
 * faked (fakes.ts).
 */
import { generateKeyPairSync } from 'node:crypto';
import { RECOVERY_PENDING_MS } from '../../../functions/verify-auth-challenge/recovery-answers';
import { verifyAuthChallenge } from '../../../functions/verify-auth-challenge/verify-auth-challenge';
import { CODE, codeRound, type FakeInput, fakes, NEW_PHONE, NOW, SUB, verifyEvent } from './fakes';

const spki = () =>
  (
    generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
      type: 'spki',
      format: 'der',
    }) as Buffer
  ).toString('base64url');

const PENDING = new Date(NOW.getTime() + 60_000).toISOString();
const ENDED = new Date(NOW.getTime() - 1).toISOString();

async function verify(
  round: Parameters<typeof verifyEvent>[0],
  answer: string,
  fake: FakeInput,
  clientMetadata?: Record<string, string>,
) {
  const f = fakes(fake);
  const event = verifyEvent(round, answer);
  if (clientMetadata) event.request.clientMetadata = clientMetadata;
  await verifyAuthChallenge(event, f.deps);
  return { f, correct: event.response.answerCorrect };
}

test('a right recovery code marks the recovery in progress until the longest auth session has passed', async () => {
  const { f, correct } = await verify({ type: 'RECOVERY_CODE', id: 'c'.repeat(32) }, 'ABCD-EFGH-JKMN', {
    burn: { outcome: 'burnt', retry: false, left: 9 },
  });
  expect(correct).toBe(true);
  expect(f.accounts.markRecoveryPending).toHaveBeenCalledWith(
    SUB,
    NOW,
    new Date(NOW.getTime() + RECOVERY_PENDING_MS),
  );
  expect(RECOVERY_PENDING_MS).toBe(15 * 60_000);
});

test('a wrong recovery code marks nothing', async () => {
  const { f, correct } = await verify({ type: 'RECOVERY_CODE', id: 'c'.repeat(32) }, 'ABCD-EFGH-JKMN', {});
  expect(correct).toBe(false);
  expect(f.accounts.markRecoveryPending).not.toHaveBeenCalled();
});

describe('during a recovery (someone may hold the lost phone)', () => {
  test('a right sign-in code is right, but remembers no device', async () => {
    const { f, correct } = await verify(
      codeRound(),
      CODE,
      { recoveryPendingUntil: PENDING },
      {
        rememberDevice: spki(),
      },
    );
    expect(correct).toBe(true);
    expect(f.devices.remember).not.toHaveBeenCalled();
    expect(f.users.signOutEverywhere).not.toHaveBeenCalled();
  });

  test('the new number proven: every device revoked (read again), the user signed out everywhere, no device remembered', async () => {
    const { f, correct } = await verify(
      codeRound({ purpose: 'replace_phone', phone: NEW_PHONE }),
      CODE,
      { recoveryPendingUntil: PENDING },
      { rememberDevice: spki() },
    );
    expect(correct).toBe(true);
    expect(f.users.setVerifiedPhone).toHaveBeenCalledTimes(1);
    expect(f.devices.revoke).toHaveBeenCalledWith(SUB, 'all');
    expect(f.users.signOutEverywhere).toHaveBeenCalledWith({
      userPoolId: 'us-east-1_EXAMPLE1',
      userName: SUB,
    });
    expect(f.devices.remember).not.toHaveBeenCalled();
  });
});

describe('outside a recovery (none, or its window has passed)', () => {
  test.each([
    ['none', {}],
    ['ended', { recoveryPendingUntil: ENDED }],
  ])('%s: a phone change signs nobody out and remembers the device', async (_name, fake) => {
    const { f, correct } = await verify(
      codeRound({ purpose: 'replace_phone', phone: NEW_PHONE }),
      CODE,
      fake,
      {
        rememberDevice: spki(),
      },
    );
    expect(correct).toBe(true);
    expect(f.users.signOutEverywhere).not.toHaveBeenCalled();
    expect(f.devices.revoke).not.toHaveBeenCalled();
    expect(f.devices.remember).toHaveBeenCalledTimes(1);
  });
});
