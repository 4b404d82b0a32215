/**
 * Recovery in Verify (issue 12), with its ports faked (fakes.ts):
 * - RECOVERY to a sign-in code is a request, never a guess: `recoveryFor` marked on the code, no
 *   failure, no attempt; to any other code round it is refused with nothing written;
 * - a RECOVERY_CODE answer is hashed per user and burnt from the set (once); a right one sends the
 *   `recovery_code_used` notice once (a Cognito retry sends none); a wrong or malformed one counts
 *   like a wrong SMS code (`wrong_recovery_code`) and may start the lockout;
 * - RECOVERY_CODES: `OK` (any case, trimmed) stores the hashes Create put in the private parameters
 *   and sends the `recovery_codes_new` notice; anything else writes nothing.
 */
import { newRecoverySet, recoveryCodeHash } from '#shared/challenge/recovery-codes';
import { countMetric } from '#shared/metrics';
import { verifyAuthChallenge } from '../../../functions/verify-auth-challenge/verify-auth-challenge';
import { id } from '../../helpers/session-rounds';
import {
  codeRound,
  EMAIL,
  enrolling,
  type FakeInput,
  fakes,
  NEW_PHONE,
  NOW,
  SUB,
  verifyEvent,
  withPhone,
} from './fakes';

jest.mock('#shared/metrics', () => ({ ...jest.requireActual('#shared/metrics'), countMetric: jest.fn() }));
const counted = () =>
  jest.mocked(countMetric).mock.calls.map(([, name, reason]) => (reason ? `${name}:${reason}` : name));
beforeEach(() => jest.mocked(countMetric).mockClear());

const SMS_ID = id('a');
const RECOVERY_ROUND = { type: 'RECOVERY_CODE' as const, id: id('c') };
const TARGET = { email: EMAIL, emailVerified: true, locale: 'fr' };

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
const nonceOf = (event: { request: { privateChallengeParameters?: Record<string, string> | null } }) =>
  event.request.privateChallengeParameters?.nonce as string;

describe('RECOVERY to a code round', () => {
  test.each(['RECOVERY', 'recovery', '  Recovery\n'])(
    '%j to a sign-in code: recoveryFor marked on this code; no failure, no attempt, no judging',
    async (answer) => {
      const { f, correct } = await verify(codeRound({ id: SMS_ID }), answer);
      expect(correct).toBe(false);
      expect(f.challenges.requestForCode).toHaveBeenCalledTimes(1);
      expect(f.challenges.requestForCode).toHaveBeenCalledWith(SUB, SMS_ID, 'recovery');
      expect(f.challenges.countWrongAnswer).not.toHaveBeenCalled();
      expect(f.challenges.useCode).not.toHaveBeenCalled();
      expect(f.recovery.burn).not.toHaveBeenCalled();
      expect(f.notices.record).not.toHaveBeenCalled();
      expect(counted()).toEqual([]);
    },
  );

  test('an expired sign-in code still takes RECOVERY (an SMS that never came is the usual reason)', async () => {
    const { f } = await verify(codeRound({ id: SMS_ID, expiresAt: NOW.getTime() - 1 }), 'RECOVERY');
    expect(f.challenges.requestForCode).toHaveBeenCalledWith(SUB, SMS_ID, 'recovery');
  });

  test.each<[string, Parameters<typeof codeRound>[0], Record<string, string>]>([
    ['an enrolment code (verify_phone)', { purpose: 'verify_phone', phone: NEW_PHONE }, enrolling()],
    ['a new number’s code (replace_phone)', { purpose: 'replace_phone', phone: NEW_PHONE }, withPhone()],
    ['an email code (email_proof)', { type: 'EMAIL_OTP', purpose: 'email_proof' }, enrolling()],
  ])(
    'RECOVERY to %s: refused (wrong), nothing written, nothing counted',
    async (_name, round, attributes) => {
      const { f, correct } = await verify(codeRound(round), 'RECOVERY', {}, attributes);
      expect(correct).toBe(false);
      expect(f.writes()).toEqual([]);
      expect(f.notices.record).not.toHaveBeenCalled();
      expect(counted()).toEqual([]);
    },
  );

  test.each(['RECOVERY please', 'RECOVER', 'RECOVERYCODE'])(
    '%j is not the reserved answer: judged and counted as a wrong code',
    async (answer) => {
      const { f } = await verify(codeRound({ id: SMS_ID }), answer);
      expect(f.challenges.requestForCode).not.toHaveBeenCalled();
      expect(f.challenges.countWrongAnswer).toHaveBeenCalledTimes(1);
    },
  );
});

