/** What the doctor says about one thing it checked. */

/** `blocking` makes `npm run doctor` exit 1; `warning` is printed; `ok` confirms; `skipped` could not apply. */
export type Severity = 'blocking' | 'warning' | 'ok' | 'skipped';

export interface Finding {
  /** Stable, for scripts: `client.auth-flows`, `table.auth-state.ttl`, ... */
  id: string;
  severity: Severity;
  /** One line: what was found. */
  title: string;
  /** Why it matters (every finding that is not `ok`). */
  why?: string;
  /** The exact fix (every finding that is not `ok`). */
  fix?: string;
}

export const ok = (id: string, title: string): Finding => ({ id, severity: 'ok', title });

/** A fact that could not be read: the doctor cannot vouch for it. */
export function unreadable(id: string, what: string, error: string): Finding {
  return {
    id,
    severity: 'warning',
    title: `could not check ${what}: ${error}`,
    why: 'The doctor cannot tell whether this is right, so it cannot vouch for it.',
    fix: 'Give the identity running the doctor the read permission named in the error (docs/operations.md, "Checking a pool"), then run it again.',
  };
}

/**
 * UpdateUserPoolClient and UpdateUserPool reset every setting the call leaves out to its default:
 * every fix that uses them says so.
 */
export const RESETS_OTHERS =
  'Careful: this call resets every setting you leave out to its default, so pass the settings you keep as well (DescribeUserPoolClient / DescribeUserPool show them), or make the change in the console.';
