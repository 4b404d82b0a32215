/**
 * `trigger()` wraps a use-case into a Cognito trigger handler. It
 * 1. validates the parts of the event the trigger reads (zod, unknown fields kept),
 * 2. tags the logger with the request's non-secret identifiers,
 * 3. runs the use-case, which fills `event.response`, and returns the original event,
 * 4. maps errors in one place: a `UserFacingError` keeps its short message (its reason is
 *    logged), anything else is logged and replaced by a generic message.
 */
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { GENERIC_FAILURE_MESSAGE, InvalidEventError, UserFacingError } from '#shared/errors';
import { logger } from '#shared/logger';

export interface TriggerEventBase {
  triggerSource: string;
  userPoolId: string;
  userName: string;
  callerContext?: { clientId?: string } | undefined;
  request: unknown;
  response: unknown;
}

export function trigger<S extends z.ZodType<TriggerEventBase>>(
  name: string,
  schema: S,
  useCase: (event: z.output<S>) => Promise<void>,
) {
  return async (event: z.input<S>, context?: Context): Promise<z.input<S>> => {
    if (context) logger.addContext(context);
    const parsed = schema.safeParse(event);
    try {
      if (!parsed.success) {
        throw new InvalidEventError(`malformed ${name} event: ${describeIssues(parsed.error)}`);
      }
      const { triggerSource, userPoolId, userName, callerContext } = parsed.data;
      logger.appendKeys({
        trigger: name,
        triggerSource,
        userPoolId,
        userName,
        clientId: callerContext?.clientId,
      });
      await useCase(parsed.data);
      // The use-case fills the response on the parsed copy; hand it back on the original event
      // so fields this project does not know about travel through untouched.
      (event as TriggerEventBase).response = parsed.data.response;
      return event;
    } catch (error) {
      throw toCallerError(error);
    } finally {
      logger.resetKeys();
    }
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(event)'} ${issue.message}`)
    .join('; ');
}

function toCallerError(error: unknown): Error {
  if (error instanceof UserFacingError) {
    logger.warn('request rejected', { reason: error.reason, error: error.name });
    return new Error(error.message);
  }
  if (error instanceof Error) logger.error('unexpected failure', error);
  else logger.error('unexpected failure', { error: String(error) });
  return new Error(GENERIC_FAILURE_MESSAGE);
}
