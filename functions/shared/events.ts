/**
 * zod schemas for the parts of Cognito trigger events this project reads.
 *
 * They are loose objects: Cognito adds fields over time and an unknown field must never cause a
 * rejection. Only what a trigger actually reads is required.
 */
import { z } from 'zod';

const stringMap = z.record(z.string(), z.string());

export const baseEvent = z.looseObject({
  version: z.string().optional(),
  region: z.string().optional(),
  triggerSource: z.string(),
  userPoolId: z.string(),
  userName: z.string(),
  callerContext: z
    .looseObject({ awsSdkVersion: z.string().optional(), clientId: z.string().optional() })
    .optional(),
});

export const userAttributes = stringMap;

/** `null` and absent both arrive; both mean "nothing". */
export const optionalStringMap = stringMap.nullish().transform((value) => value ?? {});

export const preSignUpEvent = baseEvent.extend({
  triggerSource: z.enum(['PreSignUp_SignUp', 'PreSignUp_AdminCreateUser', 'PreSignUp_ExternalProvider']),
  request: z.looseObject({
    userAttributes,
    validationData: optionalStringMap,
    clientMetadata: optionalStringMap,
  }),
  response: z.looseObject({
    autoConfirmUser: z.boolean().optional(),
    autoVerifyEmail: z.boolean().optional(),
    autoVerifyPhone: z.boolean().optional(),
  }),
});
export type PreSignUpEvent = z.output<typeof preSignUpEvent>;

export const postConfirmationEvent = baseEvent.extend({
  triggerSource: z.enum(['PostConfirmation_ConfirmSignUp', 'PostConfirmation_ConfirmForgotPassword']),
  request: z.looseObject({ userAttributes, clientMetadata: optionalStringMap }),
  response: z.looseObject({}),
});
export type PostConfirmationEvent = z.output<typeof postConfirmationEvent>;
