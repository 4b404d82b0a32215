/**
 * Recovery and the new rounds after a complete second factor, in Create (issue 12), with its ports
 * faked (fakes.ts):
 * - a sign-in code Verify marked `recoveryFor` (the answer was RECOVERY) is followed by a
 *   RECOVERY_CODE round: nothing stored, nothing sent; the unknown-user decoy answers the same;
 * - RECOVERY_CODES shows 10 new codes, grouped, in the public `codes`; only their hashes go to Verify
 *   (private), never the codes; nothing is stored until the user acknowledges them (Verify);
 * - a number proven after a full second factor gets a `replace_phone` code on the unproven counters.
 */

import {
  normaliseRecoveryCode,
  RECOVERY_CODE_BITS,
  recoveryCodeHash,
} from '#shared/challenge/recovery-codes';
import { InvalidEventError } from '#shared/errors';
import { createAuthChallenge } from '../../../functions/create-auth-challenge/create-auth-challenge';
import { afterPassword, id, round } from '../../helpers/session-rounds';
import {
  createEvent,
  type EventInput,
  expectNothingSent,
  type FakeInput,
  fakes,
  NEW_PHONE,
  NOW,
  PHONE,
  SUB,
  storedCode,
  textedCode,
  withPhone,
} from './fakes';

const SMS_ID = id('a');
const FRESH_ID = expect.stringMatching(/^[0-9a-f]{32}$/);

async function create(
  event: Omit<EventInput, 'attributes'> & { attributes?: Record<string, string> },
  fake: FakeInput = {},
) {
  const f = fakes(fake);
  const built = createEvent({ attributes: withPhone(), ...event });
  await createAuthChallenge(built, f.deps);
  return { f, response: built.response };
}

describe('RECOVERY to a sign-in code: a RECOVERY_CODE round next', () => {
  const afterRecovery = { session: afterPassword(round('SMS_OTP', SMS_ID, false)) };

  test('the code marked recoveryFor this round: a RECOVERY_CODE round, type only in public, a fresh id; nothing stored or sent', async () => {
    const { f, response } = await create(afterRecovery, { code: storedCode({ recoveryFor: SMS_ID }) });
    expect(response.publicChallengeParameters).toEqual({ type: 'RECOVERY_CODE' });
    const roundId = response.privateChallengeParameters?.id;
    expect(response.privateChallengeParameters).toEqual({
      type: 'RECOVERY_CODE',
      id: FRESH_ID,
      nonce: FRESH_ID,
    });
    expect(roundId).not.toBe(SMS_ID);
    expect(response.challengeMetadata).toBe(`RECOVERY_CODE:${roundId}`);
    expectNothingSent(f);
    expect(f.release).not.toHaveBeenCalled();
  });

  test('a used or spent sign-in code still lets the user switch to a recovery code (the phone is what is lost)', async () => {
    const { response } = await create(afterRecovery, {
      code: storedCode({ recoveryFor: SMS_ID, attempts: 3, expiresAt: NOW.getTime() - 1 }),
    });
    expect(response.publicChallengeParameters).toEqual({ type: 'RECOVERY_CODE' });
  });

  test.each([
    ['a mark for another code', storedCode({ recoveryFor: id('b') })],
    [
      'a mark on an enrolment code',
      storedCode({ recoveryFor: SMS_ID, purpose: 'verify_phone', phone: NEW_PHONE }),
    ],
    ['no mark (a wrong code)', storedCode()],
  ])('%s: no recovery round, the same code again', async (_name, code) => {
    const { f, response } = await create(afterRecovery, { code });
    expect(response.challengeMetadata).toBe(`SMS_OTP:${SMS_ID}`);
    expectNothingSent(f);
  });

  test('a wrong recovery code: another RECOVERY_CODE round with a fresh id, nothing read but the status', async () => {
    const first = id('c');
    const { f, response } = await create({
      session: afterPassword(round('SMS_OTP', SMS_ID, false), round('RECOVERY_CODE', first, false)),
    });
    expect(response.publicChallengeParameters).toEqual({ type: 'RECOVERY_CODE' });
    expect(response.privateChallengeParameters?.id).not.toBe(first);
    expect(f.challenges.getCode).not.toHaveBeenCalled();
    expectNothingSent(f);
  });

  test('the right recovery code: PHONE_REQUIRED for a new number (private purpose replace_phone)', async () => {
    const { f, response } = await create({
      session: afterPassword(round('SMS_OTP', SMS_ID, false), round('RECOVERY_CODE', id('c'), true)),
    });
    expect(response.publicChallengeParameters).toEqual({ type: 'PHONE_REQUIRED' });
    expect(response.privateChallengeParameters).toMatchObject({
      type: 'PHONE_REQUIRED',
      purpose: 'replace_phone',
    });
    expectNothingSent(f);
  });
});

