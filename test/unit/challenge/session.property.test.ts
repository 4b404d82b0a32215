/**
 * Property: for ANY session, user, intent and limits, Define issues tokens exactly when one of the
 * protocol's paths is complete (the paths, the limits and the oracle: session-arbitraries.ts; the
 * sessions mix in DEVICE_PROOF rounds, right and wrong, anywhere).
 *
 * Then the rule stated on its own terms (no session yields tokens without the password and
 * either a right SMS code to the verified number, a remembered device's right proof as the first
 * custom round, or a right recovery code followed by a proven new number; an enrolment only with a
 * right SMS code to the proven new number), and the rules of the attack review: limits never let
 * another round through, a stale enrolment never goes on unless this session bound the phone, an
 * unknown user's reachable rounds are decoys only, Define and Create agree, and a challenge of
 * Cognito's own MFA or device tracking never yields anything.
 *
 * Runs FC_RUNS times (default 2,000 in CI; set FC_RUNS=10000 or more for a deeper search).
 */
import fc from 'fast-check';
import { decide, planCustomRound } from '#shared/challenge/session';
import {
  type BlockKind,
  count,
  customRounds,
  ENROLMENT_BLOCKS,
  expectedTokens,
  FOREIGN,
  firstCustomType,
  intentArb,
  isCleanPasswordPrefix,
  lettersOf,
  limitsArb,
  nearValidArb,
  PATHS,
  RUNS,
  reachable,
  resentRounds,
  rightInOrder,
  roundsOf,
  sessionAlong,
  sessionArb,
  userArb,
  wrongAnswers,
} from './session-arbitraries';

// ---- The properties ---------------------------------------------------------------------------

test(`Define issues tokens exactly when the oracle sees a complete path within the limits (${RUNS} runs)`, () => {
  const seen: Record<string, number> = {};
  fc.assert(
    fc.property(sessionArb, userArb, intentArb, limitsArb, (session, user, intent, limits) => {
      const expected = expectedTokens(session, user, limits, intent);
      if (expected) seen[expected] = (seen[expected] ?? 0) + 1;
      expect(decide(session, user, limits, intent).outcome === 'tokens').toBe(expected !== undefined);
    }),
    { numRuns: RUNS },
  );
  // The generator must reach every path's tokens, or the property proves little about them.
  for (const path of Object.keys(PATHS)) expect(seen[path]).toBeGreaterThan(0);
  expect(Object.values(seen).reduce((a, b) => a + b, 0)).toBeGreaterThan(RUNS / 100);
}, 60_000);

test(`Define never asks for another round after too many failures or rounds (${RUNS} runs)`, () => {
  fc.assert(
    fc.property(sessionArb, userArb, intentArb, limitsArb, (session, user, intent, limits) => {
      if (decide(session, user, limits, intent).outcome !== 'challenge') return;
      // A new round never makes the session longer than the cap (Cognito's new-password step aside).
      expect(roundsOf(session) + 1).toBeLessThanOrEqual(limits.maxRounds);
      const letters = lettersOf(session);
      // A failed answer nothing follows yet is counted: it may have been the last wrong code allowed.
      expect(wrongAnswers(letters.text)).toBeLessThan(limits.maxCodeAttempts);
      expect(count(letters.text, 'p')).toBeLessThan(limits.maxPhoneAttempts);
      expect(resentRounds(letters)).toBeLessThanOrEqual(limits.maxResends);
    }),
    { numRuns: RUNS },
  );
}, 60_000);

test(`no session yields tokens without the password and a right SMS code to the verified number, or a remembered device's right proof as the first custom round, or a right recovery code then a proven new number, or (enrolment) a right SMS code to the proven new number (${RUNS} runs)`, () => {
  const by = { smsToVerified: 0, device: 0, recovery: 0, enrolment: 0, afterDevice: 0 };
  fc.assert(
    fc.property(sessionArb, userArb, intentArb, limitsArb, (session, user, intent, limits) => {
      if (decide(session, user, limits, intent).outcome !== 'tokens') return;
      const [a, v] = session;
      expect([a?.challengeName, a?.challengeResult, v?.challengeName, v?.challengeResult]).toEqual([
        'SRP_A',
        true,
        'PASSWORD_VERIFIER',
        true,
      ]);
      expect(user.userNotFound).toBe(false);
      expect(intent).not.toBe('unknown');
      // Tokens come after a right answer.
      expect(session.at(-1)?.challengeResult).toBe(true);
      const all = customRounds(session);
      // A remembered device's proof, right or wrong, stands only before the rest.
      const deviceFirst = all[0]?.type === 'DEVICE_PROOF';
      const rounds = deviceFirst ? all.slice(1) : all;
      const device = deviceFirst && all.length === 1 && all[0]?.ok === true;
      const first = rounds[0]?.type;
      // The first SMS block goes to the verified phone (Create's `phoneFrom: 'profile'`).
      const firstOther = rounds.findIndex((round) => round.type !== 'SMS_OTP');
      const leadingSms = firstOther < 0 ? rounds : rounds.slice(0, firstOther);
      const smsToVerified = leadingSms.some((round) => round.ok);
      const recovery = rightInOrder(rounds, ['RECOVERY_CODE', 'PHONE_REQUIRED', 'SMS_OTP']);
      const enrolment =
        !deviceFirst &&
        (first === 'PHONE_REQUIRED' || first === 'EMAIL_OTP') &&
        rightInOrder(rounds, ['PHONE_REQUIRED', 'SMS_OTP']);
      expect(smsToVerified || device || recovery || enrolment).toBe(true);
      // The sign-in family (the device's proof among it) is for a verified phone; a recovery code
      // stands in for the SMS code, never follows a right one, and always leads to a proven new number.
      if (first === 'SMS_OTP' || deviceFirst) expect(user.phoneVerified).toBe(true);
      if (rounds.some((round) => round.type === 'RECOVERY_CODE')) {
        expect(recovery).toBe(true);
        expect(smsToVerified).toBe(false);
      }
      // One proof at most, and only first.
      expect(rounds.some((round) => round.type === 'DEVICE_PROOF')).toBe(false);
      if (smsToVerified) by.smsToVerified++;
      if (device) by.device++;
      if (deviceFirst && !device) by.afterDevice++;
      if (recovery) by.recovery++;
      if (enrolment) by.enrolment++;
    }),
    { numRuns: RUNS },
  );
  expect(by.smsToVerified).toBeGreaterThan(0);
  expect(by.device).toBeGreaterThan(0);
  expect(by.afterDevice).toBeGreaterThan(0);
  expect(by.recovery).toBeGreaterThan(0);
  expect(by.enrolment).toBeGreaterThan(0);
}, 60_000);

