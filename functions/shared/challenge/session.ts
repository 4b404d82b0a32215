/**
 * The sign-in session as a decision table: pure functions over `request.session`, no I/O.
 *
 * The only sessions that may end in tokens are, entry by entry (name, result and metadata checked
 * on every entry, not only the last one):
 *
 *   SRP_A ok, PASSWORD_VERIFIER ok,                      the password, proven by SRP
 *   [NEW_PASSWORD_REQUIRED ok]                           a user created by AdminCreateUser, if
 *                                                        Cognito records that step as an entry
 *   [PHONE_REQUIRED failed]* PHONE_REQUIRED ok,          only for a user without a verified phone
 *   [SMS_OTP failed]* SMS_OTP ok                          every SMS_OTP entry carries the same id,
 *                                                        except a `resent` round (a new code)
 *
 * with fewer than MAX_PHONE_ATTEMPTS failed phone rounds, fewer than MAX_CODE_ATTEMPTS wrong codes,
 * at most MAX_RESENDS `resent` rounds and at most MAX_ROUNDS entries in all. An SMS_OTP round
 * tagged `resent` or `wait` (Create's answer to the reserved answer `RESEND`, protocol.ts) follows
 * a failed SMS_OTP entry, and that failed entry was the `RESEND`, not a wrong code: it is not
 * counted. A failed SMS_OTP entry that nothing follows yet is counted (Define cannot see the
 * answer): a `RESEND` after the last wrong code a sign-in allows ends it like a wrong code would. SRP_A and PASSWORD_VERIFIER carry no metadata; every
 * custom round carries the `<TYPE>:<id>` tag Create gave it (see protocol.ts). Anything else (a
 * custom round first, a missing or failed password step, an unknown challenge name, an untagged
 * or foreign custom round, a round after the final code) fails authentication.
 *
 * Two rules tie the session to the user as Cognito sees them now (the attributes of this event):
 * - a user whose phone is verified is never on the phone path: a session with a PHONE_REQUIRED
 *   round fails unless it has just ended in the right code (the Verify that bound the number
 *   checked the attributes of its own event, and used the user's one current code, single-use;
 *   docs/two-factor.md);
 * - challenge names that other pool features bring (SMS_MFA, SOFTWARE_TOKEN_MFA, device tracking)
 *   fail closed with a reason that names them (`foreign_challenge_<NAME>`), so an operator can see
 *   what to switch off (docs/two-factor.md, "Pools with other MFA or device tracking").
 *
 * Define (`decide`) and Create (`planCustomRound`) read the session with the same function, so the
 * round Create builds is always the round Define agreed to.
 */
import { type ChallengeType, parseMetadata, type RoundMark } from '#shared/challenge/protocol';

/** A type alias (not an interface) so it also fits the event schema's open record type. */
export type SessionEntry = {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata?: string | null | undefined;
};

export interface SignInUser {
  /** The user has a `phone_number` and `phone_number_verified` is exactly `'true'`. */
  phoneVerified: boolean;
  /** Cognito's `userNotFound` (PreventUserExistenceErrors): the flow runs on, nothing is real. */
  userNotFound: boolean;
}

export interface AttemptLimits {
  /** Wrong SMS codes allowed per sign-in (the next wrong one fails it). */
  maxCodeAttempts: number;
  /** Rejected phone numbers allowed per sign-in. */
  maxPhoneAttempts: number;
  /** Session entries allowed in all, the two password steps included. */
  maxRounds: number;
  /** New codes sent in answer to `RESEND` per sign-in (`resent` rounds). */
  maxResends: number;
}

export interface CustomRound {
  type: ChallengeType;
  id: string;
  ok: boolean;
  /** SMS_OTP only: built in answer to a `RESEND`. */
  mark?: RoundMark | undefined;
}

export type SessionReading =
  | { valid: false; reason: string }
  | { valid: true; passwordSteps: 0 | 1 | 2; newPasswordStep: boolean; custom: CustomRound[] };

export type Decision =
  | { outcome: 'challenge'; challengeName: 'PASSWORD_VERIFIER' | 'CUSTOM_CHALLENGE' }
  | { outcome: 'tokens' }
  | { outcome: 'fail'; reason: string };

/** What Create must build for the next custom round. */
export type RoundPlan =
  | { kind: 'ask_phone' }
  /** First SMS round to the user's verified phone. */
  | { kind: 'send_code'; phoneFrom: 'profile' }
  /** First SMS round to the number proven valid in the PHONE_REQUIRED round `phoneRoundId`. */
  | { kind: 'send_code'; phoneFrom: 'phone_round'; phoneRoundId: string }
  /**
   * A wrong code or a `RESEND` was entered (only the code's item tells which): the same code
   * (round `codeRoundId`) is asked for again, or a new one is sent; `resends` new codes were sent
   * in answer to a `RESEND` in this sign-in so far.
   */
  | { kind: 'repeat_code'; codeRoundId: string; resends: number };

