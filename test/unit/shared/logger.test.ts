import { maskEmail } from '#shared/logger';

test.each([
  ['ada@example.com', 'a***@example.com'],
  ['a@b.co', 'a***@b.co'],
  ['"odd@local"@example.com', '"***@example.com'],
  ['no-at-sign', '***'],
  ['@example.com', '***'],
])('maskEmail(%j) keeps the first character and the domain: %j', (email, masked) => {
  expect(maskEmail(email)).toBe(masked);
});
