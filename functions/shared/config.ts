/**
 * Configuration from environment variables, validated once when a module loads (cold start).
 *
 * Each handler declares only the variables it reads, built from the small helpers below, and
 * calls `readConfig` at module scope. A missing or malformed value throws a `ConfigError` whose
 * message names every offending variable, so a broken deployment fails on its first invocation
 * with a message that says what to fix.
 */
import * as z from 'zod/mini';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** The schemas a config shape may hold (any zod schema: the helpers below, or a `zod/mini` one). */
type Shape = Record<string, z.core.$ZodType>;

export function readConfig<S extends Shape>(shape: S, env: Env = process.env): z.output<z.ZodMiniObject<S>> {
  // Parsed once per cold start: zod's eval-compiled fast path would be compiled to run once.
  const result = z.safeParse(z.object(shape), env, { jitless: true });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

/**
 * Schema helpers for environment variables (all values arrive as strings or undefined).
 *
 * Written with `zod/mini` (functions, not methods) so a bundle carries only the validators it
 * uses. zod/mini loads no locale, so every check that can fail here states its own message.
 */
export const setting = {
  /** A required, non-empty string. */
  required: () =>
    z.string({ error: 'is required' }).check(z.trim(), z.minLength(1, { error: 'is required' })),

  /** An optional string with a default. */
  text: (fallback: string) =>
    z._default(
      z.string({ error: 'must be text' }).check(z.trim(), z.minLength(1, { error: 'must not be empty' })),
      fallback,
    ),

  /** `true`/`false` (also `1`/`0`), with a default. */
  flag: (fallback: boolean) =>
    z.pipe(
      z._default(
        z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }),
        fallback ? 'true' : 'false',
      ),
      z.transform((value: 'true' | 'false' | '1' | '0') => value === 'true' || value === '1'),
    ),

  /** An integer within [min, max], with a default. */
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

  /** A comma-separated list, trimmed and lower-cased, empty entries dropped. */
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
