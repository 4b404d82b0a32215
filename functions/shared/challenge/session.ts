/**
 * The sign-in session as a decision table: pure functions over `request.session`, no I/O.
 *
 * Every session starts with the password, proven by SRP, entry by entry (name, result and metadata
 * checked on every entry, not only the last one):
 *
 *   SRP_A ok, PASSWORD_VERIFIER ok, [NEW_PASSWORD_REQUIRED ok]
 *
 * (the new-password step is Cognito's own, for a user created by AdminCreateUser, if Cognito records
 * it as an entry). Then come custom rounds, each tagged `<TYPE>:<id>[:mark]` by Create
 * (protocol.ts). Consecutive rounds of one type form a block:
 *
 *   SMS    [SMS_OTP failed]* SMS_OTP ok         a code block: every round after a failed one has the
 *   EMAIL  [EMAIL_OTP failed]* EMAIL_OTP ok     same id, except a `resent` round (a new code); a
 *                                               `wait` round keeps the id (too early to resend)
 *   PHONE  [PHONE_REQUIRED failed]* PHONE_REQUIRED ok
 *   RECOVERY [RECOVERY_CODE failed]* RECOVERY_CODE ok
 *   CODES  [RECOVERY_CODES failed]* RECOVERY_CODES ok
 *
 * and the only block sequences (paths) that may end in tokens are:
 *
 *   sign-in          SMS                                  verified phone
 *   change phone     SMS, PHONE, SMS                      verified phone, intent `change_phone`
 *   new codes        SMS, CODES                           verified phone, intent `new_recovery_codes`
 *   recovery         SMS*, RECOVERY, PHONE, SMS, CODES    verified phone; SMS* ends in the failed
 *                                                        round answered `RECOVERY`
 *   enrolment        [EMAIL,] PHONE, SMS, CODES           no verified phone
 *   remembered       DEVICE                               verified phone, a remembered device
 *
 * A DEVICE block is one DEVICE_PROOF round, only ever the first custom round (Create offers it
 * only there, and only when the app names a remembered device). Answered right it is the whole
 * second factor: tokens, unless the call's intent asks for more, which never skips the SMS code
 * (then the profile paths follow it). Answered wrong, the profile paths follow it: the SMS code,
 * as if no device had been named, and the failed proof counts as a wrong answer. An unknown user
 * never has one (its decoy is the SMS round).
 *
 * Each block but the last ends ok (except SMS* above); tokens only when the whole path is done
 * (the sign-in path: unless the call's intent asks for more). Limits: fewer than MAX_PHONE_ATTEMPTS
 * failed phone rounds, fewer than MAX_CODE_ATTEMPTS wrong answers (wrong codes of every code block
 * and wrong recovery codes together), at most MAX_RESENDS `resent` rounds and at most MAX_ROUNDS
 * entries in all. A failed code round followed by a `resent`/`wait` round was a `RESEND`, and one
 * followed by the RECOVERY block was a `RECOVERY`: neither is counted. A failed code round that
 * nothing follows yet is counted (Define cannot see the answer): a reserved answer after the last
 * wrong code a sign-in allows ends it like a wrong code would. Anything else (a custom round first,
 * a missing or failed password step, an unknown challenge name, an untagged or foreign custom round,
 * a block out of its path) fails authentication.
 *
 * Rules that tie the session to the user as Cognito sees them now (the attributes of this event):
 * - the sign-in, change, new-codes and recovery paths need a verified phone (or an unknown user's
 *   decoy, which never ends in tokens);
 * - the enrolment path is only for a user without a verified phone: it fails once the phone is
 *   verified, unless this very session has just bound it (its SMS block ended ok; the Verify that
 *   bound the number checked the attributes of its own event and used the user's one current
 *   code, single-use; docs/two-factor.md); an unknown user is never on it;
 * - challenge names that other pool features bring (SMS_MFA, SOFTWARE_TOKEN_MFA, device tracking)
 *   fail closed with a reason that names them (`foreign_challenge_<NAME>`), so an operator can see
 *   what to switch off (docs/two-factor.md, "Pools with other MFA or device tracking").
 *
 * Define (`decide`) and Create (`planCustomRound`) read the session with the same function
 * (`nextStep`), so the round Create builds is always the round Define agreed to.
 */
import {
  type ChallengeType,
  type CodeChannel,
  type Intent,
  isCodeChannel,
  parseMetadata,
  type RoundMark,
} from '#shared/challenge/protocol';

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
  /** Wrong answers (codes and recovery codes) allowed per sign-in (the next wrong one fails it). */
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
  /** Code rounds only: built in answer to a `RESEND`. */
  mark?: RoundMark | undefined;
}

