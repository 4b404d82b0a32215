/**
 * zod schemas for the parts of Cognito trigger events this project reads.
 *
 * They are loose objects: Cognito adds fields over time and an unknown field must never cause a
 * rejection. Only what a trigger actually reads is required.
 *
 * Written with `zod/mini` (functions instead of methods): it tree-shakes, so each bundle carries
 * only the validators it uses, where classic `zod` brings its whole ~450 KB into every trigger.
 */
import * as z from 'zod/mini';

const stringMap = z.record(z.string(), z.string());

export const baseEvent = z.looseObject({
  version: z.optional(z.string()),
  region: z.optional(z.string()),
  triggerSource: z.string(),
  userPoolId: z.string(),
  userName: z.string(),
  callerContext: z.optional(
    z.looseObject({ awsSdkVersion: z.optional(z.string()), clientId: z.optional(z.string()) }),
  ),
});

export const userAttributes = stringMap;

/** `null` and absent both arrive; both mean "nothing". */
export const optionalStringMap = z.pipe(
  z.nullish(stringMap),
  z.transform((value: Record<string, string> | null | undefined) => value ?? {}),
);

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

export const postConfirmationEvent = z.extend(baseEvent, {
  triggerSource: z.enum(['PostConfirmation_ConfirmSignUp', 'PostConfirmation_ConfirmForgotPassword']),
  request: z.looseObject({ userAttributes, clientMetadata: optionalStringMap }),
  response: z.looseObject({}),
});
export type PostConfirmationEvent = z.output<typeof postConfirmationEvent>;

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

/**
 * One entry of a custom-auth `request.session`. `challengeMetadata` is whatever Create set for a
 * CUSTOM_CHALLENGE round (absent or null for SRP_A / PASSWORD_VERIFIER).
 */
export const challengeSessionEntry = z.looseObject({
  challengeName: z.string(),
  challengeResult: z.boolean(),
  challengeMetadata: z.nullish(z.string()),
});
const challengeSession = z.pipe(
  z.nullish(z.array(challengeSessionEntry)),
  z.transform((value: z.output<typeof challengeSessionEntry>[] | null | undefined) => value ?? []),
);

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
