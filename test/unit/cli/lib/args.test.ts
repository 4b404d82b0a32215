import { type OptionDefs, parseCommandLine } from '../../../../cli/lib/args';
import { UsageError } from '../../../../cli/lib/errors';

const globals: OptionDefs = {
  table: { type: 'string', description: 'table' },
  json: { type: 'boolean', description: 'json' },
  help: { type: 'boolean', short: 'h', description: 'help' },
};
const commands = {
  create: {
    options: {
      email: { type: 'string', description: 'email' },
      days: { type: 'string', description: 'days' },
    } satisfies OptionDefs,
  },
  list: { options: { status: { type: 'string', description: 'status' } } satisfies OptionDefs },
};
const parse = (...argv: string[]) => parseCommandLine(argv, globals, commands);
const usageError = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error('expected a UsageError');
};

describe('parseCommandLine', () => {
  test('finds the command wherever global options stand, and skips option values while looking', () => {
    const parsed = parse('--table', 'create', 'create', '--email', 'a@example.com', '--json');
    expect(parsed.command).toBe('create');
    expect(parsed.options.string('table')).toBe('create');
    expect(parsed.options.required('email')).toBe('a@example.com');
    expect(parsed.options.flag('json')).toBe(true);
  });

  test('accepts --name=value and short flags', () => {
    const parsed = parse('list', '--status=pending', '-h');
    expect(parsed.options.string('status')).toBe('pending');
    expect(parsed.options.flag('help')).toBe(true);
  });

  test('no command is allowed (the runner prints help)', () => {
    expect(parse('--json').command).toBeUndefined();
  });

  test.each([
    [['nope'], "unknown command 'nope' (commands: create, list)"],
    [['list', '--email', 'x'], "unknown option --email for 'list'"],
    [['create', '-x'], "unknown option -x for 'create'"],
    [['create', '--email'], '--email needs a value'],
    [
      ['create', '--email', '--json'],
      "--email needs a value (for a value starting with '-', write --email=VALUE)",
    ],
    [['list', '--json=1'], '--json does not take a value'],
    [['list', 'stray'], "unexpected argument 'stray' for 'list'"],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(usageError(() => parse(...argv))).toBe(message);
  });
});

describe('two-word commands (`devices` and `devices revoke`)', () => {
  const grouped = {
    devices: { options: { email: { type: 'string', description: 'email' } } satisfies OptionDefs },
    'devices revoke': {
      options: {
        email: { type: 'string', description: 'email' },
        all: { type: 'boolean', description: 'all' },
      } satisfies OptionDefs,
    },
  };
  const parseGrouped = (...argv: string[]) => parseCommandLine(argv, globals, grouped);

  test('both words name the longer command, with its own options', () => {
    const parsed = parseGrouped('devices', 'revoke', '--email', 'a@example.com', '--all');
    expect(parsed.command).toBe('devices revoke');
    expect(parsed.options.flag('all')).toBe(true);
    expect(parsed.positionals).toEqual([]);
  });

  test('options may stand between the words; an option value never counts as a word', () => {
    expect(parseGrouped('devices', '--email', 'revoke@example.com').command).toBe('devices');
    expect(parseGrouped('--table', 'revoke', 'devices', '--json').command).toBe('devices');
    expect(parseGrouped('devices', '--json', 'revoke', '--all').command).toBe('devices revoke');
  });

  test.each([
    [['devices', '--all'], "unknown option --all for 'devices'"],
    [['devices', 'remove'], "unexpected argument 'remove' for 'devices'"],
    [['devices', 'revoke', 'now'], "unexpected argument 'now' for 'devices revoke'"],
    [['revoke'], "unknown command 'revoke' (commands: devices, devices revoke)"],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(usageError(() => parseGrouped(...argv))).toBe(message);
  });
});

describe('OptionValues', () => {
  test('string trims; an empty value is refused; required names the option', () => {
    expect(parse('create', '--email', '  a@b.co ').options.string('email')).toBe('a@b.co');
    expect(usageError(() => parse('create', '--email', '  ').options.string('email'))).toBe(
      '--email needs a value',
    );
    expect(usageError(() => parse('create').options.required('email'))).toBe('--email is required');
  });

  test('integer: default when absent, bounds inclusive, anything else refused with the range', () => {
    const range = { min: 1, max: 90, fallback: 7 };
    expect(parse('create').options.integer('days', range)).toBe(7);
    expect(parse('create', '--days', '1').options.integer('days', range)).toBe(1);
    expect(parse('create', '--days', '90').options.integer('days', range)).toBe(90);
    for (const bad of ['0', '91', '-1', '2.5', '1e1', 'seven', '99999999999999999999']) {
      expect(usageError(() => parse('create', `--days=${bad}`).options.integer('days', range))).toBe(
        `--days must be a whole number from 1 to 90 (got '${bad}')`,
      );
    }
  });

  test('choice accepts only the listed values', () => {
    const choices = ['pending', 'accepted'] as const;
    expect(parse('list', '--status', 'accepted').options.choice('status', choices)).toBe('accepted');
    expect(parse('list').options.choice('status', choices)).toBeUndefined();
    expect(usageError(() => parse('list', '--status', 'Pending').options.choice('status', choices))).toBe(
      "--status must be one of pending, accepted (got 'Pending')",
    );
  });
});
