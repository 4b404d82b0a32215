import { logger } from '#shared/logger';
import passwordVerifier from '../../../fixtures/define-auth-challenge.password-verifier.json';
import phoneRequired from '../../../fixtures/define-auth-challenge.phone-required.json';
import smsOtp from '../../../fixtures/define-auth-challenge.sms-otp.json';
import smsOtpWrong from '../../../fixtures/define-auth-challenge.sms-otp-wrong.json';
import srpA from '../../../fixtures/define-auth-challenge.srp-a.json';
import { handler } from '../../../functions/define-auth-challenge/handler';
import { captureLogs } from '../shared/capture-logs';

type Event = Parameters<typeof handler>[0];
const run = (event: unknown) => handler(structuredClone(event) as Event);

const next = (challengeName: string) => ({ challengeName, issueTokens: false, failAuthentication: false });
const failed = { issueTokens: false, failAuthentication: true };

test.each([
  ['[SRP_A] -> PASSWORD_VERIFIER', srpA, next('PASSWORD_VERIFIER')],
  ['[SRP_A, PASSWORD_VERIFIER] -> CUSTOM_CHALLENGE', passwordVerifier, next('CUSTOM_CHALLENGE')],
  ['[..., PHONE_REQUIRED ok] -> CUSTOM_CHALLENGE (the code round)', phoneRequired, next('CUSTOM_CHALLENGE')],
  ['[..., SMS_OTP wrong] -> CUSTOM_CHALLENGE (the same code again)', smsOtpWrong, next('CUSTOM_CHALLENGE')],
  ['[..., SMS_OTP ok] -> tokens', smsOtp, { issueTokens: true, failAuthentication: false }],
])('fixture %s', async (_name, fixture, expected) => {
  const result = await run(fixture);
  expect(result.response).toMatchObject(expected);
});

test('the response is set on the original event, unknown fields untouched', async () => {
  const event = { ...structuredClone(srpA), futureField: { kept: true } } as Event;
  const result = await handler(event);
  expect(result).toBe(event);
  expect((result as { futureField?: unknown }).futureField).toEqual({ kept: true });
});

test('tokens are refused when the user has no verified phone and skipped the phone round', async () => {
  const event = structuredClone(smsOtp);
  event.request.userAttributes.phone_number_verified = 'false';
  expect((await run(event)).response).toMatchObject(failed);
});

test('a custom round whose metadata was not set by Create fails authentication', async () => {
  const event = structuredClone(smsOtp);
  const last = event.request.session[2] as { challengeMetadata: string | null };
  last.challengeMetadata = null;
  expect((await run(event)).response).toMatchObject(failed);
});

test('three wrong codes fail authentication (MAX_CODE_ATTEMPTS default 3)', async () => {
  const event = structuredClone(smsOtpWrong);
  const wrong = event.request.session.at(-1);
  if (!wrong) throw new Error('fixture has no wrong code round');
  event.request.session.push(structuredClone(wrong), structuredClone(wrong));
  expect((await run(event)).response).toMatchObject(failed);
});

test('userNotFound does not change the shape: an unknown user is asked for a custom round', async () => {
  const event = structuredClone(passwordVerifier) as unknown as { request: Record<string, unknown> };
  event.request.userNotFound = true;
  event.request.userAttributes = {};
  expect((await run(event)).response).toMatchObject(next('CUSTOM_CHALLENGE'));
});

test('a null session (defensive) counts as empty and fails authentication', async () => {
  const event = structuredClone(srpA) as unknown as { request: Record<string, unknown> };
  event.request.session = null;
  expect((await run(event)).response).toMatchObject(failed);
});

test('a malformed event is rejected with the short generic message', async () => {
  const event = structuredClone(srpA) as unknown as { request: Record<string, unknown> };
  event.request.session = [{ challengeName: 'SRP_A', challengeResult: 'yes' }];
  await expect(run(event)).rejects.toThrow('The request could not be processed');
});

/** Runs the event and returns the reason Define logged for a failed sign-in. */
async function failureReason(event: unknown): Promise<unknown> {
  const logs = captureLogs(logger, 'WARN');
  try {
    expect((await run(event)).response).toMatchObject(failed);
  } finally {
    logs.restore();
  }
  return logs.records().find((record) => record.message === 'sign-in step decided')?.reason;
}

test('a stale enrolment (the phone was verified in another sign-in meanwhile) fails: no code to the typed number', async () => {
  const event = structuredClone(phoneRequired) as unknown as {
    request: { userAttributes: Record<string, string> };
  };
  event.request.userAttributes.phone_number = '+12015550123';
  event.request.userAttributes.phone_number_verified = 'true';
  expect(await failureReason(event)).toBe('phone_path_for_verified_user');
});

test.each(['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER'])(
  'a session with %s (Cognito MFA or device tracking on the pool) fails closed, the reason naming it',
  async (challengeName) => {
    const event = structuredClone(smsOtp) as unknown as { request: { session: unknown[] } };
    event.request.session.splice(2, 0, { challengeName, challengeResult: true, challengeMetadata: null });
    expect(await failureReason(event)).toBe(`foreign_challenge_${challengeName}`);
  },
);

test.each([
  ['recorded as an entry', true],
  ['not recorded', false],
])('a user created by AdminCreateUser gets tokens with the new-password step %s', async (_name, recorded) => {
  const event = structuredClone(smsOtp) as unknown as { request: { session: unknown[] } };
  if (recorded)
    event.request.session.splice(2, 0, {
      challengeName: 'NEW_PASSWORD_REQUIRED',
      challengeResult: true,
      challengeMetadata: null,
    });
  expect((await run(event)).response).toMatchObject({ issueTokens: true, failAuthentication: false });
});