test(`no enrolment session of a user whose phone is verified goes on or yields tokens unless an SMS code of this session was right (${RUNS} runs)`, () => {
  const verifiedUser = fc.record({ phoneVerified: fc.constant(true), userNotFound: fc.constant(false) });
  const enrolmentArb = sessionAlong(fc.constantFrom(...ENROLMENT_BLOCKS));
  let onPath = 0;
  let bound = 0;
  fc.assert(
    fc.property(enrolmentArb, verifiedUser, intentArb, limitsArb, (session, user, intent, limits) => {
      const first = firstCustomType(session);
      if (first !== 'PHONE_REQUIRED' && first !== 'EMAIL_OTP') return;
      onPath++;
      const decision = decide(session, user, limits, intent);
      const rightSms = customRounds(session).some((round) => round.type === 'SMS_OTP' && round.ok);
      if (!rightSms) {
        // The stale enrolment never gets another round: no code to the typed number, no new number.
        expect(decision.outcome).toBe('fail');
        expect(planCustomRound(session, user, intent)).toBeUndefined();
      } else if (decision.outcome !== 'fail') bound++;
    }),
    { numRuns: RUNS },
  );
  expect(onPath).toBeGreaterThan(RUNS / 2);
  expect(bound).toBeGreaterThan(0);
}, 60_000);

test(`Define and Create agree; an unknown user's reachable rounds are decoy code and recovery-code rounds only (${RUNS} runs)`, () => {
  let decoys = 0;
  let recoveryDecoys = 0;
  // Recovery attempts (a RECOVERY, then recovery codes) as often as the rest.
  const attemptsArb = fc.oneof(sessionArb, sessionAlong(fc.constant<BlockKind[]>(['SWITCH', 'RECOVERY'])));
  const someUnknownArb = fc.oneof(userArb, fc.constant({ phoneVerified: false, userNotFound: true }));
  fc.assert(
    fc.property(attemptsArb, someUnknownArb, intentArb, limitsArb, (session, user, intent, limits) => {
      const decision = decide(session, user, limits, intent);
      const plan = planCustomRound(session, user, intent);
      if (decision.outcome === 'tokens') expect(plan).toBeUndefined();
      if (decision.outcome !== 'challenge' || decision.challengeName !== 'CUSTOM_CHALLENGE') return;
      expect(plan).toBeDefined();
      if (!user.userNotFound || !reachable(session, user, limits, intent)) return;
      decoys++;
      if (plan?.kind === 'ask_recovery_code') recoveryDecoys++;
      const kind = plan && (plan.kind === 'send_code' ? `send_code:${plan.phoneFrom}` : plan.kind);
      expect(['send_code:profile', 'repeat_code', 'ask_recovery_code']).toContain(kind);
    }),
    { numRuns: RUNS },
  );
  expect(decoys).toBeGreaterThan(0);
  expect(recoveryDecoys).toBeGreaterThan(0);
}, 60_000);

test(`a session holding a challenge of Cognito's own MFA or device tracking never yields tokens or another round (${RUNS} runs)`, () => {
  const withForeignArb = fc
    .tuple(
      nearValidArb,
      fc.nat(12),
      fc.constantFrom(...FOREIGN),
      fc.boolean(),
      fc.constantFrom(null, undefined, ''),
    )
    .map(([session, index, name, ok, meta]) => {
      const at = index % (session.length + 1);
      return [
        ...session.slice(0, at),
        { challengeName: name, challengeResult: ok, challengeMetadata: meta },
        ...session.slice(at),
      ];
    });
  fc.assert(
    fc.property(withForeignArb, userArb, intentArb, limitsArb, (session, user, intent, limits) => {
      const decision = decide(session, user, limits, intent);
      expect(decision.outcome).toBe('fail');
      // When nothing before it was wrong already, the reason names the challenge for the operator.
      const foreignAt = session.findIndex((entry) => FOREIGN.includes(entry.challengeName));
      const before = session.slice(0, foreignAt);
      if (before.length === 0 || (before.length === 2 && isCleanPasswordPrefix(before)))
        expect(decision).toEqual({
          outcome: 'fail',
          reason: `foreign_challenge_${session[foreignAt]?.challengeName}`,
        });
    }),
    { numRuns: RUNS },
  );
}, 60_000);
