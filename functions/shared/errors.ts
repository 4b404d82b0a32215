/**
 * Named errors and the single place that maps them to what a Cognito caller sees.
 *
 * Cognito shows a thrown trigger error to the client as
 * `UserLambdaValidationException: <Trigger> failed with error <message>.`, so every message that
 * can leave a trigger is short and reveals nothing an attacker can use. The real reason travels
 * separately in `reason` and is only logged.
 */

/** An expected rejection: its `message` is safe to show; its `reason` is for the logs only. */
export class UserFacingError extends Error {
  override name = 'UserFacingError';
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

export const INVALID_INVITATION_MESSAGE = 'Invitation is invalid or has expired';
export const GENERIC_FAILURE_MESSAGE = 'Something went wrong, please try again';
export const INVALID_REQUEST_MESSAGE = 'The request could not be processed';

/** Sign-up rejected for anything about the invite: one message for every cause. */
export class InvalidInvitationError extends UserFacingError {
  override name = 'InvalidInvitationError';
  constructor(reason: string) {
    super(INVALID_INVITATION_MESSAGE, reason);
  }
}

/** The event did not have the shape this trigger needs. */
export class InvalidEventError extends UserFacingError {
  override name = 'InvalidEventError';
  constructor(reason: string) {
    super(INVALID_REQUEST_MESSAGE, reason);
  }
}

/**
 * ClientMetadata the app sent is malformed (a remembered device's key or name): the message says
 * what the field must be, and names no user state. Thrown before anything is judged or written.
 */
export class InvalidClientMetadataError extends UserFacingError {
  override name = 'InvalidClientMetadataError';
}

/** What the caller is allowed to see for any error. */
export function publicMessage(error: unknown): string {
  return error instanceof UserFacingError ? error.message : GENERIC_FAILURE_MESSAGE;
}
