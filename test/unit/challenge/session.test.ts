import { type Decision, decide, planCustomRound, type SessionEntry } from '#shared/challenge/session';
import {
  CODE_ID,
  code,
  custom,
  FOREIGN_CHALLENGES,
  LIMITS,
  newPassword,
  password,
  phone,
  recoveryCode,
  recoveryCodes,
  signIn,
  srp,
  UNKNOWN,
  UNVERIFIED,
  VERIFIED,
} from './sessions';

const OTHER_ID = 'b'.repeat(32);
const challenge = (challengeName: 'PASSWORD_VERIFIER' | 'CUSTOM_CHALLENGE'): Decision => ({
  outcome: 'challenge',
  challengeName,
});
const tokens: Decision = { outcome: 'tokens' };
const fail = (reason: string): Decision => ({ outcome: 'fail', reason });

describe('decide: the steps of a valid sign-in', () => {
  test.each<[string, SessionEntry[], typeof VERIFIED, Decision]>([
    ['[SRP_A ok] asks for the password verifier', [srp()], VERIFIED, challenge('PASSWORD_VERIFIER')],
    [
      '[SRP_A, PASSWORD_VERIFIER] asks for a custom round (verified phone)',
      [srp(), password()],
      VERIFIED,
      challenge('CUSTOM_CHALLENGE'),
    ],
    [
      '[SRP_A, PASSWORD_VERIFIER] asks for a custom round (no phone)',
      [srp(), password()],
      UNVERIFIED,
      challenge('CUSTOM_CHALLENGE'),
    ],
    ['a correct code after the password issues tokens', [srp(), password(), code(true)], VERIFIED, tokens],
    ['a wrong code asks again', [srp(), password(), code(false)], VERIFIED, challenge('CUSTOM_CHALLENGE')],
    [
      'two wrong codes ask again',
      [srp(), password(), code(false), code(false)],
      VERIFIED,
      challenge('CUSTOM_CHALLENGE'),
    ],
    [
      'two wrong codes then the right one issue tokens',
      [srp(), password(), code(false), code(false), code(true)],
      VERIFIED,
      tokens,
    ],
    [
      'an accepted phone number asks for its code',
      [srp(), password(), phone(true)],
      UNVERIFIED,
      challenge('CUSTOM_CHALLENGE'),
    ],
    [
      'a rejected phone number asks again',
      [srp(), password(), phone(false)],
      UNVERIFIED,
      challenge('CUSTOM_CHALLENGE'),
    ],
    [
      'phone then code asks for the recovery-codes round (no tokens yet)',
      [srp(), password(), phone(true), code(true)],
      UNVERIFIED,
      challenge('CUSTOM_CHALLENGE'),
    ],
    [
      'phone, code, then the acknowledged recovery codes issue tokens',
      [srp(), password(), phone(true), code(true), recoveryCodes(true)],
      UNVERIFIED,
      tokens,
    ],
    [
      'the enrolment goes on and ends even when the attribute already reads verified (Verify just set it)',
      [srp(), password(), phone(true), code(true)],
      VERIFIED,
      challenge('CUSTOM_CHALLENGE'),
    ],
    [
      '... and issues tokens after the recovery codes',
      [srp(), password(), phone(true), code(true), recoveryCodes(true)],
      VERIFIED,
      tokens,
    ],
    [
      'the longest allowed enrolment path issues tokens',
      [
        srp(),
        password(),
        phone(false),
        phone(false, OTHER_ID),
        phone(true, 'c'.repeat(32)),
        code(false),
        code(false),
        code(true),
        recoveryCodes(true),
      ],
      UNVERIFIED,
      tokens,
    ],
    [
      'an unknown user is walked to its custom round',
      [srp(), password()],
      UNKNOWN,
      challenge('CUSTOM_CHALLENGE'),
    ],
    [
      'an unknown user gets another round after a wrong code',
      [srp(), password(), code(false)],
      UNKNOWN,
      challenge('CUSTOM_CHALLENGE'),
    ],
  ])('%s', (_name, session, user, expected) => {
    expect(decide(session, user, LIMITS)).toEqual(expected);
  });
});

