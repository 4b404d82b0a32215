/**
 * Numbers and the security notices in Verify (issue 12), with its ports faked (fakes.ts):
 * - PHONE_REQUIRED for a new number (`replace_phone`) is open to a verified user, a first
 *   enrolment's (`verify_phone`) is not;
 * - the right code to a new number makes it the user's verified phone, then tells: `phone_changed`
 *   (and an SMS to the old number) or `phone_bound`, masked numbers only, once (a retry tells no one);
 * - the wrong answer that reaches LOCKOUT_MAX_FAILURES sends `locked_out`, exactly once;
 * - no notice ever receives a full phone number.
 */
import { countMetric } from '#shared/metrics';
import { verifyAuthChallenge } from '../../../functions/verify-auth-challenge/verify-auth-challenge';
import { id } from '../../helpers/session-rounds';
import {
  CODE,
  codeRound,
  EMAIL,
  enrolling,
  type FakeInput,
  fakes,
  NEW_PHONE,
  NOW,
  PHONE,
  SUB,
  verifyEvent,
  withPhone,
} from './fakes';

jest.mock('#shared/metrics', () => ({ ...jest.requireActual('#shared/metrics'), countMetric: jest.fn() }));
const counted = () =>
  jest.mocked(countMetric).mock.calls.map(([, name, reason]) => (reason ? `${name}:${reason}` : name));
beforeEach(() => jest.mocked(countMetric).mockClear());

const TARGET = { email: EMAIL, emailVerified: true, locale: 'fr' };
const phoneRound = (purpose: 'verify_phone' | 'replace_phone') => ({
  type: 'PHONE_REQUIRED' as const,
  id: id('5'),
  purpose,
});

async function verify(
  round: Parameters<typeof verifyEvent>[0],
  answer: string,
  fake: FakeInput = {},
  attributes?: Record<string, string>,
) {
  const f = fakes(fake);
  const event = verifyEvent(round, answer, attributes);
  await verifyAuthChallenge(event, f.deps);
  return { f, event, correct: event.response.answerCorrect };
}

/** Every argument any notice was given, as text: where a full number would show. */
const noticeText = (f: ReturnType<typeof fakes>) =>
  JSON.stringify([
    f.notices.record.mock.calls,
    f.notices.tellOldNumber.mock.calls.map(([input]) => ({ ...input, phone: undefined })),
  ]);
const digits = (phone: string) => phone.replace(/\D/g, '');

describe('PHONE_REQUIRED', () => {
  test('replace_phone from a verified user: the number is accepted and kept (E.164) under the round id', async () => {
    const { f, correct } = await verify(phoneRound('replace_phone'), ' +44 7400 123456 ');
    expect(correct).toBe(true);
    expect(f.challenges.savePhoneCandidate).toHaveBeenCalledWith({
      sub: SUB,
      roundId: id('5'),
      phone: NEW_PHONE,
      now: NOW.getTime(),
      ttlSeconds: 300,
    });
    // Not the user's number yet: nothing about the user changes, nobody is told.
    expect(f.users.setVerifiedPhone).not.toHaveBeenCalled();
    expect(f.notices.record).not.toHaveBeenCalled();
  });

  test('verify_phone from a verified user (a stale enrolment): refused, nothing written, not counted', async () => {
    const { f, correct } = await verify(phoneRound('verify_phone'), NEW_PHONE);
    expect(correct).toBe(false);
    expect(f.writes()).toEqual([]);
  });

  test('verify_phone from a user with no verified phone: accepted', async () => {
    const { f, correct } = await verify(phoneRound('verify_phone'), NEW_PHONE, {}, enrolling());
    expect(correct).toBe(true);
    expect(f.challenges.savePhoneCandidate).toHaveBeenCalledTimes(1);
  });

  test('replace_phone with an invalid number: wrong, counted as invalid_phone, nothing kept', async () => {
    const { f, correct } = await verify(phoneRound('replace_phone'), '+33612345678');
    expect(correct).toBe(false);
    expect(f.challenges.savePhoneCandidate).not.toHaveBeenCalled();
    expect(f.challenges.countWrongAnswer).toHaveBeenCalledWith(
      SUB,
      expect.objectContaining({
        failure: expect.objectContaining({ reason: 'invalid_phone' }),
        codeId: undefined,
      }),
    );
  });
});

