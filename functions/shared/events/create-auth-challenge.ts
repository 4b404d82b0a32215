import * as z from 'zod/mini';
import { baseEvent, optionalStringMap, stringMap, userAttributes } from './base';
import { challengeSession } from './challenge-session';

export const createAuthChallengeEvent = z.extend(baseEvent, {
  triggerSource: z.literal('CreateAuthChallenge_Authentication'),
  request: z.looseObject({
    userAttributes,
    challengeName: z.string(),
    session: challengeSession,
    userNotFound: z.nullish(z.boolean()),
    clientMetadata: optionalStringMap,
  }),
  response: z.looseObject({
    publicChallengeParameters: z.nullish(stringMap),
    privateChallengeParameters: z.nullish(stringMap),
    challengeMetadata: z.nullish(z.string()),
  }),
});
export type CreateAuthChallengeEvent = z.output<typeof createAuthChallengeEvent>;
