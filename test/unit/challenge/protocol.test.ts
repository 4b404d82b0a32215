import {
  formatMetadata,
  isResendAnswer,
  newRoundId,
  parseMetadata,
  parsePrivateParameters,
  privateParameters,
  ROUND_ID_PATTERN,
} from '#shared/challenge/protocol';

const ID = 'a3f9c1e7b5d24f6a8c0e2b4d6f8a1c3e';

test('round ids are 128 random bits in lower-case hex, different each time', () => {
  const ids = new Set(Array.from({ length: 100 }, newRoundId));
  expect(ids.size).toBe(100);
  for (const id of ids) expect(id).toMatch(ROUND_ID_PATTERN);
});

test('metadata round-trips for both round types', () => {
  for (const type of ['PHONE_REQUIRED', 'SMS_OTP'] as const) {
    expect(parseMetadata(formatMetadata({ type, id: ID }))).toEqual({ type, id: ID });
  }
});

test('an SMS_OTP round built in answer to RESEND carries its mark, and only SMS_OTP may', () => {
  for (const mark of ['resent', 'wait'] as const) {
    expect(formatMetadata({ type: 'SMS_OTP', id: ID, mark })).toBe(`SMS_OTP:${ID}:${mark}`);
    expect(parseMetadata(`SMS_OTP:${ID}:${mark}`)).toEqual({ type: 'SMS_OTP', id: ID, mark });
  }
});

test.each([
  ['RESEND', true],
  ['resend', true],
  ['  Resend\n', true],
  ['RESEND!', false],
  ['RE SEND', false],
  ['', false],
  [undefined, false],
])('%j is the reserved answer RESEND: %s', (answer, expected) => {
  expect(isResendAnswer(answer)).toBe(expected);
});

test.each([
  [undefined],
  [null],
  [''],
  ['SMS_OTP'],
  ['SMS_OTP:'],
  [`SMS_OTP:${ID}x`],
  [`SMS_OTP:${ID.toUpperCase()}`],
  [`sms_otp:${ID}`],
  [`MAGIC_LINK:${ID}`],
  [`SMS_OTP:${ID}:extra`],
  [`SMS_OTP:${ID}:RESENT`],
  [`SMS_OTP:${ID}:resent:wait`],
  [`SMS_OTP:${ID}:`],
  [`PHONE_REQUIRED:${ID}:resent`],
  [`:${ID}`],
])('metadata %j is not one of ours', (metadata) => {
  expect(parseMetadata(metadata)).toBeUndefined();
});

const NONCE = expect.stringMatching(/^[0-9a-f]{32}$/);
const HASH = 'ab'.repeat(32);
const SALT = 'cd'.repeat(16);
const ROUND = {
  type: 'SMS_OTP',
  id: ID,
  length: 6,
  codeHash: HASH,
  salt: SALT,
  expiresAt: 1_800_000_000_000,
  purpose: 'sign_in',
} as const;

test('a code round carries what Verify needs to judge an answer with no read, with a fresh nonce', () => {
  const params = privateParameters(ROUND);
  expect(params).toEqual({
    type: 'SMS_OTP',
    id: ID,
    length: '6',
    nonce: NONCE,
    hash: HASH,
    salt: SALT,
    expiresAt: '1800000000000',
    purpose: 'sign_in',
  });
  expect(privateParameters(ROUND).nonce).not.toBe(params.nonce);
  expect(parsePrivateParameters(params)).toEqual({ ...ROUND, nonce: params.nonce });
});

test('a verify_phone round carries the number the code went to; a sign-in round never does', () => {
  const phone = privateParameters({ ...ROUND, purpose: 'verify_phone', phone: '+12015550123' });
  expect(phone.phone).toBe('+12015550123');
  expect(parsePrivateParameters(phone)).toMatchObject({ purpose: 'verify_phone', phone: '+12015550123' });
  expect(privateParameters({ ...ROUND, phone: '+12015550123' }).phone).toBeUndefined();
});

test('a phone round carries only type, id, a nonce and what the number is for', () => {
  const params = privateParameters({ type: 'PHONE_REQUIRED', id: ID, purpose: 'verify_phone' });
  expect(params).toEqual({ type: 'PHONE_REQUIRED', id: ID, nonce: NONCE, purpose: 'verify_phone' });
  expect(parsePrivateParameters(params)).toEqual({
    type: 'PHONE_REQUIRED',
    id: ID,
    nonce: params.nonce,
    purpose: 'verify_phone',
  });
});

const GOOD = {
  type: 'SMS_OTP',
  id: ID,
  nonce: ID,
  length: '6',
  hash: HASH,
  salt: SALT,
  expiresAt: '1800000000000',
  purpose: 'sign_in',
};

test.each([
  [{}],
  [{ type: 'PHONE_REQUIRED', id: ID }],
  [{ type: 'PHONE_REQUIRED', id: ID, nonce: 'not-hex' }],
  [{ type: 'PHONE_REQUIRED', nonce: ID }],
  [{ type: 'OTHER', id: ID, nonce: ID }],
  [{ ...GOOD, length: 'six' }],
  [{ ...GOOD, length: '3' }],
  [{ ...GOOD, length: '11' }],
  [{ ...GOOD, id: 'short' }],
  [{ ...GOOD, hash: 'ab' }],
  [{ ...GOOD, salt: undefined }],
  [{ ...GOOD, expiresAt: 'soon' }],
  [{ ...GOOD, expiresAt: '-5' }],
  [{ ...GOOD, purpose: 'other' }],
  [{ ...GOOD, phone: '+12015550123' }],
  [{ ...GOOD, purpose: 'verify_phone' }],
  [{ ...GOOD, purpose: 'verify_phone', phone: '2015550123' }],
])('private parameters %j are refused as a whole', (params) => {
  expect(parsePrivateParameters(params as Record<string, string>)).toBeUndefined();
});
