/** The reading of a session (readSession, planCustomRound, onPhonePath, sessionShape, phoneVerified). */
import {
  onPhonePath,
  phoneVerified,
  planCustomRound,
  type RoundPlan,
  readSession,
  type SessionEntry,
  sessionShape,
} from '#shared/challenge/session';
import {
  CODE_ID,
  code,
  custom,
  email,
  newPassword,
  PHONE_ID,
  password,
  phone,
  RECOVERY_ID,
  recoveryCode,
  recoveryCodes,
  resent,
  signIn,
  srp,
  UNKNOWN,
  UNVERIFIED,
  VERIFIED,
  wait,
} from './sessions';

const OTHER_ID = 'b'.repeat(32);

describe('planCustomRound: the round Create builds (every path step by step: session-paths.test.ts)', () => {
  test.each<[string, SessionEntry[], typeof VERIFIED, RoundPlan | undefined]>([
    [
      'a verified phone gets a code to it',
      [srp(), password()],
      VERIFIED,
      { kind: 'send_code', phoneFrom: 'profile', deviceMayProve: true },
    ],
    [
      'no verified phone: the enrolment starts (email proof or a number: Create decides by the grace rule)',
      [srp(), password()],
      UNVERIFIED,
      { kind: 'start_enrolment' },
    ],
    [
      'a rejected number: ask again',
      [srp(), password(), phone(false)],
      UNVERIFIED,
      { kind: 'ask_phone', purpose: 'verify_phone' },
    ],
    [
      'an accepted number gets a code',
      [srp(), password(), phone(true)],
      UNVERIFIED,
      { kind: 'send_code', phoneFrom: 'phone_round', phoneRoundId: PHONE_ID, purpose: 'verify_phone' },
    ],
    [
      'a wrong code: the same code again (or, after RESEND/RECOVERY, what the code item says)',
      [srp(), password(), code(false)],
      VERIFIED,
      { kind: 'repeat_code', channel: 'SMS_OTP', codeRoundId: CODE_ID, resends: 0 },
    ],
    [
      'an unknown user: a (decoy) code round',
      [srp(), password()],
      UNKNOWN,
      { kind: 'send_code', phoneFrom: 'profile', deviceMayProve: true },
    ],
    ['nothing before the password is verified', [srp()], VERIFIED, undefined],
    ['nothing after the final code', [srp(), password(), code(true)], VERIFIED, undefined],
    [
      'nothing after the acknowledged recovery codes',
      [srp(), password(), phone(true), code(true), recoveryCodes(true)],
      UNVERIFIED,
      undefined,
    ],
    ['nothing for an invalid session', [srp(), password(), custom(true, null)], VERIFIED, undefined],
    [
      'after the new-password step: an accepted number gets a code as without it',
      [srp(), password(), newPassword(), phone(true)],
      UNVERIFIED,
      { kind: 'send_code', phoneFrom: 'phone_round', phoneRoundId: PHONE_ID, purpose: 'verify_phone' },
    ],
    // A stale enrolment (the user's phone was verified meanwhile): no round at all; Create refuses.
    [
      'the enrolment path of a verified user: no code to the typed number',
      [srp(), password(), phone(true)],
      VERIFIED,
      undefined,
    ],
    [
      'the enrolment path of a verified user: no new number',
      [srp(), password(), phone(false)],
      VERIFIED,
      undefined,
    ],
    [
      'the enrolment path of a verified user: no repeat of the enrolment code',
      [srp(), password(), phone(true), code(false)],
      VERIFIED,
      undefined,
    ],
    [
      'the enrolment path of a verified user: no number after the email proof',
      [srp(), password(), email(true)],
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
      expect(reading).toEqual({
        valid: true,
        passwordSteps: 2,
        newPasswordStep: false,
        custom: [],
        blocks: [],
      });
    }
  });

  test('readSession marks the new-password step when Cognito records it', () => {
    expect(readSession([srp(), password(), newPassword(), phone(true)])).toEqual({
      valid: true,
      passwordSteps: 2,
      newPasswordStep: true,
      custom: [{ type: 'PHONE_REQUIRED', id: PHONE_ID, ok: true }],
      blocks: [
        { type: 'PHONE_REQUIRED', ok: true, rounds: [{ type: 'PHONE_REQUIRED', id: PHONE_ID, ok: true }] },
      ],
    });
  });

  test('readSession groups consecutive rounds of one type into blocks, a block ending at its right answer', () => {
    const reading = readSession(
      signIn(code(false), wait(false), resent(false, OTHER_ID), recoveryCode(false), recoveryCode(true)),
    );
    expect(reading.valid && reading.blocks).toEqual([
      {
        type: 'SMS_OTP',
        ok: false,
        rounds: [
          { type: 'SMS_OTP', id: CODE_ID, ok: false },
          { type: 'SMS_OTP', id: CODE_ID, ok: false, mark: 'wait' },
          { type: 'SMS_OTP', id: OTHER_ID, ok: false, mark: 'resent' },
        ],
      },
      {
        type: 'RECOVERY_CODE',
        ok: true,
        rounds: [
          { type: 'RECOVERY_CODE', id: RECOVERY_ID, ok: false },
          { type: 'RECOVERY_CODE', id: RECOVERY_ID, ok: true },
        ],
      },
    ]);
  });

  test.each<[string, SessionEntry[], boolean]>([
    ['a first round asking for a number', [srp(), password(), phone(false)], true],
    ['...after the new-password step', [srp(), password(), newPassword(), phone(true), code(false)], true],
    ['a first round proving the mailbox', [srp(), password(), email(false)], true],
    ['a code to the verified phone', [srp(), password(), code(false)], false],
    ['a phone change (a number asked after the sign-in code)', signIn(code(true), phone(false)), false],
    ['a recovery', signIn(code(false), recoveryCode(true), phone(true)), false],
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
