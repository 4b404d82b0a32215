/**
 * The two errors a command throws on purpose. Their message is printed as one line on stderr, so
 * it must say what went wrong and what to do, and must never contain a secret.
 */

/** Something about the world is wrong (unknown record, unreachable service): exit status 1. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The command line itself is wrong (unknown option, bad value): exit status 2, as Unix tools do. */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, 2);
  }
}
