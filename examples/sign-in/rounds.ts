/**
 * How the page asks for each kind of round. After the password, every round of a sign-in is a
 * CUSTOM_CHALLENGE whose parameters carry a `type` (docs/two-factor.md, "The protocol"); this
 * table says, per type, what to ask and what to say when the same round comes back (the answer
 * was not accepted). A new round type is one more entry here; the page needs nothing else.
 */

/** The public challenge parameters of a round (Cognito adds its own USERNAME). */
export type RoundParameters = Record<string, string | undefined>;

export interface Round {
  /** The heading of the step. */
  title: string;
  /** The label of the one input, from the round's parameters. */
  label: (parameters: RoundParameters) => string;
  /** The input's attributes: what keyboard and autofill suit the answer. */
  input: {
    type: 'text' | 'tel';
    autocomplete: string;
    inputMode: 'text' | 'tel' | 'numeric';
    placeholder?: string;
  };
  /** Shown when this round is asked again right after an answer to it. */
  retry: string;
  /** The round takes the reserved answer `RESEND` (a new code): the page offers a button for it. */
  resend?: boolean;
}

export const ROUNDS: Record<string, Round> = {
  PHONE_REQUIRED: {
    title: 'Add your mobile number',
    label: () => 'Mobile number, with the country code',
    input: { type: 'tel', autocomplete: 'tel', inputMode: 'tel', placeholder: '+1 415 555 0123' },
    retry: 'That number cannot receive our codes. Check it, with the country code, and try again.',
  },
  SMS_OTP: {
    title: 'Enter the code we texted you',
    label: (parameters) =>
      `The ${parameters.length ?? ''}-digit code sent to ${parameters.destination ?? 'your phone'}`,
    input: { type: 'text', autocomplete: 'one-time-code', inputMode: 'numeric' },
    retry: 'That code is not right. Check the latest text message and try again.',
    resend: true,
  },
};

/** What to say after `RESEND`: a new code is on its way, or when one may be asked for. */
export function afterResend(parameters: RoundParameters): string {
  const wait = Number(parameters.retryAfter);
  return Number.isInteger(wait) && wait > 0
    ? `You can ask for a new code in ${wait} seconds. The last one still works.`
    : 'A new code is on its way. Only the newest code works.';
}

/** A round this page does not know yet still gets a plain question, so sign-in never stalls. */
export function roundFor(type: string | undefined): Round {
  return (
    ROUNDS[type ?? ''] ?? {
      title: 'One more step',
      label: () => `Answer for ${type ?? 'this step'}`,
      input: { type: 'text', autocomplete: 'off', inputMode: 'text' },
      retry: 'That answer was not accepted. Try again.',
    }
  );
}
