/**
 * A migration run's results so far, and the file that lets a stopped run go on where it stopped:
 * after every page the state (the next page's token, the counts, the users with findings) is
 * written to the state file (a temporary file renamed over it, so a crash leaves the previous page's
 * state whole). A run that finds the file for the same pool and settings resumes from it; when the
 * last page is done the file is removed.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { CliError } from '../../lib/errors';
import type { Finding, Outcome } from './assess';

export interface UserReport {
  username: string;
  sub?: string | undefined;
  email?: string | undefined;
  status?: string | undefined;
  enabled?: boolean | undefined;
  outcome: Outcome;
  findings: Finding[];
  /** The safe change planned for them, and whether this run made it. */
  change?: { action: string; applied: boolean } | undefined;
}

export interface MigrationState {
  version: 1;
  userPoolId: string;
  apply: boolean;
  allowedCountries: string[];
  startedAt: string;
  /** The token of the next page; null once the last page is done. */
  next: string | null;
  pages: number;
  usersRead: number;
  counts: Record<Outcome, number>;
  changes: { planned: number; applied: number };
  /** Every user with at least one finding, in the order read. */
  users: UserReport[];
}

export function newState(
  settings: Pick<MigrationState, 'userPoolId' | 'apply' | 'allowedCountries'>,
  now: Date,
): MigrationState {
  return {
    version: 1,
    ...settings,
    startedAt: now.toISOString(),
    next: null,
    pages: 0,
    usersRead: 0,
    counts: { ok: 0, enrol: 0, downgraded: 0, locked_out: 0 },
    changes: { planned: 0, applied: 0 },
    users: [],
  };
}

/**
 * The saved state of an unfinished run with these settings, or undefined when there is no file.
 * A file for another pool or other settings is refused: resuming it would mix two runs.
 */
export function loadState(
  file: string,
  settings: Pick<MigrationState, 'userPoolId' | 'apply' | 'allowedCountries'>,
): MigrationState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read the state file ${file}: ${(error as Error).message}`);
  }
  let state: MigrationState;
  try {
    state = JSON.parse(text) as MigrationState;
  } catch {
    throw new CliError(`the state file ${file} is not JSON; remove it, or pass --restart`, 2);
  }
  const same =
    state.version === 1 &&
    state.userPoolId === settings.userPoolId &&
    state.apply === settings.apply &&
    state.allowedCountries?.join(',') === settings.allowedCountries.join(',');
  if (!same) {
    throw new CliError(
      `the state file ${file} belongs to another run (${state.userPoolId ?? '?'}, ${state.apply ? '--apply' : 'dry run'}, ` +
        `countries ${state.allowedCountries?.join(',') ?? '?'}); remove it, or pass --restart`,
      2,
    );
  }
  return state;
}

export function saveState(file: string, state: MigrationState): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
  renameSync(temporary, file);
}

export function removeState(file: string): void {
  rmSync(file, { force: true });
}
