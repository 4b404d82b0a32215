/**
 * Cognito's error names and the wordings Cognito uses for them. A `CognitoError` becomes
 * `{ "__type": name, "message": ... }` with HTTP 400 and `x-amzn-ErrorType`, which the AWS SDK v3
 * turns into its modeled exception classes and amazon-cognito-identity-js into `err.code`.
 */
export class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

const make = (type: string) => (message: string) => new CognitoError(type, message);

export const notAuthorized = make('NotAuthorizedException');
export const invalidParameter = make('InvalidParameterException');
export const userNotFound = make('UserNotFoundException');
export const resourceNotFound = make('ResourceNotFoundException');
export const usernameExists = make('UsernameExistsException');
export const aliasExists = make('AliasExistsException');
export const invalidPassword = make('InvalidPasswordException');
export const codeMismatch = make('CodeMismatchException');
export const expiredCode = make('ExpiredCodeException');
export const limitExceeded = make('LimitExceededException');
export const userNotConfirmed = make('UserNotConfirmedException');
export const passwordResetRequired = make('PasswordResetRequiredException');
export const groupExists = make('GroupExistsException');
export const unsupportedUserState = make('UnsupportedUserStateException');
export const userLambdaValidation = make('UserLambdaValidationException');
export const unexpectedLambda = make('UnexpectedLambdaException');
export const invalidLambdaResponse = make('InvalidLambdaResponseException');
export const refreshTokenReuse = make('RefreshTokenReuseException');

export const INCORRECT_CREDENTIALS = 'Incorrect username or password.';
export const USER_DISABLED = 'User is disabled.';
export const INVALID_SESSION = 'Invalid session for the user.';
export const SESSION_EXPIRED = 'Invalid session for the user, session is expired.';
export const SESSION_USED = 'Invalid session for the user, session can only be used once.';
export const ACCOUNT_EXISTS = 'An account with the given email already exists.';
export const INVALID_CODE = 'Invalid verification code provided, please try again.';
export const EXPIRED_CODE = 'Invalid code provided, please request a code again.';
export const ATTEMPTS_EXCEEDED = 'Attempt limit exceeded, please try after some time.';

/** The "1 validation error detected" wording of Cognito's request validation. */
export function missingMember(member: string): CognitoError {
  return invalidParameter(
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );
}

export function missingAuthParameter(name: string): CognitoError {
  return invalidParameter(`Missing required parameter ${name}`);
}
