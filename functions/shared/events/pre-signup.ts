import * as z from 'zod/mini';
import { baseEvent, optionalStringMap, userAttributes } from './base';

export const preSignUpEvent = z.extend(baseEvent, {
  triggerSource: z.enum(['PreSignUp_SignUp', 'PreSignUp_AdminCreateUser', 'PreSignUp_ExternalProvider']),
  request: z.looseObject({
    userAttributes,
    validationData: optionalStringMap,
    clientMetadata: optionalStringMap,
  }),
  response: z.looseObject({
    autoConfirmUser: z.optional(z.boolean()),
    autoVerifyEmail: z.optional(z.boolean()),
    autoVerifyPhone: z.optional(z.boolean()),
  }),
});
export type PreSignUpEvent = z.output<typeof preSignUpEvent>;
