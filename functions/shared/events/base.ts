/**
 * What every trigger event shares, for the per-trigger schemas beside this file (one module per
 * trigger, so a bundle builds only its own schema at cold start; `#shared/events` re-exports all).
 *
 * They are loose objects: Cognito adds fields over time and an unknown field must never cause a
 * rejection. Only what a trigger actually reads is required.
 *
 * Written with `zod/mini` (functions instead of methods): it tree-shakes, so each bundle carries
 * only the validators it uses, where classic `zod` brings its whole ~450 KB into every trigger.
 */
import * as z from 'zod/mini';

export const stringMap = z.record(z.string(), z.string());

export const baseEvent = z.looseObject({
  version: z.optional(z.string()),
  region: z.optional(z.string()),
  triggerSource: z.string(),
  userPoolId: z.string(),
  userName: z.string(),
  callerContext: z.optional(
    z.looseObject({ awsSdkVersion: z.optional(z.string()), clientId: z.optional(z.string()) }),
  ),
});

export const userAttributes = stringMap;

/** `null` and absent both arrive; both mean "nothing". */
export const optionalStringMap = z.pipe(
  z.nullish(stringMap),
  z.transform((value: Record<string, string> | null | undefined) => value ?? {}),
);
