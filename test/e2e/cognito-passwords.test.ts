/**
 * Clear-password checks against the SRP verifier (local/cognito/passwords.ts): the pool keeps
 * only the verifier and its salt, and USER_PASSWORD_AUTH and ChangePassword's previous password
 * are checked by recomputing g^x. Also: persist files written when the pool kept a scrypt hash
 * beside the verifier still sign in, and lose that hash; the outbox's per-recipient index keeps
 * the limit and the filters.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { TriggerFn } from '../../local/cognito';
import { Outbox } from '../../local/outbox';
import { PASSWORD, signIn, signUp, startTestPool, type TestPool } from './cognito-harness';

const autoConfirm: TriggerFn = async (event) => {
  event.response.autoConfirmUser = true;
  return event;
};

let pool: TestPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A client that allows the password flows (the project's own allows CUSTOM_AUTH only). */
const passwordClient = {
  ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
};

describe('USER_PASSWORD_AUTH (when a client allows it)', () => {
  it('signs in with the right password and refuses a wrong one or an unknown user alike', async () => {
    pool = await startTestPool({ triggers: { PreSignUp: autoConfirm }, client: passwordClient });
    const { sdk, clientId, userPool } = pool;
    await signUp(userPool, 'ada@example.com');
    const attempt = (USERNAME: string, PASSWORD: string) =>
      sdk.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME, PASSWORD },
        }),
      );

    const right = await attempt('ada@example.com', PASSWORD);
    const wrong = await rejection(attempt('ada@example.com', `${PASSWORD}x`));
    const unknown = await rejection(attempt('nobody@example.com', PASSWORD));

    expect(right.AuthenticationResult?.IdToken).toEqual(expect.any(String));
    expect(wrong).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    expect(unknown).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });
});

describe('persist files', () => {
  it('keeps only the salt and verifier of a password, and drops the scrypt hash older files hold', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-pool-'));
    const persistFile = join(dir, 'pool.json');
    const ids = { userPoolId: 'us-east-1_Legacy001', clientId: 'legacyclient00000000000000' };
    try {
      const options = { ...ids, persistFile, triggers: { PreSignUp: autoConfirm }, client: passwordClient };
      pool = await startTestPool(options);
      await signUp(pool.userPool, 'kept@example.com');
      await pool.close();
      pool = undefined;
      const written = JSON.parse(readFileSync(persistFile, 'utf8'));
      const stored = written.users[0].password;
      expect(Object.keys(stored).sort()).toEqual(['salt', 'setAt', 'temporary', 'verifier']);

      // The shape the pool wrote before: the same record plus a scrypt hash.
      stored.hash = 'scrypt$16384$8$1$c2FsdA==$aGFzaA==';
      writeFileSync(persistFile, JSON.stringify(written));
      pool = await startTestPool(options);

      const srp = await signIn(pool.userPool, 'kept@example.com', PASSWORD, { flow: 'USER_SRP_AUTH' });
      const clear = await signIn(pool.userPool, 'kept@example.com', PASSWORD, { flow: 'USER_PASSWORD_AUTH' });
      expect([srp.kind, clear.kind]).toEqual(['tokens', 'tokens']);
      expect(pool.server.store.find('kept@example.com')?.password).not.toHaveProperty('hash');
    } finally {
      // Close first: the pool's debounced save could otherwise write into the folder being removed.
      await pool?.close();
      pool = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('outbox', () => {
  const message = (to: string, body: string) => ({ channel: 'sms' as const, to, body });

  it('filters by recipient and channel, newest last, and forgets the oldest beyond its limit', () => {
    const outbox = new Outbox({ print: false, limit: 3 });
    outbox.add(message('+14155550100', 'one'));
    outbox.add({ channel: 'email', to: 'ada@example.com', subject: 'Hi', body: 'two' });
    outbox.add(message('+14155550100', 'three'));
    outbox.add(message('+14155550101', 'four'));

    expect(outbox.list().map((m) => m.body)).toEqual(['two', 'three', 'four']);
    expect(outbox.list({ to: '+14155550100' }).map((m) => m.body)).toEqual(['three']);
    expect(outbox.list({ to: 'ada@example.com', channel: 'sms' })).toEqual([]);
    expect(outbox.list({ channel: 'email' }).map((m) => m.body)).toEqual(['two']);
    expect(outbox.list({ to: '+14155550199' })).toEqual([]);

    outbox.clear();
    outbox.add(message('+14155550100', 'five'));
    expect(outbox.list({ to: '+14155550100' }).map((m) => m.body)).toEqual(['five']);
  });

  it('hands out copies: changing a listed message changes nothing kept', () => {
    const outbox = new Outbox({ print: false });
    outbox.add(message('+14155550100', 'one'));
    const [listed] = outbox.list({ to: '+14155550100' });
    if (listed) listed.body = 'changed';
    expect(outbox.list({ to: '+14155550100' })[0]?.body).toBe('one');
  });
});
