/**
 * Phone numbers a code may be sent to: valid, possible, mobile, in an allowed country.
 *
 * Uses `libphonenumber-js/mobile`: Google's full ("max") validation patterns restricted to mobile
 * ranges (~99 kB of metadata against ~157 kB for `/max`). `/min` cannot tell a mobile from a
 * landline (its `getType()` is undefined and `isValid()` only checks lengths), and we only ever
 * accept mobiles, which is exactly what `/mobile` validates. Where the numbering plan itself
 * cannot tell the two apart (the US and Canada), the metadata reports `FIXED_LINE_OR_MOBILE`
 * (surfaced here as `MOBILE`), which we accept: SNS will then fail or deliver, as for any carrier.
 */
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/mobile';
import * as z from 'zod/mini';
import { splitList } from '#shared/config';

export type PhoneCheck =
  | { ok: true; e164: string; country: string }
  | {
      ok: false;
      reason:
        | 'not_e164'
        | 'unparseable'
        | 'not_possible'
        | 'not_valid'
        | 'not_mobile'
        | 'country_not_allowed'
        | 'has_extension';
    };

const MAX_INPUT_LENGTH = 32;

/**
 * Checks what a user typed (or what is on file). The number must be international (start with
 * `+`); spaces, dashes, dots and brackets are tolerated and dropped. The result is E.164.
 */
export function checkPhone(input: string, allowedCountries: readonly string[]): PhoneCheck {
  const text = input.trim();
  if (!text.startsWith('+') || text.length > MAX_INPUT_LENGTH) return { ok: false, reason: 'not_e164' };
  const number = parsePhoneNumberFromString(text);
  if (!number) return { ok: false, reason: 'unparseable' };
  if (number.ext) return { ok: false, reason: 'has_extension' };
  if (!number.isPossible()) return { ok: false, reason: 'not_possible' };
  if (!number.isValid()) return { ok: false, reason: 'not_valid' };
  const type = number.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return { ok: false, reason: 'not_mobile' };
  if (!number.country || !allowedCountries.includes(number.country)) {
    return { ok: false, reason: 'country_not_allowed' };
  }
  return { ok: true, e164: number.number, country: number.country };
}

/**
 * `ALLOWED_COUNTRIES`: ISO 3166-1 alpha-2 codes, comma-separated. Default `US,CA,GB`: the
 * operator's markets, documented in docs/two-factor.md. Note that numbers of Guernsey, Jersey and
 * the Isle of Man share +44 but are their own countries (GG, JE, IM).
 */
export const allowedCountriesSetting = {
  ALLOWED_COUNTRIES: z
    .pipe(
      z._default(z.string({ error: 'must be text' }), 'US,CA,GB'),
      z.transform((value: string) => splitList(value).map((code) => code.toUpperCase())),
    )
    .check(
      z.refine((codes: string[]) => codes.length > 0, { error: 'must name at least one country' }),
      z.refine((codes: string[]) => codes.every((code) => isSupportedCountry(code)), {
        error: 'must be ISO 3166-1 alpha-2 country codes (e.g. US,CA,GB)',
      }),
    ),
};
