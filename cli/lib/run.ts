/**
 * A small command runner: a program is a set of named commands plus global options. `runCli`
 * parses the command line, prints help, runs the command and turns every error into one line on
 * stderr and an exit status (0 ok, 1 failed, 2 bad command line). It takes its input and output as
 * arguments, so tests can run a CLI in-process; `main` wires it to the real process.
 */
import { type OptionDefs, type OptionValues, parseCommandLine } from './args';
import { CliError, UsageError } from './errors';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  now: () => Date;
}

export interface CommandContext {
  options: OptionValues;
  io: Io;
  /** Writes one line (or block) to stdout. */
  print: (text: string) => void;
}

export interface Command {
  summary: string;
  /** The command's own arguments for the usage line, e.g. `--email EMAIL [--days N]`. */
  usage: string;
  options: OptionDefs;
  /** Extra help text shown by `<command> --help`. */
  details?: string;
  /** Resolves to nothing (exit status 0) or to the exit status, for a result that is a failure. */
  // biome-ignore lint/suspicious/noConfusingVoidType: most commands are `async` functions that return nothing
  run: (context: CommandContext) => Promise<void | number>;
}

export interface Program {
  /** Used as the prefix of error lines, e.g. `invites`. */
  name: string;
  /** How users invoke it, e.g. `npm run invites --`. */
  invocation: string;
  summary: string;
  globalOptions: OptionDefs;
  commands: Record<string, Command>;
  /**
   * The command run when none is named (a program with one command: `npm run doctor -- --json`).
   * Its help is then the program's help.
   */
  defaultCommand?: string;
  /** Extra text at the end of the main help. */
  footer?: string;
}

export const helpOption: OptionDefs = {
  help: { type: 'boolean', short: 'h', description: 'Show help (for a command: <command> --help)' },
};

export async function runCli(program: Program, argv: readonly string[], io: Io): Promise<number> {
  const globalOptions = { ...program.globalOptions, ...helpOption };
  try {
    const args = argv[0] === 'help' ? [...argv.slice(1), '--help'] : argv;
    const parsed = parseCommandLine(args, globalOptions, program.commands);
    const { options } = parsed;
    const command = parsed.command ?? program.defaultCommand;
    if (command === undefined) {
      if (options.flag('help')) {
        io.stdout(`${programHelp(program)}\n`);
        return 0;
      }
      io.stderr(`${programHelp(program)}\n`);
      return 2;
    }
    const definition = program.commands[command] as Command;
    if (options.flag('help')) {
      io.stdout(`${commandHelp(program, command, definition)}\n`);
      return 0;
    }
    return (await definition.run({ options, io, print: (text) => io.stdout(`${text}\n`) })) ?? 0;
  } catch (error) {
    if (error instanceof CliError) {
      const hint = error instanceof UsageError ? ` (see '${program.invocation} --help')` : '';
      io.stderr(`${program.name}: ${error.message}${hint}\n`);
      return error.exitCode;
    }
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`${program.name}: unexpected ${name}: ${message.split('\n')[0]}\n`);
    return 1;
  }
}

/** Runs the program on this process's arguments and sets its exit status. */
export async function main(program: Program): Promise<void> {
  // This machine runs Node 20 (Lambda runs 22); the SDK's notice about that would follow every
  // command on stderr. The SDK reads this when its first client is created, i.e. after this line.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await runCli(program, process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    now: () => new Date(),
  });
}

export function programHelp(program: Program): string {
  const names = Object.keys(program.commands);
  const nameWidth = Math.max(...names.map((name) => name.length));
  return [
    `Usage: ${program.invocation} <command> [options]`,
    '',
    program.summary,
    '',
    'Commands:',
    ...names.map((name) => `  ${name.padEnd(nameWidth)}  ${program.commands[name]?.summary ?? ''}`),
    '',
    'Options for every command:',
    optionLines({ ...program.globalOptions, ...helpOption }),
    ...(program.footer ? ['', program.footer] : []),
  ].join('\n');
}

export function commandHelp(program: Program, name: string, command: Command): string {
  const named = name === program.defaultCommand ? '' : name;
  return [
    `Usage: ${program.invocation} ${named} ${command.usage} [options]`.replace(/ {2,}/g, ' '),
    '',
    command.summary,
    ...(command.details ? ['', command.details] : []),
    ...(Object.keys(command.options).length > 0 ? ['', 'Options:', optionLines(command.options)] : []),
    '',
    'Options for every command:',
    optionLines({ ...program.globalOptions, ...helpOption }),
  ].join('\n');
}

function optionLines(options: OptionDefs): string {
  const rows = Object.entries(options).map(([name, def]) => {
    const short = def.short ? `-${def.short}, ` : '';
    const value = def.type === 'string' ? ` ${def.valueName ?? 'VALUE'}` : '';
    return [`${short}--${name}${value}`, def.description] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`).join('\n');
}