const PASSWORD_STEPS = ['SRP_A', 'PASSWORD_VERIFIER'] as const;

/**
 * Cognito's own step for a user created by AdminCreateUser (status FORCE_CHANGE_PASSWORD): the new
 * password is set right after PASSWORD_VERIFIER. Accepted once, directly after the password, with
 * or without an entry of its own in the session.
 */
const NEW_PASSWORD_STEP = 'NEW_PASSWORD_REQUIRED';

/**
 * Challenges of Cognito's own MFA and device tracking. They never belong in this flow; they appear
 * only in a pool where those features are on (an existing pool the triggers were attached to).
 */
const FOREIGN_CHALLENGES = new Set([
  'SMS_MFA',
  'SOFTWARE_TOKEN_MFA',
  'EMAIL_OTP',
  'MFA_SETUP',
  'SELECT_MFA_TYPE',
  'SELECT_CHALLENGE',
  'DEVICE_SRP_AUTH',
  'DEVICE_PASSWORD_VERIFIER',
  'ADMIN_NO_SRP_AUTH',
  'PASSWORD',
  'WEB_AUTHN',
]);

function isEmpty(metadata: string | null | undefined): boolean {
  return metadata === undefined || metadata === null || metadata === '';
}

/** Parses the session against the grammar above, without limits. */
export function readSession(session: readonly SessionEntry[]): SessionReading {
  const invalid = (reason: string): SessionReading => ({ valid: false, reason });
  const custom: CustomRound[] = [];
  let passwordSteps: 0 | 1 | 2 = 0;
  let newPasswordStep = false;

  for (const [index, entry] of session.entries()) {
    if (FOREIGN_CHALLENGES.has(entry.challengeName))
      return invalid(`foreign_challenge_${entry.challengeName}`);
    if (index === PASSWORD_STEPS.length && entry.challengeName === NEW_PASSWORD_STEP) {
      if (!isEmpty(entry.challengeMetadata)) return invalid(`metadata_on_${NEW_PASSWORD_STEP}`);
      if (entry.challengeResult !== true) return invalid('new_password_failed');
      newPasswordStep = true;
      continue;
    }
    if (index < PASSWORD_STEPS.length) {
      const expected = PASSWORD_STEPS[index];
      if (entry.challengeName !== expected) return invalid(`expected_${expected}_at_${index}`);
      if (!isEmpty(entry.challengeMetadata)) return invalid(`metadata_on_${expected}`);
      if (entry.challengeResult !== true) return invalid(index === 0 ? 'srp_failed' : 'wrong_password');
      passwordSteps = (index + 1) as 1 | 2;
      continue;
    }
    if (entry.challengeName !== 'CUSTOM_CHALLENGE') return invalid(`unexpected_${entry.challengeName}`);
    const tag = parseMetadata(entry.challengeMetadata);
    if (!tag) return invalid('untagged_custom_round');
    const previous = custom.at(-1);
    if (previous?.ok && previous.type === 'SMS_OTP') return invalid('round_after_final_code');
    if (tag.type === 'PHONE_REQUIRED') {
      // Phone rounds come first and stop at the first accepted number.
      if (previous && (previous.type === 'SMS_OTP' || previous.ok))
        return invalid('phone_round_out_of_order');
    } else if (tag.mark) {
      // A resend's round follows a failed code round; only a new code (`resent`) has a new id.
      if (previous?.type !== 'SMS_OTP' || previous.ok) return invalid('resend_round_out_of_order');
      if (tag.mark === 'wait' && previous.id !== tag.id) return invalid('code_round_id_changed');
    } else {
      // A code round follows nothing, an accepted phone round, or a wrong code for the same code.
      if (previous?.type === 'PHONE_REQUIRED' && !previous.ok) return invalid('code_round_without_phone');
      if (previous?.type === 'SMS_OTP' && previous.id !== tag.id) return invalid('code_round_id_changed');
    }
    custom.push({
      type: tag.type,
      id: tag.id,
      ok: entry.challengeResult === true,
      ...(tag.mark ? { mark: tag.mark } : {}),
    });
  }
  return { valid: true, passwordSteps, newPasswordStep, custom };
}

