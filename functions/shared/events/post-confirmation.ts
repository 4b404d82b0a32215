import * as z from 'zod/mini';
import { baseEvent, optionalStringMap, userAttributes } from './base';

export const postConfirmationEvent = z.extend(baseEvent, {
  triggerSource: z.enum(['PostConfirmation_ConfirmSignUp', 'PostConfirmation_ConfirmForgotPassword']),
  request: z.looseObject({ userAttributes, clientMetadata: optionalStringMap }),
  response: z.looseObject({}),
});
export type PostConfirmationEvent = z.output<typeof postConfirmationEvent>;
