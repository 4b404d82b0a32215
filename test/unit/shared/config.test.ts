import fc from 'fast-check';
import * as z from 'zod/mini';
import { ConfigError, readConfig, setting } from '#shared/config';

describe('readConfig', () => {
  test('returns typed values and ignores every variable it was not asked about', () => {
    const config = readConfig(
      { TABLE: setting.required(), AUTO: setting.flag(true), LIMIT: setting.integer(5, 1, 10) },
      { TABLE: ' invites ', AUTO: 'false', LIMIT: '7', PATH: '/usr/bin', UNRELATED: 'x' },
    );
    expect(config).toEqual({ TABLE: 'invites', AUTO: false, LIMIT: 7 });
  });

  test('a missing required variable fails with its name and "is required"', () => {
    expect(() => readConfig({ INVITES_TABLE: setting.required() }, {})).toThrow(
      new ConfigError('Invalid configuration: INVITES_TABLE is required'),
    );
  });

  test('a blank required variable counts as missing', () => {
    expect(() => readConfig({ INVITES_TABLE: setting.required() }, { INVITES_TABLE: '   ' })).toThrow(
      'INVITES_TABLE is required',
    );
  });

  test('every offending variable is named in one message', () => {
    const read = () =>
      readConfig(
        { A_TABLE: setting.required(), B_FLAG: setting.flag(false), C_COUNT: setting.integer(1, 1, 3) },
        { B_FLAG: 'maybe', C_COUNT: '9' },
      );
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/A_TABLE is required; B_FLAG must be true or false; C_COUNT must be at most 3/);
  });
});

describe('setting.flag', () => {
  test.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('%s reads as %s', (value, expected) => {
    expect(readConfig({ F: setting.flag(!expected) }, { F: value }).F).toBe(expected);
  });

  test('absent takes the default', () => {
    expect(readConfig({ F: setting.flag(true) }, {}).F).toBe(true);
    expect(readConfig({ F: setting.flag(false) }, {}).F).toBe(false);
  });

  test.each(['maybe', 'yes', 'TRUE', ''])('%j is refused with the variable name', (value) => {
    expect(() =>
      readConfig({ AUTO_CONFIRM_INVITED_USERS: setting.flag(true) }, { AUTO_CONFIRM_INVITED_USERS: value }),
    ).toThrow('AUTO_CONFIRM_INVITED_USERS must be true or false');
  });
});

describe('setting.integer', () => {
  const shape = { N: setting.integer(5, 1, 10) };
  test('absent takes the default; surrounding spaces are ignored', () => {
    expect(readConfig(shape, {}).N).toBe(5);
    expect(readConfig(shape, { N: ' 10 ' }).N).toBe(10);
  });
  test.each([
    ['abc', 'N must be a whole number'],
    ['2.5', 'N must be a whole number'],
    ['0', 'N must be at least 1'],
    ['11', 'N must be at most 10'],
  ])('%j is refused: %s', (value, message) => {
    expect(() => readConfig(shape, { N: value })).toThrow(message);
  });
});

describe('setting.text and setting.list', () => {
  test('text falls back to its default and trims', () => {
    expect(readConfig({ T: setting.text('fallback') }, {}).T).toBe('fallback');
    expect(readConfig({ T: setting.text('fallback') }, { T: ' given ' }).T).toBe('given');
  });

  test('list splits on commas, trims, lower-cases and drops empty entries', () => {
    const { L } = readConfig({ L: setting.list() }, { L: ' Example.org, ,PARTNER.com,, ' });
    expect(L).toEqual(['example.org', 'partner.com']);
  });

  test('list is empty when absent', () => {
    expect(readConfig({ L: setting.list() }, {}).L).toEqual([]);
  });
});

describe('setting.oneOf', () => {
  const shape = { ENROLMENT_EMAIL_PROOF: setting.oneOf('after-grace', ['after-grace', 'always', 'never']) };

  test.each(['after-grace', 'always', 'never'])('%s is read as itself', (value) => {
    expect(readConfig(shape, { ENROLMENT_EMAIL_PROOF: value }).ENROLMENT_EMAIL_PROOF).toBe(value);
  });

  test('absent takes the default; surrounding spaces are ignored', () => {
    expect(readConfig(shape, {}).ENROLMENT_EMAIL_PROOF).toBe('after-grace');
    expect(readConfig(shape, { ENROLMENT_EMAIL_PROOF: ' never\t' }).ENROLMENT_EMAIL_PROOF).toBe('never');
  });

  test.each(['ALWAYS', 'sometimes', '', ' ', 'always,never', 'after_grace'])(
    '%j is refused with the variable name and every allowed value',
    (value) => {
      expect(() => readConfig(shape, { ENROLMENT_EMAIL_PROOF: value })).toThrow(
        new ConfigError(
          'Invalid configuration: ENROLMENT_EMAIL_PROOF must be one of after-grace, always, never',
        ),
      );
    },
  );

  test('a value that is not text (never one from the environment) is refused as such', () => {
    expect(() => readConfig(shape, { ENROLMENT_EMAIL_PROOF: 7 } as never)).toThrow(
      'ENROLMENT_EMAIL_PROOF must be text',
    );
  });
});

