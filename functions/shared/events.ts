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

export const preAuthenticationEvent = baseEvent.extend({
  triggerSource: z.literal('PreAuthentication_Authentication'),
  request: z.looseObject({
    userAttributes,
    /** The ClientMetadata of InitiateAuth / AdminInitiateAuth. */
    validationData: optionalStringMap,
    /** Set only when the app client has PreventUserExistenceErrors ENABLED. */
    userNotFound: z.boolean().nullish(),
  }),
  response: z.looseObject({}),
});
export type PreAuthenticationEvent = z.output<typeof preAuthenticationEvent>;

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
export const customMessageEvent = baseEvent.extend({
  triggerSource: z.enum(customMessageSources),
  request: z.looseObject({
    userAttributes,
    codeParameter: z.string().nullish(),
    usernameParameter: z.string().nullish(),
    linkParameter: z.string().nullish(),
    clientMetadata: optionalStringMap,
  }),
  response: z.looseObject({
    smsMessage: z.string().nullish(),
    emailMessage: z.string().nullish(),
    emailSubject: z.string().nullish(),
  }),
});
export type CustomMessageEvent = z.output<typeof customMessageEvent>;

/**
 * One entry of a custom-auth `request.session`. `challengeMetadata` is whatever Create set for a
 * CUSTOM_CHALLENGE round (absent or null for SRP_A / PASSWORD_VERIFIER).
 */
export const challengeSessionEntry = z.looseObject({
  challengeName: z.string(),
  challengeResult: z.boolean(),
  challengeMetadata: z.string().nullish(),
});
const challengeSession = z
  .array(challengeSessionEntry)
  .nullish()
  .transform((value) => value ?? []);

export const defineAuthChallengeEvent = baseEvent.extend({
  triggerSource: z.literal('DefineAuthChallenge_Authentication'),
  request: z.looseObject({
    userAttributes,
    session: challengeSession,
    userNotFound: z.boolean().nullish(),
    clientMetadata: optionalStringMap,
  }),
  response: z.looseObject({
    challengeName: z.string().nullish(),
    issueTokens: z.boolean().nullish(),
    failAuthentication: z.boolean().nullish(),
  }),
});
export type DefineAuthChallengeEvent = z.output<typeof defineAuthChallengeEvent>;

export const createAuthChallengeEvent = baseEvent.extend({
  triggerSource: z.literal('CreateAuthChallenge_Authentication'),
  request: z.looseObject({
    userAttributes,
    challengeName: z.string(),
    session: challengeSession,
    userNotFound: z.boolean().nullish(),
    clientMetadata: optionalStringMap,
  }),
  response: z.looseObject({
    publicChallengeParameters: stringMap.nullish(),
    privateChallengeParameters: stringMap.nullish(),
    challengeMetadata: z.string().nullish(),
  }),
});
export type CreateAuthChallengeEvent = z.output<typeof createAuthChallengeEvent>;

export const verifyAuthChallengeEvent = baseEvent.extend({
  triggerSource: z.literal('VerifyAuthChallengeResponse_Authentication'),
  request: z.looseObject({
    userAttributes,
    privateChallengeParameters: optionalStringMap,
    /** The client's ChallengeResponses.ANSWER; a missing answer is an empty (wrong) one. */
    challengeAnswer: z
      .string()
      .nullish()
      .transform((value) => value ?? ''),
    userNotFound: z.boolean().nullish(),
    clientMetadata: optionalStringMap,
  }),
  response: z.looseObject({ answerCorrect: z.boolean().nullish() }),
});
export type VerifyAuthChallengeEvent = z.output<typeof verifyAuthChallengeEvent>;
