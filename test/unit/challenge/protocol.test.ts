import {
  formatMetadata,
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
  [`:${ID}`],
])('metadata %j is not one of ours', (metadata) => {
  expect(parseMetadata(metadata)).toBeUndefined();
});

const NONCE = expect.stringMatching(/^[0-9a-f]{32}$/);

test('private parameters carry only type, id, a fresh nonce and (for codes) length', () => {
  const code = privateParameters({ type: 'SMS_OTP', id: ID, length: 6 });
  expect(code).toEqual({ type: 'SMS_OTP', id: ID, length: '6', nonce: NONCE });
  expect(privateParameters({ type: 'PHONE_REQUIRED', id: ID })).toEqual({
    type: 'PHONE_REQUIRED',
    id: ID,
    nonce: NONCE,
  });
  expect(privateParameters({ type: 'SMS_OTP', id: ID, length: 6 }).nonce).not.toBe(code.nonce);
  expect(parsePrivateParameters({ type: 'SMS_OTP', id: ID, length: '8', nonce: ID })).toEqual({
    type: 'SMS_OTP',
    id: ID,
    length: 8,
    nonce: ID,
  });
  expect(parsePrivateParameters({ type: 'PHONE_REQUIRED', id: ID })).toEqual({
    type: 'PHONE_REQUIRED',
    id: ID,
  });
});

test.each([
  [{}],
  [{ type: 'SMS_OTP', id: ID }],
  [{ type: 'SMS_OTP', id: ID, length: 'six' }],
  [{ type: 'SMS_OTP', id: ID, length: '3' }],
  [{ type: 'SMS_OTP', id: ID, length: '11' }],
  [{ type: 'SMS_OTP', id: 'short', length: '6' }],
  [{ type: 'PHONE_REQUIRED' }],
  [{ type: 'OTHER', id: ID }],
  [{ type: 'PHONE_REQUIRED', id: ID, nonce: 'not-hex' }],
])('private parameters %j are refused', (params) => {
  expect(parsePrivateParameters(params)).toBeUndefined();
});
