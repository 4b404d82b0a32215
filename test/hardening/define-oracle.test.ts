/**
 * Define never issues tokens for an invalid session.
 *
 * FUZZ_SESSIONS sessions (default 10,000), through the deployed handler with its default limits:
 * sessions shaped like real sign-ins and then damaged (an entry replaced, inserted, deleted,
 * flipped or stripped of its tag; a stray code id; a missing password step), plus sessions of
 * random entries, for users with and without a verified phone, known and unknown. The handler must
 * issue tokens exactly when the oracle below, written from the protocol of docs/two-factor.md and
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
}
/** The deployed defaults (docs/two-factor.md, Settings); the handler reads the same. */
const LIMITS: Limits = { maxCodeAttempts: 3, maxPhoneAttempts: 3, maxRounds: 8 };

/**
 * The oracle, from docs/two-factor.md ("The protocol" and "Define: a decision table"): tokens only
 * for a known user and exactly
 *   SRP_A ok, PASSWORD_VERIFIER ok (no metadata on either),
 *   then either  PHONE_REQUIRED failed x (< MAX_PHONE_ATTEMPTS), PHONE_REQUIRED ok
 *   or nothing   (only for a user whose phone_number is verified),
 *   then SMS_OTP failed y (< MAX_CODE_ATTEMPTS), SMS_OTP ok, all with one code id,
 * every custom round named CUSTOM_CHALLENGE and tagged `<TYPE>:<32 lower-case hex>`, at most
 * MAX_ROUNDS entries, each entry `{ challengeName: string, challengeResult: boolean,
 * challengeMetadata?: string | null }`. Written as a plain walk over the entries.
 */
function oracleIssuesTokens(
  session: unknown,
  attributes: Record<string, unknown>,
  userNotFound: unknown,
): boolean {
  if (userNotFound === true) return false;
  if (!Array.isArray(session) || session.length > LIMITS.maxRounds) return false;
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
  const [srp, password, ...custom] = entries;
  if (!(srp?.challengeName === 'SRP_A' && srp.challengeResult === true && untagged(srp))) return false;
  if (
    !(
      password?.challengeName === 'PASSWORD_VERIFIER' &&
      password.challengeResult === true &&
      untagged(password)
    )
  )
    return false;

  const rounds: { type: string; id: string; ok: boolean }[] = [];
  for (const entry of custom) {
    if (entry.challengeName !== 'CUSTOM_CHALLENGE') return false;
    const tag = /^(PHONE_REQUIRED|SMS_OTP):([0-9a-f]{32})$/.exec(String(entry.challengeMetadata ?? ''));
    if (!tag) return false;
    rounds.push({ type: tag[1] as string, id: tag[2] as string, ok: entry.challengeResult === true });
  }

  let at = 0;
  let wrongPhones = 0;
  let wrongCodes = 0;
  if (rounds[0]?.type === 'PHONE_REQUIRED') {
    while (rounds[at]?.type === 'PHONE_REQUIRED' && rounds[at]?.ok === false) {
      wrongPhones += 1;
      at += 1;
    }
    if (!(rounds[at]?.type === 'PHONE_REQUIRED' && rounds[at]?.ok === true)) return false;
    at += 1;
  } else {
    const verified = attributes.phone_number_verified === 'true' && Boolean(attributes.phone_number);
    if (!verified) return false;
  }
  const codeId = rounds[at]?.id;
  while (rounds[at]?.type === 'SMS_OTP' && rounds[at]?.ok === false && rounds[at]?.id === codeId) {
    wrongCodes += 1;
    at += 1;
  }
  if (!(rounds[at]?.type === 'SMS_OTP' && rounds[at]?.ok === true && rounds[at]?.id === codeId)) return false;
  at += 1;
  return at === rounds.length && wrongPhones < LIMITS.maxPhoneAttempts && wrongCodes < LIMITS.maxCodeAttempts;
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
