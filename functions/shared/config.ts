/**
 * Configuration from environment variables, validated once when a module loads (cold start).
 *
 * Each handler declares only the variables it reads, built from the small helpers below (or any
 * zod schema), and calls `readConfig` at module scope. A missing or malformed value throws a
 * `ConfigError` whose message names every offending variable, so a broken deployment fails on its
 * first invocation with a message that says what to fix.
 *
 * Each variable is checked through the Standard Schema interface (#shared/standard-schema), which
 * zod schemas implement. The `setting.*` helpers are written without zod: they are small, and a
 * function that reads only such settings (Define) then neither bundles nor runs zod at its cold
 * start (~3-4 ms there, docs/performance.md). They behave as the zod schemas they replaced,
 * messages included (test/unit/shared/config.test.ts checks them against those schemas).
 */
import {
  type OutputOf,
  pathText,
  type SchemaIssue,
  type StandardSchema,
  validate,
} from '#shared/standard-schema';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** How one variable is read: a `setting.*` helper, or any zod schema (both are Standard Schemas). */
export type Setting<T = unknown> = StandardSchema<string | undefined, T>;

type Shape = Record<string, StandardSchema<unknown, unknown>>;

export function readConfig<S extends Shape>(
  shape: S,
  env: Env = process.env,
): { [K in keyof S]: OutputOf<S[K]> } {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const name of Object.keys(shape)) {
    const result = validate(shape[name] as Shape[string], env[name]);
    if (result.issues) {
      for (const issue of result.issues)
        problems.push(`${[name, pathText(issue)].filter(Boolean).join('.')} ${issue.message}`);
    } else if (result.value !== undefined || name in env) {
      config[name] = result.value;
    }
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return config as { [K in keyof S]: OutputOf<S[K]> };
}

/**
 * A setting from a function of the raw value: a `value`, or the `problem` with it. A value that is
 * not a string (never one from `process.env`) gets `typeProblem`.
 */
function plain<T>(
  typeProblem: string,
  read: (raw: string | undefined) => { value: T } | { problem: string },
): Setting<T> {
  return {
    '~standard': {
      version: 1,
      vendor: 'cognito-auth-triggers',
      validate: (raw: unknown) => {
        const result = raw === undefined || typeof raw === 'string' ? read(raw) : { problem: typeProblem };
        return 'problem' in result ? { issues: [{ message: result.problem } satisfies SchemaIssue] } : result;
      },
    },
  };
}

const WHOLE_NUMBER = /^-?\d+$/;

/** `' Example.org, ,PARTNER.com,, '` -> `['example.org', 'partner.com']`. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item.length > 0);
}

/** Schema helpers for environment variables (all values arrive as strings or undefined). */
export const setting = {
  /** A required, non-empty string, trimmed. */
  required: () =>
    plain<string>('is required', (raw) => {
      const value = raw?.trim();
      return value ? { value } : { problem: 'is required' };
    }),

  /** An optional string with a default, trimmed (the default is used as it is). */
  text: (fallback: string) =>
    plain<string>('must be text', (raw) => {
      if (raw === undefined) return { value: fallback };
      const value = raw.trim();
      return value ? { value } : { problem: 'must not be empty' };
    }),

  /** `true`/`false` (also `1`/`0`), with a default. */
  flag: (fallback: boolean) =>
    plain<boolean>('must be true or false', (raw) => {
      if (raw === undefined) return { value: fallback };
      if (raw === 'true' || raw === '1') return { value: true };
      if (raw === 'false' || raw === '0') return { value: false };
      return { problem: 'must be true or false' };
    }),

  /** An integer within [min, max], with a default. */
  integer: (fallback: number, min: number, max: number) =>
    plain<number>('must be a whole number', (raw) => {
      const text = raw === undefined ? String(fallback) : raw.trim();
      const value = Number(text);
      if (!WHOLE_NUMBER.test(text) || !Number.isFinite(value)) return { problem: 'must be a whole number' };
      if (value < min) return { problem: `must be at least ${min}` };
      if (value > max) return { problem: `must be at most ${max}` };
      return { value };
    }),

  /** One of `values` (exactly, after trimming), with a default. */
  oneOf: <const T extends string>(fallback: T, values: readonly T[]) =>
    plain<T>('must be text', (raw) => {
      const value = raw === undefined ? fallback : raw.trim();
      return (values as readonly string[]).includes(value)
        ? { value: value as T }
        : { problem: `must be one of ${values.join(', ')}` };
    }),

  /** A comma-separated list, trimmed and lower-cased, empty entries dropped (`splitList`). */
  list: (fallback = '') => plain<string[]>('must be text', (raw) => ({ value: splitList(raw ?? fallback) })),
};
