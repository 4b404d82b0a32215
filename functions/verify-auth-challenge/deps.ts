/** What VerifyAuthChallengeResponse needs: its settings and its ports (adapters in handler.ts). */
import type { AccountStatusStore, LockoutPolicy } from '#shared/auth-state/account-status';
import type { ChallengeStore } from '#shared/auth-state/challenge-store';
import type { DeviceStore } from '#shared/auth-state/device-store';
import type { RecoveryStore } from '#shared/auth-state/recovery-store';
import type { PhoneWriter } from './cognito';
import type { SecurityNotices } from './notices';

export interface VerifySettings {
  allowedCountries: readonly string[];
  /** Wrong answers one code takes (all sign-ins together) before it is dead. */
  maxCodeAttempts: number;
  lockout: LockoutPolicy;
  /** How long a registered device is remembered; 0: never registered (docs/protocol.md). */
  rememberDeviceDays: number;
  /** Remembered devices per user; the oldest is dropped beyond it. */
  maxRememberedDevices: number;
}

export interface VerifyDeps {
  accounts: Pick<AccountStatusStore, 'read' | 'markRecoveryPending'>;
  challenges: Pick<
    ChallengeStore,
    'savePhoneCandidate' | 'useCode' | 'countWrongAnswer' | 'requestForCode' | 'recordDecoyAnswer'
  >;
  recovery: Pick<RecoveryStore, 'burn' | 'replaceSet'>;
  devices: Pick<DeviceStore, 'prove' | 'remember' | 'revoke'>;
  users: PhoneWriter;
  /** Security notices (audit record, email, SMS to the old number); absent in some unit tests. */
  notices?: SecurityNotices | undefined;
  settings: VerifySettings;
  now: () => Date;
  /** 4 random bytes as hex: keeps failure records of the same millisecond apart. */
  randomHex8: () => string;
}
