/**
 * Property: a remembered device's DEVICE_PROOF round (issue 15) for ANY session, user, intent and
 * limits, checked against the session's entries directly (not through session.ts):
 *
 * - a right proof yields tokens only as the first custom round, directly after the two password
 *   steps (and Cognito's own new-password step, if recorded), with no intent, for a known user with
 *   a verified phone;
 * - never for an unknown user: a session with a proof in it never goes on;
 * - never after a failed proof: tokens then come only from a right SMS code (or a recovery) after it;
 * - never repeated, and anywhere but the first custom round the sign-in fails;
 * - Create offers the proof (`deviceMayProve`) exactly for the first custom round.
 *
 * The paths, limits and oracle of the other rounds: session-arbitraries.ts (its sessions mix proofs
 * in too, for session.property.test.ts). Runs FC_RUNS times (default 2,000).
 */
import fc from 'fast-check';
import { decide, planCustomRound, type SessionEntry } from '#shared/challenge/session';
import {
  customRounds,
  IDS,
  intentArb,
  isNewPasswordStep,
  limitsArb,
  PATH_BLOCKS,
  RUNS,
  rightInOrder,
  sessionAlong,
  sessionArb,
  TAG,
  userArb,
} from './session-arbitraries';

const deviceRound = (ok: boolean, id = IDS[0] as string): SessionEntry => ({
  challengeName: 'CUSTOM_CHALLENGE',
  challengeResult: ok,
  challengeMetadata: `DEVICE_PROOF:${id}`,
});
const isDeviceRound = (entry: SessionEntry | undefined) =>
  entry?.challengeName === 'CUSTOM_CHALLENGE' &&
  TAG.exec(entry.challengeMetadata ?? '')?.[1] === 'DEVICE_PROOF';
/** Where the first custom round stands: after the password steps and a recorded new-password step. */
const firstCustomAt = (session: SessionEntry[]) => (session[2] && isNewPasswordStep(session[2], 2) ? 3 : 2);

/** Sessions along the paths that begin with a device's proof, built like real ones, maybe damaged. */
const devicePathsArb = sessionAlong(
  fc.constantFrom(...PATH_BLOCKS.filter((blocks) => blocks[0] === 'DEVICE')),
);
/** Any session with one or two proofs put anywhere. */
const withProofsArb = fc
  .tuple(sessionArb, fc.array(fc.tuple(fc.nat(16), fc.boolean()), { minLength: 1, maxLength: 2 }))
  .map(([session, proofs]) => {
    const copy = [...session];
    for (const [at, ok] of proofs) copy.splice(at % (copy.length + 1), 0, deviceRound(ok));
    return copy;
  });
const anySessionArb = fc.oneof(
  { weight: 2, arbitrary: devicePathsArb },
  { weight: 2, arbitrary: withProofsArb },
  { weight: 1, arbitrary: sessionArb },
);

test(`a right proof yields tokens only as the first custom round, after the password, for a known user with a verified phone, without an intent; never after a failed proof; never twice (${RUNS} runs)`, () => {
  const seen = { byProof: 0, afterFailedProof: 0, afterRightProof: 0 };
  fc.assert(
    fc.property(anySessionArb, userArb, intentArb, limitsArb, (session, user, intent, limits) => {
      if (decide(session, user, limits, intent).outcome !== 'tokens') return;
      const proofs = session.flatMap((entry, index) => (isDeviceRound(entry) ? [index] : []));
      expect(proofs.length).toBeLessThanOrEqual(1);
      const [at] = proofs;
      if (at === undefined) return;
      expect(at).toBe(firstCustomAt(session));
      expect(user).toEqual({ phoneVerified: true, userNotFound: false });
      const proof = session[at] as SessionEntry;
      if (at === session.length - 1) {
        // Tokens for the proof itself: it was right, and nothing more was asked for.
        expect(proof.challengeResult).toBe(true);
        expect(intent).toBeUndefined();
        seen.byProof++;
        return;
      }
      // Tokens after it: a right SMS code to the verified phone (its first SMS block) or a recovery.
      const after = customRounds(session.slice(at + 1));
      const firstOther = after.findIndex((round) => round.type !== 'SMS_OTP');
      const smsToVerified = (firstOther < 0 ? after : after.slice(0, firstOther)).some((round) => round.ok);
      expect(smsToVerified || rightInOrder(after, ['RECOVERY_CODE', 'PHONE_REQUIRED', 'SMS_OTP'])).toBe(true);
      if (proof.challengeResult) seen.afterRightProof++;
      else seen.afterFailedProof++;
    }),
    { numRuns: RUNS },
  );
  expect(seen.byProof).toBeGreaterThan(0);
  expect(seen.afterFailedProof).toBeGreaterThan(0);
  expect(seen.afterRightProof).toBeGreaterThan(0);
}, 60_000);

test(`a proof anywhere but the first custom round, or a second proof, fails the sign-in: no tokens, no other round (${RUNS} runs)`, () => {
  let brokeAGoodSession = 0;
  fc.assert(
    fc.property(
      fc.oneof(devicePathsArb, sessionArb),
      fc.nat(20),
      fc.boolean(),
      userArb,
      intentArb,
      limitsArb,
      (base, index, ok, user, intent, limits) => {
        const at = index % (base.length + 1);
        // The one place a proof may stand, unless the session already holds one.
        if (at === firstCustomAt(base) && !base.some(isDeviceRound)) return;
        const session = [...base.slice(0, at), deviceRound(ok), ...base.slice(at)];
        expect(decide(session, user, limits, intent).outcome).toBe('fail');
        expect(planCustomRound(session, user, intent)).toBeUndefined();
        if (decide(base, user, limits, intent).outcome !== 'fail') brokeAGoodSession++;
      },
    ),
    { numRuns: RUNS },
  );
  expect(brokeAGoodSession).toBeGreaterThan(RUNS / 20);
}, 60_000);

test(`an unknown user's session never goes on once it holds a proof (Create never builds one for them) (${RUNS} runs)`, () => {
  let unknown = 0;
  const unknownUser = fc.record({ phoneVerified: fc.boolean(), userNotFound: fc.constant(true) });
  fc.assert(
    fc.property(anySessionArb, unknownUser, intentArb, limitsArb, (session, user, intent, limits) => {
      if (!session.some(isDeviceRound)) return;
      unknown++;
      expect(decide(session, user, limits, intent).outcome).toBe('fail');
      expect(planCustomRound(session, user, intent)).toBeUndefined();
    }),
    { numRuns: RUNS },
  );
  expect(unknown).toBeGreaterThan(RUNS / 2);
}, 60_000);

test(`Create may offer the proof exactly for the first custom round (${RUNS} runs)`, () => {
  const offered = { first: 0, later: 0 };
  fc.assert(
    fc.property(anySessionArb, userArb, intentArb, (session, user, intent) => {
      const plan = planCustomRound(session, user, intent);
      if (plan?.kind !== 'send_code' || plan.phoneFrom !== 'profile') return;
      const first = !session.some((entry) => entry.challengeName === 'CUSTOM_CHALLENGE');
      expect(plan.deviceMayProve).toBe(first);
      if (first) offered.first++;
      else offered.later++;
    }),
    { numRuns: RUNS },
  );
  expect(offered.first).toBeGreaterThan(0);
  // The SMS round after a failed proof (or a right one with an intent) is not the first.
  expect(offered.later).toBeGreaterThan(0);
}, 60_000);
