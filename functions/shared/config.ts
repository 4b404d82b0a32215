/**
 * Configuration from environment variables, validated once when a module loads (cold start).
 *
 * Each handler declares only the variables it reads, built from the small helpers below, and
 * calls `readConfig` at module scope. A missing or malformed value throws a `ConfigError` whose
 * message names every offending variable, so a broken deployment fails on its first invocation
 * with a message that says what to fix.
 */
import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export function readConfig<S extends z.ZodRawShape>(
  shape: S,
  env: Env = process.env,
): z.output<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Schema helpers for environment variables (all values arrive as strings or undefined). */
export const setting = {
  /** A required, non-empty string. */
  required: () => z.string({ error: 'is required' }).trim().min(1, { error: 'is required' }),

  /** An optional string with a default. */
  text: (fallback: string) => z.string().trim().min(1).default(fallback),

  /** `true`/`false` (also `1`/`0`), with a default. */
  flag: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1'),

  /** An integer within [min, max], with a default. */
  integer: (fallback: number, min: number, max: number) =>
    z
      .string()
      .trim()
      .regex(/^-?\d+$/, { error: 'must be a whole number' })
      .default(String(fallback))
      .transform(Number)
      .pipe(
        z
          .number()
          .min(min, { error: `must be at least ${min}` })
          .max(max, { error: `must be at most ${max}` }),
      ),

  /** A comma-separated list, trimmed and lower-cased, empty entries dropped. */
  list: (fallback = '') =>
    z
      .string()
      .default(fallback)
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim().toLowerCase())
          .filter((item) => item.length > 0),
      ),
};