const count = (rounds: CustomRound[], type: ChallengeType, ok: boolean) =>
  rounds.filter((round) => round.type === type && round.ok === ok).length;

/** Failed SMS_OTP rounds that were wrong codes: every one not answered by a resend's round. */
export function wrongCodes(rounds: readonly CustomRound[]): number {
  return rounds.filter(
    (round, index) => round.type === 'SMS_OTP' && !round.ok && rounds[index + 1]?.mark === undefined,
  ).length;
}

/** New codes sent in answer to `RESEND`. */
export function resentCodes(rounds: readonly CustomRound[]): number {
  return rounds.filter((round) => round.mark === 'resent').length;
}

/** Define: the next step for this session, or tokens, or failure. */
export function decide(session: readonly SessionEntry[], user: SignInUser, limits: AttemptLimits): Decision {
  const fail = (reason: string): Decision => ({ outcome: 'fail', reason });
  const reading = readSession(session);
  if (!reading.valid) return fail(reading.reason);
  if (reading.passwordSteps === 0) return fail('password_step_missing');
  // Cognito's own new-password step is not one of our rounds: it does not use up the limit.
  const rounds = session.length - (reading.newPasswordStep ? 1 : 0);
  if (rounds > limits.maxRounds) return fail('too_many_rounds');
  if (reading.passwordSteps === 1) return { outcome: 'challenge', challengeName: 'PASSWORD_VERIFIER' };

  const { custom } = reading;
  if (count(custom, 'PHONE_REQUIRED', false) >= limits.maxPhoneAttempts)
    return fail('too_many_phone_attempts');
  if (wrongCodes(custom) >= limits.maxCodeAttempts) return fail('too_many_wrong_codes');
  if (resentCodes(reading.custom) > limits.maxResends) return fail('too_many_resends');

  const first = custom[0];
  if (first?.type === 'SMS_OTP' && !user.phoneVerified && !user.userNotFound)
    return fail('code_without_verified_phone');
  if (first?.type === 'PHONE_REQUIRED' && user.userNotFound) return fail('phone_round_for_unknown_user');

  const last = custom.at(-1);
  if (last?.type === 'SMS_OTP' && last.ok) {
    return user.userNotFound ? fail('user_not_found') : { outcome: 'tokens' };
  }
  // A stale enrolment: this sign-in is on the phone path, but the user has a verified phone now
  // (enrolled meanwhile, in another sign-in). It may not go on to bind another number.
  if (first?.type === 'PHONE_REQUIRED' && user.phoneVerified) return fail('phone_path_for_verified_user');
  if (rounds >= limits.maxRounds) return fail('too_many_rounds');
  return { outcome: 'challenge', challengeName: 'CUSTOM_CHALLENGE' };
}

/**
 * Create: which custom round comes next. `undefined` when the session does not call for a custom
 * round at all (Define would not have asked for one).
 */
export function planCustomRound(session: readonly SessionEntry[], user: SignInUser): RoundPlan | undefined {
  const reading = readSession(session);
  if (!reading.valid || reading.passwordSteps !== 2) return undefined;
  const last = reading.custom.at(-1);
  if (!last) {
    return user.phoneVerified || user.userNotFound
      ? { kind: 'send_code', phoneFrom: 'profile' }
      : { kind: 'ask_phone' };
  }
  // The phone path is for users without a verified phone, at every step (see `decide`).
  if (reading.custom[0]?.type === 'PHONE_REQUIRED' && user.phoneVerified) return undefined;
  if (last.type === 'PHONE_REQUIRED') {
    return last.ok
      ? { kind: 'send_code', phoneFrom: 'phone_round', phoneRoundId: last.id }
      : { kind: 'ask_phone' };
  }
  return last.ok
    ? undefined
    : { kind: 'repeat_code', codeRoundId: last.id, resends: resentCodes(reading.custom) };
}

/** Is this sign-in on the phone path (its first custom round asked for a number)? */
export function onPhonePath(session: readonly SessionEntry[]): boolean {
  const reading = readSession(session);
  return reading.valid && reading.custom[0]?.type === 'PHONE_REQUIRED';
}

/** Read from Cognito's user attributes; only the exact string `'true'` counts as verified. */
export function phoneVerified(userAttributes: Record<string, string>): boolean {
  return userAttributes.phone_number_verified === 'true' && Boolean(userAttributes.phone_number);
}

/** A stable fingerprint of the session (names, results, metadata) for retry detection. */
export function sessionShape(session: readonly SessionEntry[]): string {
  return JSON.stringify(
    session.map((entry) => [entry.challengeName, entry.challengeResult, entry.challengeMetadata ?? null]),
  );
}