describe('the right code to a new number (replace_phone): the number changes, then everyone is told', () => {
  const replaceCode = () => codeRound({ id: id('7'), purpose: 'replace_phone', phone: NEW_PHONE });

  test('setVerifiedPhone(new), tellOldNumber(old), phone_changed with masked old and new, PhoneChanges', async () => {
    const { f, correct } = await verify(replaceCode(), CODE);
    expect(correct).toBe(true);
    expect(f.users.setVerifiedPhone).toHaveBeenCalledTimes(1);
    expect(f.users.setVerifiedPhone).toHaveBeenCalledWith({
      userPoolId: 'us-east-1_EXAMPLE1',
      userName: SUB,
      phone: NEW_PHONE,
    });
    expect(f.notices.tellOldNumber).toHaveBeenCalledTimes(1);
    expect(f.notices.tellOldNumber).toHaveBeenCalledWith({
      phone: PHONE,
      newDestination: '+*******3456',
      locale: 'fr',
    });
    expect(f.notices.record).toHaveBeenCalledTimes(1);
    expect(f.notices.record).toHaveBeenCalledWith(
      SUB,
      { kind: 'phone_changed', by: 'user', destination: '+*******3456', oldDestination: '+*******0123' },
      TARGET,
    );
    expect(counted()).toEqual(['PhoneChanges', 'SignInsCompleted']);
  });

  test('the number is set before anyone is told (a notice never announces a change that did not happen)', async () => {
    const f = fakes();
    f.users.setVerifiedPhone.mockRejectedValueOnce(new Error('Cognito down'));
    await expect(verifyAuthChallenge(verifyEvent(replaceCode(), CODE), f.deps)).rejects.toThrow(
      'Cognito down',
    );
    expect(f.notices.tellOldNumber).not.toHaveBeenCalled();
    expect(f.notices.record).not.toHaveBeenCalled();
  });

  test('the code is marked used before the number is set: a dead code changes nothing and tells no one', async () => {
    const { f, correct } = await verify(replaceCode(), CODE, { used: { outcome: 'dead', why: 'used' } });
    expect(correct).toBe(false);
    expect(f.users.setVerifiedPhone).not.toHaveBeenCalled();
    expect(f.notices.record).not.toHaveBeenCalled();
    expect(f.notices.tellOldNumber).not.toHaveBeenCalled();
  });

  test('a Cognito retry of the right answer sets the number again (idempotent) but tells no one twice and counts nothing', async () => {
    const { f, correct } = await verify(replaceCode(), CODE, { used: { outcome: 'used', retry: true } });
    expect(correct).toBe(true);
    expect(f.users.setVerifiedPhone).toHaveBeenCalledTimes(1);
    expect(f.notices.record).not.toHaveBeenCalled();
    expect(f.notices.tellOldNumber).not.toHaveBeenCalled();
    expect(counted()).toEqual([]);
  });

  test('a wrong code to the new number: nothing set, nobody told', async () => {
    const { f, correct } = await verify(replaceCode(), '654321');
    expect(correct).toBe(false);
    expect(f.users.setVerifiedPhone).not.toHaveBeenCalled();
    expect(f.notices.record).not.toHaveBeenCalled();
    expect(f.notices.tellOldNumber).not.toHaveBeenCalled();
  });
});

describe('the right enrolment code (verify_phone): phone_bound', () => {
  test('setVerifiedPhone(new), phone_bound with the masked number, no SMS to any old number, PhonesEnrolled', async () => {
    const { f, correct } = await verify(
      codeRound({ id: id('7'), purpose: 'verify_phone', phone: NEW_PHONE }),
      CODE,
      {},
      enrolling(),
    );
    expect(correct).toBe(true);
    expect(f.users.setVerifiedPhone).toHaveBeenCalledWith(expect.objectContaining({ phone: NEW_PHONE }));
    expect(f.notices.record).toHaveBeenCalledTimes(1);
    expect(f.notices.record).toHaveBeenCalledWith(
      SUB,
      { kind: 'phone_bound', by: 'user', destination: '+*******3456', oldDestination: undefined },
      { email: EMAIL, emailVerified: true, locale: undefined },
    );
    expect(f.notices.tellOldNumber).not.toHaveBeenCalled();
    expect(counted()).toEqual(['PhonesEnrolled', 'SignInsCompleted']);
  });

  test('an unverified number on file is not "old": no SMS to it, phone_bound', async () => {
    const attributes = { ...enrolling(), phone_number: '+19999999999', phone_number_verified: 'false' };
    const { f } = await verify(
      codeRound({ purpose: 'verify_phone', phone: NEW_PHONE }),
      CODE,
      {},
      attributes,
    );
    expect(f.notices.tellOldNumber).not.toHaveBeenCalled();
    expect(f.notices.record).toHaveBeenCalledWith(
      SUB,
      expect.objectContaining({ kind: 'phone_bound' }),
      expect.anything(),
    );
  });

  test('a right sign-in code tells no one (nothing about the phone changed)', async () => {
    const { f, correct } = await verify(codeRound(), CODE);
    expect(correct).toBe(true);
    expect(f.users.setVerifiedPhone).not.toHaveBeenCalled();
    expect(f.notices.record).not.toHaveBeenCalled();
  });
});

