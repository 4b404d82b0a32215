/**
 * The lockout policy's settings, read by every trigger that enforces it: Create (no code is sent
 * to a locked or suspended user) and Verify (no answer is accepted from one). One definition, so
 * both see the same lockout state.
 */
import { DEFAULT_LOCKOUT, MAX_WINDOW_MINUTES } from '#shared/auth-state/account-status';
import { setting } from '#shared/config';

export const lockoutSettings = {
  /** Failed answers within the window that lock a user out. */
  LOCKOUT_MAX_FAILURES: setting.integer(DEFAULT_LOCKOUT.maxFailures, 1, 100),
  /** The sliding window (minutes) failures are counted in; failure records live 24 h. */
  LOCKOUT_WINDOW_MINUTES: setting.integer(DEFAULT_LOCKOUT.windowMinutes, 1, MAX_WINDOW_MINUTES),
};
