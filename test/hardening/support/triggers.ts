/**
 * The seven triggers as the hardening suites see them: their fixtures, the short user-safe
 * messages each may reject with, and what a well-formed response looks like.
 *
 * The messages are collected from the project's named errors (functions/shared/errors.ts,
 * functions/shared/challenge/errors.ts), so a test fails if a trigger ever rejects with anything
 * else: a stack, an SDK message, a detail meant for the logs. "Sign-in is not allowed" comes only
 * from Create and Verify, after the password; PreAuthentication, which runs before it, denies
 * nobody (its answer would tell a stranger the account's state).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CODE_EXPIRED_MESSAGE,
  EMAIL_UNAVAILABLE_MESSAGE,
  SEND_LIMIT_MESSAGE,
  SIGN_IN_NOT_ALLOWED_MESSAGE,
  SMS_UNAVAILABLE_MESSAGE,
} from '#shared/challenge/errors';
import { GENERIC_FAILURE_MESSAGE, INVALID_INVITATION_MESSAGE, INVALID_REQUEST_MESSAGE } from '#shared/errors';

export type TriggerKey =
  | 'pre-signup'
  | 'post-confirmation'
  | 'pre-authentication'
  | 'custom-message'
  | 'define-auth-challenge'
  | 'create-auth-challenge'
  | 'verify-auth-challenge';

export const TRIGGER_KEYS: readonly TriggerKey[] = [
  'pre-signup',
  'post-confirmation',
  'pre-authentication',
  'custom-message',
  'define-auth-challenge',
  'create-auth-challenge',
  'verify-auth-challenge',
];

// biome-ignore lint/suspicious/noExplicitAny: handlers take their own event types; tests feed them anything.
export type AnyHandler = (event: any) => Promise<any>;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures');

/** Every fixture of a trigger (`fixtures/<trigger>.*.json`), parsed. */
export function fixturesOf(trigger: TriggerKey): JsonObject[] {
  const files = readdirSync(FIXTURES).filter(
    (file) => file.startsWith(`${trigger}.`) && file.endsWith('.json'),
  );
  if (files.length === 0) throw new Error(`no fixtures for ${trigger}`);
  return files.map((file) => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as JsonObject);
}

export function fixture(name: string): JsonObject {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as JsonObject;
}

/** The messages a trigger may reject with when its dependencies are healthy. */
export const USER_SAFE_MESSAGES: Record<TriggerKey, readonly string[]> = {
  'pre-signup': [INVALID_INVITATION_MESSAGE, INVALID_REQUEST_MESSAGE],
  'post-confirmation': [INVALID_REQUEST_MESSAGE],
  'pre-authentication': [INVALID_REQUEST_MESSAGE],
  'custom-message': [INVALID_REQUEST_MESSAGE],
  'define-auth-challenge': [INVALID_REQUEST_MESSAGE],
  'create-auth-challenge': [
    INVALID_REQUEST_MESSAGE,
    SEND_LIMIT_MESSAGE,
    CODE_EXPIRED_MESSAGE,
    SMS_UNAVAILABLE_MESSAGE,
    SIGN_IN_NOT_ALLOWED_MESSAGE,
    EMAIL_UNAVAILABLE_MESSAGE,
  ],
  'verify-auth-challenge': [INVALID_REQUEST_MESSAGE, SIGN_IN_NOT_ALLOWED_MESSAGE],
};

/** Only when a dependency fails may a trigger say this (and nothing more). */
export { GENERIC_FAILURE_MESSAGE };

