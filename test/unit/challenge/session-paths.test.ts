/**
 * The paths of the protocol (session.ts), walked step by step: at every step Define asks for a
 * custom round and Create is told to build exactly the round the path names next; tokens only at
 * the end. Then the intents (`ClientMetadata.intent`): an unknown one fails, a known one only adds
 * rounds after the sign-in code and is ignored everywhere else.
 */
import { INTENTS } from '#shared/challenge/protocol';
import { type Decision, decide, planCustomRound, type RoundPlan } from '#shared/challenge/session';
import { isEnrolment, prefixes, WALKS, type Walk } from './paths';
import {
  code,
  LIMITS,
  NEW_CODE_ID,
  phone,
  recoveryCode,
  recoveryCodes,
  signIn,
  UNKNOWN,
  UNVERIFIED,
  VERIFIED,
} from './sessions';

const next: Decision = { outcome: 'challenge', challengeName: 'CUSTOM_CHALLENGE' };
const tokens: Decision = { outcome: 'tokens' };
const fail = (reason: string): Decision => ({ outcome: 'fail', reason });
const ROOMY = { ...LIMITS, maxCodeAttempts: 10, maxRounds: 30 };

/** What Define and Create say about `rounds` after the password. */
const reading = (
  rounds: Parameters<typeof signIn>,
  walk: Pick<Walk, 'user' | 'intent'>,
  limits = LIMITS,
) => ({
  decision: decide(signIn(...rounds), walk.user, limits, walk.intent),
  plan: planCustomRound(signIn(...rounds), walk.user, walk.intent),
});
const expected = (nextStep: RoundPlan | 'tokens') =>
  nextStep === 'tokens' ? { decision: tokens, plan: undefined } : { decision: next, plan: nextStep };

describe.each(WALKS)('the $name path', (walk) => {
  test('walked right: the round the path names next at every step, tokens at the end', () => {
    for (const { rounds, next: nextStep } of prefixes(walk))
      expect(reading(rounds, walk)).toEqual(expected(nextStep));
  });

  test('a wrong answer in every block asks that block again; the path then goes on as before', () => {
    const rounds: Parameters<typeof signIn> = [];
    for (const step of walk.steps) {
      rounds.push(step.wrong.entry);
      expect(reading(rounds, walk, ROOMY)).toEqual({ decision: next, plan: step.wrong.plan });
      rounds.push(step.right);
      expect(reading(rounds, walk, ROOMY)).toEqual(expected(step.next));
    }
  });

  test('the minimal session fits MAX_ROUNDS exactly: one entry less and the last round is never asked for', () => {
    const all = prefixes(walk);
    const length = 2 + walk.steps.length;
    expect(reading(all.at(-1)?.rounds ?? [], walk, { ...LIMITS, maxRounds: length }).decision).toEqual(
      tokens,
    );
    const beforeLast = all.at(-2)?.rounds ?? [];
    expect(reading(beforeLast, walk, { ...LIMITS, maxRounds: length - 1 }).decision).toEqual(
      fail('too_many_rounds'),
    );
  });

  test('an unknown user never gets tokens on it', () => {
    for (const { rounds } of prefixes(walk))
      expect(reading(rounds, { ...walk, user: UNKNOWN }).decision).not.toEqual(tokens);
  });

  test('an unknown intent fails every step once the password is proven', () => {
    for (const { rounds } of prefixes(walk)) {
      for (const user of [walk.user, UNKNOWN])
        expect(reading(rounds, { user, intent: 'unknown' })).toEqual({
          decision: fail('unknown_intent'),
          plan: undefined,
        });
    }
  });
});

describe('the enrolment paths, once the SMS code bound the number (the attribute now reads verified)', () => {
  test.each(WALKS.filter(isEnrolment).map((walk) => [walk.name, walk] as const))(
    '%s: the same steps to the end',
    (_name, walk) => {
      for (const { rounds, next: nextStep } of prefixes(walk)) {
        if (!rounds.some((entry) => entry.challengeMetadata?.startsWith('SMS_OTP:') && entry.challengeResult))
          continue;
        expect(reading(rounds, { ...walk, user: VERIFIED })).toEqual(expected(nextStep));
      }
    },
  );
});

