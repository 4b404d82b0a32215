import { maskEmailDestination, maskFromLastDigits, maskPhone } from '#shared/challenge/mask';

test.each([
  ['+14155550123', '+*******0123'],
  ['+447400123456', '+*******3456'],
  ['+4915123456789', '+*******6789'],
])('maskPhone(%s) shows only the last four digits, with a fixed number of stars: %s', (phone, masked) => {
  expect(maskPhone(phone)).toBe(masked);
});

test('masks of numbers of different lengths have the same length', () => {
  expect(maskPhone('+14155550123')).toHaveLength(maskPhone('+4915123456789').length);
});

test('a decoy mask has the same shape as a real one', () => {
  expect(maskFromLastDigits('0123')).toBe(maskPhone('+14155550123'));
});

describe('maskEmailDestination (the EMAIL_OTP round’s destination)', () => {
  test.each([
    ['alice@example.com', 'a***@e***.com'],
    ['bob.smith+2fa@mail.example.co.uk', 'b***@m***.uk'],
    ['a@b.io', 'a***@b***.io'],
    ['alice@localhost', 'a***@l***'],
    ['"a@b"@example.org', '"***@e***.org'],
  ])(
    '%s -> %s: the first letter of the name and of the domain, and the top-level domain',
    (email, masked) => {
      expect(maskEmailDestination(email)).toBe(masked);
    },
  );

  test('names and domains of any length give the same mask: the mask tells nobody how long they are', () => {
    expect(maskEmailDestination('averyveryverylongname@example.com')).toBe(maskEmailDestination('a@e.com'));
  });

  test('nothing of the name beyond its first character is shown', () => {
    const masked = maskEmailDestination('alice.secret@example.com');
    expect(masked).not.toMatch(/lice|secret|xample/);
  });

  test.each([['no-at-sign'], ['@example.com'], ['alice@'], ['']])('%j (not an address) -> "***"', (email) => {
    expect(maskEmailDestination(email)).toBe('***');
  });
});

test('an email whose first character is outside the BMP keeps it whole', () => {
  expect(maskEmailDestination('😀x@ëxample.com')).toBe('😀***@ë***.com');
});
