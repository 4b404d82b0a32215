import { emailDomain, isValidEmail, normaliseEmail } from '#shared/invites/email';

test('normaliseEmail trims and lower-cases', () => {
  expect(normaliseEmail('  Ada.Lovelace@Example.COM \n')).toBe('ada.lovelace@example.com');
});

test.each(['ada@example.com', 'ada+invite@sub.example.co.uk', 'a.b-c_d@example.org'])(
  '%s is valid',
  (email) => {
    expect(isValidEmail(email)).toBe(true);
  },
);

test.each([
  ['empty', ''],
  ['no at sign', 'ada.example.com'],
  ['no domain', 'ada@'],
  ['no local part', '@example.com'],
  ['spaces inside', 'ada lovelace@example.com'],
  ['two at signs', 'ada@lovelace@example.com'],
  ['over 254 characters', `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`],
])('%s is not a valid invite address', (_label, email) => {
  expect(isValidEmail(email)).toBe(false);
});

test('emailDomain is what follows the last @', () => {
  expect(emailDomain('ada@example.com')).toBe('example.com');
  expect(emailDomain('"a@b"@example.org')).toBe('example.org');
});
