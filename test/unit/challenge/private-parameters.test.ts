/**
 * The private challenge parameters Create hands Verify through Cognito (protocol.ts): every round
 * type round-trips with a fresh nonce, and anything missing or malformed is refused as a whole.
 */
import { type NewRound, parsePrivateParameters, privateParameters } from '#shared/challenge/protocol';

const ID = 'a3f9c1e7b5d24f6a8c0e2b4d6f8a1c3e';
const NONCE = expect.stringMatching(/^[0-9a-f]{32}$/);
const HASH = 'ab'.repeat(32);
const SALT = 'cd'.repeat(16);
const PHONE = '+12015550123';
const SMS = {
  type: 'SMS_OTP',
  id: ID,
  length: 6,
  codeHash: HASH,
  salt: SALT,
  expiresAt: 1_800_000_000_000,
  purpose: 'sign_in',
} as const;
const EMAIL = { ...SMS, type: 'EMAIL_OTP', purpose: 'email_proof' } as const;
const hashes = (count: number) =>
  Array.from({ length: count }, (_, i) => i.toString(16).padStart(2, '0').repeat(32));

test('a code round carries what Verify needs to judge an answer with no read, with a fresh nonce', () => {
  const params = privateParameters(SMS);
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
  expect(privateParameters(SMS).nonce).not.toBe(params.nonce);
  expect(parsePrivateParameters(params)).toEqual({ ...SMS, nonce: params.nonce });
});

test.each<[string, NewRound]>([
  ['an SMS sign-in code', SMS],
  ['an SMS code to a first number (verify_phone)', { ...SMS, purpose: 'verify_phone', phone: PHONE }],
  ['an SMS code to a new number (replace_phone)', { ...SMS, purpose: 'replace_phone', phone: PHONE }],
  ['an email proof (EMAIL_OTP, email_proof)', EMAIL],
  ['a number for a first enrolment', { type: 'PHONE_REQUIRED', id: ID, purpose: 'verify_phone' }],
  ['a number to replace the verified one', { type: 'PHONE_REQUIRED', id: ID, purpose: 'replace_phone' }],
  ['a recovery code', { type: 'RECOVERY_CODE', id: ID }],
  ['one new recovery code', { type: 'RECOVERY_CODES', id: ID, hashes: hashes(1) }],
  ['ten new recovery codes', { type: 'RECOVERY_CODES', id: ID, hashes: hashes(10) }],
  [
    'twenty new recovery codes (the most a set may hold)',
    { type: 'RECOVERY_CODES', id: ID, hashes: hashes(20) },
  ],
])('%s round-trips, with its nonce', (_name, round) => {
  const params = privateParameters(round);
  expect(params.nonce).toEqual(NONCE);
  expect(parsePrivateParameters(params)).toEqual({ ...round, nonce: params.nonce });
});

test('a binding code carries the number the code went to; a sign-in or email code never does', () => {
  expect(privateParameters({ ...SMS, purpose: 'verify_phone', phone: PHONE }).phone).toBe(PHONE);
  expect(privateParameters({ ...SMS, purpose: 'replace_phone', phone: PHONE }).phone).toBe(PHONE);
  expect(privateParameters({ ...SMS, phone: PHONE }).phone).toBeUndefined();
  expect(privateParameters({ ...EMAIL, phone: PHONE }).phone).toBeUndefined();
});

test('the other rounds carry exactly type, id, nonce and their own field', () => {
  expect(privateParameters({ type: 'PHONE_REQUIRED', id: ID, purpose: 'replace_phone' })).toEqual({
    type: 'PHONE_REQUIRED',
    id: ID,
    nonce: NONCE,
    purpose: 'replace_phone',
  });
  expect(privateParameters({ type: 'RECOVERY_CODE', id: ID })).toEqual({
    type: 'RECOVERY_CODE',
    id: ID,
    nonce: NONCE,
  });
  expect(privateParameters({ type: 'RECOVERY_CODES', id: ID, hashes: hashes(2) })).toEqual({
    type: 'RECOVERY_CODES',
    id: ID,
    nonce: NONCE,
    hashes: hashes(2).join(' '),
  });
});

test('a phone round of an older Create (no purpose) is a first enrolment', () => {
  expect(parsePrivateParameters({ type: 'PHONE_REQUIRED', id: ID, nonce: ID })).toEqual({
    type: 'PHONE_REQUIRED',
    id: ID,
    nonce: ID,
    purpose: 'verify_phone',
  });
});

