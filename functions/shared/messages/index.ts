/**
 * All user-facing wording lives under functions/shared/messages. The CustomMessage trigger renders
 * Cognito's own messages from here, and the create-auth-challenge trigger renders its SMS here.
 */

export interface OtpSmsInput {
  /** The one-time code (or Cognito's placeholder). */
  code: string;
  appName: string;
  /** Minutes until the code expires. */
  validMinutes: number;
  /** BCP 47 tag from the user's `locale` attribute; unknown or absent falls back to English. */
  locale?: string | undefined;
}

/** The SMS that carries a sign-in code. Kept well under 140 characters. */
export function renderOtpSms(input: OtpSmsInput): string {
  return `${input.code} is your ${input.appName} sign-in code. It expires in ${input.validMinutes} min. Never share it.`;
}
