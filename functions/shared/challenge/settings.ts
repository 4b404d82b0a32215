/**
 * Settings that Define reads (environment variables, read once at cold start). Create's own
 * settings (code, send limits, delivery) are in functions/create-auth-challenge/settings.ts, so
 * the Define bundle does not build their schemas at start. Each handler spreads only the groups
 * it reads into its `readConfig` call. docs/two-factor.md lists every setting with its
 * default and the reason for it.
 */
import { setting } from '#shared/config';

/**
 * The wrong-answer budget of one code. Define counts a sign-in's wrong codes in its session; Create
 * and Verify count every wrong answer to a code on the code's item, shared by every sign-in that
 * was given that code, so N parallel sign-ins still get MAX_CODE_ATTEMPTS guesses in all.
 */
export const attemptSettings = {
  /** Wrong answers to one SMS code (all sign-ins together) before the code is dead. */
  MAX_CODE_ATTEMPTS: setting.integer(3, 1, 10),
};

export const roundSettings = {
  /** Rejected phone numbers per sign-in before it fails. */
  MAX_PHONE_ATTEMPTS: setting.integer(3, 1, 10),
  /**
   * Session entries per sign-in, the two password steps included. The longest path a user walks
   * without a mistake, recovery, has 7 (2 + SMS + RECOVERY_CODE + PHONE_REQUIRED + SMS + codes);
   * 16 leaves room for a few wrong answers and resends on top (docs/protocol.md).
   */
  MAX_ROUNDS: setting.integer(16, 4, 30),
};

export const resendSettings = {
  /**
   * New codes per sign-in sent in answer to `RESEND` (read by Define and Create). Each also takes a
   * unit of the send limits; a `RESEND` beyond this ends the sign-in with the send-limit message.
   */
  MAX_RESENDS: setting.integer(2, 0, 5),
};

/**
 * Remembered devices (docs/protocol.md, "Remembered devices"), read by Create and Verify. A device
 * is remembered for REMEMBER_DEVICE_DAYS from the sign-in that registered it (0: the feature is
 * off: nothing is registered and no DEVICE_PROOF round is offered); a user keeps at most
 * MAX_REMEMBERED_DEVICES, the oldest dropped.
 */
export const deviceSettings = {
  REMEMBER_DEVICE_DAYS: setting.integer(30, 0, 365),
  MAX_REMEMBERED_DEVICES: setting.integer(10, 1, 50),
};
