/** What CreateAuthChallenge needs: its settings and its ports (adapters in handler.ts, fakes in tests). */
import type { AccountStatusStore, LockoutPolicy } from '#shared/auth-state/account-status';
import type { ChallengeStore } from '#shared/auth-state/challenge-store';
import type { SendLimits } from '#shared/auth-state/send-limits';
import type { SmsSender } from '#shared/aws/sms';

export interface CreateSettings {
  codeLength: number;
  codeTtlSeconds: number;
  resendCooldownSeconds: number;
  perUserPerHour: number;
  perPhonePerDay: number;
  unprovenPerPhonePerDay: number;
  unprovenPerUserPerDay: number;
  /** Wrong answers one code takes (all sign-ins together) before it is dead. */
  maxCodeAttempts: number;
  /** New codes per sign-in in answer to `RESEND`. */
  maxResends: number;
  lockout: LockoutPolicy;
  allowedCountries: readonly string[];
  appName: string;
  /** Safe enrolment (settings.ts, `enrolmentSettings`); absent: `after-grace`, 60 minutes. */
  enrolmentEmailProof?: 'after-grace' | 'always' | 'never' | undefined;
  enrolmentGraceMinutes?: number | undefined;
  /** REMEMBER_DEVICE_DAYS: 0 turns remembered devices off (no DEVICE_PROOF round); absent: 0. */
  rememberDeviceDays?: number | undefined;
}

/** Renders and sends an EMAIL_OTP code (SES v2 in the handler). */
export interface EmailCodeSender {
  send(input: { to: string; code: string; validMinutes: number; locale?: string | undefined }): Promise<void>;
}

export interface CreateDeps {
  /** Suspension, lockout and the confirmation time, read once per real user's round. */
  accounts: Pick<AccountStatusStore, 'read'>;
  challenges: Pick<ChallengeStore, 'getCode' | 'issueCode' | 'getPhoneCandidate' | 'decoyState'>;
  /**
   * Undoing a claimed code must work even when the invocation's deadline has just aborted the
   * call that failed: a store with its own short budget, made when needed.
   */
  cleanup: () => Pick<ChallengeStore, 'releaseCode'>;
  /** The unknown-user path's counter (the real path takes its units inside `issueCode`). */
  sendLimits: Pick<SendLimits, 'takeUnit'>;
  sms: SmsSender;
  /** Absent when no sender is configured: no EMAIL_OTP round can be built. */
  email?: EmailCodeSender | undefined;
  settings: CreateSettings;
  now: () => Date;
  /** Waits about as long as a real send takes (the unknown-user path). */
  pauseLikeASend: () => Promise<void>;
}
