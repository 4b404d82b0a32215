/**
 * Sessions for the property tests of Define's decision table (session.ts), and the oracle they are
 * judged by: one letter per entry, then a regular expression per path, written independently of
 * session.ts. Shared by session.property.test.ts (the protocol's paths and limits) and
 * session-devices.property.test.ts (the remembered device's round).
 *
 *   SRP_A ok, PASSWORD_VERIFIER ok, [NEW_PASSWORD_REQUIRED ok], then the blocks of one path
 *
 *   sign-in        [DEVICE] SMS                                 verified phone, no intent
 *   change phone   [DEVICE] SMS PHONE SMS                       verified phone
 *   new codes      [DEVICE] SMS CODES                           verified phone
 *   recovery       [DEVICE] SWITCH RECOVERY PHONE SMS CODES     verified phone
 *   enrolment      [EMAIL] PHONE SMS CODES
 *   remembered     DEVICE (right)                               verified phone, no intent
 *
 * where a code block (SMS, EMAIL) is a plain round, then rounds each after a failed one: plain or
 * `wait` with the same id, or `resent` with any id, only the last one right; SWITCH is such a
 * block whose last round failed (it was answered RECOVERY); PHONE, RECOVERY and CODES are failed
 * rounds then a right one; DEVICE is one DEVICE_PROOF round, right or wrong (a wrong one, or a
 * right one answered with an intent, is followed by the profile path). Limits: fewer than
 * MAX_CODE_ATTEMPTS wrong answers (failed code rounds not followed by a resend's round or, for the
 * SWITCH, by the recovery block, plus failed recovery codes and a failed device proof), fewer than
 * MAX_PHONE_ATTEMPTS failed phone rounds, at most MAX_RESENDS `resent` rounds, at most MAX_ROUNDS
 * entries besides the new-password step; never for an unknown user or an unknown intent.
 *
 * Runs FC_RUNS times (default 2,000 in CI; set FC_RUNS=10000 or more for a deeper search).
 */
import fc from 'fast-check';
import type { Intent } from '#shared/challenge/protocol';
import { type AttemptLimits, decide, type SessionEntry, type SignInUser } from '#shared/challenge/session';

export const RUNS = Number(process.env.FC_RUNS ?? 2000);
export type IntentArg = Intent | 'unknown' | undefined;

export const IDS = ['0'.repeat(32), 'f'.repeat(32), '0123456789abcdef0123456789abcdef'];
export const TYPES = [
  'PHONE_REQUIRED',
  'SMS_OTP',
  'EMAIL_OTP',
  'RECOVERY_CODE',
  'RECOVERY_CODES',
  'DEVICE_PROOF',
] as const;
/** Challenge names of Cognito's own MFA, device tracking and other flows. */
export const FOREIGN = [
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
];
const NAMES = ['SRP_A', 'PASSWORD_VERIFIER', 'CUSTOM_CHALLENGE', 'NEW_PASSWORD_REQUIRED', ...FOREIGN];

export const metadataArb = fc.oneof(
  fc.constantFrom(undefined, null, ''),
  fc.tuple(fc.constantFrom(...TYPES), fc.constantFrom(...IDS)).map(([type, id]) => `${type}:${id}`),
  fc
    .tuple(
      fc.constantFrom('SMS_OTP', 'EMAIL_OTP'),
      fc.constantFrom(...IDS),
      fc.constantFrom('resent', 'wait'),
    )
    .map(([type, id, mark]) => `${type}:${id}:${mark}`),
  fc.constantFrom(
    'SMS_OTP:',
    'SMS_OTP:abc',
    `sms_otp:${IDS[0]}`,
    `SMS_OTP:${IDS[0]}:x`,
    `SMS_OTP:${IDS[0]}:resent:wait`,
    `SMS_OTP:${IDS[0]}:RESENT`,
    `EMAIL_OTP:${IDS[0]}:again`,
    `PHONE_REQUIRED:${IDS[0]}:resent`,
    `RECOVERY_CODE:${IDS[0]}:wait`,
    `RECOVERY_CODES:${IDS[0]}:resent`,
    `DEVICE_PROOF:${IDS[0]}:resent`,
    `DEVICE_PROOF:${IDS[0]}:wait`,
    `RECOVERY_CODE:${'0a'.repeat(16).toUpperCase()}`,
    `MAGIC:${IDS[0]}`,
  ),
  fc.string({ maxLength: 50 }),
);

