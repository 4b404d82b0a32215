/**
 * Settings that Define reads (environment variables, read once at cold start). Create's own
 * settings (code, send limits, delivery) are in functions/create-auth-challenge/settings.ts, so
 * the Define bundle does not build their schemas at start. Each handler spreads only the groups
 * it reads into its `readConfig` call. docs/two-factor.md lists every setting with its
 * default and the reason for it.
 */
import { setting } from '#shared/config';

/** Define's limit on wrong codes (Define counts them in the session). */
export const attemptSettings = {
  /** Wrong SMS codes per sign-in before the sign-in fails. */
  MAX_CODE_ATTEMPTS: setting.integer(3, 1, 10),
};

export const roundSettings = {
  /** Rejected phone numbers per sign-in before it fails. */
  MAX_PHONE_ATTEMPTS: setting.integer(3, 1, 10),
  /** Session entries per sign-in, the two password steps included (2 + 3 phone + 3 code). */
  MAX_ROUNDS: setting.integer(8, 4, 20),
};
