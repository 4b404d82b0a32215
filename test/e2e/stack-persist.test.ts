/**
 * `npm start -- --persist DIR`: users, the pool's signing keys and the tables survive a restart,
 * and a persisted user still signs in (the pool ID, which SRP hashes, is the same on every start).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { signIn } from '../../local/client';
import { startTestStack, type TestStack } from '../helpers/local-stack';

const dir = mkdtempSync(join(tmpdir(), 'local-stack-'));
let env: TestStack | undefined;

afterAll(async () => {
  await env?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('keeps users and invites across a restart, and the user can still sign in', async () => {
  env = await startTestStack({ persistDir: dir });
  const { email, password, sub } = await env.signUpInvited('kept');
  const first = { userPoolId: env.userPoolId, clientId: env.clientId };
  await env.stop();

  env = await startTestStack({ persistDir: dir });
  expect({ userPoolId: env.userPoolId, clientId: env.clientId }).toEqual(first);
  const user = await env.cognito.send(
    new AdminGetUserCommand({ UserPoolId: env.userPoolId, Username: email }),
  );
  expect(user.UserAttributes?.find((a) => a.Name === 'sub')?.Value).toBe(sub);
  expect((await env.invites.get(email))?.status).toBe('accepted');

  const step = await signIn(env.pool, email, password);
  expect(step.kind === 'challenge' && step.parameters.type).toBe('PHONE_REQUIRED');
});

it('starts empty without --persist', async () => {
  await env?.stop();
  env = await startTestStack();
  expect(await env.invites.list()).toEqual([]);
});