describe('intents', () => {
  test.each(INTENTS)(
    '%s never skips the sign-in code: the first round and a wrong code are as without it',
    (intent) => {
      expect(reading([], { user: VERIFIED, intent })).toEqual(
        reading([], { user: VERIFIED, intent: undefined }),
      );
      expect(reading([code(false)], { user: VERIFIED, intent })).toEqual(
        reading([code(false)], { user: VERIFIED, intent: undefined }),
      );
    },
  );

  test.each(INTENTS)(
    '%s: a right sign-in code is not the end (no tokens, the intent round next)',
    (intent) => {
      expect(reading([code(true)], { user: VERIFIED, intent })).toEqual({
        decision: next,
        plan:
          intent === 'change_phone'
            ? { kind: 'ask_phone', purpose: 'replace_phone' }
            : { kind: 'recovery_codes' },
      });
    },
  );

  test.each(INTENTS)('%s is ignored on the enrolment paths', (intent) => {
    for (const walk of WALKS.filter(isEnrolment))
      for (const { rounds } of prefixes(walk))
        expect(reading(rounds, { ...walk, intent })).toEqual(reading(rounds, walk));
  });

  test.each([...INTENTS, undefined])(
    'intent %s is ignored once the path is chosen (after the sign-in code)',
    (intent) => {
      for (const walk of WALKS.filter((walk) => !isEnrolment(walk)))
        for (const { rounds, next: nextStep } of prefixes(walk).slice(2))
          expect(reading(rounds, { ...walk, intent })).toEqual(expected(nextStep));
    },
  );

  test('the intent of the call that answers the code decides: without it a right code is the end', () => {
    expect(reading([code(true)], { user: VERIFIED, intent: undefined })).toEqual(expected('tokens'));
  });
});

describe('the paths refuse blocks out of order', () => {
  test.each([
    ['recovery codes before any code', [recoveryCodes(true)], VERIFIED, 'round_out_of_order'],
    [
      'a number after new recovery codes',
      [code(true), recoveryCodes(true), phone(true)],
      VERIFIED,
      'round_out_of_order',
    ],
    [
      'recovery codes after a phone change',
      [code(true), phone(true), code(true, NEW_CODE_ID), recoveryCodes(true)],
      VERIFIED,
      'round_out_of_order',
    ],
    [
      'a code right after a recovery code (no new number)',
      [code(false), recoveryCode(true), code(true, NEW_CODE_ID)],
      VERIFIED,
      'round_out_of_order',
    ],
    [
      'recovery codes right after a recovery code',
      [code(false), recoveryCode(true), recoveryCodes(true)],
      VERIFIED,
      'round_out_of_order',
    ],
    [
      'recovery codes right after the number',
      [phone(true), recoveryCodes(true)],
      UNVERIFIED,
      'round_out_of_order',
    ],
    [
      'a second set of recovery codes',
      [phone(true), code(true), recoveryCodes(true), recoveryCodes(true)],
      UNVERIFIED,
      'round_after_final_answer',
    ],
    [
      'a round after the acknowledged codes',
      [phone(true), code(true), recoveryCodes(true), phone(true)],
      UNVERIFIED,
      'round_out_of_order',
    ],
    [
      'a number after a failed recovery-codes round',
      [code(true), recoveryCodes(false), phone(true)],
      VERIFIED,
      'round_out_of_order',
    ],
    [
      'a new number before the recovery code is right',
      [code(false), recoveryCode(false), phone(true)],
      VERIFIED,
      'round_after_unfinished_block',
    ],
    [
      'a code to the new number after a rejected number',
      [code(true), phone(false), code(true, NEW_CODE_ID)],
      VERIFIED,
      'round_after_unfinished_block',
    ],
  ])('%s fails', (_name, rounds, user, reason) => {
    expect(decide(signIn(...rounds), user, LIMITS, 'change_phone')).toEqual(fail(reason));
    expect(decide(signIn(...rounds), user, LIMITS)).toEqual(fail(reason));
  });

  test('a phone-change number is bounded by MAX_PHONE_ATTEMPTS like an enrolment number', () => {
    const rounds = [code(true), phone(false), phone(false)];
    expect(decide(signIn(...rounds), VERIFIED, LIMITS)).toEqual(next);
    expect(decide(signIn(...rounds, phone(false)), VERIFIED, LIMITS)).toEqual(
      fail('too_many_phone_attempts'),
    );
    expect(
      decide(signIn(code(false), recoveryCode(true), ...rounds.slice(1), phone(false)), VERIFIED, LIMITS),
    ).toEqual(fail('too_many_phone_attempts'));
  });

  test('failed recovery-codes rounds (an answer other than OK) are not wrong codes', () => {
    const rounds = [
      phone(true),
      code(true),
      recoveryCodes(false),
      recoveryCodes(false),
      recoveryCodes(false),
    ];
    const one = { ...LIMITS, maxCodeAttempts: 1 };
    expect(decide(signIn(...rounds), UNVERIFIED, one)).toEqual(next);
    expect(planCustomRound(signIn(...rounds), UNVERIFIED)).toEqual({ kind: 'recovery_codes' });
    expect(decide(signIn(...rounds, recoveryCodes(true)), UNVERIFIED, one)).toEqual(tokens);
  });

  test('the sign-in family needs a verified phone at every step (reset by an operator meanwhile: fails)', () => {
    for (const walk of WALKS.filter((walk) => !isEnrolment(walk)))
      for (const { rounds } of prefixes(walk).slice(1))
        expect(reading(rounds, { ...walk, user: UNVERIFIED }).decision).toEqual(
          fail('code_without_verified_phone'),
        );
  });
});
