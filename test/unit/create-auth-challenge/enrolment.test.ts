/**
 * Safe enrolment in Create (issue 12): a password alone never binds a first phone. A user without a
 * verified phone gets an EMAIL_OTP round to the verified email first, unless the sign-up was
 * confirmed less than ENROLMENT_GRACE_MINUTES ago (`after-grace`, the default), or the setting says
 * `never`; `always` asks every time. No verified email or no sender: the sign-in ends, nothing sent.
 * The use-case runs with its ports faked (fakes.ts).
 */
import { codeMatches } from '#shared/challenge/code';
import { EMAIL_UNAVAILABLE_MESSAGE, EmailUnavailableError, SendLimitError } from '#shared/challenge/errors';
import { parsePrivateParameters, ROUND_ID_PATTERN } from '#shared/challenge/protocol';
import { createAuthChallenge } from '../../../functions/create-auth-challenge/create-auth-challenge';
import { afterPassword, id, round } from '../../helpers/session-rounds';
import {
  createEvent,
  EMAIL,
  emailedCode,
  expectNothingSent,
  type FakeInput,
  fakes,
  minutesBefore,
  NEW_PHONE,
  NOW,
  SUB,
  storedCode,
  textedCode,
} from './fakes';

const FRESH_NONCE = expect.stringMatching(/^[0-9a-f]{32}$/);

/** The first custom round of a user with no verified phone. */
async function firstRound(fake: FakeInput = {}, attributes?: Record<string, string>) {
  const f = fakes(fake);
  const event = createEvent({ session: afterPassword(), ...(attributes ? { attributes } : {}) });
  await createAuthChallenge(event, f.deps);
  return { f, response: event.response };
}
const confirmed = (minutes: number): FakeInput => ({ records: { confirmedAt: minutesBefore(minutes) } });

describe('within the enrolment grace: PHONE_REQUIRED, no email code', () => {
  test.each([
    ['confirmed a minute ago', 1],
    ['confirmed 59 minutes 59 seconds ago', 59 + 59 / 60],
  ])(
    '%s: a PHONE_REQUIRED round for a first number (private purpose verify_phone); nothing stored or sent',
    async (_name, minutes) => {
      const { f, response } = await firstRound(confirmed(minutes));
      expect(response.publicChallengeParameters).toEqual({ type: 'PHONE_REQUIRED' });
      const roundId = response.privateChallengeParameters?.id;
      expect(roundId).toMatch(ROUND_ID_PATTERN);
      expect(response.privateChallengeParameters).toEqual({
        type: 'PHONE_REQUIRED',
        id: roundId,
        nonce: FRESH_NONCE,
        purpose: 'verify_phone',
      });
      expect(response.challengeMetadata).toBe(`PHONE_REQUIRED:${roundId}`);
      expectNothingSent(f);
      expect(f.accounts.read).toHaveBeenCalledTimes(1);
    },
  );

  test('ENROLMENT_GRACE_MINUTES sets the grace: with 10, confirmed 9 minutes ago is within it, 11 is not', async () => {
    const settings = { enrolmentGraceMinutes: 10 };
    expect((await firstRound({ ...confirmed(9), settings })).response.publicChallengeParameters?.type).toBe(
      'PHONE_REQUIRED',
    );
    expect((await firstRound({ ...confirmed(11), settings })).response.publicChallengeParameters?.type).toBe(
      'EMAIL_OTP',
    );
  });

  test('`never`: no email code even with no confirmation on record', async () => {
    const { f, response } = await firstRound({ settings: { enrolmentEmailProof: 'never' } });
    expect(response.publicChallengeParameters).toEqual({ type: 'PHONE_REQUIRED' });
    expectNothingSent(f);
  });
});

