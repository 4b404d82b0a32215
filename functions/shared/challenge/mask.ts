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
