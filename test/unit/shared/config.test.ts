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
