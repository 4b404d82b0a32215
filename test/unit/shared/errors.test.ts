import {
  GENERIC_FAILURE_MESSAGE,
  INVALID_INVITATION_MESSAGE,
  INVALID_REQUEST_MESSAGE,
  InvalidEventError,
  InvalidInvitationError,
  publicMessage,
  UserFacingError,
} from '#shared/errors';

test('every invitation rejection shows the same message; the reason stays separate', () => {
  const reasons = [
    'missing_code',
    'malformed_code',
    'code_mismatch',
    'expired',
    'revoked',
    'already_accepted',
  ];
  const errors = reasons.map((reason) => new InvalidInvitationError(reason));
  expect(new Set(errors.map((error) => error.message))).toEqual(new Set([INVALID_INVITATION_MESSAGE]));
  expect(errors.map((error) => error.reason)).toEqual(reasons);
  for (const error of errors) {
    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.name).toBe('InvalidInvitationError');
  }
});

test('an invalid event shows the short invalid-request message, not the details', () => {
  const error = new InvalidEventError('request.userAttributes.sub missing');
  expect(error.message).toBe(INVALID_REQUEST_MESSAGE);
  expect(error.reason).toBe('request.userAttributes.sub missing');
});

test('publicMessage passes user-facing messages and hides everything else', () => {
  expect(publicMessage(new InvalidInvitationError('expired'))).toBe(INVALID_INVITATION_MESSAGE);
  expect(publicMessage(new Error('connect ECONNREFUSED 10.0.0.1:443 table invites-prod'))).toBe(
    GENERIC_FAILURE_MESSAGE,
  );
  expect(publicMessage('a string')).toBe(GENERIC_FAILURE_MESSAGE);
});
