import { randomInt, timingSafeEqual } from 'node:crypto';
import { codeMatches, generateCode, hashCode, normaliseCodeAnswer } from '#shared/challenge/code';

// The real functions, observed: tests can see how they are called and override single results.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return {
    ...actual,
    randomInt: jest.fn(actual.randomInt),
    timingSafeEqual: jest.fn(actual.timingSafeEqual),
  };
});

afterEach(() => jest.clearAllMocks());

test('a code of n digits draws from randomInt(0, 10^n): every value, 000…0 to 999…9, is possible', () => {
  const spy = randomInt as unknown as jest.Mock<number, [number, number]>;
  spy
    .mockReturnValueOnce(0)
    .mockReturnValueOnce(999_999)
    .mockReturnValueOnce(42)
    .mockReturnValueOnce(99_999_999);
  expect(generateCode(6)).toBe('000000');
  expect(generateCode(6)).toBe('999999');
  expect(generateCode(6)).toBe('000042');
  expect(generateCode(8)).toBe('99999999');
  expect(spy.mock.calls).toEqual([
    [0, 1_000_000],
    [0, 1_000_000],
    [0, 1_000_000],
    [0, 100_000_000],
  ]);
});

test('real codes have exactly n digits and every digit shows up in every position', () => {
  const codes = Array.from({ length: 2000 }, () => generateCode(6));
  for (const code of codes) expect(code).toMatch(/^\d{6}$/);
  for (let position = 0; position < 6; position++) {
    expect(new Set(codes.map((code) => code[position])).size).toBe(10);
  }
});

test('lengths outside 4..10 are refused', () => {
  expect(() => generateCode(3)).toThrow(RangeError);
  expect(() => generateCode(11)).toThrow(RangeError);
});

test('the hash is salted: the same code hashes differently per salt, and only the right code matches', () => {
  const a = hashCode('123456');
  const b = hashCode('123456');
  expect(a.salt).toMatch(/^[0-9a-f]{32}$/);
  expect(a.codeHash).toMatch(/^[0-9a-f]{64}$/);
  expect(a.codeHash).not.toBe(b.codeHash);
  expect(a.codeHash).not.toContain('123456');
  expect(codeMatches('123456', a)).toBe(true);
  expect(codeMatches('123457', a)).toBe(false);
  expect(codeMatches('123456', { ...a, codeHash: 'abcd' })).toBe(false);
});

test('codeMatches compares in constant time (timingSafeEqual)', () => {
  const spy = timingSafeEqual as unknown as jest.Mock;
  codeMatches('123456', hashCode('123456'));
  expect(spy).toHaveBeenCalledTimes(1);
});

test.each([
  ['123456', '123456'],
  [' 123456 ', '123456'],
  ['\t012345\n', '012345'],
  ['12345', undefined],
  ['1234567', undefined],
  ['12 3456', undefined],
  ['12345a', undefined],
  ['١٢٣٤٥٦', undefined],
  ['', undefined],
])('the answer %j normalises to %j', (answer, expected) => {
  expect(normaliseCodeAnswer(answer, 6)).toBe(expected);
});
