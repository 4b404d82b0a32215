import * as z from 'zod/mini';
import { baseEvent, optionalStringMap, userAttributes } from './base';
import { challengeSession } from './challenge-session';

export const defineAuthChallengeEvent = z.extend(baseEvent, {
  triggerSource: z.literal('DefineAuthChallenge_Authentication'),
  request: z.looseObject({
    userAttributes,
    session: challengeSession,
    userNotFound: z.nullish(z.boolean()),
    clientMetadata: optionalStringMap,
  }),
  response: z.looseObject({
    challengeName: z.nullish(z.string()),
    issueTokens: z.nullish(z.boolean()),
    failAuthentication: z.nullish(z.boolean()),
  }),
});
export type DefineAuthChallengeEvent = z.output<typeof defineAuthChallengeEvent>;