const GOOD_SMS = {
  type: 'SMS_OTP',
  id: ID,
  nonce: ID,
  length: '6',
  hash: HASH,
  salt: SALT,
  expiresAt: '1800000000000',
  purpose: 'sign_in',
};
const GOOD_EMAIL = { ...GOOD_SMS, type: 'EMAIL_OTP', purpose: 'email_proof' };
const GOOD_CODES = { type: 'RECOVERY_CODES', id: ID, nonce: ID, hashes: hashes(3).join(' ') };

test.each([
  ['nothing', {}],
  ['no nonce', { type: 'PHONE_REQUIRED', id: ID }],
  ['a nonce that is not hex', { type: 'PHONE_REQUIRED', id: ID, nonce: 'not-hex' }],
  ['no id', { type: 'PHONE_REQUIRED', nonce: ID }],
  ['an unknown type', { type: 'OTHER', id: ID, nonce: ID }],
  ['a phone round for a sign-in', { type: 'PHONE_REQUIRED', id: ID, nonce: ID, purpose: 'sign_in' }],
  ['a recovery-code round without a nonce', { type: 'RECOVERY_CODE', id: ID }],
  ['a recovery-code round with a short id', { type: 'RECOVERY_CODE', id: 'abc', nonce: ID }],
  // Code rounds.
  ['a length that is not a number', { ...GOOD_SMS, length: 'six' }],
  ['a length under 4', { ...GOOD_SMS, length: '3' }],
  ['a length over 10', { ...GOOD_SMS, length: '11' }],
  ['a short id', { ...GOOD_SMS, id: 'short' }],
  ['a short hash', { ...GOOD_SMS, hash: 'ab' }],
  ['no salt', { ...GOOD_SMS, salt: undefined }],
  ['an expiry that is not a number', { ...GOOD_SMS, expiresAt: 'soon' }],
  ['a negative expiry', { ...GOOD_SMS, expiresAt: '-5' }],
  ['an unknown purpose', { ...GOOD_SMS, purpose: 'other' }],
  ['no purpose', { ...GOOD_SMS, purpose: undefined }],
  ['a sign-in code with a number', { ...GOOD_SMS, phone: PHONE }],
  ['a verify_phone code without a number', { ...GOOD_SMS, purpose: 'verify_phone' }],
  [
    'a verify_phone code to a number not in E.164',
    { ...GOOD_SMS, purpose: 'verify_phone', phone: '2015550123' },
  ],
  ['a replace_phone code without a number', { ...GOOD_SMS, purpose: 'replace_phone' }],
  [
    'a replace_phone code to a number not in E.164',
    { ...GOOD_SMS, purpose: 'replace_phone', phone: '+0123' },
  ],
  ['an SMS code for the email proof', { ...GOOD_SMS, purpose: 'email_proof' }],
  // EMAIL_OTP: the email proof only, never a number.
  ['an email code for a sign-in', { ...GOOD_EMAIL, purpose: 'sign_in' }],
  ['an email code that binds a number', { ...GOOD_EMAIL, purpose: 'verify_phone', phone: PHONE }],
  ['an email code to replace a number', { ...GOOD_EMAIL, purpose: 'replace_phone', phone: PHONE }],
  ['an email proof with a number', { ...GOOD_EMAIL, phone: PHONE }],
  ['an email proof with an empty number', { ...GOOD_EMAIL, phone: '' }],
  ['an email code without a purpose', { ...GOOD_EMAIL, purpose: undefined }],
  ['an email code with a short hash', { ...GOOD_EMAIL, hash: 'ab' }],
  // RECOVERY_CODES: 1 to 20 hashes, each 64 lower-case hex characters, one space apart.
  ['new codes without hashes', { ...GOOD_CODES, hashes: undefined }],
  ['new codes with empty hashes', { ...GOOD_CODES, hashes: '' }],
  ['21 hashes', { ...GOOD_CODES, hashes: hashes(21).join(' ') }],
  ['a short hash among them', { ...GOOD_CODES, hashes: `${hashes(2).join(' ')} abcd` }],
  ['an upper-case hash', { ...GOOD_CODES, hashes: HASH.toUpperCase() }],
  ['two spaces between hashes', { ...GOOD_CODES, hashes: hashes(2).join('  ') }],
  ['a trailing space', { ...GOOD_CODES, hashes: `${hashes(2).join(' ')} ` }],
  ['commas between hashes', { ...GOOD_CODES, hashes: hashes(2).join(',') }],
  ['new codes without a nonce', { ...GOOD_CODES, nonce: undefined }],
])('%s: refused as a whole', (_name, params) => {
  expect(parsePrivateParameters(params as Record<string, string>)).toBeUndefined();
});