export const entryArb: fc.Arbitrary<SessionEntry> = fc.record({
  challengeName: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...NAMES) }, fc.string({ maxLength: 20 })),
  challengeResult: fc.boolean(),
  challengeMetadata: metadataArb,
});

/** A well-formed custom round (valid tag, any type, either result, a mark on code rounds sometimes). */
export const customEntryArb: fc.Arbitrary<SessionEntry> = fc.record({
  challengeName: fc.constant('CUSTOM_CHALLENGE'),
  challengeResult: fc.boolean(),
  challengeMetadata: fc
    .tuple(fc.constantFrom(...TYPES), fc.constantFrom(...IDS), fc.constantFrom('', '', ':resent', ':wait'))
    .map(([type, id, mark]) => `${type}:${id}${type === 'SMS_OTP' || type === 'EMAIL_OTP' ? mark : ''}`),
});

/**
 * The blocks a generated session is made of; SWITCH is an SMS block that ends in the RECOVERY answer;
 * DEVICE is one DEVICE_PROOF round, right or wrong.
 */
export type BlockKind = 'SMS' | 'SWITCH' | 'EMAIL' | 'PHONE' | 'RECOVERY' | 'CODES' | 'DEVICE';
export const PATH_BLOCKS: BlockKind[][] = [
  ['SMS'],
  ['SMS', 'PHONE', 'SMS'],
  ['SMS', 'CODES'],
  ['SWITCH', 'RECOVERY', 'PHONE', 'SMS', 'CODES'],
  ['PHONE', 'SMS', 'CODES'],
  ['EMAIL', 'PHONE', 'SMS', 'CODES'],
  // A remembered device first: its proof alone, or (wrong, or right with an intent) a profile path.
  ['DEVICE'],
  ['DEVICE', 'SMS'],
  ['DEVICE', 'SMS', 'PHONE', 'SMS'],
  ['DEVICE', 'SMS', 'CODES'],
  ['DEVICE', 'SWITCH', 'RECOVERY', 'PHONE', 'SMS', 'CODES'],
];
export const ENROLMENT_BLOCKS = PATH_BLOCKS.filter(
  (blocks) => blocks[0] === 'PHONE' || blocks[0] === 'EMAIL',
);
const TYPE_OF: Record<BlockKind, string> = {
  SMS: 'SMS_OTP',
  SWITCH: 'SMS_OTP',
  EMAIL: 'EMAIL_OTP',
  PHONE: 'PHONE_REQUIRED',
  RECOVERY: 'RECOVERY_CODE',
  CODES: 'RECOVERY_CODES',
  DEVICE: 'DEVICE_PROOF',
};

/** `arb`, or (`weight` times as often) `value`. */
export const mostly = <T, U>(value: U, weight: number, arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight, arbitrary: fc.constant(value) }, { weight: 1, arbitrary: arb });

const blockArb = fc.record({
  /** Wrong answers before the right one. */
  fails: mostly(0, 2, fc.nat(3)),
  /** After each failed code round (and before the first wrong one), RESENDs: `resent` (new id) or `wait`. */
  resends: fc.array(
    mostly([], 3, fc.array(fc.constantFrom('resent', 'wait'), { minLength: 1, maxLength: 2 })),
    {
      minLength: 4,
      maxLength: 4,
    },
  ),
  id: fc.constantFrom(...IDS),
  /** The block ends the other way: a SWITCH after a right code, or another block after an unfinished one. */
  flip: mostly(false, 6, fc.constant(true)),
  /** A DEVICE block's one round was answered right. */
  deviceOk: mostly(true, 2, fc.constant(false)),
});

const mutationArb = fc.record({
  index: fc.nat(20),
  entry: fc.oneof(entryArb, customEntryArb),
  kind: fc.constantFrom('replace', 'insert', 'delete', 'flip', 'retag'),
});

