import crypto from 'node:crypto';
import {
  CODE_ALPHABET,
  CODE_LENGTH,
  canonicalInviteCode,
  generateInviteCode,
  hashesEqual,
  hashInviteCode,
} from '#shared/invites/code';

const CODE_FORMAT = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/;

describe('generateInviteCode', () => {
  test('carries 80 bits: 16 characters from a 32-letter alphabet', () => {
    expect(CODE_ALPHABET).toHaveLength(32);
    expect(new Set(CODE_ALPHABET).size).toBe(32);
    expect(CODE_LENGTH * Math.log2(CODE_ALPHABET.length)).toBe(80);
  });

  test('is grouped Crockford base32 without I, L, O or U', () => {
    expect(CODE_ALPHABET).toBe('0123456789ABCDEFGHJKMNPQRSTVWXYZ');
    for (let i = 0; i < 200; i++) expect(generateInviteCode()).toMatch(CODE_FORMAT);
  });

  test('draws each character with crypto.randomInt(0, 32): the exclusive upper bound covers the whole alphabet', () => {
    const spy = jest.spyOn(crypto, 'randomInt');
    try {
      generateInviteCode();
      expect(spy).toHaveBeenCalledTimes(CODE_LENGTH);
      for (const call of spy.mock.calls) expect(call).toEqual([0, CODE_ALPHABET.length]);
    } finally {
      spy.mockRestore();
    }
  });

  test('uses every character of the alphabet, first and last included, with no character favoured', () => {
    const counts = new Map<string, number>();
    const codes = 2000;
    for (let i = 0; i < codes; i++) {
      for (const char of generateInviteCode().replaceAll('-', ''))
        counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([...CODE_ALPHABET].sort());
    // 32 000 draws, 1000 expected per character; +/-25 % is > 7 standard deviations.
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(750);
      expect(count).toBeLessThan(1250);
    }
  });

  test('does not repeat (10 000 codes, all distinct)', () => {
    const codes = new Set(Array.from({ length: 10_000 }, generateInviteCode));
    expect(codes.size).toBe(10_000);
  });
});

describe('canonicalInviteCode', () => {
  const code = '01AB-CD23-EFGH-JK45';
  const canonical = '01ABCD23EFGHJK45';

  test.each([
    ['as printed', code],
    ['without separators', canonical],
    ['lower-case', code.toLowerCase()],
    ['with spaces instead of dashes', '01ab cd23 efgh jk45'],
    ['with surrounding whitespace and tabs', ` \t${code}\n`],
    ['O typed for 0 and I typed for 1', 'OIAB-CD23-EFGH-JK45'],
    ['o typed for 0 and l typed for 1', 'olab-cd23-efgh-jk45'],
    ['L typed for 1', 'OLAB CD23 EFGH JK45'],
  ])('accepts the code %s', (_label, typed) => {
    expect(canonicalInviteCode(typed)).toBe(canonical);
  });

  test.each([
    ['empty', ''],
    ['too short', '01AB-CD23-EFGH-JK4'],
    ['too long', '01AB-CD23-EFGH-JK456'],
    ['with U (not in the alphabet)', '01AB-CD23-EFGH-JK4U'],
    ['with punctuation', '01AB.CD23.EFGH.JK45'],
    ['with non-Latin look-alikes', '01АВ-CD23-EFGH-JK45'], // Cyrillic А and В
  ])('refuses input that cannot be a code: %s', (_label, typed) => {
    expect(canonicalInviteCode(typed)).toBeUndefined();
  });

  test('every generated code survives its own canonicalisation', () => {
    for (let i = 0; i < 100; i++) {
      const generated = generateInviteCode();
      expect(canonicalInviteCode(generated)).toBe(generated.replaceAll('-', ''));
    }
  });
});

describe('hashing and comparison', () => {
  test('the stored form is a SHA-256 hex digest of the canonical code, never the code', () => {
    const hash = hashInviteCode('01ABCD23EFGHJK45');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(crypto.createHash('sha256').update('01ABCD23EFGHJK45').digest('hex'));
    expect(hash).not.toContain('01ABCD23EFGHJK45');
  });

  test('hashesEqual compares with crypto.timingSafeEqual', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      const hash = hashInviteCode('01ABCD23EFGHJK45');
      expect(hashesEqual(hash, hashInviteCode('01ABCD23EFGHJK45'))).toBe(true);
      expect(hashesEqual(hash, hashInviteCode('01ABCD23EFGHJK46'))).toBe(false);
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });

  test('hashesEqual is false, without throwing, for different lengths or empty input', () => {
    const hash = hashInviteCode('01ABCD23EFGHJK45');
    expect(hashesEqual(hash, hash.slice(0, 62))).toBe(false);
    expect(hashesEqual('', '')).toBe(false);
    expect(hashesEqual(hash, 'not hex at all')).toBe(false);
    // A damaged stored value (DynamoDB may hold anything) never matches and never throws.
    expect(hashesEqual(hash, 12345 as unknown as string)).toBe(false);
    expect(hashesEqual(undefined as unknown as string, hash)).toBe(false);
  });
});
