import { maskFromLastDigits, maskPhone } from '#shared/challenge/mask';

test.each([
  ['+14155550123', '+*******0123'],
  ['+447400123456', '+*******3456'],
  ['+4915123456789', '+*******6789'],
])('maskPhone(%s) shows only the last four digits, with a fixed number of stars: %s', (phone, masked) => {
  expect(maskPhone(phone)).toBe(masked);
});

test('masks of numbers of different lengths have the same length', () => {
  expect(maskPhone('+14155550123')).toHaveLength(maskPhone('+4915123456789').length);
});

test('a decoy mask has the same shape as a real one', () => {
  expect(maskFromLastDigits('0123')).toBe(maskPhone('+14155550123'));
});
