/**
 * The rules around the second factor that the attack review cares about (session.ts): the reserved
 * answer RECOVERY and recovery codes, wrong recovery codes against the wrong-answer limit, the
 * unknown user's decoy, and a stale enrolment (the phone was verified meanwhile).
 */
import { type Decision, decide, planCustomRound, type SessionEntry } from '#shared/challenge/session';
import { isEnrolment, prefixes, WALKS } from './paths';
import {
  code,
  email,
  emailResent,
  LIMITS,
  NEW_CODE_ID,
  password,
  phone,
  recoveryCode,
  recoveryCodes,
  resent,
  signIn,
  srp,
  UNKNOWN,
  VERIFIED,
  wait,
} from './sessions';

const next: Decision = { outcome: 'challenge', challengeName: 'CUSTOM_CHALLENGE' };
const tokens: Decision = { outcome: 'tokens' };
const fail = (reason: string): Decision => ({ outcome: 'fail', reason });
const limit = (maxCodeAttempts: number) => ({ ...LIMITS, maxCodeAttempts });
/** The recovery path after its first block: a right recovery code, a proven new number, the new codes. */
const recovered = [recoveryCode(true), phone(true), code(true, NEW_CODE_ID), recoveryCodes(true)];

describe('RECOVERY: a failed SMS round followed by a RECOVERY_CODE round', () => {
  test('is not a wrong code: with MAX_CODE_ATTEMPTS=1 the recovery goes on to the end', () => {
    expect(decide(signIn(code(false), recoveryCode(true)), VERIFIED, limit(1))).toEqual(next);
    expect(decide(signIn(code(false), ...recovered), VERIFIED, limit(1))).toEqual(tokens);
  });

  test('... while the same failed round with nothing after it yet is counted (Define cannot see the answer)', () => {
    expect(decide(signIn(code(false)), VERIFIED, limit(1))).toEqual(fail('too_many_wrong_codes'));
  });

  test('a wrong code before the RECOVERY still counts', () => {
    const session = signIn(code(false), code(false), ...recovered);
    expect(decide(session, VERIFIED, limit(2))).toEqual(tokens);
    expect(decide(session, VERIFIED, limit(1))).toEqual(fail('too_many_wrong_codes'));
  });

  test('RECOVERY after a RESEND (a wait or a new code) is a switch too', () => {
    expect(decide(signIn(code(false), wait(false), ...recovered), VERIFIED, limit(1))).toEqual(tokens);
    const newCode = 'c'.repeat(32);
    expect(decide(signIn(code(false), resent(false, newCode), ...recovered), VERIFIED, limit(1))).toEqual(
      tokens,
    );
  });

  test('after a wrong recovery code, the same RECOVERY_CODE round again', () => {
    expect(planCustomRound(signIn(code(false), recoveryCode(false)), VERIFIED)).toEqual({
      kind: 'ask_recovery_code',
    });
  });

  test.each<[string, SessionEntry[], string]>([
    ['after a right code', [code(true), recoveryCode(true)], 'recovery_after_right_code'],
    [
      'after a right code, a wrong recovery code',
      [code(true), recoveryCode(false)],
      'recovery_after_right_code',
    ],
    [
      'after a right resent code',
      [code(false), resent(true, 'c'.repeat(32)), recoveryCode(true)],
      'recovery_after_right_code',
    ],
    ['first', [recoveryCode(true)], 'round_out_of_order'],
    ['on the enrolment path', [phone(true), code(false), recoveryCode(true)], 'round_out_of_order'],
    ['instead of the email proof', [email(false), recoveryCode(true)], 'round_out_of_order'],
    [
      'after a resent email code',
      [email(false), emailResent(false, 'c'.repeat(32)), recoveryCode(true)],
      'round_out_of_order',
    ],
    [
      'in the code block to a new number',
      [code(true), phone(true), code(false, NEW_CODE_ID), recoveryCode(true)],
      'round_out_of_order',
    ],
    [
      'a second time after the right one',
      [code(false), recoveryCode(true), recoveryCode(true)],
      'round_after_final_answer',
    ],
    ['then back to the sign-in code', [code(false), recoveryCode(false), code(true)], 'round_out_of_order'],
  ])('a RECOVERY_CODE block %s fails', (_name, rounds, reason) => {
    for (const intent of [undefined, 'change_phone', 'new_recovery_codes'] as const)
      expect(decide(signIn(...rounds), VERIFIED, LIMITS, intent)).toEqual(fail(reason));
    expect(planCustomRound(signIn(...rounds), VERIFIED)).toBeUndefined();
  });
});

