/**
 * VerifyAuthChallengeResponse's use-case with its ports faked (deps.ts): stores, Cognito and the
 * security notices are jest.fn the test scripts and then reads. The handler tests (handler.test.ts)
 * cover the adapters' calls; these cover what the use-case decides and whom it tells.
 */
import type { FailureEntry, RememberedDevice } from '#shared/auth-state/account-status';
import type { ProofOutcome, RememberInput } from '#shared/auth-state/device-store';
import type { BurnResult } from '#shared/auth-state/recovery-store';
import { hashCode } from '#shared/challenge/code';
import { type CodeRound, type NewRound, privateParameters } from '#shared/challenge/protocol';
import type { VerifyAuthChallengeEvent } from '#shared/events/verify-auth-challenge';
import type { NoticeTarget, SecurityEventInput } from '../../../functions/verify-auth-challenge/notices';
import type { VerifyDeps } from '../../../functions/verify-auth-challenge/verify-auth-challenge';

export const SUB = '8f3c2b1a-5d4e-4f60-9a7b-1c2d3e4f5a6b';
export const EMAIL = 'ada.lovelace@example.com';
export const PHONE = '+12015550123';
export const NEW_PHONE = '+447400123456';
export const NOW = new Date('2030-03-04T05:06:07.000Z');
export const CODE = '123456';

/** A user whose phone is verified. */
export const withPhone = (): Record<string, string> => ({
  sub: SUB,
  email: EMAIL,
  email_verified: 'true',
  phone_number: PHONE,
  phone_number_verified: 'true',
  locale: 'fr',
});
/** A user with a verified email and no phone. */
export const enrolling = (): Record<string, string> => ({ sub: SUB, email: EMAIL, email_verified: 'true' });

/** The private parameters Create gives a code round for `CODE` (a sign-in code unless told otherwise). */
export function codeRound(round: Partial<Omit<CodeRound, 'codeHash' | 'salt'>> = {}): NewRound {
  return {
    type: 'SMS_OTP',
    id: 'a'.repeat(32),
    length: 6,
    ...hashCode(CODE),
    expiresAt: NOW.getTime() + 120_000,
    purpose: 'sign_in',
    ...round,
  } as NewRound;
}

export function verifyEvent(
  round: NewRound,
  answer: string,
  attributes: Record<string, string> = withPhone(),
): VerifyAuthChallengeEvent {
  return {
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_EXAMPLE1',
    userName: SUB,
    callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'unit' },
    triggerSource: 'VerifyAuthChallengeResponse_Authentication',
    request: {
      userAttributes: attributes,
      privateChallengeParameters: privateParameters(round),
      challengeAnswer: answer,
      userNotFound: false,
    },
    response: { answerCorrect: null },
  } as VerifyAuthChallengeEvent;
}

export interface FakeInput {
  /** Failures in the lockout window, minutes before NOW. */
  failuresMinutesAgo?: number[];
  burn?: BurnResult;
  used?: { outcome: 'used'; retry: boolean } | { outcome: 'dead'; why: 'used' };
  wrong?: 'counted' | 'already_counted';
  /** What replaceSet reports: `retry` when the stored set is this very round's (a Cognito retry). */
  replaced?: 'stored' | 'retry';
  /** No notices port (as in a deployment without a sender). */
  noNotices?: boolean;
  /** The user's remembered devices, as the account-status Query returns them. */
  devices?: RememberedDevice[];
  /** What DeviceStore.prove reports (default: proven, not a retry). */
  proof?: ProofOutcome;
  /** A recovery code was used and the new number is not proven yet, until this time (ISO-8601). */
  recoveryPendingUntil?: string;
  /** REMEMBER_DEVICE_DAYS (default 30) and MAX_REMEMBERED_DEVICES (default 10). */
  rememberDeviceDays?: number;
  maxRememberedDevices?: number;
}