describe('RECOVERY_CODE: one recovery code stands in for the SMS code, once', () => {
  const CANONICAL = '7KQ2M9XD4RTB';
  const HASH = recoveryCodeHash(SUB, CANONICAL);

  test.each([
    ['as shown', '7KQ2-M9XD-4RTB'],
    ['lower case, spaces', ' 7kq2 m9xd 4rtb '],
    ['no dashes', '7KQ2M9XD4RTB'],
  ])(
    'the right code (%s): burnt with its per-user hash and the round nonce; right; one notice with the codes left',
    async (_name, answer) => {
      const { f, event, correct } = await verify(RECOVERY_ROUND, answer, {
        burn: { outcome: 'burnt', retry: false, left: 7 },
      });
      expect(correct).toBe(true);
      expect(f.recovery.burn).toHaveBeenCalledTimes(1);
      expect(f.recovery.burn).toHaveBeenCalledWith(SUB, {
        hash: HASH,
        nonce: nonceOf(event),
        now: NOW.getTime(),
      });
      expect(f.notices.record).toHaveBeenCalledTimes(1);
      expect(f.notices.record).toHaveBeenCalledWith(
        SUB,
        { kind: 'recovery_code_used', by: 'user', recoveryCodesLeft: 7 },
        TARGET,
      );
      expect(counted()).toEqual(['RecoveryCodesUsed']);
      expect(f.challenges.countWrongAnswer).not.toHaveBeenCalled();
      // A recovery code proves no number: nothing about the phone changes here.
      expect(f.users.setVerifiedPhone).not.toHaveBeenCalled();
    },
  );

  test("Crockford's look-alikes are read as the code: O as 0, I and L as 1", async () => {
    const { f } = await verify(RECOVERY_ROUND, 'ABO1-IL00-0000', {
      burn: { outcome: 'burnt', retry: false, left: 9 },
    });
    expect(f.recovery.burn).toHaveBeenCalledWith(
      SUB,
      expect.objectContaining({ hash: recoveryCodeHash(SUB, 'AB0111000000') }),
    );
  });

  test('a Cognito retry of the answer that burnt the code: right again, but no second notice and no second count', async () => {
    const { f, correct } = await verify(RECOVERY_ROUND, '7KQ2-M9XD-4RTB', {
      burn: { outcome: 'burnt', retry: true, left: 7 },
    });
    expect(correct).toBe(true);
    expect(f.notices.record).not.toHaveBeenCalled();
    expect(counted()).toEqual([]);
  });

  test('a code not in the set (wrong, or used before): wrong, counted as wrong_recovery_code on no code item; no notice', async () => {
    const { f, event, correct } = await verify(RECOVERY_ROUND, '7KQ2-M9XD-4RTB', {
      burn: { outcome: 'unknown_code' },
    });
    expect(correct).toBe(false);
    expect(f.challenges.countWrongAnswer).toHaveBeenCalledTimes(1);
    expect(f.challenges.countWrongAnswer).toHaveBeenCalledWith(SUB, {
      nonce: nonceOf(event),
      now: NOW.getTime(),
      failure: expect.objectContaining({ pk: `USER#${SUB}`, reason: 'wrong_recovery_code' }),
      codeId: undefined,
    });
    expect(f.notices.record).not.toHaveBeenCalled();
    expect(counted()).toEqual(['AnswersRejected:wrong_recovery_code']);
  });

  test.each([
    ['too short', '7KQ2-M9XD'],
    ['too long', '7KQ2-M9XD-4RTB-A'],
    ['a letter outside the alphabet', '7KQ2-M9XD-4RTU'],
    ['a six-digit SMS code', '123456'],
    ['the reserved RECOVERY', 'RECOVERY'],
    ['empty', ''],
    ['far too long', 'A'.repeat(500)],
  ])('malformed (%s): never sent to the store, counted as wrong_recovery_code', async (_name, answer) => {
    const { f, correct } = await verify(RECOVERY_ROUND, answer, {
      burn: { outcome: 'burnt', retry: false, left: 1 },
    });
    expect(correct).toBe(false);
    expect(f.recovery.burn).not.toHaveBeenCalled();
    expect(f.challenges.countWrongAnswer).toHaveBeenCalledWith(
      SUB,
      expect.objectContaining({ failure: expect.objectContaining({ reason: 'wrong_recovery_code' }) }),
    );
  });

  test('the wrong recovery code that reaches LOCKOUT_MAX_FAILURES starts the lockout: locked_out notice once, LockoutsStarted', async () => {
    const { f } = await verify(RECOVERY_ROUND, '7KQ2-M9XD-4RTB', { failuresMinutesAgo: [9, 7, 5, 3] });
    expect(f.notices.record).toHaveBeenCalledTimes(1);
    expect(f.notices.record).toHaveBeenCalledWith(SUB, { kind: 'locked_out', by: 'system' }, TARGET);
    expect(counted()).toEqual(['AnswersRejected:wrong_recovery_code', 'LockoutsStarted']);
  });

  test('a locked-out user: "Sign-in is not allowed", the code never tried', async () => {
    const f = fakes({
      failuresMinutesAgo: [9, 7, 5, 3, 1],
      burn: { outcome: 'burnt', retry: false, left: 3 },
    });
    await expect(verifyAuthChallenge(verifyEvent(RECOVERY_ROUND, '7KQ2-M9XD-4RTB'), f.deps)).rejects.toThrow(
      'Sign-in is not allowed right now',
    );
    expect(f.writes()).toEqual([]);
  });
});