/**
 * The helpers were zod schemas; they are written out by hand now (so Define's cold start
 * runs no zod). These are the zod schemas they were, kept here as the reference: for any value
 * (absent, generated text, edge cases), each helper gives the same value or the same message.
 */
describe('setting helpers behave as the zod schemas they replaced', () => {
  const zodReference = {
    required: () =>
      z.string({ error: 'is required' }).check(z.trim(), z.minLength(1, { error: 'is required' })),
    text: (fallback: string) =>
      z._default(
        z.string({ error: 'must be text' }).check(z.trim(), z.minLength(1, { error: 'must not be empty' })),
        fallback,
      ),
    flag: (fallback: boolean) =>
      z.pipe(
        z._default(
          z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }),
          fallback ? 'true' : 'false',
        ),
        z.transform((value: 'true' | 'false' | '1' | '0') => value === 'true' || value === '1'),
      ),
    integer: (fallback: number, min: number, max: number) =>
      z.pipe(
        z.pipe(
          z._default(
            z
              .string({ error: 'must be a whole number' })
              .check(z.trim(), z.regex(/^-?\d+$/, { error: 'must be a whole number' })),
            String(fallback),
          ),
          z.transform(Number),
        ),
        z
          .number({ error: 'must be a whole number' })
          .check(
            z.minimum(min, { error: `must be at least ${min}` }),
            z.maximum(max, { error: `must be at most ${max}` }),
          ),
      ),
    list: (fallback = '') =>
      z.pipe(
        z._default(z.string({ error: 'must be text' }), fallback),
        z.transform((value: string) =>
          value
            .split(',')
            .map((item) => item.trim().toLowerCase())
            .filter((item) => item.length > 0),
        ),
      ),
  };

  /** readConfig's answer for one variable: its value, or the message it throws. */
  const read = (schema: Parameters<typeof readConfig>[0][string], raw: string | undefined) => {
    try {
      return { value: readConfig({ V: schema }, raw === undefined ? {} : { V: raw }).V };
    } catch (error) {
      return { problem: (error as Error).message };
    }
  };

  const raw = fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('', ' ', 'true', 'false', '1', '0', 'TRUE', ' true', '-0', '007', '+5', '1e3', '0x10'),
    fc.integer({ min: -50, max: 5000 }).map(String),
    fc.integer({ min: -50, max: 5000 }).map((n) => ` ${n}\t`),
    fc.constantFrom('9'.repeat(400), '-'.concat('9'.repeat(400)), '2.5', '١٢'),
    fc
      .array(fc.constantFrom('a', 'B', ' ', ',', 'x.ORG', '\t'), { maxLength: 12 })
      .map((parts) => parts.join('')),
  );

  test.each([
    ['required()', setting.required(), zodReference.required()],
    ['text("fallback")', setting.text('fallback'), zodReference.text('fallback')],
    ['flag(true)', setting.flag(true), zodReference.flag(true)],
    ['flag(false)', setting.flag(false), zodReference.flag(false)],
    ['integer(3, 1, 10)', setting.integer(3, 1, 10), zodReference.integer(3, 1, 10)],
    ['integer(180, 30, 900)', setting.integer(180, 30, 900), zodReference.integer(180, 30, 900)],
    ['integer(0, -5, 0)', setting.integer(0, -5, 0), zodReference.integer(0, -5, 0)],
    ['list()', setting.list(), zodReference.list()],
    ['list("US,CA,GB")', setting.list('US,CA,GB'), zodReference.list('US,CA,GB')],
  ])('setting.%s', (_name, helper, reference) => {
    fc.assert(
      fc.property(raw, (value) => {
        expect(read(helper, value)).toEqual(read(reference, value));
      }),
      { numRuns: 1000 },
    );
  });
});