describe('the unknown-user decoy answers RECOVERY the same way', () => {
  const decoyAfterRecovery = { session: afterPassword(round('SMS_OTP', SMS_ID, false)), userNotFound: true };

  test('its decoy item marked recoveryFor the round: a RECOVERY_CODE round of the same shape; no send unit, no pause, nothing read about a user', async () => {
    const { f, response } = await create(decoyAfterRecovery, {
      decoy: { codeId: SMS_ID, recoveryFor: SMS_ID },
    });
    const real = await create(
      { session: afterPassword(round('SMS_OTP', SMS_ID, false)) },
      {
        code: storedCode({ recoveryFor: SMS_ID }),
      },
    );
    expect(response.publicChallengeParameters).toEqual(real.response.publicChallengeParameters);
    expect(Object.keys(response.privateChallengeParameters ?? {}).sort()).toEqual(
      Object.keys(real.response.privateChallengeParameters ?? {}).sort(),
    );
    expect(response.challengeMetadata).toMatch(/^RECOVERY_CODE:[0-9a-f]{32}$/);
    expect(f.accounts.read).not.toHaveBeenCalled();
    expect(f.takeUnit).not.toHaveBeenCalled();
    expect(f.pause).not.toHaveBeenCalled();
  });

  test('after a wrong recovery code: RECOVERY_CODE again (the decoy never gets further)', async () => {
    const { response } = await create({
      session: afterPassword(round('SMS_OTP', SMS_ID, false), round('RECOVERY_CODE', id('c'), false)),
      userNotFound: true,
    });
    expect(response.publicChallengeParameters).toEqual({ type: 'RECOVERY_CODE' });
  });

  test('no recovery mark on the decoy item: the decoy code round again', async () => {
    const { response } = await create(decoyAfterRecovery, { decoy: { codeId: SMS_ID } });
    expect(response.challengeMetadata).toBe(`SMS_OTP:${SMS_ID}`);
  });
});

describe('RECOVERY_CODES: a new set, shown once, stored only when acknowledged', () => {
  const newCodes = {
    session: afterPassword(round('SMS_OTP', SMS_ID, true)),
    clientMetadata: { intent: 'new_recovery_codes' },
  };
  const GROUPED = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

  test('10 distinct codes XXXX-XXXX-XXXX (60 bits each) in the public `codes`, space-separated', async () => {
    const { response } = await create(newCodes);
    const shown = String(response.publicChallengeParameters?.codes).split(' ');
    expect(shown).toHaveLength(10);
    for (const code of shown) expect(code).toMatch(GROUPED);
    expect(new Set(shown).size).toBe(10);
    expect(RECOVERY_CODE_BITS).toBeGreaterThanOrEqual(50);
    expect(Object.keys(response.publicChallengeParameters ?? {}).sort()).toEqual(['codes', 'type']);
  });

  test('the private parameters carry their per-user hashes in the same order, never a code; the public ones never a hash', async () => {
    const { response } = await create(newCodes);
    const shown = String(response.publicChallengeParameters?.codes).split(' ');
    const hashes = String(response.privateChallengeParameters?.hashes).split(' ');
    expect(hashes).toEqual(shown.map((code) => recoveryCodeHash(SUB, normaliseRecoveryCode(code) as string)));
    const roundId = response.privateChallengeParameters?.id;
    expect(response.privateChallengeParameters).toEqual({
      type: 'RECOVERY_CODES',
      id: roundId,
      nonce: FRESH_ID,
      hashes: hashes.join(' '),
    });
    expect(response.challengeMetadata).toBe(`RECOVERY_CODES:${roundId}`);
    const privateText = JSON.stringify(response.privateChallengeParameters);
    for (const code of shown) {
      expect(privateText).not.toContain(code);
      expect(privateText).not.toContain(code.replaceAll('-', ''));
    }
    const publicText = JSON.stringify(response.publicChallengeParameters);
    for (const hash of hashes) expect(publicText).not.toContain(hash);
    expect(JSON.stringify(response.challengeMetadata)).not.toContain(hashes[0] as string);
  });

  test('nothing is read but the status and nothing stored or sent (Verify stores the hashes on OK)', async () => {
    const { f } = await create(newCodes);
    expectNothingSent(f);
    expect(f.challenges.getCode).not.toHaveBeenCalled();
  });

  test('every RECOVERY_CODES round is a new set (a set not acknowledged is never shown again)', async () => {
    const first = await create(newCodes);
    const again = await create({
      ...newCodes,
      session: afterPassword(round('SMS_OTP', SMS_ID, true), round('RECOVERY_CODES', id('d'), false)),
    });
    expect(again.response.publicChallengeParameters?.type).toBe('RECOVERY_CODES');
    expect(again.response.publicChallengeParameters?.codes).not.toBe(
      first.response.publicChallengeParameters?.codes,
    );
  });

  test('the hashes are keyed per user: the same code hashes differently for another sub', () => {
    expect(recoveryCodeHash(SUB, '7KQ2M9XD4RTB')).not.toBe(recoveryCodeHash(`${SUB}x`, '7KQ2M9XD4RTB'));
  });

  test('recovery path: after the new number is proven, a RECOVERY_CODES round', async () => {
    const { response } = await create({
      session: afterPassword(
        round('SMS_OTP', SMS_ID, false),
        round('RECOVERY_CODE', id('c'), true),
        round('PHONE_REQUIRED', id('5'), true),
        round('SMS_OTP', id('7'), true),
      ),
    });
    expect(response.publicChallengeParameters?.type).toBe('RECOVERY_CODES');
  });
});

