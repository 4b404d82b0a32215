/**
 * A user created by AdminCreateUser signs in with Cognito's own NEW_PASSWORD_REQUIRED step right
 * after the password; Cognito may or may not record it as a session entry (session.ts).
 */
import { type Decision, decide, planCustomRound, type SessionEntry } from '#shared/challenge/session';
import {
  CODE_ID,
  code,
  email,
  LIMITS,
  newPassword,
  password,
  phone,
  recoveryCodes,
  srp,
  UNVERIFIED,
  VERIFIED,
} from './sessions';

const challenge = (challengeName: 'PASSWORD_VERIFIER' | 'CUSTOM_CHALLENGE'): Decision => ({
  outcome: 'challenge',
  challengeName,
});
const tokens: Decision = { outcome: 'tokens' };
const fail = (reason: string): Decision => ({ outcome: 'fail', reason });

describe('decide: a user created by AdminCreateUser (NEW_PASSWORD_REQUIRED after the password)', () => {
  // Cognito may or may not record the new-password step as an entry: both shapes are accepted.
  test.each<[string, SessionEntry[], typeof VERIFIED]>([
    ['with its entry, to a verified phone', [srp(), password(), newPassword(), code(true)], VERIFIED],
    ['without an entry, to a verified phone', [srp(), password(), code(true)], VERIFIED],
    [
      'with its entry, on the enrolment path',
      [srp(), password(), newPassword(), phone(true), code(true), recoveryCodes(true)],
      UNVERIFIED,
    ],
    [
      'without an entry, on the enrolment path',
      [srp(), password(), phone(true), code(true), recoveryCodes(true)],
      UNVERIFIED,
    ],
    [
      'with its entry, on the enrolment path with an email proof',
      [srp(), password(), newPassword(), email(true), phone(true), code(true), recoveryCodes(true)],
      UNVERIFIED,
    ],
    [
      'with its entry, after wrong numbers and codes',
      [
        srp(),
        password(),
        newPassword(),
        phone(false),
        phone(true),
        code(false),
        code(true),
        recoveryCodes(true),
      ],
      UNVERIFIED,
    ],
  ])('%s: tokens at the end of the path', (_name, session, user) => {
    expect(decide(session, user, LIMITS)).toEqual(tokens);
  });

  test.each<[string, SessionEntry[], typeof VERIFIED]>([
    ['with its entry, a verified phone', [srp(), password(), newPassword()], VERIFIED],
    ['with its entry, no phone yet', [srp(), password(), newPassword()], UNVERIFIED],
  ])('%s: the custom round comes next, as without the step', (_name, session, user) => {
    expect(decide(session, user, LIMITS)).toEqual(challenge('CUSTOM_CHALLENGE'));
    expect(planCustomRound(session, user)).toEqual(planCustomRound([srp(), password()], user));
  });

  test('the step does not count against MAX_ROUNDS (it is not one of our rounds)', () => {
    const limits = { ...LIMITS, maxRounds: 6 };
    const rounds = [phone(false), phone(true), code(true), recoveryCodes(true)];
    expect(decide([srp(), password(), newPassword(), ...rounds], UNVERIFIED, limits)).toEqual(tokens);
    expect(
      decide([srp(), password(), newPassword(), phone(false), phone(true), code(true)], UNVERIFIED, limits),
    ).toEqual(challenge('CUSTOM_CHALLENGE'));
    // ... but only that one step: the rounds after it are counted as always.
    expect(
      decide(
        [srp(), password(), newPassword(), phone(false), phone(true), code(false), code(true)],
        UNVERIFIED,
        limits,
      ),
    ).toEqual(fail('too_many_rounds'));
  });

  test.each<[string, SessionEntry[], string]>([
    [
      'a failed new-password step',
      [srp(), password(), newPassword(false), code(true)],
      'new_password_failed',
    ],
    [
      'metadata on the new-password step',
      [srp(), password(), { ...newPassword(), challengeMetadata: `SMS_OTP:${CODE_ID}` }, code(true)],
      'metadata_on_NEW_PASSWORD_REQUIRED',
    ],
    [
      'the step before the password',
      [srp(), newPassword(), password(), code(true)],
      'expected_PASSWORD_VERIFIER_at_1',
    ],
    [
      'the step twice',
      [srp(), password(), newPassword(), newPassword(), code(true)],
      'unexpected_NEW_PASSWORD_REQUIRED',
    ],
    [
      'the step after a custom round',
      [srp(), password(), code(false), newPassword(), code(true)],
      'unexpected_NEW_PASSWORD_REQUIRED',
    ],
  ])('%s fails', (_name, session, reason) => {
    expect(decide(session, VERIFIED, LIMITS)).toEqual(fail(reason));
  });
});