describe('decide: everything else fails authentication', () => {
  test.each<[string, SessionEntry[], typeof VERIFIED, string]>([
    ['an empty session (CUSTOM_AUTH without SRP_A)', [], VERIFIED, 'password_step_missing'],
    ['a custom round first', [code(true)], VERIFIED, 'expected_SRP_A_at_0'],
    ['a failed SRP_A', [srp(false)], VERIFIED, 'srp_failed'],
    ['a wrong password', [srp(), password(false)], VERIFIED, 'wrong_password'],
    ['a missing password step', [srp(), code(true)], VERIFIED, 'expected_PASSWORD_VERIFIER_at_1'],
    ['PASSWORD_VERIFIER before SRP_A', [password(), srp()], VERIFIED, 'expected_SRP_A_at_0'],
    [
      'SMS_MFA in the session',
      [srp(), password(), { challengeName: 'SMS_MFA', challengeResult: true }],
      VERIFIED,
      'foreign_challenge_SMS_MFA',
    ],
    [
      'a device step',
      [srp(), password(), { challengeName: 'DEVICE_SRP_AUTH', challengeResult: true }],
      VERIFIED,
      'foreign_challenge_DEVICE_SRP_AUTH',
    ],
    [
      'ADMIN_NO_SRP_AUTH instead of SRP',
      [{ challengeName: 'ADMIN_NO_SRP_AUTH', challengeResult: true }],
      VERIFIED,
      'foreign_challenge_ADMIN_NO_SRP_AUTH',
    ],
    [
      'an unknown challenge name',
      [srp(), password(), { challengeName: 'MAGIC', challengeResult: true }],
      VERIFIED,
      'unexpected_MAGIC',
    ],
    [
      'metadata on SRP_A',
      [{ ...srp(), challengeMetadata: `SMS_OTP:${CODE_ID}` }],
      VERIFIED,
      'metadata_on_SRP_A',
    ],
    [
      'metadata on PASSWORD_VERIFIER',
      [srp(), { ...password(), challengeMetadata: 'x' }],
      VERIFIED,
      'metadata_on_PASSWORD_VERIFIER',
    ],
    [
      'a correct custom round without metadata',
      [srp(), password(), custom(true, null)],
      VERIFIED,
      'untagged_custom_round',
    ],
    [
      'a correct custom round with foreign metadata',
      [srp(), password(), custom(true, 'MAGIC_LINK:abc')],
      VERIFIED,
      'untagged_custom_round',
    ],
    [
      'a custom round with a short id',
      [srp(), password(), custom(true, 'SMS_OTP:abc')],
      VERIFIED,
      'untagged_custom_round',
    ],
    [
      'a custom round with an upper-case id',
      [srp(), password(), custom(true, `SMS_OTP:${CODE_ID.toUpperCase()}`)],
      VERIFIED,
      'untagged_custom_round',
    ],
    [
      'an accepted phone alone (no code yet) is no reason for tokens',
      [srp(), password(), phone(true)],
      UNKNOWN,
      'phone_round_for_unknown_user',
    ],
    [
      'a code round after a rejected phone',
      [srp(), password(), phone(false), code(true)],
      UNVERIFIED,
      'round_after_unfinished_block',
    ],
    [
      'a phone round after a wrong code (a phone change without the sign-in code)',
      [srp(), password(), code(false), phone(true)],
      VERIFIED,
      'round_after_unfinished_block',
    ],
    [
      'a phone round after an accepted phone',
      [srp(), password(), phone(true), phone(true, OTHER_ID)],
      UNVERIFIED,
      'round_after_final_answer',
    ],
    [
      'a code round whose id changed',
      [srp(), password(), code(false), code(true, OTHER_ID)],
      VERIFIED,
      'code_round_id_changed',
    ],
    [
      'a round after the final code',
      [srp(), password(), code(true), code(true)],
      VERIFIED,
      'round_after_final_answer',
    ],
    [
      'a code without a verified phone or a phone round',
      [srp(), password(), code(true)],
      UNVERIFIED,
      'code_without_verified_phone',
    ],
    ['a correct code for an unknown user', [srp(), password(), code(true)], UNKNOWN, 'user_not_found'],
    [
      'a third wrong code',
      [srp(), password(), code(false), code(false), code(false)],
      VERIFIED,
      'too_many_wrong_codes',
    ],
    [
      'a correct code after three wrong ones',
      [srp(), password(), code(false), code(false), code(false), code(true)],
      VERIFIED,
      'too_many_wrong_codes',
    ],
    [
      'a third rejected phone number',
      [srp(), password(), phone(false), phone(false), phone(false)],
      UNVERIFIED,
      'too_many_phone_attempts',
    ],
    // A stale enrolment: the user's phone was verified (in another sign-in) after this one started.
    [
      'the phone path for a user whose phone is verified: an accepted number does not get its code',
      [srp(), password(), phone(true)],
      VERIFIED,
      'phone_path_for_verified_user',
    ],
    [
      'the phone path for a user whose phone is verified: a rejected number is not asked again',
      [srp(), password(), phone(false)],
      VERIFIED,
      'phone_path_for_verified_user',
    ],
    [
      'the phone path for a user whose phone is verified: a wrong enrolment code is not asked again',
      [srp(), password(), phone(true), code(false)],
      VERIFIED,
      'phone_path_for_verified_user',
    ],
    [
      'the phone path for a user whose phone is verified, after the new-password step too',
      [srp(), password(), newPassword(), phone(true)],
      VERIFIED,
      'phone_path_for_verified_user',
    ],
  ])('%s', (_name, session, user, reason) => {
    expect(decide(session, user, LIMITS)).toEqual(fail(reason));
  });

  test('the rounds cap stops a session that would exceed MAX_ROUNDS', () => {
    const limits = { ...LIMITS, maxRounds: 6 };
    // 6 entries so far: another round would be the 7th.
    expect(decide(signIn(phone(false), phone(true), code(false), code(true)), UNVERIFIED, limits)).toEqual(
      fail('too_many_rounds'),
    );
    // 5 entries: the 6th (the recovery codes) may come ...
    expect(decide(signIn(phone(false), phone(true), code(true)), UNVERIFIED, limits)).toEqual(
      challenge('CUSTOM_CHALLENGE'),
    );
    // ... and a session that ends its path within the cap issues tokens.
    expect(
      decide(signIn(phone(false), phone(true), code(true), recoveryCodes(true)), UNVERIFIED, limits),
    ).toEqual(tokens);
    // A session already longer than the cap fails even if it ends well.
    expect(
      decide(
        signIn(phone(false), phone(true), code(false), code(true), recoveryCodes(true)),
        UNVERIFIED,
        limits,
      ),
    ).toEqual(fail('too_many_rounds'));
  });

  test.each(FOREIGN_CHALLENGES)(
    '%s (another pool feature) fails closed with a reason naming it, wherever it appears',
    (name) => {
      const foreign = (ok: boolean): SessionEntry => ({
        challengeName: name,
        challengeResult: ok,
        challengeMetadata: null,
      });
      for (const user of [VERIFIED, UNVERIFIED]) {
        for (const session of [
          [foreign(true)],
          [srp(), password(), foreign(true)],
          [srp(), password(), foreign(true), code(true)],
          [srp(), password(), phone(true), foreign(true), code(true)],
          [srp(), password(), phone(true), code(true), foreign(true), recoveryCodes(true)],
          [srp(), password(), code(false), foreign(true), recoveryCode(true)],
          [srp(), password(), code(true), foreign(true)],
          [srp(), password(), newPassword(), foreign(false)],
        ])
          expect(decide(session, user, LIMITS)).toEqual(fail(`foreign_challenge_${name}`));
      }
      expect(planCustomRound([srp(), password(), foreign(true)], VERIFIED)).toBeUndefined();
    },
  );

  test('MAX_CODE_ATTEMPTS is honoured as configured', () => {
    const one = { ...LIMITS, maxCodeAttempts: 1 };
    expect(decide([srp(), password(), code(false)], VERIFIED, one)).toEqual(fail('too_many_wrong_codes'));
    expect(decide([srp(), password(), code(true)], VERIFIED, one)).toEqual(tokens);
  });
});