describe('wrong recovery codes count with wrong codes toward MAX_CODE_ATTEMPTS', () => {
  test.each<[string, SessionEntry[], number, Decision]>([
    ['two wrong recovery codes of 3', [code(false), recoveryCode(false), recoveryCode(false)], 3, next],
    [
      'a third wrong recovery code',
      [code(false), recoveryCode(false), recoveryCode(false), recoveryCode(false)],
      3,
      fail('too_many_wrong_codes'),
    ],
    [
      'a recovery code still pending counts',
      [code(false), recoveryCode(false)],
      1,
      fail('too_many_wrong_codes'),
    ],
    [
      'a wrong code, then two wrong recovery codes',
      [code(false), code(false), recoveryCode(false), recoveryCode(false)],
      3,
      fail('too_many_wrong_codes'),
    ],
    ['a wrong code, then a wrong recovery code', [code(false), code(false), recoveryCode(false)], 3, next],
    [
      'a wrong code and a wrong recovery code, then the right one and the rest',
      [code(false), code(false), recoveryCode(false), ...recovered],
      3,
      tokens,
    ],
    [
      '... the same with only 2 allowed',
      [code(false), code(false), recoveryCode(false), ...recovered],
      2,
      fail('too_many_wrong_codes'),
    ],
    [
      'a wrong recovery code, then wrong codes to the new number',
      [
        code(false),
        recoveryCode(false),
        recoveryCode(true),
        phone(true),
        code(false, NEW_CODE_ID),
        code(false, NEW_CODE_ID),
      ],
      3,
      fail('too_many_wrong_codes'),
    ],
  ])('%s', (_name, rounds, maxCodeAttempts, expected) => {
    expect(decide(signIn(...rounds), VERIFIED, limit(maxCodeAttempts))).toEqual(expected);
  });

  test('wrong codes of every code block count together (the phone change)', () => {
    const rounds = [code(false), code(true), phone(true), code(false, NEW_CODE_ID)];
    expect(decide(signIn(...rounds), VERIFIED, limit(3))).toEqual(next);
    expect(decide(signIn(...rounds, code(false, NEW_CODE_ID)), VERIFIED, limit(3))).toEqual(
      fail('too_many_wrong_codes'),
    );
  });
});

