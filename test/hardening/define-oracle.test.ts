/**
 * Define never issues tokens for an invalid session.
 *
 * FUZZ_SESSIONS sessions (default 10,000), through the deployed handler with its default limits:
 * sessions shaped like real sign-ins and then damaged (an entry replaced, inserted, deleted,
 * flipped or stripped of its tag; a stray code id; a missing password step), plus sessions of
 * random entries, for users with and without a verified phone, known and unknown. The handler must
 * issue tokens exactly when the oracle below, written from the protocol of docs/protocol.md and
 * not from the project's decision code, says the session is a complete, valid sign-in.
 */
import fc from 'fast-check';
import { handler } from '../../functions/define-auth-challenge/handler';
import { sessionArb } from './support/event-arbs';
import {
  fixture,
  type Json,
  type JsonObject,
  responseProblems,
  USER_SAFE_MESSAGES,
} from './support/triggers';

const SESSIONS = Number(process.env.FUZZ_SESSIONS ?? 10_000);
interface Limits {
  maxCodeAttempts: number;
  maxPhoneAttempts: number;
  maxRounds: number;
  maxResends: number;
}
/** The deployed defaults (docs/two-factor.md, Settings); the handler reads the same. */
const LIMITS: Limits = { maxCodeAttempts: 3, maxPhoneAttempts: 3, maxRounds: 16, maxResends: 2 };

/**
 * The paths of docs/protocol.md ("Paths"), as block letters: S SMS_OTP, E EMAIL_OTP, P
 * PHONE_REQUIRED, R RECOVERY_CODE, C RECOVERY_CODES. A block is consecutive rounds of one type;
 * every block ends answered right, except the first S of the recovery path (it ends with the
 * `RECOVERY` answer). `profile`: only for a user with a verified phone.
 */
const PATHS: Array<{ blocks: string; profile: boolean }> = [
  { blocks: 'S', profile: true },
  { blocks: 'SPS', profile: true },
  { blocks: 'SC', profile: true },
  { blocks: 'SRPSC', profile: true },
  { blocks: 'PSC', profile: false },
  { blocks: 'EPSC', profile: false },
];
const LETTER: Record<string, string> = {
  SMS_OTP: 'S',
  EMAIL_OTP: 'E',
  PHONE_REQUIRED: 'P',
  RECOVERY_CODE: 'R',
  RECOVERY_CODES: 'C',
};

/**
 * The oracle, from docs/protocol.md: tokens only for a known user and exactly
 *   SRP_A ok, PASSWORD_VERIFIER ok (no metadata on either), [NEW_PASSWORD_REQUIRED ok],
 *   then the rounds of one path, complete,
 * every custom round named CUSTOM_CHALLENGE and tagged `<TYPE>:<32 lower-case hex>` (code rounds
 * may add `:resent` or `:wait` after a failed round of their block: `wait` keeps the code's id,
 * `resent` brings a new one, a plain round keeps it), fewer than MAX_PHONE_ATTEMPTS failed phone
 * rounds, fewer than MAX_CODE_ATTEMPTS wrong answers (failed code rounds not answered by a marked
 * round, and not the RECOVERY that ends the recovery path's first block; failed recovery codes),
 * at most MAX_RESENDS `resent` rounds and at most MAX_ROUNDS entries (the new-password step not
 * counted). Written as a plain walk over the entries, with no intent (Define sees none here).
 */
