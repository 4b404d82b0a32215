import * as z from 'zod/mini';
import { baseEvent, optionalStringMap, userAttributes } from './base';

export const preAuthenticationEvent = z.extend(baseEvent, {
  triggerSource: z.literal('PreAuthentication_Authentication'),
  request: z.looseObject({
    userAttributes,
    /** The ClientMetadata of InitiateAuth / AdminInitiateAuth. */
    validationData: optionalStringMap,
    /** Set only when the app client has PreventUserExistenceErrors ENABLED. */
    userNotFound: z.nullish(z.boolean()),
  }),
  response: z.looseObject({}),
});
export type PreAuthenticationEvent = z.output<typeof preAuthenticationEvent>;
