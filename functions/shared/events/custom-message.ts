import * as z from 'zod/mini';
import { baseEvent, optionalStringMap, userAttributes } from './base';

export const customMessageSources = [
  'CustomMessage_SignUp',
  'CustomMessage_AdminCreateUser',
  'CustomMessage_ResendCode',
  'CustomMessage_ForgotPassword',
  'CustomMessage_UpdateUserAttribute',
  'CustomMessage_VerifyUserAttribute',
  'CustomMessage_Authentication',
] as const;
export type CustomMessageSource = (typeof customMessageSources)[number];

/** Placeholders are Cognito's strings (`{####}`, `{username}`, `{##Click Here##}`); any may be null. */
export const customMessageEvent = z.extend(baseEvent, {
  triggerSource: z.enum(customMessageSources),
  request: z.looseObject({
    userAttributes,
    codeParameter: z.nullish(z.string()),
    usernameParameter: z.nullish(z.string()),
    linkParameter: z.nullish(z.string()),
    clientMetadata: optionalStringMap,
  }),
  response: z.looseObject({
    smsMessage: z.nullish(z.string()),
    emailMessage: z.nullish(z.string()),
    emailSubject: z.nullish(z.string()),
  }),
});
export type CustomMessageEvent = z.output<typeof customMessageEvent>;
