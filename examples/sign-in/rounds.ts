/**
 * How the page asks for each kind of round. After the password, every round of a sign-in is a
 * CUSTOM_CHALLENGE whose parameters carry a `type` (docs/protocol.md); this table says, per type,
 * what to show, what to ask, which reserved answers to offer as buttons and what to say when the
 * same round comes back (the answer was not accepted). A new round type is one more entry here;
 * the page needs nothing else. DEVICE_PROOF is not here: nobody types a signature, the page
 * answers it for the remembered device (sign-in.ts).
 */

/** The public challenge parameters of a round (Cognito adds its own USERNAME). */
export type RoundParameters = Record<string, string | undefined>;

/** The reserved answers (docs/protocol.md, "Reserved answers"). */
export const RESEND = 'RESEND';
export const RECOVERY = 'RECOVERY';
export const ACKNOWLEDGE = 'OK';

export interface Round {
  /** The heading of the step. */
  title: string;
  /** What the step asks, from the round's parameters: the input's label, or the step's text. */
  label: (parameters: RoundParameters) => string;
  /**
   * The one input's attributes: what keyboard and autofill suit the answer. None: the round has
   * nothing to type and is answered with `answer` by its button.
   */
  input?: {
    type: 'text' | 'tel';
    autocomplete: string;
    inputMode: 'text' | 'tel' | 'numeric';
    placeholder?: string;
  };
  /** A hint under the input (the answer's format). */
  hint?: string;
  /** The fixed answer of a round without an input (RECOVERY_CODES: `OK`). */
  answer?: string;
  /** The text of the button that answers (default `Continue`). */
  submit?: string;
  /** Items to show in a list, to be saved by the person (the new recovery codes). */
  list?: (parameters: RoundParameters) => string[];
  /** Shown when this round is asked again right after an answer to it. */
  retry: string;
  /** The round takes the reserved answer `RESEND` (a new code): the page offers a button for it. */
  resend?: boolean;
  /**
   * The round takes the reserved answer `RECOVERY` when its code goes to the verified phone (not
   * to a number being added): the page offers "Lost your phone?" for it.
   */
  recovery?: boolean;
}

const codeInput = { type: 'text', autocomplete: 'one-time-code', inputMode: 'numeric' } as const;

/** "The 6-digit code sent to +*******0123". */
const codeLabel = (parameters: RoundParameters, fallback: string) =>
  `The ${parameters.length ?? ''}-digit code sent to ${parameters.destination ?? fallback}`;

export const ROUNDS: Record<string, Round> = {
  EMAIL_OTP: {
    title: 'Enter the code we emailed you',
    label: (parameters) => codeLabel(parameters, 'your email'),
    input: codeInput,
    retry: 'That code is not right. Check the latest email and try again.',
    resend: true,
  },
  PHONE_REQUIRED: {
    title: 'Add your mobile number',
    label: () => 'Mobile number, with the country code',
    input: { type: 'tel', autocomplete: 'tel', inputMode: 'tel', placeholder: '+1 415 555 0123' },
    retry: 'That number cannot receive our codes. Check it, with the country code, and try again.',
  },
  SMS_OTP: {
    title: 'Enter the code we texted you',
    label: (parameters) => codeLabel(parameters, 'your phone'),
    input: codeInput,
    retry: 'That code is not right. Check the latest text message and try again.',
    resend: true,
    recovery: true,
  },
  RECOVERY_CODE: {
    title: 'Enter a recovery code',
    label: () => 'One of the recovery codes you saved',
    input: { type: 'text', autocomplete: 'off', inputMode: 'text', placeholder: 'XXXX-XXXX-XXXX' },
    hint: 'Three groups of four letters and digits: XXXX-XXXX-XXXX (any case, dashes optional). Each code works once.',
    retry: 'That recovery code is not right. Check it and try again.',
  },
  RECOVERY_CODES: {
    title: 'Save your recovery codes',
    label: () =>
      'If you lose your phone, each of these codes signs you in once. Keep them somewhere safe: they are shown only now.',
    answer: ACKNOWLEDGE,
    submit: 'I have saved these codes',
    list: (parameters) => (parameters.codes ?? '').split(' ').filter(Boolean),
    retry: 'Here is a new set of codes: save these instead.',
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

/** The text of a saved-codes file: what they are for, then one code a line. */
export function codesFile(codes: readonly string[], site: string): string {
  return [
    `Recovery codes for ${site}: each signs you in once if you lose your phone.`,
    '',
    ...codes,
    '',
  ].join('\n');
}
