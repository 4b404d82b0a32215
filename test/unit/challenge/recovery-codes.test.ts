import { createHmac } from 'node:crypto';
import { MAX_RECOVERY_CODES, parsePrivateParameters, privateParameters } from '#shared/challenge/protocol';
import {
  formatRecoveryCode,
  generateRecoveryCode,
  newRecoverySet,
  normaliseRecoveryCode,
  RECOVERY_ALPHABET,
  RECOVERY_CODE_BITS,
  RECOVERY_CODE_CHARACTERS,
  RECOVERY_CODE_COUNT,
  recoveryCodeHash,
} from '#shared/challenge/recovery-codes';

const SUB = '3f1c2a4e-0000-4000-8000-000000000001';
const OTHER_SUB = '3f1c2a4e-0000-4000-8000-000000000002';
const SHOWN = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

describe('the code space', () => {
  test("Crockford's base32 alphabet: 32 distinct characters, digits and letters without I, L, O, U", () => {
    expect(new Set(RECOVERY_ALPHABET).size).toBe(32);
    expect(RECOVERY_ALPHABET).toMatch(/^[0-9A-Z]{32}$/);
    for (const lookAlike of 'ILOU') expect(RECOVERY_ALPHABET).not.toContain(lookAlike);
  });

  test('12 characters of 5 bits: 60 bits per code (the issue asks for at least 50), 10 codes per set', () => {
    expect(RECOVERY_CODE_CHARACTERS).toBe(12);
    expect(RECOVERY_CODE_BITS).toBe(60);
    expect(2 ** RECOVERY_CODE_BITS).toBe(RECOVERY_ALPHABET.length ** RECOVERY_CODE_CHARACTERS);
    expect(RECOVERY_CODE_COUNT).toBe(10);
  });
});

describe('generateRecoveryCode', () => {
  test('is shown in three groups of four characters of the alphabet', () => {
    for (let i = 0; i < 200; i++) expect(generateRecoveryCode()).toMatch(SHOWN);
  });

  test('uniformity smoke check: over 4,000 codes every character appears at every position, with no gross bias', () => {
    const codes = 4000;
    const seen = Array.from({ length: RECOVERY_CODE_CHARACTERS }, () => new Map<string, number>());
    for (let i = 0; i < codes; i++) {
      [...generateRecoveryCode().replace(/-/g, '')].forEach((char, at) => {
        const counts = seen[at] as Map<string, number>;
        counts.set(char, (counts.get(char) ?? 0) + 1);
      });
    }
    // Each position sees all 32 characters (a missing one has probability (31/32)^4000 ~ e^-127).
    for (const counts of seen) expect([...counts.keys()].sort().join('')).toBe(RECOVERY_ALPHABET);
    // Pearson's chi-squared over all characters (31 degrees of freedom: mean 31, sd ~7.9). 100 is
    // far out in the tail (p < 1e-8) for a uniform draw; a biased draw (one character never drawn,
    // or `randomInt(0, 31)`) scores in the thousands.
    const expected = (codes * RECOVERY_CODE_CHARACTERS) / 32;
    let chiSquared = 0;
    for (const char of RECOVERY_ALPHABET) {
      const observed = seen.reduce((sum, counts) => sum + (counts.get(char) ?? 0), 0);
      chiSquared += (observed - expected) ** 2 / expected;
    }
    expect(chiSquared).toBeLessThan(100);
  });
});

