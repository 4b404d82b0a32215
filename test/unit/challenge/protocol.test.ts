/** The tags Create writes into challengeMetadata, the reserved answers and the intents (protocol.ts). */
import {
  CHALLENGE_TYPES,
  formatMetadata,
  INTENTS,
  isAcknowledgement,
  isRecoveryAnswer,
  isResendAnswer,
  newRoundId,
  parseMetadata,
  ROUND_ID_PATTERN,
  readIntent,
} from '#shared/challenge/protocol';

const ID = 'a3f9c1e7b5d24f6a8c0e2b4d6f8a1c3e';

test('round ids are 128 random bits in lower-case hex, different each time', () => {
  const ids = new Set(Array.from({ length: 100 }, newRoundId));
  expect(ids.size).toBe(100);
  for (const id of ids) expect(id).toMatch(ROUND_ID_PATTERN);
});

test('the round types are pinned (the issue names them; clients switch on them)', () => {
  expect([...CHALLENGE_TYPES].sort()).toEqual([
    'DEVICE_PROOF',
    'EMAIL_OTP',
    'PHONE_REQUIRED',
    'RECOVERY_CODE',
    'RECOVERY_CODES',
    'SMS_OTP',
  ]);
});

test.each(CHALLENGE_TYPES)('metadata of a %s round round-trips', (type) => {
  expect(formatMetadata({ type, id: ID })).toBe(`${type}:${ID}`);
  expect(parseMetadata(formatMetadata({ type, id: ID }))).toEqual({ type, id: ID });
});

test.each(['SMS_OTP', 'EMAIL_OTP'] as const)(
  'a %s round built in answer to RESEND carries its mark (resent or wait)',
  (type) => {
    for (const mark of ['resent', 'wait'] as const) {
      expect(formatMetadata({ type, id: ID, mark })).toBe(`${type}:${ID}:${mark}`);
      expect(parseMetadata(`${type}:${ID}:${mark}`)).toEqual({ type, id: ID, mark });
    }
  },
);

test.each(['PHONE_REQUIRED', 'RECOVERY_CODE', 'RECOVERY_CODES'])(
  'a mark on a %s round (no code, no RESEND) is not one of ours',
  (type) => {
    for (const mark of ['resent', 'wait']) expect(parseMetadata(`${type}:${ID}:${mark}`)).toBeUndefined();
  },
);

test.each([
  [undefined],
  [null],
  [''],
  ['SMS_OTP'],
  ['SMS_OTP:'],
  [`SMS_OTP:${ID}x`],
  [`SMS_OTP:${ID.toUpperCase()}`],
  [`sms_otp:${ID}`],
  [`email_otp:${ID}`],
  [`MAGIC_LINK:${ID}`],
  [`SMS_OTP:${ID}:extra`],
  [`SMS_OTP:${ID}:RESENT`],
  [`SMS_OTP:${ID}:resent:wait`],
  [`SMS_OTP:${ID}:`],
  [`EMAIL_OTP:${ID}:again`],
  [`EMAIL_OTP:${ID}:wait:`],
  [`RECOVERY_CODE:${ID.slice(1)}`],
  [`RECOVERY_CODES :${ID}`],
  [`:${ID}`],
])('metadata %j is not one of ours', (metadata) => {
  expect(parseMetadata(metadata)).toBeUndefined();
});

describe('reserved answers (trimmed, any case; never judged as a guess)', () => {
  test.each([
    ['RESEND', true],
    ['resend', true],
    ['  Resend\n', true],
    ['RESEND!', false],
    ['RE SEND', false],
    ['', false],
    [undefined, false],
  ])('%j is RESEND: %s', (answer, expected) => {
    expect(isResendAnswer(answer)).toBe(expected);
  });

  test.each([
    ['RECOVERY', true],
    ['recovery', true],
    ['\tRecovery ', true],
    ['RECOVER', false],
    ['RECOVERY CODE', false],
    ['7KQ2-M9XD-4RTB', false],
    ['', false],
    [null, false],
    [42, false],
  ])('%j is RECOVERY: %s', (answer, expected) => {
    expect(isRecoveryAnswer(answer)).toBe(expected);
  });

  test.each([
    ['OK', true],
    ['ok', true],
    [' Ok ', true],
    ['OKAY', false],
    ['O K', false],
    ['', false],
    [undefined, false],
  ])('%j acknowledges the recovery codes: %s', (answer, expected) => {
    expect(isAcknowledgement(answer)).toBe(expected);
  });

  test('the three reserved words are told apart', () => {
    expect([isResendAnswer('RECOVERY'), isRecoveryAnswer('RESEND'), isAcknowledgement('RESEND')]).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe('readIntent (ClientMetadata.intent)', () => {
  test('the intents are pinned', () => {
    expect([...INTENTS]).toEqual(['change_phone', 'new_recovery_codes']);
  });

  test.each<[string, Record<string, string> | null | undefined, ReturnType<typeof readIntent>]>([
    ['no client metadata', undefined, undefined],
    ['null client metadata', null, undefined],
    ['no intent key', { locale: 'fr' }, undefined],
    ['an empty intent', { intent: '' }, undefined],
    ['change_phone', { intent: 'change_phone' }, 'change_phone'],
    [
      'new_recovery_codes, other keys ignored',
      { intent: 'new_recovery_codes', locale: 'de' },
      'new_recovery_codes',
    ],
    ['a typo', { intent: 'change_phon' }, 'unknown'],
    ['another case', { intent: 'CHANGE_PHONE' }, 'unknown'],
    ['surrounding spaces (not trimmed: an exact name)', { intent: ' change_phone' }, 'unknown'],
    ['a reserved answer', { intent: 'RECOVERY' }, 'unknown'],
    ['an inherited property name', { intent: 'toString' }, 'unknown'],
  ])('%s -> %s', (_name, clientMetadata, expected) => {
    expect(readIntent(clientMetadata)).toBe(expected);
  });
});
