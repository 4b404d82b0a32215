/**
 * What an app answers to each round of the sign-in protocol (docs/protocol.md), whatever client it
 * uses: one function from a round's public parameters to the ANSWER (and the ClientMetadata to send
 * with it), asking the user through the app's own UI. amplify.ts and sdk-v3.ts drive a whole
 * sign-in with it; device.ts answers for a remembered device.
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
  /**
   * Optional, asked once an SMS code is typed (a "Remember this device" box beside the code):
   * resolve with a name for this device (`''`: no name) to remember it, so that later sign-ins
   * from it need no code; `undefined` not to.
   */
  rememberDevice?(): Promise<string | undefined>;
}

/** What answers for this device (device.ts): its proof, and the key it offers to be remembered by. */
export interface DeviceSide {
  /** The DEVICE_PROOF answer: the remembered device's signature over the round's `challenge`. */
  proof(challenge: string): Promise<string>;
  /** ClientMetadata for an SMS code answer that asks to remember this device. */
  offer(name: string): Promise<Record<string, string>>;
}

/** The ANSWER to a round, and ClientMetadata to send with it on top of the sign-in's own. */
export interface Answer {
  answer: string;
  clientMetadata?: Record<string, string>;
}

/** The reserved answers (docs/protocol.md, "Reserved answers"). */
export const RESEND = 'RESEND';
export const RECOVERY = 'RECOVERY';

/** The ANSWER for one round. A `type` this app does not know is an error, never a guess. */
export async function answerRound(
  parameters: RoundParameters,
  ui: SignInUi,
  device?: DeviceSide,
): Promise<Answer> {
  const retryAfter = Number(parameters.retryAfter);
  const codeRound = (channel: 'SMS' | 'EMAIL') =>
    ui.code({
      channel,
      destination: parameters.destination ?? '',
      length: Number(parameters.length),
      ...(Number.isInteger(retryAfter) && retryAfter > 0 ? { retryAfter } : {}),
    });
  switch (parameters.type) {
    case 'SMS_OTP': {
      const answer = await codeRound('SMS');
      // A right code with `rememberDevice` registers this device (a reserved answer is no code).
      if (answer === RESEND || answer === RECOVERY || !device || !ui.rememberDevice) return { answer };
      const name = await ui.rememberDevice();
      return name === undefined ? { answer } : { answer, clientMetadata: await device.offer(name) };
    }
    case 'EMAIL_OTP':
      return { answer: await codeRound('EMAIL') };
    case 'DEVICE_PROOF':
      // Nothing to ask: the device signs. A proof the server refuses gets the SMS code next.
      if (!device) throw new Error('DEVICE_PROOF without a remembered device');
      return { answer: await device.proof(parameters.challenge ?? '') };
    case 'PHONE_REQUIRED':
      return { answer: await ui.phone() };
    case 'RECOVERY_CODE':
      return { answer: await ui.recoveryCode() };
    case 'RECOVERY_CODES':
      await ui.saveRecoveryCodes((parameters.codes ?? '').split(' '));
      return { answer: 'OK' };
    default:
      throw new Error(`unknown sign-in round ${String(parameters.type)}`);
  }
}

/** What the app may ask for on top of the second factor (docs/protocol.md, "Intents"). */
export type Intent = 'change_phone' | 'new_recovery_codes';