describe('formatRecoveryCode and normaliseRecoveryCode', () => {
  test('the canonical characters are shown in groups of four', () => {
    expect(formatRecoveryCode('7KQ2M9XD4RTB')).toBe('7KQ2-M9XD-4RTB');
  });

  test.each([
    ['as shown', '7KQ2-M9XD-4RTB'],
    ['canonical', '7KQ2M9XD4RTB'],
    ['lower case', '7kq2-m9xd-4rtb'],
    ['spaces instead of dashes', '7KQ2 M9XD 4RTB'],
    ['spaces and dashes anywhere, around too', ' 7k-q2m9 xd4--rtb\t'],
    ['no-break and other spaces', '7KQ2\u00a0M9XD\u20034RTB'],
  ])('%s reads as the code', (_name, typed) => {
    expect(normaliseRecoveryCode(typed)).toBe('7KQ2M9XD4RTB');
  });

  test.each([
    ['O is read as 0', 'O0O0-0000-0000', '000000000000'],
    ['I and L are read as 1', 'IiLl-1111-1111', '111111111111'],
  ])('%s (the look-alikes of the alphabet)', (_name, typed, canonical) => {
    expect(normaliseRecoveryCode(typed)).toBe(canonical);
  });

  test.each([
    ['U (not in the alphabet)', '7KQ2-M9XD-4RTU'],
    ['a symbol', '7KQ2-M9XD-4RT!'],
    ['an underscore', '7KQ2-M9XD-4R_B'],
    ['a full-width digit', '\uff17KQ2-M9XD-4RTB'],
    ['one character short', '7KQ2-M9XD-4RT'],
    ['one character too many', '7KQ2-M9XD-4RTBX'],
    ['an SMS code', '123456'],
    ['empty', ''],
    ['blank', '   '],
    ['the reserved answer RECOVERY', 'RECOVERY'],
    ['longer than 64 characters before cleaning', `${'-'.repeat(53)}7KQ2M9XD4RTB`],
  ])('%s cannot be a code', (_name, typed) => {
    expect(normaliseRecoveryCode(typed)).toBeUndefined();
  });

  test('64 characters before cleaning are still read', () => {
    expect(normaliseRecoveryCode(`${'-'.repeat(52)}7KQ2M9XD4RTB`)).toBe('7KQ2M9XD4RTB');
  });

  // Found while writing these tests (fixed): `toUpperCase` ran before the alphabet check, so a few
  // non-ASCII letters whose upper case is ASCII (ß -> SS, ı -> I, ſ -> S, ﬀ -> FF) were read as
  // alphabet characters. Only ASCII letters, digits, spaces and dashes are read now.
  test.each([
    ['ß (upper case SS)', '7KQ2M9XD4Rß'],
    ['dotless ı (upper case I)', '7KQ2M9XD4RTı'],
    ['long ſ (upper case S)', '7KQ2M9XD4RTſ'],
    ['the ligature ﬀ (upper case FF)', '7KQ2M9XD4Rﬀ'],
  ])('a letter outside the alphabet whose upper case is ASCII, %s, cannot be a code', (_name, typed) => {
    expect(normaliseRecoveryCode(typed)).toBeUndefined();
  });

  test('every generated code reads back as itself', () => {
    for (let i = 0; i < 200; i++) {
      const shown = generateRecoveryCode();
      expect(formatRecoveryCode(normaliseRecoveryCode(shown) as string)).toBe(shown);
    }
  });
});

describe('recoveryCodeHash: what is kept at rest', () => {
  test('is HMAC-SHA256 keyed "recovery:<sub>" of the canonical characters, in hex (stored sets depend on it)', () => {
    const expected = createHmac('sha256', `recovery:${SUB}`).update('7KQ2M9XD4RTB').digest('hex');
    expect(recoveryCodeHash(SUB, '7KQ2M9XD4RTB')).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the same code of two users hashes differently (no work shared between users)', () => {
    expect(recoveryCodeHash(SUB, '7KQ2M9XD4RTB')).not.toBe(recoveryCodeHash(OTHER_SUB, '7KQ2M9XD4RTB'));
  });

  test('different codes of one user hash differently; the hash is stable', () => {
    expect(recoveryCodeHash(SUB, '7KQ2M9XD4RTB')).not.toBe(recoveryCodeHash(SUB, '7KQ2M9XD4RTC'));
    expect(recoveryCodeHash(SUB, '7KQ2M9XD4RTB')).toBe(recoveryCodeHash(SUB, '7KQ2M9XD4RTB'));
  });

  test('every typed form of a code hashes as the code shown', () => {
    const shown = recoveryCodeHash(SUB, normaliseRecoveryCode('7KQ2-M9XD-4RTB') as string);
    for (const typed of ['7kq2 m9xd 4rtb', '7KQ2M9XD4RTB', ' 7kq2-M9XD-4rtb '])
      expect(recoveryCodeHash(SUB, normaliseRecoveryCode(typed) as string)).toBe(shown);
  });
});

describe('newRecoverySet', () => {
  test('10 distinct codes as shown, and their hashes for this user in the same order', () => {
    const set = newRecoverySet(SUB, RECOVERY_CODE_COUNT);
    expect(set.codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(set.codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of set.codes) expect(code).toMatch(SHOWN);
    expect(set.hashes).toEqual(
      set.codes.map((code) => recoveryCodeHash(SUB, normaliseRecoveryCode(code) as string)),
    );
    expect(new Set(set.hashes).size).toBe(RECOVERY_CODE_COUNT);
  });

  test('no code of the set is kept in clear in its hashes', () => {
    const set = newRecoverySet(SUB, RECOVERY_CODE_COUNT);
    const hashes = set.hashes.join(' ');
    for (const code of set.codes) {
      expect(hashes).not.toContain(code);
      expect(hashes.toUpperCase()).not.toContain(normaliseRecoveryCode(code));
    }
  });

  test('two sets share no code', () => {
    const first = newRecoverySet(SUB, RECOVERY_CODE_COUNT);
    const second = newRecoverySet(SUB, RECOVERY_CODE_COUNT);
    expect(first.codes.filter((code) => second.codes.includes(code))).toEqual([]);
  });

  test.each([1, MAX_RECOVERY_CODES])(
    'a set of %i fits the RECOVERY_CODES round that carries its hashes',
    (count) => {
      const set = newRecoverySet(SUB, count);
      const id = 'a'.repeat(32);
      const params = privateParameters({ type: 'RECOVERY_CODES', id, hashes: set.hashes });
      expect(parsePrivateParameters(params)).toEqual({
        type: 'RECOVERY_CODES',
        id,
        nonce: params.nonce,
        hashes: set.hashes,
      });
    },
  );
});