/** Consecutive custom rounds of one type. */
export interface Block {
  type: ChallengeType;
  rounds: CustomRound[];
  /** Its last round was answered right. */
  ok: boolean;
}

export type SessionReading =
  | { valid: false; reason: string }
  | {
      valid: true;
      passwordSteps: 0 | 1 | 2;
      newPasswordStep: boolean;
      custom: CustomRound[];
      blocks: Block[];
    };

export type Decision =
  | { outcome: 'challenge'; challengeName: 'PASSWORD_VERIFIER' | 'CUSTOM_CHALLENGE' }
  | { outcome: 'tokens' }
  | { outcome: 'fail'; reason: string };

/** What Create must build for the next custom round. */
export type RoundPlan =
  /** A user without a verified phone begins: EMAIL_OTP or PHONE_REQUIRED, by the enrolment rule. */
  | { kind: 'start_enrolment' }
  /** A number for a first enrolment (`verify_phone`) or to replace the verified one (`replace_phone`). */
  | { kind: 'ask_phone'; purpose: 'verify_phone' | 'replace_phone' }
  /**
   * First SMS round to the user's verified phone. `deviceMayProve`: it is the sign-in's first
   * custom round, so a remembered device the app names may prove the sign-in instead (Create
   * decides, from the device records it reads anyway).
   */
  | { kind: 'send_code'; phoneFrom: 'profile'; deviceMayProve: boolean }
  /**
   * First SMS round to the number proven valid in the PHONE_REQUIRED round `phoneRoundId`: a first
   * enrolment (`verify_phone`) or a new number after a full second factor (`replace_phone`).
   */
  | {
      kind: 'send_code';
      phoneFrom: 'phone_round';
      phoneRoundId: string;
      purpose: 'verify_phone' | 'replace_phone';
    }
  /**
   * A wrong code or a reserved answer was entered (only the code's item tells which): the same code
   * (round `codeRoundId`) is asked for again, or a new one is sent, or (`RECOVERY`) a recovery code
   * is asked for; `resends` new codes were sent in answer to a `RESEND` in this sign-in so far.
   */
  | { kind: 'repeat_code'; channel: CodeChannel; codeRoundId: string; resends: number }
  | { kind: 'ask_recovery_code' }
  | { kind: 'recovery_codes' };

type Path = 'sign_in' | 'change_phone' | 'new_codes' | 'recovery' | 'enrolment' | 'email_enrolment';

/** Block types of each path, in order. */
const PATHS: Record<Path, readonly ChallengeType[]> = {
  sign_in: ['SMS_OTP'],
  change_phone: ['SMS_OTP', 'PHONE_REQUIRED', 'SMS_OTP'],
  new_codes: ['SMS_OTP', 'RECOVERY_CODES'],
  recovery: ['SMS_OTP', 'RECOVERY_CODE', 'PHONE_REQUIRED', 'SMS_OTP', 'RECOVERY_CODES'],
  enrolment: ['PHONE_REQUIRED', 'SMS_OTP', 'RECOVERY_CODES'],
  email_enrolment: ['EMAIL_OTP', 'PHONE_REQUIRED', 'SMS_OTP', 'RECOVERY_CODES'],
};
/** Paths a sign-in with a verified phone is on from its first block. */
const PROFILE_PATHS: readonly Path[] = ['sign_in', 'change_phone', 'new_codes', 'recovery'];

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
 * (Cognito's `EMAIL_OTP` challenge name is its own email MFA; ours is a `type` of CUSTOM_CHALLENGE.)
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

/** Parses the session into password steps and blocks, checking each block's own rules. */
export function readSession(session: readonly SessionEntry[]): SessionReading {
  const invalid = (reason: string): SessionReading => ({ valid: false, reason });
  const custom: CustomRound[] = [];
  const blocks: Block[] = [];
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
    const round: CustomRound = {
      type: tag.type,
      id: tag.id,
      ok: entry.challengeResult === true,
      ...(tag.mark ? { mark: tag.mark } : {}),
    };
    const block = blocks.at(-1);
    if (block && !block.ok && block.type === round.type) {
      // The block goes on after a failed round: a code round keeps its code unless a new one was
      // sent (`resent`); a `wait` round keeps it too.
      const previous = block.rounds.at(-1) as CustomRound;
      if (isCodeChannel(round.type) && round.mark !== 'resent' && round.id !== previous.id)
        return invalid('code_round_id_changed');
      // A device proves itself once per sign-in: a failed proof is followed by the SMS code.
      if (round.type === 'DEVICE_PROOF') return invalid('device_proof_repeated');
      block.rounds.push(round);
      block.ok = round.ok;
    } else {
      if (block?.ok && block.type === round.type) return invalid('round_after_final_answer');
      if (round.mark) return invalid('resend_round_out_of_order');
      blocks.push({ type: round.type, rounds: [round], ok: round.ok });
    }
    custom.push(round);
  }
  return { valid: true, passwordSteps, newPasswordStep, custom, blocks };
}

