/**
 * Command-line parsing on top of node:util `parseArgs`, for CLIs of the form
 * `<program> <command> [--option value] [--flag]`.
 *
 * Each command declares its own options; global options (such as `--json`) are accepted by every
 * command and may stand before or after the command name. A command's name may be two words
 * (`devices revoke`), found when both are given. Parsing is strict: an unknown option, a
 * missing value or a stray argument is a `UsageError` with a one-line message.
 */
import { parseArgs } from 'node:util';
import { isValidEmail, normaliseEmail } from '#shared/invites/email';
import { UsageError } from './errors';

export interface OptionDef {
  type: 'string' | 'boolean';
  /** One line for --help. */
  description: string;
  /** Placeholder shown in help for a string option's value (e.g. `EMAIL`). */
  valueName?: string;
  short?: string;
}
export type OptionDefs = Record<string, OptionDef>;

type RawValues = Record<string, string | boolean | undefined>;

export interface ParsedCommandLine {
  /** The command name, or undefined when none was given. */
  command: string | undefined;
  options: OptionValues;
  /** Positional arguments after the command name. */
  positionals: string[];
}

/**
 * Finds the command, then parses the whole command line strictly against the global options plus
 * that command's options.
 */
export function parseCommandLine(
  argv: readonly string[],
  globalOptions: OptionDefs,
  commands: Record<string, { options: OptionDefs }>,
): ParsedCommandLine {
  const command = findCommand(argv, globalOptions, commands);
  if (command !== undefined && !Object.hasOwn(commands, command)) {
    throw new UsageError(`unknown command '${command}' (commands: ${Object.keys(commands).join(', ')})`);
  }
  const allowed = { ...globalOptions, ...(command ? commands[command]?.options : {}) };
  let parsed: { values: RawValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: toNodeOptions(allowed),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw translateParseError(error, command);
  }
  const positionals = parsed.positionals.slice(command === undefined ? 0 : command.split(' ').length);
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument '${positionals[0]}'${command ? ` for '${command}'` : ''}`);
  }
  return { command, options: new OptionValues(parsed.values), positionals };
}

/**
 * The first positional argument, found with every known option's type so option values are
 * skipped; or the first two, when the program has a command of those two words (`devices revoke`
 * next to `devices`).
 */
function findCommand(
  argv: readonly string[],
  globalOptions: OptionDefs,
  commands: Record<string, { options: OptionDefs }>,
): string | undefined {
  const known: OptionDefs = { ...globalOptions };
  for (const { options } of Object.values(commands)) Object.assign(known, options);
  const { positionals } = parseArgs({
    args: [...argv],
    options: toNodeOptions(known),
    strict: false,
    allowPositionals: true,
  });
  const [first, second] = positionals;
  if (first !== undefined && second !== undefined && Object.hasOwn(commands, `${first} ${second}`))
    return `${first} ${second}`;
  return first;
}

function toNodeOptions(defs: OptionDefs) {
  return Object.fromEntries(
    Object.entries(defs).map(([name, def]) => [
      name,
      def.short ? { type: def.type, short: def.short } : { type: def.type },
    ]),
  );
}

function translateParseError(error: unknown, command: string | undefined): Error {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const where = command ? ` for '${command}'` : '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /Unknown option '([^']+)'/.exec(message)?.[1] ?? 'option';
    return new UsageError(`unknown option ${option}${where}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /Option '(?:-\w, )?(--[\w-]+)/.exec(message)?.[1] ?? 'an option';
    if (message.includes('does not take an argument'))
      return new UsageError(`${option} does not take a value`);
    if (message.includes('ambiguous')) {
      return new UsageError(`${option} needs a value (for a value starting with '-', write ${option}=VALUE)`);
    }
    return new UsageError(`${option} needs a value`);
  }
  return new UsageError(message.split('\n')[0] ?? message);
}

/** Typed access to parsed option values, with the checks every CLI needs. */
export class OptionValues {
  constructor(private readonly values: RawValues) {}

  /** A string option, trimmed; undefined when absent. An empty value is refused. */
  string(name: string): string | undefined {
    const value = this.values[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new UsageError(`--${name} needs a value`);
    const trimmed = value.trim();
    if (!trimmed) throw new UsageError(`--${name} needs a value`);
    return trimmed;
  }

  required(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw new UsageError(`--${name} is required`);
    return value;
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  /** A whole number within [min, max]; `fallback` when absent. */
  integer(name: string, range: { min: number; max: number; fallback: number }): number {
    const raw = this.string(name);
    if (raw === undefined) return range.fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
      throw new UsageError(
        `--${name} must be a whole number from ${range.min} to ${range.max} (got '${raw}')`,
      );
    }
    return value;
  }

  /** One of a fixed set of values; undefined when absent. */
  choice<const T extends string>(name: string, choices: readonly T[]): T | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (!(choices as readonly string[]).includes(raw)) {
      throw new UsageError(`--${name} must be one of ${choices.join(', ')} (got '${raw}')`);
    }
    return raw as T;
  }
}

/**
 * `--email`: required and a valid address once normalised (trimmed, lower-cased). Returns both
 * forms: `email` (normalised, the invites' key) and `raw` (as typed, for lookups that try both).
 */
export function emailOption(options: OptionValues): { email: string; raw: string } {
  const raw = options.required('email');
  const email = normaliseEmail(raw);
  if (!isValidEmail(email)) throw new UsageError(`'${raw}' is not a valid email address`);
  return { email, raw };
}
