/**
 * `trigger()` wraps a use-case into a Cognito trigger handler. It
 * 1. validates the parts of the event the trigger reads (a zod schema, unknown fields kept),
 * 2. tags the logger with the request's non-secret identifiers (the user as a keyed hash),
 * 3. runs the use-case, which fills `event.response`, and returns the original event,
 * 4. maps errors in one place: a `UserFacingError` keeps its short message (its reason is
 *    logged), anything else is logged (its stack mapped to the TypeScript source) and replaced by
 *    a generic message; each is counted (`countRefusal`, `countFailure`: #shared/metrics).
 *
 * The schema is taken through the Standard Schema interface (`~standard`, which zod schemas
 * implement), so this module loads no zod of its own: a trigger whose event check is written
 * without zod (Define's, for its cold start) runs none.
 */
import type { Context } from 'aws-lambda';
import { GENERIC_FAILURE_MESSAGE, InvalidEventError, UserFacingError } from '#shared/errors';
import { logger } from '#shared/logger';
import { countFailure, countRefusal } from '#shared/metrics';
import { withSourceMappedStack } from '#shared/stack-trace';
import {
  type InputOf,
  type OutputOf,
  pathText,
  type SchemaIssue,
  type StandardSchema,
  validate,
} from '#shared/standard-schema';

export interface TriggerEventBase {
  triggerSource: string;
  userPoolId: string;
  userName: string;
  callerContext?: { clientId?: string } | undefined;
  request: unknown;
  response: unknown;
}

export function trigger<S extends StandardSchema<unknown, TriggerEventBase>>(
  name: string,
  schema: S,
  useCase: (event: OutputOf<S>) => Promise<void>,
) {
  return async (event: InputOf<S>, context?: Context): Promise<InputOf<S>> => {
    if (context) logger.addContext(context);
    try {
      const result = validate(schema, event);
      if (result.issues) {
        throw new InvalidEventError(`malformed ${name} event: ${describeIssues(result.issues)}`);
      }
      const parsed = result.value as OutputOf<S>;
      const { triggerSource, userPoolId, userName, callerContext } = parsed;
      logger.appendKeys({ trigger: name, triggerSource, userPoolId, clientId: callerContext?.clientId });
      // Never the name itself: for an unknown user it is whatever was typed (an email, a number).
      logger.setUser(userPoolId, userName);
      await useCase(parsed);
      // The use-case fills the response on the parsed copy; hand it back on the original event
      // so fields this project does not know about travel through untouched.
      (event as TriggerEventBase).response = parsed.response;
      return event;
    } catch (error) {
      throw toCallerError(name, error);
    } finally {
      logger.resetKeys();
    }
  };
}

/**
 * A short, loggable account of what was wrong. zod/mini loads no locale (each issue's message is
 * "Invalid input"), so the text is built from the issue's code and fields; no input value is
 * included, so nothing the user typed reaches the logs.
 */
function describeIssues(issues: readonly SchemaIssue[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => `${pathText(issue) || '(event)'} ${describeIssue(issue)}`)
    .join('; ');
}

function describeIssue(issue: SchemaIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected one of ${(issue.values ?? []).map(String).join(', ')}`;
    case 'invalid_union':
      return 'matches no expected shape';
    default:
      return issue.message === 'Invalid input' ? (issue.code ?? 'invalid') : issue.message;
  }
}

function toCallerError(name: string, error: unknown): Error {
  if (error instanceof UserFacingError) {
    logger.warn('request rejected', { reason: error.reason, error: error.name });
    countRefusal(name, error);
    return new Error(error.message);
  }
  countFailure(name, error);
  if (error instanceof Error) logger.error('unexpected failure', withSourceMappedStack(error));
  else logger.error('unexpected failure', { error: String(error) });
  return new Error(GENERIC_FAILURE_MESSAGE);
}
