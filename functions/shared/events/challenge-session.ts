import * as z from 'zod/mini';

/**
 * One entry of a custom-auth `request.session`. `challengeMetadata` is whatever Create set for a
 * CUSTOM_CHALLENGE round (absent or null for SRP_A / PASSWORD_VERIFIER).
 */
export const challengeSessionEntry = z.looseObject({
  challengeName: z.string(),
  challengeResult: z.boolean(),
  challengeMetadata: z.nullish(z.string()),
});

/** Define and Create read the session; `null` and absent both mean "no rounds yet". */
export const challengeSession = z.pipe(
  z.nullish(z.array(challengeSessionEntry)),
  z.transform((value: z.output<typeof challengeSessionEntry>[] | null | undefined) => value ?? []),
);
