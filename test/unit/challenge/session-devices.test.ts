/**
 * The remembered device's round in the decision table (session.ts), example by example: a
 * DEVICE_PROOF round stands only first after the password; right, it is the whole second factor
 * (unless the call's intent asks for more: then the SMS code, never skipped); wrong, the SMS code
 * follows and the proof counts as a wrong answer; anywhere else, twice, or for an unknown user or a
 * user without a verified phone, the sign-in fails.
 */
import type { Intent } from '#shared/challenge/protocol';
import { type Decision, decide, planCustomRound, type SessionEntry } from '#shared/challenge/session';
import {
  CODE_ID,
  code,
  custom,
  DEVICE_ID,
  device,
  LIMITS,
  NEW_CODE_ID,
  newPassword,
  password,
  phone,
  recoveryCode,
  recoveryCodes,
  resent,
  signIn,
  srp,
  UNKNOWN,
  UNVERIFIED,
  VERIFIED,
} from './sessions';

const round: Decision = { outcome: 'challenge', challengeName: 'CUSTOM_CHALLENGE' };
const tokens: Decision = { outcome: 'tokens' };
const fail = (reason: string): Decision => ({ outcome: 'fail', reason });
const smsToProfile = (deviceMayProve: boolean) => ({
  kind: 'send_code',
  phoneFrom: 'profile',
  deviceMayProve,
});

describe('a right proof', () => {
  test('directly after the password: tokens, no SMS round', () => {
    expect(decide(signIn(device(true)), VERIFIED, LIMITS)).toEqual(tokens);
    expect(planCustomRound(signIn(device(true)), VERIFIED)).toBeUndefined();
  });

  test("after Cognito's own new-password step (still the first custom round): tokens", () => {
    expect(decide([srp(), password(), newPassword(), device(true)], VERIFIED, LIMITS)).toEqual(tokens);
  });

  test.each<Intent>(['change_phone', 'new_recovery_codes'])(
    'with the intent %s: the SMS code first (an intent never skips it), not offered to the device again',
    (intent) => {
      expect(decide(signIn(device(true)), VERIFIED, LIMITS, intent)).toEqual(round);
      expect(planCustomRound(signIn(device(true)), VERIFIED, intent)).toEqual(smsToProfile(false));
    },
  );

  test('with change_phone: the SMS code, then the new number and its code, then tokens', () => {
    const intent = 'change_phone';
    expect(planCustomRound(signIn(device(true), code(true)), VERIFIED, intent)).toEqual({
      kind: 'ask_phone',
      purpose: 'replace_phone',
    });
    const done = signIn(device(true), code(true), phone(true), code(true, NEW_CODE_ID));
    expect(decide(done, VERIFIED, LIMITS, intent)).toEqual(tokens);
  });

  test('with new_recovery_codes: the SMS code, then the new codes, then tokens', () => {
    const intent = 'new_recovery_codes';
    expect(planCustomRound(signIn(device(true), code(true)), VERIFIED, intent)).toEqual({
      kind: 'recovery_codes',
    });
    expect(decide(signIn(device(true), code(true), recoveryCodes(true)), VERIFIED, LIMITS, intent)).toEqual(
      tokens,
    );
  });

  test('with an unknown intent: the sign-in fails, as for a right SMS code', () => {
    expect(decide(signIn(device(true)), VERIFIED, LIMITS, 'unknown')).toEqual(fail('unknown_intent'));
  });
});

describe('a wrong proof: the SMS code follows, and the proof counts as a wrong answer', () => {
  test('the next round is the SMS code to the verified phone, not offered to a device again', () => {
    expect(decide(signIn(device(false)), VERIFIED, LIMITS)).toEqual(round);
    expect(planCustomRound(signIn(device(false)), VERIFIED)).toEqual(smsToProfile(false));
  });

  test('then the right SMS code: tokens', () => {
    expect(decide(signIn(device(false), code(true)), VERIFIED, LIMITS)).toEqual(tokens);
  });

  test('a wrong SMS code after it is asked again, like any wrong code', () => {
    expect(planCustomRound(signIn(device(false), code(false)), VERIFIED)).toEqual({
      kind: 'repeat_code',
      channel: 'SMS_OTP',
      codeRoundId: CODE_ID,
      resends: 0,
    });
  });

  test('with MAX_CODE_ATTEMPTS 3, the proof and two wrong codes end the sign-in (two wrong codes alone do not)', () => {
    expect(decide(signIn(code(false), code(false)), VERIFIED, LIMITS)).toEqual(round);
    expect(decide(signIn(device(false), code(false)), VERIFIED, LIMITS)).toEqual(round);
    expect(decide(signIn(device(false), code(false), code(false)), VERIFIED, LIMITS)).toEqual(
      fail('too_many_wrong_codes'),
    );
  });

  test('a RESEND after it is not a wrong answer (only the proof is)', () => {
    expect(decide(signIn(device(false), code(false), resent(false, NEW_CODE_ID)), VERIFIED, LIMITS)).toEqual(
      round,
    );
  });

  test('the recovery path after it: RECOVERY, a recovery code, a new number, its code, new codes, tokens', () => {
    const session = signIn(
      device(false),
      code(false),
      recoveryCode(true),
      phone(true),
      code(true, NEW_CODE_ID),
      recoveryCodes(true),
    );
    expect(decide(session, VERIFIED, LIMITS)).toEqual(tokens);
  });

  test('the proof is a round: it counts toward MAX_ROUNDS', () => {
    const limits = { ...LIMITS, maxRounds: 4 };
    expect(decide(signIn(code(false), code(true)), VERIFIED, limits)).toEqual(tokens);
    expect(decide(signIn(device(false), code(false), code(true)), VERIFIED, limits)).toEqual(
      fail('too_many_rounds'),
    );
    expect(decide(signIn(device(false), code(false)), VERIFIED, limits)).toEqual(fail('too_many_rounds'));
  });
});