/** Sessions built like real ones along `pathArb`'s blocks, then maybe cut short or damaged. */
export const sessionAlong = (pathArb: fc.Arbitrary<BlockKind[]>): fc.Arbitrary<SessionEntry[]> =>
  fc
    .record({
      /** Cognito's new-password step recorded as an entry (AdminCreateUser users), or not. */
      newPassword: fc.boolean(),
      kinds: pathArb,
      blocks: fc.array(blockArb, { minLength: 6, maxLength: 6 }),
      /** Index of a code round that carries another id (a forged or foreign round), if any. */
      otherIdAt: mostly(null, 4, fc.nat(8)),
      /** Keep only this many custom rounds (a sign-in still going, or its last answer pending). */
      cut: mostly(null, 2, fc.nat(14)),
      /** The last answer (after any cut) was wrong: a sign-in still going, or ended by a limit. */
      pending: mostly(false, 3, fc.constant(true)),
      mutation: mostly(null, 2, mutationArb),
    })
    .map(({ newPassword, kinds, blocks, otherIdAt, cut, pending, mutation }) => {
      const custom: SessionEntry[] = [];
      let codeRounds = 0;
      const push = (ok: boolean, type: string, id: string, mark = '') => {
        const forged = type.endsWith('_OTP') && codeRounds++ === otherIdAt;
        const roundId = forged ? (IDS.find((other) => other !== id) ?? id) : id;
        custom.push({
          challengeName: 'CUSTOM_CHALLENGE',
          challengeResult: ok,
          challengeMetadata: `${type}:${roundId}${mark ? `:${mark}` : ''}`,
        });
      };
      kinds.forEach((kind, index) => {
        const block = blocks[index];
        if (!block) return;
        const { fails, resends, id: firstId, flip, deviceOk } = block;
        const type = TYPE_OF[kind];
        let id = firstId;
        if (kind === 'DEVICE') {
          push(deviceOk, type, id);
          return;
        }
        if (type.endsWith('_OTP')) {
          for (let i = 0; i <= fails; i++) {
            push(false, type, id);
            for (const mark of resends[i] ?? []) {
              if (mark === 'resent') id = IDS[(IDS.indexOf(id) + 1) % IDS.length] ?? id;
              push(false, type, id, mark);
            }
          }
        } else {
          // Ids of other rounds are fresh each time: any id will do.
          for (let i = 0; i < fails; i++) push(false, type, IDS[(IDS.indexOf(id) + i) % IDS.length] ?? id);
          push(false, type, id);
        }
        // The block's last round answered right, except the SWITCH (its last answer was RECOVERY).
        const last = custom.at(-1);
        if (last) custom[custom.length - 1] = { ...last, challengeResult: (kind !== 'SWITCH') !== flip };
      });
      const session: SessionEntry[] = [
        { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
        { challengeName: 'PASSWORD_VERIFIER', challengeResult: true },
        ...(newPassword ? [{ challengeName: 'NEW_PASSWORD_REQUIRED', challengeResult: true }] : []),
        ...(cut === null ? custom : custom.slice(0, cut)),
      ];
      const last = session.at(-1);
      if (pending && last?.challengeName === 'CUSTOM_CHALLENGE')
        session[session.length - 1] = { ...last, challengeResult: false };
      if (mutation) {
        const at = mutation.index % (session.length + 1);
        const target = session[at];
        if (mutation.kind === 'replace' && target) session[at] = mutation.entry;
        if (mutation.kind === 'insert') session.splice(at, 0, mutation.entry);
        if (mutation.kind === 'delete') session.splice(at, 1);
        if (mutation.kind === 'flip' && target)
          session[at] = { ...target, challengeResult: !target.challengeResult };
        if (mutation.kind === 'retag' && target)
          session[at] = { ...target, challengeMetadata: mutation.entry.challengeMetadata };
      }
      return session;
    });

const anyBlocksArb = fc.array(
  fc.constantFrom<BlockKind>('SMS', 'SWITCH', 'EMAIL', 'PHONE', 'RECOVERY', 'CODES', 'DEVICE'),
  {
    minLength: 1,
    maxLength: 5,
  },
);
export const nearValidArb = sessionAlong(
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PATH_BLOCKS) }, { weight: 1, arbitrary: anyBlocksArb }),
);
export const sessionArb = fc.oneof(
  { weight: 4, arbitrary: nearValidArb },
  { weight: 1, arbitrary: fc.array(entryArb, { maxLength: 12 }) },
);
export const userArb: fc.Arbitrary<SignInUser> = fc.record({
  phoneVerified: fc.constantFrom(true, true, false),
  userNotFound: fc.constantFrom(false, false, false, true),
});
export const intentArb = fc.constantFrom<IntentArg>(
  undefined,
  undefined,
  'change_phone',
  'new_recovery_codes',
  'unknown',
);
export const limitsArb: fc.Arbitrary<AttemptLimits> = fc.record({
  maxCodeAttempts: fc.integer({ min: 1, max: 4 }),
  maxPhoneAttempts: fc.integer({ min: 1, max: 4 }),
  maxRounds: mostly(16, 1, fc.integer({ min: 4, max: 16 })),
  maxResends: fc.integer({ min: 0, max: 3 }),
});

