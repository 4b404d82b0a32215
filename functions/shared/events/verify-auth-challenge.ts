import * as z from 'zod/mini';
import { baseEvent, optionalStringMap, userAttributes } from './base';

export const verifyAuthChallengeEvent = z.extend(baseEvent, {
  triggerSource: z.literal('VerifyAuthChallengeResponse_Authentication'),
  request: z.looseObject({
    userAttributes,
    privateChallengeParameters: optionalStringMap,
    /** The client's ChallengeResponses.ANSWER; a missing answer is an empty (wrong) one. */
    challengeAnswer: z.pipe(
      z.nullish(z.string()),
      z.transform((value: string | null | undefined) => value ?? ''),
    ),
    userNotFound: z.nullish(z.boolean()),
    clientMetadata: optionalStringMap,
  }),
  response: z.looseObject({ answerCorrect: z.nullish(z.boolean()) }),
});
export type VerifyAuthChallengeEvent = z.output<typeof verifyAuthChallengeEvent>;