/** Which path the blocks so far are on, or why none. */
function pathOf(blocks: readonly Block[]): { path: Path } | { reason: string } {
  const types = blocks.map((block) => block.type);
  const fits = (path: Path) => types.every((type, index) => PATHS[path][index] === type);
  // Paths are told apart by their first two block types, so at most one fits (`sign_in` is the
  // common prefix of the profile paths: it stands for them until the second block).
  const path = (Object.keys(PATHS) as Path[]).find(fits);
  if (!path) return { reason: 'round_out_of_order' };
  // Every block but the last ends ok; only the recovery path's first block ends in the failed
  // round that asked for a recovery code.
  for (const [index, block] of blocks.slice(0, -1).entries()) {
    const switchesToRecovery = path === 'recovery' && index === 0;
    if (block.ok === switchesToRecovery)
      return { reason: switchesToRecovery ? 'recovery_after_right_code' : 'round_after_unfinished_block' };
  }
  return { path };
}

/** Wrong answers: failed code rounds not answered by a resend's round or a recovery block, and wrong recovery codes. */
export function wrongAnswers(blocks: readonly Block[]): number {
  let wrong = 0;
  for (const [index, block] of blocks.entries()) {
    if (block.type === 'RECOVERY_CODE' || block.type === 'DEVICE_PROOF')
      wrong += block.rounds.filter((round) => !round.ok).length;
    if (!isCodeChannel(block.type)) continue;
    const next = blocks[index + 1];
    block.rounds.forEach((round, at) => {
      if (round.ok) return;
      const following = block.rounds[at + 1];
      if (following?.mark !== undefined) return; // a RESEND
      if (!following && next?.type === 'RECOVERY_CODE') return; // the RECOVERY that began that block
      wrong++;
    });
  }
  return wrong;
}

/** New codes sent in answer to `RESEND`. */
export function resentCodes(rounds: readonly CustomRound[]): number {
  return rounds.filter((round) => round.mark === 'resent').length;
}

type Step =
  | { outcome: 'fail'; reason: string }
  | { outcome: 'tokens' }
  | { outcome: 'round'; plan: RoundPlan };

/**
 * The one reading of a session after both password steps, shared by Define and Create: fail,
 * tokens, or the custom round that comes next. Limits are Define's; Create passes none.
 */