// ---- The oracle -------------------------------------------------------------------------------

export const empty = (m: unknown) => m === undefined || m === null || m === '';
/** Cognito's new-password step, where it may stand: right after the two password steps. */
export const isNewPasswordStep = (entry: SessionEntry, index: number) =>
  index === 2 && entry.challengeName === 'NEW_PASSWORD_REQUIRED';
/** The entries that count against MAX_ROUNDS (all but a recorded new-password step). */
export const roundsOf = (session: SessionEntry[]) =>
  session.filter((entry, index) => !isNewPasswordStep(entry, index)).length;

export const TAG =
  /^(PHONE_REQUIRED|SMS_OTP|EMAIL_OTP|RECOVERY_CODE|RECOVERY_CODES|DEVICE_PROOF):([0-9a-f]{32})(?::(resent|wait))?$/;
/** Lower case: the round failed; upper case: right. `t`/`f`: an SMS/EMAIL round built for a RESEND. */
const LETTER: Record<string, string> = {
  PHONE_REQUIRED: 'p',
  SMS_OTP: 's',
  EMAIL_OTP: 'e',
  RECOVERY_CODE: 'r',
  RECOVERY_CODES: 'k',
  DEVICE_PROOF: 'd',
};
const MARKED: Record<string, string> = { SMS_OTP: 't', EMAIL_OTP: 'f' };

export interface Letters {
  text: string;
  /** Per entry index: the custom round's id and mark. */
  tags: ({ id: string; mark: string } | undefined)[];
}

export function lettersOf(session: SessionEntry[]): Letters {
  const tags: Letters['tags'] = [];
  const text = session
    .map((entry, index) => {
      const { challengeName: name, challengeResult: ok, challengeMetadata: meta } = entry;
      if (index === 0) return name === 'SRP_A' && ok === true && empty(meta) ? 'A' : 'x';
      if (index === 1) return name === 'PASSWORD_VERIFIER' && ok === true && empty(meta) ? 'V' : 'x';
      if (isNewPasswordStep(entry, index)) return ok === true && empty(meta) ? 'N' : 'x';
      if (name !== 'CUSTOM_CHALLENGE' || typeof meta !== 'string') return 'x';
      const [, type = '', id = '', mark = ''] = TAG.exec(meta) ?? [];
      const letter = mark ? MARKED[type] : LETTER[type];
      if (!letter) return 'x';
      tags[index] = { id, mark };
      return ok === true ? letter.toUpperCase() : letter;
    })
    .join('');
  return { text, tags };
}

const SMS = '(?:S|s[st]*[ST])';
const EMAIL = '(?:E|e[ef]*[EF])';
const PHONE = 'p*P';
const RECOVERY = 'r*R';
const CODES = 'k*K';
const SWITCH = 's[st]*';
/** A remembered device's proof, right or wrong, may stand before a profile path. */
const DEVICE_FIRST = '[Dd]?';
export const PATHS = {
  sign_in: { profile: true, blocks: `${DEVICE_FIRST}${SMS}` },
  change_phone: { profile: true, blocks: `${DEVICE_FIRST}${SMS}${PHONE}${SMS}` },
  new_codes: { profile: true, blocks: `${DEVICE_FIRST}${SMS}${CODES}` },
  recovery: { profile: true, blocks: `${DEVICE_FIRST}${SWITCH}${RECOVERY}${PHONE}${SMS}${CODES}` },
  enrolment: { profile: false, blocks: `(?:${EMAIL})?${PHONE}${SMS}${CODES}` },
  /** The remembered device's right proof, alone: the whole second factor. */
  remembered: { profile: true, blocks: 'D' },
} as const;
export type PathName = keyof typeof PATHS;

const completePath = (text: string): PathName | undefined =>
  (Object.keys(PATHS) as PathName[]).find((path) => new RegExp(`^AVN?${PATHS[path].blocks}$`).test(text));