describe('intent change_phone and a new number after a full second factor (replace_phone)', () => {
  const PHONE_ID = id('5');

  test('after the right sign-in code: PHONE_REQUIRED for a new number (replace_phone)', async () => {
    const { response } = await create({
      session: afterPassword(round('SMS_OTP', SMS_ID, true)),
      clientMetadata: { intent: 'change_phone' },
    });
    expect(response.privateChallengeParameters).toMatchObject({
      type: 'PHONE_REQUIRED',
      purpose: 'replace_phone',
    });
  });

  test('an unknown intent ends the sign-in: nothing built, nothing sent', async () => {
    const f = fakes();
    const event = createEvent({
      attributes: withPhone(),
      session: afterPassword(round('SMS_OTP', SMS_ID, true)),
      clientMetadata: { intent: 'change_phon' },
    });
    await expect(createAuthChallenge(event, f.deps)).rejects.toThrow(InvalidEventError);
    expectNothingSent(f);
  });

  test.each([
    ['change_phone', [round('SMS_OTP', SMS_ID, true), round('PHONE_REQUIRED', PHONE_ID, true)]],
    [
      'recovery',
      [
        round('SMS_OTP', SMS_ID, false),
        round('RECOVERY_CODE', id('c'), true),
        round('PHONE_REQUIRED', PHONE_ID, true),
      ],
    ],
  ])(
    '%s: the code goes to the number proven in the PHONE_REQUIRED round, purpose replace_phone, on the unproven counters only',
    async (_path, rounds) => {
      const { f, response } = await create({ session: afterPassword(...rounds) }, { candidate: NEW_PHONE });
      expect(f.challenges.getPhoneCandidate).toHaveBeenCalledWith(SUB, PHONE_ID, NOW.getTime());
      expect(f.sms.send).toHaveBeenCalledTimes(1);
      expect(f.sms.send).toHaveBeenCalledWith(expect.objectContaining({ phone: NEW_PHONE }));
      expect(textedCode(f)).toMatch(/^\d{6}$/);
      const { record, counters } = f.issued[0] ?? {};
      expect(record).toMatchObject({
        purpose: 'replace_phone',
        phone: NEW_PHONE,
        destination: '+*******3456',
      });
      // The number is not proven yet: its counters, never the verified number's (SENDS#PHONE#).
      expect(counters?.map((counter) => counter.name)).toEqual(['user', 'unproven_phone', 'unproven_user']);
      expect(counters?.map((counter) => counter.counter.key.pk)).toEqual([
        `SENDS#USER#${SUB}`,
        expect.stringMatching(/^SENDS#UNPROVEN#PHONE#[0-9a-f]{32}$/),
        `SENDS#UNPROVEN#USER#${SUB}`,
      ]);
      expect(response.privateChallengeParameters).toMatchObject({
        purpose: 'replace_phone',
        phone: NEW_PHONE,
      });
      expect(response.publicChallengeParameters).toEqual({
        type: 'SMS_OTP',
        destination: '+*******3456',
        length: '6',
      });
      expect(JSON.stringify(response.publicChallengeParameters)).not.toContain(NEW_PHONE);
      expect(f.sms.send).not.toHaveBeenCalledWith(expect.objectContaining({ phone: PHONE }));
    },
  );

  test('a RESEND of a replace_phone code goes to the new number again, never the one on file', async () => {
    const NEW_SMS = id('7');
    const { f, response } = await create(
      {
        session: afterPassword(
          round('SMS_OTP', SMS_ID, true),
          round('PHONE_REQUIRED', PHONE_ID, true),
          round('SMS_OTP', NEW_SMS, false),
        ),
        clientMetadata: { intent: 'change_phone' },
      },
      {
        code: storedCode({
          id: NEW_SMS,
          purpose: 'replace_phone',
          phone: NEW_PHONE,
          destination: '+*******3456',
          resendFor: NEW_SMS,
        }),
      },
    );
    expect(f.sms.send).toHaveBeenCalledWith(expect.objectContaining({ phone: NEW_PHONE }));
    expect(f.issued[0]?.record).toMatchObject({ purpose: 'replace_phone', phone: NEW_PHONE });
    expect(response.challengeMetadata).toMatch(/^SMS_OTP:[0-9a-f]{32}:resent$/);
  });
});