/** Every message any trigger may ever show, for suites that do not care which trigger spoke. */
export const ALL_USER_SAFE_MESSAGES: ReadonlySet<string> = new Set([
  ...Object.values(USER_SAFE_MESSAGES).flat(),
  GENERIC_FAILURE_MESSAGE,
]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const optionalBoolean = (value: unknown) =>
  value === undefined || value === null || typeof value === 'boolean';
const optionalString = (value: unknown) => value === undefined || value === null || typeof value === 'string';
const stringRecord = (value: unknown) =>
  isObject(value) && Object.values(value).every((item) => typeof item === 'string');

const METADATA =
  /^((PHONE_REQUIRED|RECOVERY_CODE|RECOVERY_CODES):[0-9a-f]{32}|(SMS_OTP|EMAIL_OTP):[0-9a-f]{32}(:(resent|wait))?)$/;
const MASKED_DESTINATION = /^\+\*{7}\d{4}$/;
const MASKED_EMAIL = /^.\*{3}@.\*{3}(\.[^@]*)?$/;
const RECOVERY_CODES =
  /^([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4} ){9}[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/**
 * Problems with a trigger's response (empty when it is well-formed): the shape Cognito accepts,
 * holding only values this project produces.
 */
export function responseProblems(trigger: TriggerKey, event: unknown, before?: unknown): string[] {
  if (!isObject(event)) return ['the handler did not return an object'];
  const response = event.response;
  if (!isObject(response)) return ['response is not an object'];
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  switch (trigger) {
    case 'pre-signup':
      for (const key of ['autoConfirmUser', 'autoVerifyEmail', 'autoVerifyPhone'])
        check(optionalBoolean(response[key]), `${key} is not a boolean`);
      break;
    case 'post-confirmation':
    case 'pre-authentication':
      break;
    case 'custom-message': {
      const request = isObject(event.request) ? event.request : {};
      // A field the trigger left as it came is Cognito's business (Cognito sends them null).
      const given = isObject(before) && isObject(before.response) ? before.response : {};
      const produced = (key: string) => response[key] !== given[key];
      for (const key of ['smsMessage', 'emailMessage', 'emailSubject'])
        if (produced(key)) check(optionalString(response[key]), `${key} is not a string`);
      const code = request.codeParameter;
      // Cognito's placeholders are short fixed strings ({####}, {username}, {##Click Here##}); the
      // 140-character promise holds for them (a placeholder is never shortened or dropped).
      const placeholders = [code, request.usernameParameter, request.linkParameter];
      const cognitoSized = placeholders.every((value) => typeof value !== 'string' || value.length <= 32);
      if (typeof response.smsMessage === 'string' && produced('smsMessage')) {
        if (cognitoSized)
          check([...response.smsMessage].length <= 140, 'smsMessage longer than 140 characters');
        check(typeof code === 'string' && response.smsMessage.includes(code), 'smsMessage lost the code');
      }
      if (typeof response.emailMessage === 'string' && produced('emailMessage')) {
        check(response.emailMessage.length <= 20_000, 'emailMessage longer than 20,000 characters');
        check(typeof code === 'string' && response.emailMessage.includes(code), 'emailMessage lost the code');
        check(typeof response.emailSubject === 'string' && response.emailSubject.length > 0, 'no subject');
      }
      break;
    }
    case 'define-auth-challenge': {
      const { challengeName, issueTokens, failAuthentication } = response;
      const challenge =
        (challengeName === 'PASSWORD_VERIFIER' || challengeName === 'CUSTOM_CHALLENGE') &&
        issueTokens === false &&
        failAuthentication === false;
      const tokens = issueTokens === true && failAuthentication === false;
      const fail = issueTokens === false && failAuthentication === true;
      check(challenge || tokens || fail, `not one clear decision: ${JSON.stringify(response)}`);
      break;
    }
    case 'create-auth-challenge': {
      const { publicChallengeParameters: pub, privateChallengeParameters: priv } = response;
      check(stringRecord(pub), 'publicChallengeParameters is not a map of strings');
      check(stringRecord(priv), 'privateChallengeParameters is not a map of strings');
      check(
        typeof response.challengeMetadata === 'string' && METADATA.test(response.challengeMetadata),
        `challengeMetadata ${JSON.stringify(response.challengeMetadata)}`,
      );
      if (isObject(pub)) {
        if (pub.type === 'SMS_OTP' || pub.type === 'EMAIL_OTP') {
          const mask = pub.type === 'SMS_OTP' ? MASKED_DESTINATION : MASKED_EMAIL;
          check(
            typeof pub.destination === 'string' && mask.test(pub.destination),
            `destination not masked: ${String(pub.destination)}`,
          );
          check(typeof pub.length === 'string' && /^\d+$/.test(pub.length), 'length is not a number');
          const keys = Object.keys(pub).sort().join();
          check(
            keys === 'destination,length,type' || keys === 'destination,length,retryAfter,type',
            'extra public parameters',
          );
        } else if (pub.type === 'RECOVERY_CODES') {
          check(
            typeof pub.codes === 'string' && RECOVERY_CODES.test(pub.codes),
            'codes not ten grouped codes',
          );
          check(Object.keys(pub).sort().join() === 'codes,type', 'extra public parameters');
        } else {
          check(
            pub.type === 'PHONE_REQUIRED' || pub.type === 'RECOVERY_CODE',
            `unknown type ${String(pub.type)}`,
          );
          check(Object.keys(pub).join() === 'type', 'extra public parameters');
        }
      }
      break;
    }
    case 'verify-auth-challenge':
      check(typeof response.answerCorrect === 'boolean', 'answerCorrect is not a boolean');
      break;
  }
  return problems;
}

/**
 * Loads the seven handlers (call inside `jest.isolateModules` for a fresh set bound to the
 * environment of that moment).
 */
export function requireHandlers(): Record<TriggerKey, AnyHandler> {
  const load = (path: string) => (require(path) as { handler: AnyHandler }).handler;
  return {
    'pre-signup': load('../../../functions/pre-signup/handler'),
    'post-confirmation': load('../../../functions/post-confirmation/handler'),
    'pre-authentication': load('../../../functions/pre-authentication/handler'),
    'custom-message': load('../../../functions/custom-message/handler'),
    'define-auth-challenge': load('../../../functions/define-auth-challenge/handler'),
    'create-auth-challenge': load('../../../functions/create-auth-challenge/handler'),
    'verify-auth-challenge': load('../../../functions/verify-auth-challenge/handler'),
  };
}