describe('outside the grace: an EMAIL_OTP round to the verified email first', () => {
  test.each<[string, FakeInput]>([
    ['confirmed exactly 60 minutes ago (the grace is over)', confirmed(60)],
    ['confirmed a day ago', confirmed(24 * 60)],
    ['no confirmation on record (an account older than the record, or one an admin created)', {}],
    // A confirmation time ahead of the clock (skew, or a forged item) is no grace at all.
    ['a confirmation time 5 minutes in the future', { records: { confirmedAt: minutesBefore(-5) } }],
    ['an unreadable confirmation time', { records: { confirmedAt: 'yesterday' } }],
    ['`always`, confirmed a minute ago', { ...confirmed(1), settings: { enrolmentEmailProof: 'always' } }],
  ])('%s', async (_name, fake) => {
    const { f, response } = await firstRound(fake);
    expect(response.publicChallengeParameters).toEqual({
      type: 'EMAIL_OTP',
      destination: 'a***@e***.com',
      length: '6',
    });
    expect(f.sms.send).not.toHaveBeenCalled();
    expect(f.email.send).toHaveBeenCalledTimes(1);
    expect(f.email.send).toHaveBeenCalledWith({
      to: EMAIL,
      code: expect.stringMatching(/^\d{6}$/),
      validMinutes: 3,
      locale: undefined,
    });
  });

  test('the round: one code stored (hash only, purpose email_proof, the address, no phone), emailed, judged by its private parameters', async () => {
    const { f, response } = await firstRound();
    const code = emailedCode(f) as string;
    const [issued, ...more] = f.issued;
    expect(more).toEqual([]);
    const record = issued?.record;
    expect(record).toMatchObject({
      pk: `CHALLENGE#${SUB}`,
      sk: 'CODE',
      purpose: 'email_proof',
      email: EMAIL,
      destination: 'a***@e***.com',
      length: 6,
      createdAt: NOW.getTime(),
      expiresAt: NOW.getTime() + 180_000,
    });
    expect(record?.phone).toBeUndefined();
    expect(codeMatches(code, record as { codeHash: string; salt: string })).toBe(true);
    expect(JSON.stringify(record)).not.toContain(`"${code}"`);

    expect(response.challengeMetadata).toBe(`EMAIL_OTP:${record?.id}`);
    expect(response.privateChallengeParameters).toEqual({
      type: 'EMAIL_OTP',
      id: record?.id,
      nonce: FRESH_NONCE,
      length: '6',
      hash: record?.codeHash,
      salt: record?.salt,
      expiresAt: String(record?.expiresAt),
      purpose: 'email_proof',
    });
    const parsed = parsePrivateParameters(response.privateChallengeParameters ?? {});
    expect(parsed).toMatchObject({ type: 'EMAIL_OTP', purpose: 'email_proof' });
    expect(JSON.stringify(response)).not.toContain(code);
    expect(JSON.stringify(response)).not.toContain(EMAIL);
  });

  test("an email code takes one unit of the user's hour only: no phone counter of any kind", async () => {
    const { f } = await firstRound();
    const counters = f.issued[0]?.counters ?? [];
    expect(counters.map((counter) => counter.name)).toEqual(['user']);
    expect(counters[0]?.counter.key).toEqual({
      pk: `SENDS#USER#${SUB}`,
      sk: expect.stringMatching(/^HOUR#/),
    });
    expect(counters[0]?.counter.limit).toBe(5);
  });

  test("the email is in the user's locale", async () => {
    const { f } = await firstRound({}, { sub: SUB, email: EMAIL, email_verified: 'true', locale: 'de' });
    expect(f.email.send).toHaveBeenCalledWith(expect.objectContaining({ locale: 'de' }));
  });

  test.each([
    ['an email that is not verified', { sub: SUB, email: EMAIL, email_verified: 'false' }],
    ['no email_verified attribute', { sub: SUB, email: EMAIL }],
    ['no email at all', { sub: SUB, email_verified: 'true' }],
  ])('%s: EmailUnavailableError (fail closed); nothing stored, nothing sent', async (_name, attributes) => {
    const f = fakes();
    const event = createEvent({ session: afterPassword(), attributes });
    const attempt = createAuthChallenge(event, f.deps);
    await expect(attempt).rejects.toThrow(EmailUnavailableError);
    await expect(attempt).rejects.toThrow(EMAIL_UNAVAILABLE_MESSAGE);
    await expect(attempt).rejects.toMatchObject({ reason: 'no_verified_email' });
    expectNothingSent(f);
    expect(event.response.publicChallengeParameters).toBeNull();
  });

  test('no sender configured: EmailUnavailableError (no_sender); nothing stored, nothing sent', async () => {
    const f = fakes({ email: null });
    const attempt = createAuthChallenge(createEvent({ session: afterPassword() }), f.deps);
    await expect(attempt).rejects.toMatchObject({ name: 'EmailUnavailableError', reason: 'no_sender' });
    expect(f.challenges.issueCode).not.toHaveBeenCalled();
    expect(f.sms.send).not.toHaveBeenCalled();
  });

  test("over the user's hourly limit: the send-limit error, no email", async () => {
    const f = fakes({ issue: { outcome: 'limited', limit: 'user' } });
    await expect(createAuthChallenge(createEvent({ session: afterPassword() }), f.deps)).rejects.toThrow(
      SendLimitError,
    );
    expect(f.email.send).not.toHaveBeenCalled();
  });

  test('the sender failing: the unsent code is removed and the error surfaces', async () => {
    const f = fakes();
    f.email.send.mockRejectedValueOnce(new Error('SES throttled'));
    await expect(createAuthChallenge(createEvent({ session: afterPassword() }), f.deps)).rejects.toThrow(
      'SES throttled',
    );
    expect(f.release).toHaveBeenCalledWith(SUB, f.issued[0]?.record.id);
  });
});

describe('the email code round after an answer', () => {
  const EMAIL_ID = id('e');
  const emailCode = (overrides = {}) =>
    storedCode({
      id: EMAIL_ID,
      purpose: 'email_proof',
      phone: undefined,
      email: EMAIL,
      destination: 'a***@e***.com',
      ...overrides,
    });
  const afterEmail = (ok: boolean) =>
    createEvent({ session: afterPassword(round('EMAIL_OTP', EMAIL_ID, ok)) });

  test('a wrong email code: the same code asked for again, nothing sent', async () => {
    const f = fakes({ code: emailCode() });
    const event = afterEmail(false);
    await createAuthChallenge(event, f.deps);
    expect(event.response.challengeMetadata).toBe(`EMAIL_OTP:${EMAIL_ID}`);
    expect(event.response.publicChallengeParameters).toEqual({
      type: 'EMAIL_OTP',
      destination: 'a***@e***.com',
      length: '6',
    });
    expectNothingSent(f);
  });

  test('RESEND after the cooldown: a new code emailed to the same address, metadata EMAIL_OTP:<new id>:resent, no SMS', async () => {
    const f = fakes({ code: emailCode({ resendFor: EMAIL_ID }) });
    const event = afterEmail(false);
    await createAuthChallenge(event, f.deps);
    const record = f.issued[0]?.record;
    expect(record).toMatchObject({ purpose: 'email_proof', email: EMAIL });
    expect(record?.id).not.toBe(EMAIL_ID);
    expect(event.response.challengeMetadata).toBe(`EMAIL_OTP:${record?.id}:resent`);
    expect(f.email.send).toHaveBeenCalledWith(expect.objectContaining({ to: EMAIL }));
    expect(codeMatches(emailedCode(f) as string, record as { codeHash: string; salt: string })).toBe(true);
    expect(f.sms.send).not.toHaveBeenCalled();
    expect(f.issued[0]?.counters.map((counter) => counter.name)).toEqual(['user']);
  });

  test('RESEND too early: the same email code, retryAfter in whole seconds, nothing sent', async () => {
    const f = fakes({ code: emailCode({ resendFor: EMAIL_ID, createdAt: NOW.getTime() - 10_500 }) });
    const event = afterEmail(false);
    await createAuthChallenge(event, f.deps);
    expect(event.response.challengeMetadata).toBe(`EMAIL_OTP:${EMAIL_ID}:wait`);
    expect(event.response.publicChallengeParameters).toEqual({
      type: 'EMAIL_OTP',
      destination: 'a***@e***.com',
      length: '6',
      retryAfter: '20',
    });
    expectNothingSent(f);
  });

  test('a RECOVERY mark on an email code is not a recovery: the same code again', async () => {
    const f = fakes({ code: emailCode({ recoveryFor: EMAIL_ID }) });
    const event = afterEmail(false);
    await createAuthChallenge(event, f.deps);
    expect(event.response.challengeMetadata).toBe(`EMAIL_OTP:${EMAIL_ID}`);
  });

  test('the right email code: PHONE_REQUIRED for a first number (no grace needed any more)', async () => {
    const f = fakes();
    const event = afterEmail(true);
    await createAuthChallenge(event, f.deps);
    expect(event.response.privateChallengeParameters).toMatchObject({
      type: 'PHONE_REQUIRED',
      purpose: 'verify_phone',
    });
    expectNothingSent(f);
  });
});

describe('the rest of the enrolment path: PHONE_REQUIRED, SMS_OTP, RECOVERY_CODES', () => {
  const PHONE_ID = id('5');
  const SMS_ID = id('7');

  test('after the number: an enrolment code (verify_phone) to it, on the unproven counters', async () => {
    const f = fakes({ candidate: NEW_PHONE });
    const event = createEvent({
      session: afterPassword(round('EMAIL_OTP', id('e'), true), round('PHONE_REQUIRED', PHONE_ID, true)),
    });
    await createAuthChallenge(event, f.deps);
    expect(f.challenges.getPhoneCandidate).toHaveBeenCalledWith(SUB, PHONE_ID, NOW.getTime());
    expect(f.sms.send).toHaveBeenCalledWith(expect.objectContaining({ phone: NEW_PHONE }));
    expect(textedCode(f)).toMatch(/^\d{6}$/);
    expect(f.issued[0]?.counters.map((counter) => counter.name)).toEqual([
      'user',
      'unproven_phone',
      'unproven_user',
    ]);
    expect(event.response.privateChallengeParameters).toMatchObject({
      purpose: 'verify_phone',
      phone: NEW_PHONE,
    });
  });

  test.each([
    ['with the email proof', [round('EMAIL_OTP', id('e'), true)]],
    ['within the grace', []],
  ])('after the right enrolment code (%s): a RECOVERY_CODES round', async (_name, before) => {
    const f = fakes();
    // Verify has just bound the number: the attributes of this event may already say so.
    const event = createEvent({
      session: afterPassword(
        ...before,
        round('PHONE_REQUIRED', PHONE_ID, true),
        round('SMS_OTP', SMS_ID, true),
      ),
      attributes: {
        sub: SUB,
        email: EMAIL,
        email_verified: 'true',
        phone_number: NEW_PHONE,
        phone_number_verified: 'true',
      },
    });
    await createAuthChallenge(event, f.deps);
    expect(event.response.publicChallengeParameters?.type).toBe('RECOVERY_CODES');
    expectNothingSent(f);
  });
});
