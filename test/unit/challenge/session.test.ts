import {
  type Decision,
  decide,
  onPhonePath,
  phoneVerified,
  planCustomRound,
  readSession,
  type SessionEntry,
  sessionShape,
} from '#shared/challenge/session';
import {
  CODE_ID,
  code,
  custom,
  FOREIGN_CHALLENGES,
  LIMITS,
  newPassword,
  PHONE_ID,
  password,
  phone,
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
    ['phone then code issues tokens', [srp(), password(), phone(true), code(true)], UNVERIFIED, tokens],
    [
      'phone then code issues tokens even when the attribute already reads verified (Verify just set it)',
      [srp(), password(), phone(true), code(true)],
      VERIFIED,
      tokens,
    ],
    [
      'the longest allowed phone path issues tokens',
      [
        srp(),
        password(),
        phone(false),
        phone(false, OTHER_ID),
        phone(true, 'c'.repeat(32)),
        code(false),
        code(false),
        code(true),
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
      'code_round_without_phone',
    ],
    [
      'a phone round after a code round',
      [srp(), password(), code(false), phone(true)],
      VERIFIED,
      'phone_round_out_of_order',
    ],
    [
      'a phone round after an accepted phone',
      [srp(), password(), phone(true), phone(true, OTHER_ID)],
      UNVERIFIED,
      'phone_round_out_of_order',
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
      'round_after_final_code',
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
    const limits = { ...LIMITS, maxRounds: 5 };
    // 5 entries so far: another round would be the 6th.
    expect(decide([srp(), password(), phone(false), phone(true), code(false)], UNVERIFIED, limits)).toEqual(
      fail('too_many_rounds'),
    );
    // ... but a session that ends in a correct code within the cap issues tokens.
    expect(decide([srp(), password(), phone(false), phone(true), code(true)], UNVERIFIED, limits)).toEqual(
      tokens,
    );
    // A session already longer than the cap fails even if it ends well.
    expect(
      decide([srp(), password(), phone(false), phone(true), code(false), code(true)], UNVERIFIED, limits),
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

describe('decide: a user created by AdminCreateUser (NEW_PASSWORD_REQUIRED after the password)', () => {
  // Cognito may or may not record the new-password step as an entry: both shapes are accepted.
  test.each<[string, SessionEntry[], typeof VERIFIED]>([
    ['with its entry, to a verified phone', [srp(), password(), newPassword(), code(true)], VERIFIED],
    ['without an entry, to a verified phone', [srp(), password(), code(true)], VERIFIED],
    [
      'with its entry, on the phone path',
      [srp(), password(), newPassword(), phone(true), code(true)],
      UNVERIFIED,
    ],
    ['without an entry, on the phone path', [srp(), password(), phone(true), code(true)], UNVERIFIED],
    [
      'with its entry, after wrong numbers and codes',
      [srp(), password(), newPassword(), phone(false), phone(true), code(false), code(true)],
      UNVERIFIED,
    ],
  ])('%s: tokens after the right code', (_name, session, user) => {
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
    const limits = { ...LIMITS, maxRounds: 5 };
    const rounds = [phone(false), phone(true), code(true)];
    expect(decide([srp(), password(), newPassword(), ...rounds], UNVERIFIED, limits)).toEqual(tokens);
    expect(decide([srp(), password(), newPassword(), phone(false), phone(true)], UNVERIFIED, limits)).toEqual(
      challenge('CUSTOM_CHALLENGE'),
    );
    // ... but only that one step: the rounds after it are counted as always.
    expect(
      decide([srp(), password(), newPassword(), phone(false), phone(true), code(false)], UNVERIFIED, limits),
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

describe('planCustomRound: the round Create builds', () => {
  test.each<[string, SessionEntry[], typeof VERIFIED, ReturnType<typeof planCustomRound>]>([
    [
      'a verified phone gets a code to it',
      [srp(), password()],
      VERIFIED,
      { kind: 'send_code', phoneFrom: 'profile' },
    ],
    ['no verified phone: ask for one', [srp(), password()], UNVERIFIED, { kind: 'ask_phone' }],
    ['a rejected number: ask again', [srp(), password(), phone(false)], UNVERIFIED, { kind: 'ask_phone' }],
    [
      'an accepted number gets a code',
      [srp(), password(), phone(true)],
      UNVERIFIED,
      { kind: 'send_code', phoneFrom: 'phone_round', phoneRoundId: PHONE_ID },
    ],
    [
      'a wrong code: the same code again',
      [srp(), password(), code(false)],
      VERIFIED,
      { kind: 'repeat_code', codeRoundId: CODE_ID, resends: 0 },
    ],
    [
      'an unknown user: a (decoy) code round',
      [srp(), password()],
      UNKNOWN,
      { kind: 'send_code', phoneFrom: 'profile' },
    ],
    ['nothing before the password is verified', [srp()], VERIFIED, undefined],
    ['nothing after the final code', [srp(), password(), code(true)], VERIFIED, undefined],
    ['nothing for an invalid session', [srp(), password(), custom(true, null)], VERIFIED, undefined],
    [
      'after the new-password step: an accepted number gets a code as without it',
      [srp(), password(), newPassword(), phone(true)],
      UNVERIFIED,
      { kind: 'send_code', phoneFrom: 'phone_round', phoneRoundId: PHONE_ID },
    ],
    // A stale enrolment (the user's phone was verified meanwhile): no round at all; Create refuses.
    [
      'the phone path of a verified user: no code to the typed number',
      [srp(), password(), phone(true)],
      VERIFIED,
      undefined,
    ],
    [
      'the phone path of a verified user: no new number',
      [srp(), password(), phone(false)],
      VERIFIED,
      undefined,
    ],
    [
      'the phone path of a verified user: no repeat of the enrolment code',
      [srp(), password(), phone(true), code(false)],
      VERIFIED,
      undefined,
    ],
  ])('%s', (_name, session, user, expected) => {
    expect(planCustomRound(session, user)).toEqual(expected);
  });
});

describe('helpers', () => {
  test.each([
    [{ phone_number: '+12015550123', phone_number_verified: 'true' }, true],
    [{ phone_number: '+12015550123', phone_number_verified: 'false' }, false],
    [{ phone_number: '+12015550123', phone_number_verified: 'TRUE' }, false],
    [{ phone_number: '+12015550123' }, false],
    [{ phone_number_verified: 'true' }, false],
    [{ phone_number: '', phone_number_verified: 'true' }, false],
  ])('phoneVerified(%j) is %s: only the exact string "true" with a number counts', (attributes, expected) => {
    expect(phoneVerified(attributes)).toBe(expected);
  });

  test('readSession treats absent, null and empty metadata of the password steps alike', () => {
    for (const metadata of [undefined, null, '']) {
      const reading = readSession([
        { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: metadata },
        { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: metadata },
      ]);
      expect(reading).toEqual({ valid: true, passwordSteps: 2, newPasswordStep: false, custom: [] });
    }
  });

  test('readSession marks the new-password step when Cognito records it', () => {
    expect(readSession([srp(), password(), newPassword(), phone(true)])).toEqual({
      valid: true,
      passwordSteps: 2,
      newPasswordStep: true,
      custom: [{ type: 'PHONE_REQUIRED', id: PHONE_ID, ok: true }],
    });
  });

  test.each<[string, SessionEntry[], boolean]>([
    ['a first round asking for a number', [srp(), password(), phone(false)], true],
    ['...after the new-password step', [srp(), password(), newPassword(), phone(true), code(false)], true],
    ['a code to the verified phone', [srp(), password(), code(false)], false],
    ['no custom round yet', [srp(), password()], false],
    ['an invalid session', [srp(), password(), custom(true, null)], false],
  ])('onPhonePath: %s is %s', (_name, session, expected) => {
    expect(onPhonePath(session)).toBe(expected);
  });

  test('sessionShape differs when any name, result or metadata differs', () => {
    const base = [srp(), password(), phone(true)];
    const shapes = new Set([
      sessionShape(base),
      sessionShape([srp(), password(), phone(false)]),
      sessionShape([srp(), password(), phone(true, OTHER_ID)]),
      sessionShape([srp(), password()]),
    ]);
    expect(shapes.size).toBe(4);
    expect(sessionShape([srp(), password(), phone(true)])).toBe(sessionShape(base));
  });
});
