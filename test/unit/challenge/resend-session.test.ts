/**
 * The session grammar of the reserved answer RESEND (session.ts): the `resent` and `wait` rounds
 * Create builds in answer to it (SMS_OTP and EMAIL_OTP alike), how Define counts them, and what
 * Create is told to build next.
 */
import { type Decision, decide, planCustomRound, readSession } from '#shared/challenge/session';
import {
  CODE_ID,
  code,
  custom,
  EMAIL_ID,
  email,
  emailResent,
  emailWait,
  LIMITS,
  NEW_CODE_ID,
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
    // 8 entries: a 9th round would pass the cap.
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
    expect(decide(session, VERIFIED, { ...LIMITS, maxRounds: 8 })).toEqual(fail('too_many_rounds'));
    expect(decide(session, VERIFIED, { ...LIMITS, maxRounds: 9 })).toEqual(next);
  });

  test('on the enrolment path a resent enrolment code is right like a first one: the recovery codes, then tokens', () => {
    const session = [srp(), password(), phone(true), code(false), resent(true, NEW_ID)];
    expect(decide(session, UNVERIFIED, LIMITS)).toEqual(next);
    expect(planCustomRound(session, UNVERIFIED)).toEqual({ kind: 'recovery_codes' });
    expect(decide([...session, recoveryCodes(true)], UNVERIFIED, LIMITS)).toEqual(tokens);
  });

  test('the code to a new number (a phone change) may be resent too', () => {
    const session = signIn(code(true), phone(true), code(false, NEW_CODE_ID), resent(true, NEW_ID));
    expect(decide(session, VERIFIED, LIMITS)).toEqual(tokens);
  });

  test('RESEND then RECOVERY: neither is a wrong code, with MAX_CODE_ATTEMPTS=1', () => {
    const session = signIn(code(false), wait(false), recoveryCode(true), phone(true));
    expect(decide(session, VERIFIED, { ...LIMITS, maxCodeAttempts: 1 })).toEqual(next);
  });
});

describe('Define: RESEND in an EMAIL_OTP round (the mailbox proof before a first enrolment)', () => {
  test('a wait round and a new code, then the right one: the enrolment goes on to the number', () => {
    const session = signIn(email(false), emailWait(false), emailResent(true, NEW_ID));
    expect(decide(session, UNVERIFIED, LIMITS)).toEqual(next);
    expect(planCustomRound(session, UNVERIFIED)).toEqual({ kind: 'ask_phone', purpose: 'verify_phone' });
    const done = [...session, phone(true), code(true), recoveryCodes(true)];
    expect(decide(done, UNVERIFIED, LIMITS)).toEqual(tokens);
  });

  test('RESENDs of the email code are not wrong codes: only the answer still pending counts', () => {
    const session = signIn(email(false), emailWait(false), emailResent(false, NEW_ID));
    // The last failed round has nothing after it yet: it is counted (pending), so 1 of 1.
    expect(decide(session, UNVERIFIED, { ...LIMITS, maxCodeAttempts: 1 })).toEqual(
      fail('too_many_wrong_codes'),
    );
    expect(decide(session, UNVERIFIED, { ...LIMITS, maxCodeAttempts: 2 })).toEqual(next);
    expect(decide(signIn(email(false), email(false)), UNVERIFIED, { ...LIMITS, maxCodeAttempts: 2 })).toEqual(
      fail('too_many_wrong_codes'),
    );
  });

  test('resends of both channels share MAX_RESENDS', () => {
    const session = signIn(
      email(false),
      emailResent(true, NEW_ID),
      phone(true),
      code(false),
      resent(true, NEW_ID),
      recoveryCodes(true),
    );
    expect(decide(session, UNVERIFIED, { ...LIMITS, maxResends: 2 })).toEqual(tokens);
    expect(decide(session, UNVERIFIED, { ...LIMITS, maxResends: 1 })).toEqual(fail('too_many_resends'));
  });

  test('wrong email codes and wrong SMS codes count together', () => {
    const session = signIn(email(false), email(true), phone(true), code(false), code(false));
    expect(decide(session, UNVERIFIED, LIMITS)).toEqual(fail('too_many_wrong_codes'));
    expect(decide(session.slice(0, -1), UNVERIFIED, LIMITS)).toEqual(next);
  });

  test('an email round keeps its id unless a new code was sent', () => {
    expect(decide(signIn(email(false), emailWait(false, NEW_ID)), UNVERIFIED, LIMITS)).toEqual(
      fail('code_round_id_changed'),
    );
    expect(decide(signIn(email(false), email(false, NEW_ID)), UNVERIFIED, LIMITS)).toEqual(
      fail('code_round_id_changed'),
    );
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
      'round_after_final_answer',
    ],
    [
      'a resent round first in the code block to a new number',
      signIn(code(true), phone(true), resent(true, NEW_CODE_ID)),
      'resend_round_out_of_order',
    ],
    [
      'an email wait round first',
      signIn(custom(true, `EMAIL_OTP:${EMAIL_ID}:wait`)),
      'resend_round_out_of_order',
    ],
    [
      'an email resent round after a right email code',
      signIn(email(true), emailResent(true, NEW_ID)),
      'round_after_final_answer',
    ],
    [
      'a mark on a recovery-code round',
      signIn(code(false), custom(true, `RECOVERY_CODE:${RECOVERY_ID}:resent`)),
      'untagged_custom_round',
    ],
    [
      'a mark on a recovery-codes round',
      signIn(phone(true), code(true), custom(true, `RECOVERY_CODES:${PHONE_ID}:wait`)),
      'untagged_custom_round',
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
    for (const user of [VERIFIED, UNVERIFIED, UNKNOWN])
      expect(decide(session, user, ROOMY)).toEqual(fail(reason));
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
    expect(planCustomRound(session, VERIFIED)).toEqual({
      kind: 'repeat_code',
      channel: 'SMS_OTP',
      codeRoundId,
      resends,
    });
  });

  test('an email round is repeated on its own channel', () => {
    expect(planCustomRound(signIn(email(false), emailResent(false, NEW_ID)), UNVERIFIED)).toEqual({
      kind: 'repeat_code',
      channel: 'EMAIL_OTP',
      codeRoundId: NEW_ID,
      resends: 1,
    });
  });

  test('the new codes of the whole sign-in count, the email proof included', () => {
    const session = signIn(email(false), emailResent(true, NEW_ID), phone(true), code(false));
    expect(planCustomRound(session, UNVERIFIED)).toEqual({
      kind: 'repeat_code',
      channel: 'SMS_OTP',
      codeRoundId: CODE_ID,
      resends: 1,
    });
  });

  test('an unknown user (decoy) is told the same', () => {
    expect(planCustomRound(signIn(code(false), resent(false, NEW_ID)), UNKNOWN)).toEqual({
      kind: 'repeat_code',
      channel: 'SMS_OTP',
      codeRoundId: NEW_ID,
      resends: 1,
    });
  });
});
