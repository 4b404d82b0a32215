/**
 * serverless.yml's stage parameters reach the handlers as they would in a deployment: with
 * `--param autoConfirmInvitedUsers=false` the PreSignUp function is loaded with
 * AUTO_CONFIRM_INVITED_USERS=false, so an invited user confirms by the emailed code, and
 * PostConfirmation then consumes the invite.
 */
import { ConfirmSignUpCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PASSWORD, startTestStack, type TestStack } from '../helpers/local-stack';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack({ params: { autoConfirmInvitedUsers: 'false' } });
});
afterAll(() => env.stop());

it('loads PreSignUp with the stage parameter: the invited user confirms by email code', async () => {
  const preSignUp = env.stack.definitions.functions.find((fn) => fn.triggers.includes('PreSignUp'));
  expect(preSignUp?.environment.AUTO_CONFIRM_INVITED_USERS).toBe('false');

  const email = 'confirm.me@example.com';
  const inviteCode = await env.invite(email);
  const answer = await env.cognito.send(
    new SignUpCommand({
      ClientId: env.clientId,
      Username: email,
      Password: PASSWORD,
      UserAttributes: [{ Name: 'email', Value: email }],
      ClientMetadata: { inviteCode },
    }),
  );
  expect(answer.UserConfirmed).toBe(false);
  expect(answer.CodeDeliveryDetails?.DeliveryMedium).toBe('EMAIL');
  expect((await env.invites.get(email))?.status).toBe('pending');

  const [mail] = await env.outbox({ to: email, channel: 'email' });
  const code = /\b\d{6}\b/.exec(mail?.body ?? '')?.[0];
  expect(code).toMatch(/^\d{6}$/);
  await env.cognito.send(
    new ConfirmSignUpCommand({ ClientId: env.clientId, Username: email, ConfirmationCode: code }),
  );
  expect((await env.invites.get(email))?.status).toBe('accepted');
});