describe('a proof anywhere else, or from anyone else, fails the sign-in', () => {
  test.each<[string, SessionEntry[], typeof VERIFIED, string]>([
    ['before the password', [device(true)], VERIFIED, 'expected_SRP_A_at_0'],
    ['between SRP_A and the password', [srp(), device(true)], VERIFIED, 'expected_PASSWORD_VERIFIER_at_1'],
    [
      "before Cognito's new-password step",
      [srp(), password(), device(true), newPassword()],
      VERIFIED,
      'unexpected_NEW_PASSWORD_REQUIRED',
    ],
    ['after a wrong SMS code', signIn(code(false), device(true)), VERIFIED, 'round_out_of_order'],
    ['after a right SMS code', signIn(code(true), device(true)), VERIFIED, 'round_out_of_order'],
    [
      'after the SMS code that follows a proof',
      signIn(device(false), code(false), device(true)),
      VERIFIED,
      'round_out_of_order',
    ],
    [
      'in the middle of a change of phone',
      signIn(code(true), phone(true), device(true)),
      VERIFIED,
      'round_out_of_order',
    ],
    [
      'after a recovery code',
      signIn(code(false), recoveryCode(true), device(true)),
      VERIFIED,
      'round_out_of_order',
    ],
    ['in an enrolment', signIn(phone(true), device(true)), UNVERIFIED, 'round_out_of_order'],
    [
      'a second proof after a wrong one',
      signIn(device(false), device(true)),
      VERIFIED,
      'device_proof_repeated',
    ],
    [
      'a second proof with another round id',
      signIn(device(false), device(true, 'f'.repeat(32))),
      VERIFIED,
      'device_proof_repeated',
    ],
    [
      'a second proof after a right one',
      signIn(device(true), device(true)),
      VERIFIED,
      'round_after_final_answer',
    ],
    ['a proof followed by an enrolment', signIn(device(false), phone(true)), VERIFIED, 'round_out_of_order'],
    [
      'a proof followed by a recovery code',
      signIn(device(false), recoveryCode(true)),
      VERIFIED,
      'round_out_of_order',
    ],
    [
      'a proof with a resend mark',
      signIn(custom(true, `DEVICE_PROOF:${DEVICE_ID}:resent`)),
      VERIFIED,
      'untagged_custom_round',
    ],
    [
      'a proof with a malformed id',
      signIn(custom(true, 'DEVICE_PROOF:abc')),
      VERIFIED,
      'untagged_custom_round',
    ],
    ['an unknown user', signIn(device(true)), UNKNOWN, 'device_proof_for_unknown_user'],
    ['an unknown user, proof failed', signIn(device(false)), UNKNOWN, 'device_proof_for_unknown_user'],
    [
      'a user without a verified phone',
      signIn(device(true)),
      UNVERIFIED,
      'device_proof_without_verified_phone',
    ],
    [
      'a user without a verified phone, proof failed',
      signIn(device(false)),
      UNVERIFIED,
      'device_proof_without_verified_phone',
    ],
  ])('%s', (_what, session, user, reason) => {
    expect(decide(session, user, LIMITS)).toEqual(fail(reason));
    expect(planCustomRound(session, user)).toBeUndefined();
  });
});

describe('what Create may offer', () => {
  test('the first custom round of a user with a verified phone: the SMS code, or the proof instead', () => {
    expect(planCustomRound(signIn(), VERIFIED)).toEqual(smsToProfile(true));
    expect(planCustomRound([srp(), password(), newPassword()], VERIFIED)).toEqual(smsToProfile(true));
  });

  test('a user without a verified phone: the enrolment, never a proof', () => {
    expect(planCustomRound(signIn(), UNVERIFIED)).toEqual({ kind: 'start_enrolment' });
  });

  test('an unknown user: the decoy SMS round (Create never builds a proof for them)', () => {
    expect(planCustomRound(signIn(), UNKNOWN)).toEqual(smsToProfile(true));
  });
});
