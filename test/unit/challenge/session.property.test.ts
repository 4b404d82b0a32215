/**
 * Property: for ANY session, Define issues tokens exactly for the valid sequences
 *   SRP_A ok, PASSWORD_VERIFIER ok, [NEW_PASSWORD_REQUIRED ok], [PHONE_REQUIRED failed]{0,k-1} PHONE_REQUIRED ok, <code rounds>
 *   SRP_A ok, PASSWORD_VERIFIER ok, [NEW_PASSWORD_REQUIRED ok], <code rounds>     (verified phone only)
 * where <code rounds> is a plain SMS_OTP round, then SMS_OTP rounds each after a failed one: plain
 * or `wait` with the same id, or `resent` with any id; only the last one ok; fewer than m failed
 * rounds not followed by a `resent`/`wait` round (the wrong codes); at most MAX_RESENDS `resent`
 * rounds. No metadata on the password or new-password steps, at most
 * MAX_ROUNDS entries besides the new-password step, and never for an unknown user. The oracle below
 * is written independently of session.ts: it turns each entry into a letter and matches a regular
 * expression. Two rules of the attack review get properties of their own: a sign-in on the phone
 * path of a user whose phone is verified never goes on and yields tokens only when it has just
 * ended in the right code (the enrolment that verified the phone), and a session that holds a
 * challenge of Cognito's own MFA or device tracking never yields tokens or another round.
 *
 * Runs FC_RUNS times (default 2,000 in CI; set FC_RUNS=10000 or more for a deeper search).
 */
import fc from 'fast-check';
import { type AttemptLimits, decide, type SessionEntry, type SignInUser } from '#shared/challenge/session';

const RUNS = Number(process.env.FC_RUNS ?? 2000);

const IDS = ['0'.repeat(32), 'f'.repeat(32), '0123456789abcdef0123456789abcdef'];
/** Challenge names of Cognito's own MFA, device tracking and other flows. */
const FOREIGN = [
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

const metadataArb = fc.oneof(
  fc.constantFrom(undefined, null, ''),
  fc.constantFrom(...IDS).map((id) => `PHONE_REQUIRED:${id}`),
  fc.constantFrom(...IDS).map((id) => `SMS_OTP:${id}`),
  fc
    .tuple(fc.constantFrom(...IDS), fc.constantFrom('resent', 'wait'))
    .map(([id, mark]) => `SMS_OTP:${id}:${mark}`),
  fc.constantFrom(
    'SMS_OTP:',
    'SMS_OTP:abc',
    `sms_otp:${IDS[0]}`,
    `SMS_OTP:${IDS[0]}:x`,
    `SMS_OTP:${IDS[0]}:resent:wait`,
    `SMS_OTP:${IDS[0]}:RESENT`,
    `PHONE_REQUIRED:${IDS[0]}:resent`,
    `MAGIC:${IDS[0]}`,
  ),
  fc.string({ maxLength: 50 }),
);

const entryArb: fc.Arbitrary<SessionEntry> = fc.record({
  challengeName: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...NAMES) }, fc.string({ maxLength: 20 })),
  challengeResult: fc.boolean(),
  challengeMetadata: metadataArb,
});

/** A well-formed custom round (valid tag, either type, either result). */
const customEntryArb: fc.Arbitrary<SessionEntry> = fc.record({
  challengeName: fc.constant('CUSTOM_CHALLENGE'),
  challengeResult: fc.boolean(),
  challengeMetadata: fc
    .tuple(
      fc.constantFrom('PHONE_REQUIRED', 'SMS_OTP', 'SMS_OTP', 'SMS_OTP'),
      fc.constantFrom(...IDS),
      fc.constantFrom('', '', ':resent', ':wait'),
    )
    .map(([type, id, mark]) => `${type}:${id}${type === 'SMS_OTP' ? mark : ''}`),
});