/** Within a code block, a round after a failed one keeps its id unless it is a `resent` round. */
function idsHold({ text, tags }: Letters): boolean {
  const channel = (letter: string | undefined) =>
    letter && 'sStT'.includes(letter) ? 'SMS' : letter && 'eEfF'.includes(letter) ? 'EMAIL' : undefined;
  for (let i = 1; i < text.length; i++) {
    const previous = text[i - 1] as string;
    if (!channel(previous) || channel(previous) !== channel(text[i]) || previous !== previous.toLowerCase())
      continue;
    if (tags[i]?.mark !== 'resent' && tags[i]?.id !== tags[i - 1]?.id) return false;
  }
  return true;
}

/**
 * Wrong answers: failed code rounds not answered by a resend's round or (SMS) the recovery block;
 * failed recovery codes; a failed device proof.
 */
export function wrongAnswers(text: string): number {
  let wrong = 0;
  for (let i = 0; i < text.length; i++) {
    const letter = text[i] as string;
    const following = text[i + 1] ?? '';
    if (letter === 'r' || letter === 'd') wrong++;
    if (!'stef'.includes(letter)) continue;
    const sms = 'st'.includes(letter);
    if ((sms ? 'tT' : 'fF').includes(following) && following !== '') continue; // a RESEND
    if (sms && following !== '' && 'rR'.includes(following)) continue; // the RECOVERY
    wrong++;
  }
  return wrong;
}

export const count = (text: string, letter: string) => text.split(letter).length - 1;
export const resentRounds = ({ tags }: Letters) => tags.filter((tag) => tag?.mark === 'resent').length;

/** Which complete path the oracle sees, if Define must issue tokens for it; else undefined. */
export function expectedTokens(
  session: SessionEntry[],
  user: SignInUser,
  limits: AttemptLimits,
  intent: IntentArg,
): PathName | undefined {
  if (user.userNotFound || intent === 'unknown' || roundsOf(session) > limits.maxRounds) return undefined;
  const letters = lettersOf(session);
  const path = completePath(letters.text);
  if (!path || !idsHold(letters)) return undefined;
  if (wrongAnswers(letters.text) >= limits.maxCodeAttempts) return undefined;
  if (count(letters.text, 'p') >= limits.maxPhoneAttempts) return undefined;
  if (resentRounds(letters) > limits.maxResends) return undefined;
  if (PATHS[path].profile && !user.phoneVerified) return undefined;
  // A right sign-in code (or device proof) with an intent is not the end: the intent's rounds come next.
  if ((path === 'sign_in' || path === 'remembered') && intent !== undefined) return undefined;
  return path;
}

export interface Round {
  type: string;
  ok: boolean;
}
/** The custom rounds in order, read from well-formed tags only. */
export const customRounds = (session: SessionEntry[]): Round[] =>
  session.flatMap((entry) => {
    const type =
      entry.challengeName === 'CUSTOM_CHALLENGE' ? TAG.exec(entry.challengeMetadata ?? '')?.[1] : undefined;
    return type ? [{ type, ok: entry.challengeResult === true }] : [];
  });
/** Is there a right round of each type of `types`, in that order? */
export function rightInOrder(rounds: Round[], types: string[]): boolean {
  let at = 0;
  for (const round of rounds) if (round.ok && round.type === types[at]) at++;
  return at === types.length;
}

/** The first custom round's type, read independently of session.ts (undefined: none or untagged). */
export const firstCustomType = (session: SessionEntry[]) => customRounds(session)[0]?.type;

/** Every shorter session from the password on was answered by Define with another round: Cognito could have built it. */
export function reachable(
  session: SessionEntry[],
  user: SignInUser,
  limits: AttemptLimits,
  intent: IntentArg,
): boolean {
  for (let length = 2; length < session.length; length++)
    if (decide(session.slice(0, length), user, limits, intent).outcome !== 'challenge') return false;
  return true;
}

/** [SRP_A ok, PASSWORD_VERIFIER ok] with no metadata: a prefix nothing is wrong with. */
export function isCleanPasswordPrefix(entries: SessionEntry[]): boolean {
  const [a, v] = entries;
  return (
    a?.challengeName === 'SRP_A' &&
    a.challengeResult === true &&
    empty(a.challengeMetadata) &&
    v?.challengeName === 'PASSWORD_VERIFIER' &&
    v.challengeResult === true &&
    empty(v.challengeMetadata)
  );
}