describe('RECOVERY_CODES: the acknowledgement stores the new set', () => {
  const set = newRecoverySet(SUB, 10);
  const CODES_ROUND = { type: 'RECOVERY_CODES' as const, id: id('d'), hashes: set.hashes };

  test.each(['OK', 'ok', ' OK ', 'Ok\n'])(
    '%j: the hashes from the private parameters replace the set (one write, tagged with the round nonce), right, recovery_codes_new notice',
    async (answer) => {
      const { f, event, correct } = await verify(CODES_ROUND, answer);
      expect(correct).toBe(true);
      expect(f.recovery.replaceSet).toHaveBeenCalledTimes(1);
      expect(f.recovery.replaceSet).toHaveBeenCalledWith(SUB, {
        hashes: set.hashes,
        nonce: nonceOf(event),
        now: NOW.getTime(),
      });
      expect(f.notices.record).toHaveBeenCalledWith(SUB, { kind: 'recovery_codes_new', by: 'user' }, TARGET);
      expect(counted()).toEqual(['RecoveryCodeSets']);
    },
  );

  test.each(['', 'yes', 'OKAY', 'O K', 'NOT OK', set.codes[0] as string, 'RESEND'])(
    '%j: not an acknowledgement; wrong, nothing written, nothing counted, no notice',
    async (answer) => {
      const { f, correct } = await verify(CODES_ROUND, answer);
      expect(correct).toBe(false);
      expect(f.writes()).toEqual([]);
      expect(f.notices.record).not.toHaveBeenCalled();
      expect(counted()).toEqual([]);
    },
  );

  test('a Cognito retry of the acknowledgement (the stored set is this round’s): right again, no second notice or count', async () => {
    const { f, correct } = await verify(CODES_ROUND, 'OK', { replaced: 'retry' });
    expect(correct).toBe(true);
    expect(f.recovery.replaceSet).toHaveBeenCalledTimes(1);
    expect(f.notices.record).not.toHaveBeenCalled();
    expect(counted()).toEqual([]);
  });

  test('without a notices port the set is still stored', async () => {
    const { f, correct } = await verify(CODES_ROUND, 'OK', { noNotices: true });
    expect(correct).toBe(true);
    expect(f.recovery.replaceSet).toHaveBeenCalledTimes(1);
  });

  test('round parameters with a malformed hash list are refused before anything is read', async () => {
    const f = fakes();
    const event = verifyEvent(CODES_ROUND, 'OK');
    (event.request.privateChallengeParameters as Record<string, string>).hashes = 'not-a-hash';
    await expect(verifyAuthChallenge(event, f.deps)).rejects.toThrow('The request could not be processed');
    expect(f.accounts.read).not.toHaveBeenCalled();
    expect(f.writes()).toEqual([]);
  });
});

describe('an unknown user (decoy rounds)', () => {
  test.each([
    ['RECOVERY', 'recovery'],
    ['RESEND', 'resend'],
    ['000000', undefined],
  ])('%j to the decoy code round is recorded on the decoy item as %s; nothing else', async (answer, asks) => {
    const f = fakes();
    const event = verifyEvent(codeRound({ id: SMS_ID }), answer, {});
    event.request.userNotFound = true;
    event.userName = 'nobody@example.com';
    await verifyAuthChallenge(event, f.deps);
    expect(event.response.answerCorrect).toBe(false);
    expect(f.challenges.recordDecoyAnswer).toHaveBeenCalledWith(
      'us-east-1_EXAMPLE1',
      'nobody@example.com',
      SMS_ID,
      asks,
    );
    expect(f.accounts.read).not.toHaveBeenCalled();
    expect(f.writes()).toHaveLength(1);
  });

  test('a decoy RECOVERY_CODE round: wrong whatever the answer, nothing read or written', async () => {
    const f = fakes({ burn: { outcome: 'burnt', retry: false, left: 1 } });
    const event = verifyEvent(RECOVERY_ROUND, '7KQ2-M9XD-4RTB', {});
    event.request.userNotFound = true;
    await verifyAuthChallenge(event, f.deps);
    expect(event.response.answerCorrect).toBe(false);
    expect(f.writes()).toEqual([]);
    expect(f.accounts.read).not.toHaveBeenCalled();
  });
});