export function fakes(input: FakeInput = {}) {
  const failures: FailureEntry[] = (input.failuresMinutesAgo ?? []).map((minutes) => ({
    at: new Date(NOW.getTime() - minutes * 60_000).toISOString(),
    reason: 'wrong_code',
  }));
  const accounts = {
    read: jest.fn(async () => ({
      failures,
      ...(input.devices ? { devices: input.devices } : {}),
      ...(input.recoveryPendingUntil ? { recoveryPendingUntil: input.recoveryPendingUntil } : {}),
    })),
    markRecoveryPending: jest.fn(async (_sub: string, _now: Date, _until: Date) => undefined),
  };
  const devices = {
    prove: jest.fn(
      async (_sub: string, _input: { deviceId: string; challenge: string; nonce: string; now: Date }) =>
        input.proof ?? ({ outcome: 'proven', retry: false } as ProofOutcome),
    ),
    remember: jest.fn(async (_sub: string, remember: RememberInput) => ({
      id: remember.id,
      publicKey: remember.publicKey,
      name: remember.name,
      createdAt: remember.now.toISOString(),
      expiresAt: new Date(remember.now.getTime() + remember.days * 86_400_000).toISOString(),
    })),
    // As the store does: the devices asked for that were there.
    revoke: jest.fn(async (_sub: string, which: readonly string[] | 'all') =>
      (input.devices ?? []).filter((device) => which === 'all' || which.includes(device.id)),
    ),
  };
  const challenges = {
    savePhoneCandidate: jest.fn(async () => undefined),
    useCode: jest.fn(async () => input.used ?? { outcome: 'used' as const, retry: false }),
    countWrongAnswer: jest.fn(async () => input.wrong ?? ('counted' as const)),
    requestForCode: jest.fn(async () => true),
    recordDecoyAnswer: jest.fn(async () => undefined),
  };
  const recovery = {
    burn: jest.fn(async () => input.burn ?? ({ outcome: 'unknown_code' } as BurnResult)),
    replaceSet: jest.fn(
      async (_sub: string, _set: { hashes: readonly string[]; nonce: string; now: number }) =>
        input.replaced ?? ('stored' as const),
    ),
  };
  const users = {
    setVerifiedPhone: jest.fn(async () => undefined),
    signOutEverywhere: jest.fn(async (_input: { userPoolId: string; userName: string }) => undefined),
  };
  const notices = {
    record: jest.fn(async (_sub: string, _event: SecurityEventInput, _target: NoticeTarget) => undefined),
    audit: jest.fn(async (_sub: string, _event: SecurityEventInput) => undefined),
    tellOldNumber: jest.fn(
      async (_input: { phone: string; newDestination: string; locale?: string }) => undefined,
    ),
  };
  const deps: VerifyDeps = {
    accounts,
    challenges,
    recovery,
    devices,
    users,
    ...(input.noNotices ? {} : { notices }),
    settings: {
      allowedCountries: ['US', 'CA', 'GB'],
      maxCodeAttempts: 3,
      lockout: { maxFailures: 5, windowMinutes: 15 },
      rememberDeviceDays: input.rememberDeviceDays ?? 30,
      maxRememberedDevices: input.maxRememberedDevices ?? 10,
    },
    now: () => new Date(NOW),
    randomHex8: () => '0a1b2c3d',
  };
  /** Every write the use-case made (notices apart). */
  const writes = () => [
    ...challenges.savePhoneCandidate.mock.calls,
    ...challenges.useCode.mock.calls,
    ...challenges.countWrongAnswer.mock.calls,
    ...challenges.requestForCode.mock.calls,
    ...challenges.recordDecoyAnswer.mock.calls,
    ...recovery.burn.mock.calls,
    ...recovery.replaceSet.mock.calls,
    ...users.setVerifiedPhone.mock.calls,
    ...users.signOutEverywhere.mock.calls,
    ...accounts.markRecoveryPending.mock.calls,
    ...devices.prove.mock.calls,
    ...devices.remember.mock.calls,
    ...devices.revoke.mock.calls,
  ];
  return { deps, accounts, challenges, recovery, devices, users, notices, writes };
}