describe('an unknown user (PreventUserExistenceErrors): decoy rounds, never tokens, never enrolment', () => {
  test.each<[string, SessionEntry[], object]>([
    [
      'the first round is a (decoy) code',
      [],
      { kind: 'send_code', phoneFrom: 'profile', deviceMayProve: true },
    ],
    [
      'a failed code: repeated like a real one',
      [code(false)],
      { kind: 'repeat_code', channel: 'SMS_OTP', codeRoundId: expect.any(String), resends: 0 },
    ],
    [
      'RECOVERY reaches a RECOVERY_CODE round',
      [code(false), recoveryCode(false)],
      { kind: 'ask_recovery_code' },
    ],
    [
      '... and it is asked again after a wrong recovery code',
      [code(false), recoveryCode(false), recoveryCode(false)],
      { kind: 'ask_recovery_code' },
    ],
  ])('%s', (_name, rounds, plan) => {
    expect(decide(signIn(...rounds), UNKNOWN, LIMITS)).toEqual(next);
    expect(planCustomRound(signIn(...rounds), UNKNOWN)).toEqual(plan);
  });

  test.each<[string, SessionEntry[], string]>([
    ['a right code (none can be)', [code(true)], 'user_not_found'],
    ['a right recovery code', [code(false), recoveryCode(true)], 'user_not_found'],
    ['an enrolment number', [phone(true)], 'phone_round_for_unknown_user'],
    ['a rejected enrolment number', [phone(false)], 'phone_round_for_unknown_user'],
    ['an email proof', [email(true)], 'phone_round_for_unknown_user'],
    ['a failed email proof', [email(false)], 'phone_round_for_unknown_user'],
    ['the whole enrolment', [phone(true), code(true), recoveryCodes(true)], 'phone_round_for_unknown_user'],
  ])('%s fails', (_name, rounds, reason) => {
    for (const intent of [undefined, 'change_phone', 'new_recovery_codes'] as const)
      expect(decide(signIn(...rounds), UNKNOWN, LIMITS, intent)).toEqual(fail(reason));
  });

  test('wrong recovery codes end the decoy at the same limit as a real user', () => {
    const rounds = [code(false), recoveryCode(false), recoveryCode(false), recoveryCode(false)];
    expect(decide(signIn(...rounds), UNKNOWN, LIMITS)).toEqual(decide(signIn(...rounds), VERIFIED, LIMITS));
    expect(decide(signIn(...rounds), UNKNOWN, LIMITS)).toEqual(fail('too_many_wrong_codes'));
  });

  test('no step of any path gives an unknown user an enrolment round or tokens', () => {
    for (const walk of WALKS)
      for (const { rounds } of prefixes(walk))
        for (const intent of [undefined, 'change_phone', 'new_recovery_codes'] as const) {
          expect(decide(signIn(...rounds), UNKNOWN, LIMITS, intent)).not.toEqual(tokens);
          const plan = planCustomRound(signIn(...rounds), UNKNOWN, intent);
          expect(['send_code:profile', 'repeat_code', 'ask_recovery_code', undefined]).toContain(
            plan && (plan.kind === 'send_code' ? `send_code:${plan.phoneFrom}` : plan.kind),
          );
        }
  });
});

describe('a stale enrolment: the phone was verified (in another sign-in) after this one started', () => {
  test.each<[string, SessionEntry[]]>([
    ['an accepted number', [phone(true)]],
    ['a rejected number', [phone(false)]],
    ['a wrong enrolment code', [phone(true), code(false)]],
    ['a RESEND of the enrolment code', [phone(true), code(false), wait(false)]],
    ['a right email proof', [email(true)]],
    ['a wrong email code', [email(false)]],
    ['a number after the email proof', [email(true), phone(true)]],
    ['a wrong code after the email proof', [email(true), phone(true), code(false)]],
  ])('%s: no further round, no tokens', (_name, rounds) => {
    expect(decide(signIn(...rounds), VERIFIED, LIMITS)).toEqual(fail('phone_path_for_verified_user'));
    expect(planCustomRound(signIn(...rounds), VERIFIED)).toBeUndefined();
  });

  test('unless this session bound the phone itself (its SMS block ended ok): the path goes on to its end', () => {
    for (const walk of WALKS.filter(isEnrolment)) {
      const smsAt = walk.steps.findIndex((step) => step.right.challengeMetadata?.startsWith('SMS_OTP:'));
      const bound = walk.steps.slice(0, smsAt + 1).map((step) => step.right);
      expect(decide(signIn(...bound), VERIFIED, LIMITS)).toEqual(next);
      expect(decide(signIn(...bound, recoveryCodes(false)), VERIFIED, LIMITS)).toEqual(next);
      expect(planCustomRound(signIn(...bound, recoveryCodes(false)), VERIFIED)).toEqual({
        kind: 'recovery_codes',
      });
      expect(decide(signIn(...bound, recoveryCodes(true)), VERIFIED, LIMITS)).toEqual(tokens);
    }
  });
});

describe('an unknown user: no block of a decoy ever ends right', () => {
  test.each([
    [
      'a right recovery code, then a failed number',
      [srp(), password(), code(false), recoveryCode(true), phone(false)],
    ],
    ['a right code, then a failed number', [srp(), password(), code(true), phone(false)]],
    ['a right code, then failed recovery codes', [srp(), password(), code(true), recoveryCodes(false)]],
  ])('%s: fails (user_not_found)', (_name, session) => {
    expect(decide(session, UNKNOWN, LIMITS)).toEqual({ outcome: 'fail', reason: 'user_not_found' });
    expect(planCustomRound(session, UNKNOWN)).toBeUndefined();
  });
});