export function nextStep(
  reading: Extract<SessionReading, { valid: true }>,
  user: SignInUser,
  intent: Intent | 'unknown' | undefined,
): Step {
  const fail = (reason: string): Step => ({ outcome: 'fail', reason });
  const round = (plan: RoundPlan): Step => ({ outcome: 'round', plan });
  if (intent === 'unknown') return fail('unknown_intent');
  const smsFromProfile = (deviceMayProve: boolean) =>
    round({ kind: 'send_code', phoneFrom: 'profile', deviceMayProve });
  let { blocks } = reading;
  if (blocks[0]?.type === 'DEVICE_PROOF') {
    const device = blocks[0];
    if (user.userNotFound) return fail('device_proof_for_unknown_user');
    if (!user.phoneVerified) return fail('device_proof_without_verified_phone');
    // Right: the second factor, unless the app asks for more (then the SMS code first). Wrong: the
    // SMS code, as if no device had been named.
    if (blocks.length === 1)
      return device.ok && intent === undefined ? { outcome: 'tokens' } : smsFromProfile(false);
    blocks = blocks.slice(1);
    if (blocks[0]?.type !== 'SMS_OTP') return fail('round_out_of_order');
  }
  const last = blocks.at(-1);
  if (!last) {
    if (user.phoneVerified || user.userNotFound) return smsFromProfile(true);
    return round({ kind: 'start_enrolment' });
  }
  const found = pathOf(blocks);
  if ('reason' in found) return fail(found.reason);
  const { path } = found;
  const onProfile = PROFILE_PATHS.includes(path);
  if (onProfile && !user.phoneVerified && !user.userNotFound) return fail('code_without_verified_phone');
  if (!onProfile && user.userNotFound) return fail('phone_round_for_unknown_user');
  // A stale enrolment: this sign-in is on the enrolment path, but the user has a verified phone now
  // (enrolled meanwhile, in another sign-in), and this session did not bind it.
  const bound = blocks.some((block) => block.type === 'SMS_OTP' && block.ok);
  if (!onProfile && user.phoneVerified && !bound) return fail('phone_path_for_verified_user');

  // An unknown user's decoy never gets a round right, so no block of theirs ever ended ok: a
  // session that says otherwise was not built by Create (defence in depth; Cognito cannot send it).
  if (user.userNotFound && blocks.some((block) => block.ok)) return fail('user_not_found');
  const position = blocks.length - 1;
  const phonePurpose = onProfile ? 'replace_phone' : 'verify_phone';
  if (!last.ok) {
    const lastRound = last.rounds.at(-1) as CustomRound;
    switch (last.type) {
      case 'PHONE_REQUIRED':
        return round({ kind: 'ask_phone', purpose: phonePurpose });
      case 'RECOVERY_CODE':
        return round({ kind: 'ask_recovery_code' });
      case 'RECOVERY_CODES':
        return round({ kind: 'recovery_codes' });
      case 'DEVICE_PROOF':
        return fail('round_out_of_order');
      default:
        return round({
          kind: 'repeat_code',
          channel: last.type,
          codeRoundId: lastRound.id,
          resends: resentCodes(reading.custom),
        });
    }
  }
  if (user.userNotFound) return fail('user_not_found');
  const pathTypes = PATHS[path];
  if (position === pathTypes.length - 1) {
    // The sign-in path is complete, unless the app asked for more steps after it.
    if (path === 'sign_in' && intent === 'change_phone')
      return round({ kind: 'ask_phone', purpose: 'replace_phone' });
    if (path === 'sign_in' && intent === 'new_recovery_codes') return round({ kind: 'recovery_codes' });
    return { outcome: 'tokens' };
  }
  const next = pathTypes[position + 1];
  switch (next) {
    case 'PHONE_REQUIRED':
      return round({ kind: 'ask_phone', purpose: phonePurpose });
    case 'SMS_OTP':
      return round({
        kind: 'send_code',
        phoneFrom: 'phone_round',
        phoneRoundId: (last.rounds.at(-1) as CustomRound).id,
        purpose: phonePurpose,
      });
    case 'RECOVERY_CODES':
      return round({ kind: 'recovery_codes' });
    default:
      // Within a path, only the blocks above follow an ok block.
      return fail('round_out_of_order');
  }
}

/** Define: the next step for this session, or tokens, or failure. */
export function decide(
  session: readonly SessionEntry[],
  user: SignInUser,
  limits: AttemptLimits,
  intent?: Intent | 'unknown' | undefined,
): Decision {
  const fail = (reason: string): Decision => ({ outcome: 'fail', reason });
  const reading = readSession(session);
  if (!reading.valid) return fail(reading.reason);
  if (reading.passwordSteps === 0) return fail('password_step_missing');
  // Cognito's own new-password step is not one of our rounds: it does not use up the limit.
  const rounds = session.length - (reading.newPasswordStep ? 1 : 0);
  if (rounds > limits.maxRounds) return fail('too_many_rounds');
  if (reading.passwordSteps === 1) return { outcome: 'challenge', challengeName: 'PASSWORD_VERIFIER' };

  const { custom, blocks } = reading;
  const failedPhones = custom.filter((round) => round.type === 'PHONE_REQUIRED' && !round.ok).length;
  if (failedPhones >= limits.maxPhoneAttempts) return fail('too_many_phone_attempts');
  if (wrongAnswers(blocks) >= limits.maxCodeAttempts) return fail('too_many_wrong_codes');
  if (resentCodes(custom) > limits.maxResends) return fail('too_many_resends');

  const step = nextStep(reading, user, intent);
  if (step.outcome !== 'round') return step;
  if (rounds >= limits.maxRounds) return fail('too_many_rounds');
  return { outcome: 'challenge', challengeName: 'CUSTOM_CHALLENGE' };
}

/**
 * Create: which custom round comes next. `undefined` when the session does not call for a custom
 * round at all (Define would not have asked for one).
 */
export function planCustomRound(
  session: readonly SessionEntry[],
  user: SignInUser,
  intent?: Intent | 'unknown' | undefined,
): RoundPlan | undefined {
  const reading = readSession(session);
  if (!reading.valid || reading.passwordSteps !== 2) return undefined;
  const step = nextStep(reading, user, intent);
  return step.outcome === 'round' ? step.plan : undefined;
}

/** Is this sign-in on the enrolment path (its first custom round asked for an email code or a number)? */
export function onPhonePath(session: readonly SessionEntry[]): boolean {
  const reading = readSession(session);
  const first = reading.valid ? reading.custom[0]?.type : undefined;
  return first === 'PHONE_REQUIRED' || first === 'EMAIL_OTP';
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