/** Sessions built like real ones, then maybe damaged: this is where the interesting cases are. */
const nearValidArb: fc.Arbitrary<SessionEntry[]> = fc
  .record({
    /** Cognito's new-password step recorded as an entry (AdminCreateUser users), or not. */
    newPassword: fc.boolean(),
    phonePath: fc.boolean(),
    wrongPhones: fc.nat(3),
    wrongCodes: fc.nat(3),
    /** After each wrong code (and before the first), resends: `resent` (new id) or `wait` rounds. */
    resends: fc.array(fc.array(fc.constantFrom('resent', 'wait'), { maxLength: 2 }), {
      minLength: 4,
      maxLength: 4,
    }),
    finalCode: fc.constantFrom(true, true, false),
    codeId: fc.constantFrom(...IDS),
    /** Index of a code round that carries another id (a forged or foreign round), if any. */
    otherIdAt: fc.option(fc.nat(4), { freq: 4 }),
    phoneId: fc.constantFrom(...IDS),
    mutation: fc.option(
      fc.record({
        index: fc.nat(12),
        entry: fc.oneof(entryArb, customEntryArb),
        kind: fc.constantFrom('replace', 'insert', 'delete', 'flip', 'retag'),
      }),
      { freq: 2 },
    ),
  })
  .map(
    ({
      newPassword,
      phonePath,
      wrongPhones,
      wrongCodes,
      resends,
      finalCode,
      codeId,
      otherIdAt,
      phoneId,
      mutation,
    }) => {
      const custom = (ok: boolean, metadata: string): SessionEntry => ({
        challengeName: 'CUSTOM_CHALLENGE',
        challengeResult: ok,
        challengeMetadata: metadata,
      });
      const session: SessionEntry[] = [
        { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
        { challengeName: 'PASSWORD_VERIFIER', challengeResult: true },
      ];
      if (newPassword) session.push({ challengeName: 'NEW_PASSWORD_REQUIRED', challengeResult: true });
      if (phonePath) {
        for (let i = 0; i < wrongPhones; i++) session.push(custom(false, `PHONE_REQUIRED:${phoneId}`));
        session.push(custom(true, `PHONE_REQUIRED:${phoneId}`));
      }
      // Code rounds: the first plain; after each failed one a wrong code (a plain round) or a
      // RESEND (a `resent` round with the next id, or a `wait` round with the same id).
      let id = codeId;
      let rounds = 0;
      const next = (metadata: (id: string) => string) => {
        const forged = rounds++ === otherIdAt;
        session.push(custom(false, metadata(forged ? (IDS.find((other) => other !== id) ?? id) : id)));
      };
      for (let i = 0; i <= wrongCodes; i++) {
        next((id) => `SMS_OTP:${id}`);
        for (const mark of resends[i] ?? []) {
          if (mark === 'resent') id = IDS[(IDS.indexOf(id) + 1) % IDS.length] ?? id;
          next((id) => `SMS_OTP:${id}:${mark}`);
        }
      }
      // The last round built is answered: right (tokens) or not (the sign-in goes on or ends).
      const last = session.at(-1);
      if (finalCode && last) session[session.length - 1] = { ...last, challengeResult: true };
      else if (!finalCode && wrongCodes === 0 && resends[0]?.length === 0) session.pop();
      if (mutation) {
        const at = mutation.index % (session.length + 1);
        const target = session[at];
        if (mutation.kind === 'replace' && target) session[at] = mutation.entry;
        if (mutation.kind === 'insert') session.splice(at, 0, mutation.entry);
        if (mutation.kind === 'delete') session.splice(at, 1);
        if (mutation.kind === 'flip' && target)
          session[at] = { ...target, challengeResult: !target.challengeResult };
        if (mutation.kind === 'retag' && target) {
          session[at] = { ...target, challengeMetadata: mutation.entry.challengeMetadata };
        }
      }
      return session;
    },
  );

const sessionArb = fc.oneof(
  { weight: 4, arbitrary: nearValidArb },
  { weight: 1, arbitrary: fc.array(entryArb, { maxLength: 12 }) },
);
const userArb: fc.Arbitrary<SignInUser> = fc.record({
  phoneVerified: fc.boolean(),
  userNotFound: fc.constantFrom(false, false, false, true),
});
const limitsArb: fc.Arbitrary<AttemptLimits> = fc.record({
  maxCodeAttempts: fc.integer({ min: 1, max: 4 }),
  maxPhoneAttempts: fc.integer({ min: 1, max: 4 }),
  maxRounds: fc.integer({ min: 4, max: 14 }),
  maxResends: fc.integer({ min: 0, max: 3 }),
});

const empty = (m: unknown) => m === undefined || m === null || m === '';
/** Cognito's new-password step, where it may stand: right after the two password steps. */
const isNewPasswordStep = (entry: SessionEntry, index: number) =>
  index === 2 && entry.challengeName === 'NEW_PASSWORD_REQUIRED';
/** The entries that count against MAX_ROUNDS (all but a recorded new-password step). */
const roundsOf = (session: SessionEntry[]) =>
  session.filter((entry, index) => !isNewPasswordStep(entry, index)).length;

/** The oracle: one letter per entry, then a regular expression. */
function shouldIssueTokens(session: SessionEntry[], user: SignInUser, limits: AttemptLimits): boolean {
  if (user.userNotFound || roundsOf(session) > limits.maxRounds) return false;
  const codes: { id: string; mark: string; ok: boolean }[] = [];
  const letters = session
    .map((entry, index) => {
      const { challengeName: name, challengeResult: ok, challengeMetadata: meta } = entry;
      if (name === 'SRP_A' && ok === true && empty(meta)) return 'A';
      if (name === 'PASSWORD_VERIFIER' && ok === true && empty(meta)) return 'V';
      if (isNewPasswordStep(entry, index) && ok === true && empty(meta)) return 'N';
      if (name !== 'CUSTOM_CHALLENGE' || typeof meta !== 'string') return 'x';
      const phone = /^PHONE_REQUIRED:([0-9a-f]{32})$/.exec(meta);
      if (phone) return ok ? 'P' : 'p';
      const code = /^SMS_OTP:([0-9a-f]{32})(?::(resent|wait))?$/.exec(meta);
      if (code?.[1]) {
        codes.push({ id: code[1], mark: code[2] ?? '', ok: ok === true });
        return 'c';
      }
      return 'x';
    })
    .join('');
  if (!codeRoundsValid(codes, limits)) return false;
  const wrongPhones = `p{0,${limits.maxPhoneAttempts - 1}}`;
  if (new RegExp(`^AVN?${wrongPhones}Pc+$`).test(letters)) return true;
  return user.phoneVerified && /^AVN?c+$/.test(letters);
}

/** The code rounds of a session that may end in tokens (see the grammar at the top). */
function codeRoundsValid(codes: { id: string; mark: string; ok: boolean }[], limits: AttemptLimits): boolean {
  const [first] = codes;
  if (first?.mark !== '' || codes.at(-1)?.ok !== true) return false;
  let wrong = 0;
  let resent = 0;
  for (let i = 1; i < codes.length; i++) {
    const previous = codes[i - 1];
    const round = codes[i];
    if (!previous || !round || previous.ok) return false;
    if (round.mark !== 'resent' && round.id !== previous.id) return false;
    if (round.mark === '') wrong++;
    if (round.mark === 'resent') resent++;
  }
  return wrong < limits.maxCodeAttempts && resent <= limits.maxResends;
}

/** Failed SMS_OTP entries not answered by a `resent`/`wait` round: the wrong codes. */
function wrongCodeEntries(session: SessionEntry[]): number {
  const marked = (entry: SessionEntry | undefined) =>
    /^SMS_OTP:.*:(resent|wait)$/.test(entry?.challengeMetadata ?? '');
  return session.filter(
    (entry, index) =>
      entry.challengeResult === false &&
      entry.challengeMetadata?.startsWith('SMS_OTP:') &&
      !marked(session[index + 1]),
  ).length;
}

test(`Define issues tokens exactly for the valid sequences (${RUNS} runs)`, () => {
  let valid = 0;
  fc.assert(
    fc.property(sessionArb, userArb, limitsArb, (session, user, limits) => {
      const decision = decide(session, user, limits);
      const expected = shouldIssueTokens(session, user, limits);
      if (expected) valid++;
      expect(decision.outcome === 'tokens').toBe(expected);
    }),
    { numRuns: RUNS },
  );
  // The generator must actually reach the valid sequences, or the property proves little
  // (about 5% of the cases are valid; the bound leaves a wide margin for any seed).
  expect(valid).toBeGreaterThan(RUNS / 100);
}, 60_000);

test(`Define never asks for another round after too many failures or rounds (${RUNS} runs)`, () => {
  fc.assert(
    fc.property(sessionArb, userArb, limitsArb, (session, user, limits) => {
      const decision = decide(session, user, limits);
      if (decision.outcome !== 'challenge') return;
      // A new round never makes the session longer than the cap (Cognito's new-password step aside).
      expect(roundsOf(session) + 1).toBeLessThanOrEqual(limits.maxRounds);
      const wrong = (prefix: string) =>
        session.filter((e) => e.challengeResult === false && e.challengeMetadata?.startsWith(prefix)).length;
      expect(wrongCodeEntries(session)).toBeLessThan(limits.maxCodeAttempts);
      expect(wrong('PHONE_REQUIRED:')).toBeLessThan(limits.maxPhoneAttempts);
      const resent = session.filter((e) => e.challengeMetadata?.endsWith(':resent')).length;
      expect(resent).toBeLessThanOrEqual(limits.maxResends);
    }),
    { numRuns: RUNS },
  );
}, 60_000);

test(`with resends in any position, no session yields tokens without the password then a right SMS_OTP answer last (${RUNS} runs)`, () => {
  let tokens = 0;
  let withResend = 0;
  fc.assert(
    fc.property(sessionArb, userArb, limitsArb, (session, user, limits) => {
      if (decide(session, user, limits).outcome !== 'tokens') return;
      tokens++;
      if (session.some((e) => /:(resent|wait)$/.test(e.challengeMetadata ?? ''))) withResend++;
      const [a, v] = session;
      expect([a?.challengeName, a?.challengeResult, v?.challengeName, v?.challengeResult]).toEqual([
        'SRP_A',
        true,
        'PASSWORD_VERIFIER',
        true,
      ]);
      const last = session.at(-1);
      expect(last?.challengeName).toBe('CUSTOM_CHALLENGE');
      expect(last?.challengeResult).toBe(true);
      expect(last?.challengeMetadata).toMatch(/^SMS_OTP:[0-9a-f]{32}(:resent|:wait)?$/);
      // Every other custom round failed: one right answer, and it is the last.
      const custom = session.filter((e) => e.challengeName === 'CUSTOM_CHALLENGE');
      expect(
        custom.filter((e) => e.challengeResult === true && e.challengeMetadata?.startsWith('SMS_OTP')).length,
      ).toBe(1);
    }),
    { numRuns: RUNS },
  );
  // The resend sessions must be reached, or the property proves little about them.
  expect(withResend).toBeGreaterThan(0);
  expect(tokens).toBeGreaterThan(withResend);
}, 60_000);

/** The first custom round's type, read independently of session.ts (undefined: none or untagged). */
function firstCustomType(session: SessionEntry[]): string | undefined {
  const first = session.find((entry) => entry.challengeName === 'CUSTOM_CHALLENGE');
  const meta = first?.challengeMetadata;
  return typeof meta === 'string' ? /^(PHONE_REQUIRED|SMS_OTP):[0-9a-f]{32}$/.exec(meta)?.[1] : undefined;
}

test(`no phone-path session of a user whose phone is verified goes on, or yields tokens unless it just ended in SMS_OTP ok (${RUNS} runs)`, () => {
  const verifiedUser = fc.record({ phoneVerified: fc.constant(true), userNotFound: fc.constant(false) });
  // Half the sessions are forced onto the phone path, so the property is exercised often.
  const phonePathArb = fc
    .tuple(nearValidArb, fc.boolean(), fc.constantFrom(...IDS))
    .map(([session, force, id]) => {
      if (!force || firstCustomType(session) === 'PHONE_REQUIRED') return session;
      const at = session.findIndex((entry) => entry.challengeName === 'CUSTOM_CHALLENGE');
      const phoneRound: SessionEntry = {
        challengeName: 'CUSTOM_CHALLENGE',
        challengeResult: true,
        challengeMetadata: `PHONE_REQUIRED:${id}`,
      };
      if (at < 0) return [...session, phoneRound];
      return [...session.slice(0, at), phoneRound, ...session.slice(at)];
    });
  let onPath = 0;
  let endedInCode = 0;
  fc.assert(
    fc.property(phonePathArb, verifiedUser, limitsArb, (session, user, limits) => {
      if (firstCustomType(session) !== 'PHONE_REQUIRED') return;
      onPath++;
      const decision = decide(session, user, limits);
      // The stale enrolment never gets another round: no code to the typed number, no new number.
      expect(decision).not.toEqual({ outcome: 'challenge', challengeName: 'CUSTOM_CHALLENGE' });
      const last = session.at(-1);
      const endsInRightCode =
        last?.challengeName === 'CUSTOM_CHALLENGE' &&
        last.challengeResult === true &&
        typeof last.challengeMetadata === 'string' &&
        last.challengeMetadata.startsWith('SMS_OTP:');
      if (decision.outcome === 'tokens') {
        endedInCode++;
        expect(endsInRightCode).toBe(true);
      }
    }),
    { numRuns: RUNS },
  );
  expect(onPath).toBeGreaterThan(RUNS / 4);
  expect(endedInCode).toBeGreaterThan(0);
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
    fc.property(withForeignArb, userArb, limitsArb, (session, user, limits) => {
      const decision = decide(session, user, limits);
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

/** [SRP_A ok, PASSWORD_VERIFIER ok] with no metadata: a prefix nothing is wrong with. */
function isCleanPasswordPrefix(entries: SessionEntry[]): boolean {
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
