/**
 * The session grammar of the reserved answer RESEND (session.ts): the `resent` and `wait` rounds
 * Create builds in answer to it, how Define counts them, and what Create is told to build next.
 */
import { type Decision, decide, planCustomRound, readSession } from '#shared/challenge/session';
import {
  CODE_ID,
  code,
  custom,
  LIMITS,
  password,
  phone,
  resent,
  srp,
  UNVERIFIED,
  VERIFIED,
  wait,
} from './sessions';

const NEW_ID = 'c'.repeat(32);
const THIRD_ID = 'd'.repeat(32);
const tokens: Decision = { outcome: 'tokens' };
const next: Decision = { outcome: 'challenge', challengeName: 'CUSTOM_CHALLENGE' };
const fail = (reason: string): Decision => ({ outcome: 'fail', reason });
const ROOMY = { ...LIMITS, maxRounds: 12 };

describe('Define: a failed SMS_OTP entry answered by a resend round is not a wrong code', () => {
  test('four RESENDs (two too early, two new codes) then the right code: tokens, with 3 wrong codes allowed', () => {
    const session = [
      srp(),
      password(),
      code(false),
      wait(false),
      resent(false, NEW_ID),
      wait(false, NEW_ID),
      resent(true, THIRD_ID),
    ];
    expect(decide(session, VERIFIED, ROOMY)).toEqual(tokens);
  });

  test('RESENDs do not add up: with MAX_CODE_ATTEMPTS=2, four RESENDs leave the sign-in going', () => {
    const session = [srp(), password(), code(false), wait(false), resent(false, NEW_ID), wait(false, NEW_ID)];
    expect(decide(session, VERIFIED, { ...ROOMY, maxCodeAttempts: 2 })).toEqual(next);
    // Counted as wrong codes, the same four answers would have ended it.
    const wrong = [srp(), password(), code(false), code(false), code(false), code(false)];
    expect(decide(wrong, VERIFIED, { ...ROOMY, maxCodeAttempts: 2 })).toEqual(fail('too_many_wrong_codes'));
  });

  test('wrong codes still count across a new code: two wrong, a resend, one more wrong fails at 3', () => {
    const session = [
      srp(),
      password(),
      code(false),
      code(false),
      resent(false, NEW_ID),
      resent(false, NEW_ID),
    ];
    // The last `resent` entry has no round after it yet: it is a pending answer, counted as wrong.
    expect(decide([...session.slice(0, 5)], VERIFIED, ROOMY)).toEqual(next);
    expect(decide([...session.slice(0, 5), code(false, NEW_ID)], VERIFIED, ROOMY)).toEqual(
      fail('too_many_wrong_codes'),
    );
  });

  test('a failed entry nothing follows yet counts as wrong: RESEND after the last allowed wrong code ends the sign-in', () => {
    expect(decide([srp(), password(), code(false), code(false), code(false)], VERIFIED, LIMITS)).toEqual(
      fail('too_many_wrong_codes'),
    );
  });

  test('more than MAX_RESENDS resent rounds fail the sign-in; exactly MAX_RESENDS then the right code gets tokens', () => {
    const two = [srp(), password(), code(false), resent(false, NEW_ID), resent(true, THIRD_ID)];
    expect(decide(two, VERIFIED, ROOMY)).toEqual(tokens);
    const three = [
      srp(),
      password(),
      code(false),
      resent(false, NEW_ID),
      resent(false, THIRD_ID),
      resent(true),
    ];
    expect(decide(three, VERIFIED, ROOMY)).toEqual(fail('too_many_resends'));
    expect(decide(two, VERIFIED, { ...ROOMY, maxResends: 1 })).toEqual(fail('too_many_resends'));
  });

  test('wait rounds are bounded by MAX_ROUNDS', () => {
    const session = [
      srp(),
      password(),
      code(false),
      wait(false),
      wait(false),
      wait(false),
      wait(false),
      wait(false),
    ];
    expect(decide(session, VERIFIED, LIMITS)).toEqual(fail('too_many_rounds'));
  });

  test('on the phone path a resent enrolment code may complete the enrolment', () => {
    const session = [srp(), password(), phone(true), code(false), resent(true, NEW_ID)];
    expect(decide(session, UNVERIFIED, LIMITS)).toEqual(tokens);
  });
});

describe('the grammar refuses resend rounds out of place (a forged or foreign mark)', () => {
  test.each([
    ['a resent round first', [srp(), password(), resent(true)], 'resend_round_out_of_order'],
    ['a wait round first', [srp(), password(), wait(true)], 'resend_round_out_of_order'],
    [
      'a resent round after an accepted phone',
      [srp(), password(), phone(true), resent(true)],
      'resend_round_out_of_order',
    ],
    [
      'a resent round after a right code',
      [srp(), password(), code(true), resent(true)],
      'round_after_final_code',
    ],
    [
      'a wait round with another id',
      [srp(), password(), code(false), wait(true, NEW_ID)],
      'code_round_id_changed',
    ],
    [
      'a plain round after a resent one with the old id',
      [srp(), password(), code(false), resent(false, NEW_ID), code(true, CODE_ID)],
      'code_round_id_changed',
    ],
    [
      'a mark on a phone round',
      [srp(), password(), custom(true, `PHONE_REQUIRED:${CODE_ID}:resent`)],
      'untagged_custom_round',
    ],
    [
      'an unknown mark',
      [srp(), password(), code(false), custom(true, `SMS_OTP:${CODE_ID}:again`)],
      'untagged_custom_round',
    ],
    [
      'two marks',
      [srp(), password(), code(false), custom(true, `SMS_OTP:${CODE_ID}:resent:wait`)],
      'untagged_custom_round',
    ],
  ])('%s: %s', (_name, session, reason) => {
    expect(readSession(session)).toEqual({ valid: false, reason });
    expect(decide(session, VERIFIED, ROOMY)).toEqual(fail(reason));
  });
});

describe('Create is told how many new codes this sign-in was sent', () => {
  test.each([
    ['a failed code round', [srp(), password(), code(false)], CODE_ID, 0],
    ['after a wait round', [srp(), password(), code(false), wait(false)], CODE_ID, 0],
    ['after one resent round', [srp(), password(), code(false), resent(false, NEW_ID)], NEW_ID, 1],
    [
      'after two',
      [srp(), password(), code(false), resent(false, NEW_ID), resent(false, THIRD_ID)],
      THIRD_ID,
      2,
    ],
  ])('%s', (_name, session, codeRoundId, resends) => {
    expect(planCustomRound(session, VERIFIED)).toEqual({ kind: 'repeat_code', codeRoundId, resends });
  });
});
