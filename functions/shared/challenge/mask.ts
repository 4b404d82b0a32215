/**
 * Masked phone numbers for challenge parameters and logs: `+14155550123` -> `+*******0123`.
 *
 * Always seven stars and the last four digits, whatever the number's length, so the mask tells
 * the user which of their phones got the code and tells nobody how long the number is or which
 * country it is in. The same shape is used for the decoy destination shown to unknown users.
 */
export const MASK_STARS = '*******';

export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  return `+${MASK_STARS}${digits.slice(-4).padStart(4, '*')}`;
}

/** A mask built from four digits only (the decoy for an unknown user). */
export function maskFromLastDigits(lastFour: string): string {
  return `+${MASK_STARS}${lastFour}`;
}

/**
 * A masked email for the EMAIL_OTP round's `destination`: `alice@example.com` -> `a***@e***.com`.
 * The first letter of the name and of the domain, and the top-level domain: enough for the user to
 * recognise the mailbox, little for anyone else.
 */
export function maskEmailDestination(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return '***';
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tld = dot > 0 ? domain.slice(dot) : '';
  // Whole characters (code points), never half of one.
  const first = (text: string) => [...text][0] ?? '';
  return `${first(email)}***@${first(domain)}***${tld}`;
}