function oracleIssuesTokens(
  session: unknown,
  attributes: Record<string, unknown>,
  userNotFound: unknown,
): boolean {
  if (userNotFound === true) return false;
  if (!Array.isArray(session)) return false;
  const entries = session as Record<string, unknown>[];
  const wellShaped = entries.every(
    (entry) =>
      entry !== null &&
      typeof entry === 'object' &&
      typeof entry.challengeName === 'string' &&
      typeof entry.challengeResult === 'boolean' &&
      (entry.challengeMetadata === undefined ||
        entry.challengeMetadata === null ||
        typeof entry.challengeMetadata === 'string'),
  );
  if (!wellShaped) return false;
  const untagged = (entry: Record<string, unknown> | undefined) =>
    entry !== undefined && (entry.challengeMetadata ?? '') === '';
  const passed = (entry: Record<string, unknown> | undefined, name: string) =>
    entry?.challengeName === name && entry.challengeResult === true && untagged(entry);
  const [srp, password, ...rest] = entries;
  if (!passed(srp, 'SRP_A') || !passed(password, 'PASSWORD_VERIFIER')) return false;
  const newPassword = passed(rest[0], 'NEW_PASSWORD_REQUIRED');
  const custom = newPassword ? rest.slice(1) : rest;
  if (entries.length - (newPassword ? 1 : 0) > LIMITS.maxRounds) return false;

  type Round = { letter: string; id: string; mark: string | undefined; ok: boolean };
  const blocks: Round[][] = [];
  for (const entry of custom) {
    if (entry.challengeName !== 'CUSTOM_CHALLENGE') return false;
    const tag =
      /^(PHONE_REQUIRED|SMS_OTP|EMAIL_OTP|RECOVERY_CODE|RECOVERY_CODES):([0-9a-f]{32})(?::(resent|wait))?$/.exec(
        String(entry.challengeMetadata ?? ''),
      );
    if (!tag) return false;
    const round: Round = {
      letter: LETTER[tag[1] as string] as string,
      id: tag[2] as string,
      mark: tag[3],
      ok: entry.challengeResult === true,
    };
    if (round.mark && round.letter !== 'S' && round.letter !== 'E') return false;
    const block = blocks.at(-1);
    const previous = block?.at(-1);
    if (block && previous && !previous.ok && previous.letter === round.letter) {
      const code = round.letter === 'S' || round.letter === 'E';
      if (code && round.mark !== 'resent' && round.id !== previous.id) return false;
      block.push(round);
    } else {
      if (round.mark) return false;
      blocks.push([round]);
    }
  }
  const letters = blocks.map((block) => block[0]?.letter).join('');
  const path = PATHS.find((candidate) => candidate.blocks === letters);
  if (!path) return false;
  const recovery = path.blocks === 'SRPSC';
  for (const [index, block] of blocks.entries()) {
    const endsRight = block.at(-1)?.ok === true;
    if (endsRight === (recovery && index === 0)) return false;
  }
  const verified = attributes.phone_number_verified === 'true' && Boolean(attributes.phone_number);
  if (path.profile && !verified) return false;

  const rounds = blocks.flat();
  const failedPhones = rounds.filter((round) => round.letter === 'P' && !round.ok).length;
  let wrong = 0;
  for (const [index, block] of blocks.entries()) {
    block.forEach((round, at) => {
      if (round.ok) return;
      if (round.letter === 'R') wrong += 1;
      if (round.letter !== 'S' && round.letter !== 'E') return;
      const next = block[at + 1];
      if (next?.mark) return;
      if (!next && recovery && index === 0) return;
      wrong += 1;
    });
  }
  const resent = rounds.filter((round) => round.mark === 'resent').length;
  return (
    failedPhones < LIMITS.maxPhoneAttempts && wrong < LIMITS.maxCodeAttempts && resent <= LIMITS.maxResends
  );
}

/** Phone attributes as Cognito sends them, mostly for a user with a verified phone. */
const attributesArb: fc.Arbitrary<Record<string, Json | undefined>> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ phone_number: '+12015550123', phone_number_verified: 'true' }) },
  {
    weight: 2,
    arbitrary: fc.record({
      phone_number: fc.constantFrom('+12015550123', '', undefined),
      phone_number_verified: fc.constantFrom('true', 'false', undefined, 'TRUE', 'True', '1'),
    }),
  },
);

describe('define-auth-challenge against an independent oracle', () => {
  test(`issues tokens exactly for the valid sign-ins of the protocol, never for an invalid session (${SESSIONS} sessions)`, async () => {
    const base = fixture('define-auth-challenge.sms-otp');
    const stats = { tokens: 0, invalid: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(
        sessionArb(4),
        attributesArb,
        fc.constantFrom(false, false, false, false, false, null, undefined, true),
        async (session, phone, userNotFound) => {
          const event = structuredClone(base);
          const request = event.request as JsonObject;
          const attributes = { ...(request.userAttributes as JsonObject) };
          delete attributes.phone_number;
          delete attributes.phone_number_verified;
          for (const [key, value] of Object.entries(phone)) if (value !== undefined) attributes[key] = value;
          request.userAttributes = attributes;
          request.session = structuredClone(session);
          if (userNotFound === undefined) delete request.userNotFound;
          else request.userNotFound = userNotFound;

          const expected = oracleIssuesTokens(session, attributes, userNotFound);
          let issued = false;
          try {
            const result = (await handler(event as never)) as unknown as JsonObject;
            expect(responseProblems('define-auth-challenge', result)).toEqual([]);
            issued = (result.response as JsonObject).issueTokens === true;
          } catch (error) {
            stats.rejected += 1;
            expect((error as Error).message).toBe(USER_SAFE_MESSAGES['define-auth-challenge'][0]);
          }
          if (expected) stats.tokens += 1;
          else stats.invalid += 1;
          expect({ issued, session, attributes, userNotFound }).toEqual({
            issued: expected,
            session,
            attributes,
            userNotFound,
          });
        },
      ),
      { numRuns: SESSIONS },
    );
    // Both sides of the property are well covered.
    expect(stats.tokens).toBeGreaterThan(SESSIONS / 20);
    expect(stats.invalid).toBeGreaterThan(SESSIONS / 2);
  }, 120_000);
});
