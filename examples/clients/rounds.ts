/**
 * What an app answers to each round of the sign-in protocol (docs/protocol.md), whatever client it
 * uses: one function from a round's public parameters to the ANSWER, asking the user through the
 * app's own UI. amplify.ts and sdk-v3.ts drive a whole sign-in with it.
 */

/** The public challenge parameters of a round (Cognito adds its own USERNAME: ignore it). */
export type RoundParameters = Record<string, string | undefined>;

/** The app's UI: each method shows one step and resolves with what the user typed or chose. */
export interface SignInUi {
  /**
   * A code was sent (`channel` SMS or EMAIL, to the masked `destination`). Resolve with the code,
   * or `'RESEND'` for a new one, or (SMS to the verified phone only) `'RECOVERY'` when the phone
   * is lost. `retryAfter` is set when a RESEND came too early: the last code still works.
   */
  code(round: {
    channel: 'SMS' | 'EMAIL';
    destination: string;
    length: number;
    retryAfter?: number;
  }): Promise<string>;
  /** A mobile number with its country code, `+14155550123`. */
  phone(): Promise<string>;
  /** One of the user's recovery codes, `7KQ2-M9XD-4RTB` (any case; dashes optional). */
  recoveryCode(): Promise<string>;
  /** Ten new recovery codes to save; resolves once the user has saved them. */
  saveRecoveryCodes(codes: string[]): Promise<void>;
}

/** The reserved answers (docs/protocol.md, "Reserved answers"). */
export const RESEND = 'RESEND';
export const RECOVERY = 'RECOVERY';

/** The ANSWER for one round. A `type` this app does not know is an error, never a guess. */
export async function answerRound(parameters: RoundParameters, ui: SignInUi): Promise<string> {
  const retryAfter = Number(parameters.retryAfter);
  const codeRound = (channel: 'SMS' | 'EMAIL') =>
    ui.code({
      channel,
      destination: parameters.destination ?? '',
      length: Number(parameters.length),
      ...(Number.isInteger(retryAfter) && retryAfter > 0 ? { retryAfter } : {}),
    });
  switch (parameters.type) {
    case 'SMS_OTP':
      return codeRound('SMS');
    case 'EMAIL_OTP':
      return codeRound('EMAIL');
    case 'PHONE_REQUIRED':
      return ui.phone();
    case 'RECOVERY_CODE':
      return ui.recoveryCode();
    case 'RECOVERY_CODES':
      await ui.saveRecoveryCodes((parameters.codes ?? '').split(' '));
      return 'OK';
    default:
      throw new Error(`unknown sign-in round ${String(parameters.type)}`);
  }
}

/** What the app may ask for on top of the second factor (docs/protocol.md, "Intents"). */
export type Intent = 'change_phone' | 'new_recovery_codes';