describe('locked_out: the wrong answer that starts a lockout, exactly once', () => {
  test.each([
    ['a wrong sign-in code', codeRound(), '654321'],
    ['a wrong enrolment code', codeRound({ purpose: 'verify_phone', phone: NEW_PHONE }), '654321'],
    ['an invalid number', phoneRound('replace_phone'), '+33612345678'],
    ['the right digits of a dead code', codeRound(), CODE],
  ])(
    '%s as the 5th failure in the window: locked_out by the system, once; LockoutsStarted',
    async (_name, round, answer) => {
      const attributes = 'purpose' in round && round.purpose === 'verify_phone' ? enrolling() : withPhone();
      const { f } = await verify(
        round,
        answer,
        { failuresMinutesAgo: [14, 10, 6, 2], used: { outcome: 'dead', why: 'used' } },
        attributes,
      );
      expect(f.notices.record).toHaveBeenCalledTimes(1);
      expect(f.notices.record).toHaveBeenCalledWith(
        SUB,
        { kind: 'locked_out', by: 'system' },
        expect.objectContaining({ email: EMAIL, emailVerified: true }),
      );
      expect(counted()).toContain('LockoutsStarted');
    },
  );

  test.each([
    ['the 4th failure', [10, 6, 2]],
    ['the 2nd failure', [2]],
    ['a failure with older ones outside the window', [40, 30, 20, 16]],
  ])('%s: no notice', async (_name, failuresMinutesAgo) => {
    const { f } = await verify(codeRound(), '654321', { failuresMinutesAgo });
    expect(f.notices.record).not.toHaveBeenCalled();
    expect(counted()).not.toContain('LockoutsStarted');
  });

  test('a Cognito retry of the 5th wrong answer (already counted): no second notice', async () => {
    const { f } = await verify(codeRound(), '654321', {
      failuresMinutesAgo: [14, 10, 6, 2],
      wrong: 'already_counted',
    });
    expect(f.notices.record).not.toHaveBeenCalled();
    expect(counted()).toEqual([]);
  });

  test('an answer after the lockout started is refused before it is judged: no second notice', async () => {
    const f = fakes({ failuresMinutesAgo: [14, 10, 6, 2, 1] });
    await expect(verifyAuthChallenge(verifyEvent(codeRound(), '654321'), f.deps)).rejects.toThrow(
      'Sign-in is not allowed right now',
    );
    expect(f.notices.record).not.toHaveBeenCalled();
    expect(f.writes()).toEqual([]);
  });

  test('RESEND and RECOVERY at the 5th place start no lockout: they are not failures', async () => {
    for (const answer of ['RESEND', 'RECOVERY']) {
      const { f } = await verify(codeRound(), answer, { failuresMinutesAgo: [14, 10, 6, 2] });
      expect(f.challenges.countWrongAnswer).not.toHaveBeenCalled();
      expect(f.notices.record).not.toHaveBeenCalled();
    }
  });
});

describe('no notice ever receives a full phone number', () => {
  test.each<[string, Parameters<typeof verifyEvent>[0], string, FakeInput, Record<string, string>]>([
    ['phone_changed', codeRound({ purpose: 'replace_phone', phone: NEW_PHONE }), CODE, {}, withPhone()],
    ['phone_bound', codeRound({ purpose: 'verify_phone', phone: NEW_PHONE }), CODE, {}, enrolling()],
    [
      'locked_out',
      phoneRound('replace_phone'),
      NEW_PHONE.slice(0, 6),
      { failuresMinutesAgo: [9, 7, 5, 3] },
      withPhone(),
    ],
  ])('%s', async (_name, round, answer, fake, attributes) => {
    const { f } = await verify(round, answer, fake, attributes);
    expect(f.notices.record).toHaveBeenCalled();
    const text = noticeText(f);
    for (const phone of [PHONE, NEW_PHONE]) {
      expect(text).not.toContain(phone);
      expect(text).not.toContain(digits(phone));
      expect(text).not.toContain(digits(phone).slice(-7));
    }
  });

  test('the SMS to the old number names the new one masked only (the old number is its address, nothing else)', async () => {
    const { f } = await verify(codeRound({ purpose: 'replace_phone', phone: NEW_PHONE }), CODE);
    const [input] = f.notices.tellOldNumber.mock.calls[0] ?? [];
    expect(input?.phone).toBe(PHONE);
    expect(input?.newDestination).toBe('+*******3456');
    expect(JSON.stringify(input)).not.toContain(digits(NEW_PHONE).slice(-7));
  });
});
