/**
 * The SRP password round of a sign-in: the PASSWORD_VERIFIER challenge (SALT, SRP_B,
 * SECRET_BLOCK) and the check of the client's claim. Unknown users get a stable decoy verifier,
 * so the round looks and fails the same for them as for a wrong password.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthState } from './auth-state';
import { INCORRECT_CREDENTIALS, notAuthorized } from './errors';
import type { Pool } from './pool';
import { claimSignature, decoyVerifier, parseClaimTimestamp, serverEphemeral, sessionKey } from './srp';
import type { UserRecord } from './store';

/** How far a claim timestamp may be from the server's clock. */
const TIMESTAMP_SKEW_MS = 5 * 60_000;

export async function passwordVerifierChallenge(
  pool: Pool,
  state: AuthState,
  user: UserRecord | undefined,
): Promise<Record<string, unknown>> {
  const { salt, verifier } =
    user?.password ?? (await decoyVerifier(pool.secret, pool.settings.poolName, state.userIdForSrp));
  const { b, B } = await serverEphemeral(verifier);
  const secretBlock = randomBytes(96).toString('base64');
  const next: AuthState = {
    ...state,
    expected: 'PASSWORD_VERIFIER',
    srp: { b, B, verifier, secretBlock },
    challenge: undefined,
  };
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    Session: pool.sessions.create(next, pool.settings.client.clientId, secretBlock),
    ChallengeParameters: {
      SALT: salt,
      SECRET_BLOCK: secretBlock,
      SRP_B: B.toString(16),
      USERNAME: state.userIdForSrp,
      USER_ID_FOR_SRP: state.userIdForSrp,
    },
  };
}

/**
 * Checks the client's proof of the SRP key. The math runs for unknown users too (their decoy
 * verifier never matches), and every failure (wrong password, stale timestamp, forged block) gets
 * the same answer.
 */
export async function checkPasswordClaim(
  pool: Pool,
  state: AuthState,
  responses: Record<string, string>,
): Promise<void> {
  const { srp, A } = state;
  if (!srp || A === undefined) throw notAuthorized(INCORRECT_CREDENTIALS);
  const timestamp = responses.TIMESTAMP ?? '';
  const key = await sessionKey({ A, B: srp.B, b: srp.b, verifierHex: srp.verifier });
  const expected = key
    ? claimSignature(key, pool.settings.poolName, state.userIdForSrp, srp.secretBlock, timestamp)
    : randomBytes(32);
  const signature = Buffer.from(responses.PASSWORD_CLAIM_SIGNATURE ?? '', 'base64');
  const signed = signature.length === expected.length && timingSafeEqual(signature, expected);
  const at = parseClaimTimestamp(timestamp);
  const fresh = at !== undefined && Math.abs(at - pool.now()) <= TIMESTAMP_SKEW_MS;
  if (!key || !signed || !fresh || responses.PASSWORD_CLAIM_SECRET_BLOCK !== srp.secretBlock) {
    throw notAuthorized(INCORRECT_CREDENTIALS);
  }
}
