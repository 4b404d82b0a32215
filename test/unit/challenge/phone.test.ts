import { readConfig } from '#shared/config';
import { allowedCountriesSetting, checkPhone } from '#shared/phone';

const ALLOWED = ['US', 'CA', 'GB'];

test.each([
  ['+12015550123', '+12015550123', 'US'],
  ['  +1 (201) 555-0123 ', '+12015550123', 'US'],
  ['+1.201.555.0123', '+12015550123', 'US'],
  ['+16135550199', '+16135550199', 'CA'],
  ['+447400123456', '+447400123456', 'GB'],
])('%j is accepted as %s (%s)', (input, e164, country) => {
  expect(checkPhone(input, ALLOWED)).toEqual({ ok: true, e164, country });
});

test.each([
  ['12015550123', 'not_e164'],
  ['2015550123', 'not_e164'],
  ['', 'not_e164'],
  [`+1${'2'.repeat(40)}`, 'not_e164'],
  ['+1 hello', 'unparseable'],
  ['+', 'unparseable'],
  ['+1415555012', 'not_possible'],
  ['+15555555555', 'not_valid'],
  ['+442071838750', 'not_valid'],
  ['+18005550123', 'not_valid'],
  ['+12015550123 ext. 5', 'has_extension'],
  ['+33612345678', 'country_not_allowed'],
  ['+447911123456', 'country_not_allowed'],
])('%j is refused: %s', (input, reason) => {
  expect(checkPhone(input, ALLOWED)).toEqual({ ok: false, reason });
});

test('a country counts only when it is in the list', () => {
  expect(checkPhone('+33612345678', ['FR'])).toMatchObject({ ok: true, country: 'FR' });
  expect(checkPhone('+12015550123', ['FR'])).toEqual({ ok: false, reason: 'country_not_allowed' });
});

describe('ALLOWED_COUNTRIES', () => {
  test('defaults to US,CA,GB', () => {
    expect(readConfig(allowedCountriesSetting, {}).ALLOWED_COUNTRIES).toEqual(['US', 'CA', 'GB']);
  });
  test('is trimmed and upper-cased', () => {
    expect(readConfig(allowedCountriesSetting, { ALLOWED_COUNTRIES: ' de, fr ,' }).ALLOWED_COUNTRIES).toEqual(
      ['DE', 'FR'],
    );
  });
  test.each([['XX'], ['USA'], [' , ']])('%j is refused with the variable named', (value) => {
    expect(() => readConfig(allowedCountriesSetting, { ALLOWED_COUNTRIES: value })).toThrow(
      /ALLOWED_COUNTRIES/,
    );
  });
});
