/**
 * The demo fails, and says where, when the stack does not behave: here a stack deployed with
 * `--param allowedCountries=GB` refuses the demo's US number, so the story holds up to the first
 * sign-in and breaks there. The result and the printed story both name that step and what did
 * not hold; the steps before it are reported as passed.
 */
import { runDemo } from '../../local/demo';
import { startTestStack, type TestStack } from '../helpers/local-stack';

const FIRST_SIGN_IN = 'First sign-in: password by SRP, then a phone number, then the SMS code';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack({ params: { allowedCountries: 'GB' } });
});
afterAll(() => env.stop());

it('a stack that refuses US numbers: the demo stops at the first sign-in and names it', async () => {
  let output = '';
  const result = await runDemo({ url: env.url, tty: false, write: (text) => (output += text) });

  expect(result.ok).toBe(false);
  expect(result.passed).toEqual([
    expect.stringMatching(/^An admin invites ada\.[0-9a-f]{6}@example\.com$/),
    'Ada signs up with the invite (SDK v3 SignUp, ClientMetadata.inviteCode)',
  ]);
  expect(result.failure).toEqual({
    step: FIRST_SIGN_IN,
    message: expect.stringMatching(/^expected SMS_OTP, got \{"type":"PHONE_REQUIRED"[,}]/),
  });
  expect(output).toContain('✗ expected SMS_OTP, got {"type":"PHONE_REQUIRED"');
  expect(output).toContain(`The demo failed at step 3: ${FIRST_SIGN_IN}`);
  expect(output).not.toContain('behaved as they should');
  // Nothing was texted: the number was refused before any code was sent.
  expect(await env.outbox({ channel: 'sms' })).toEqual([]);
});
