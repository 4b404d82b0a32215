/**
 * The local console's API over HTTP, as its page uses it: the outbox as server-sent events,
 * invites created, listed and revoked with the invites CLI's rules (the same answer as the CLI for
 * the same request), users as the users CLI and the sign-in checks see them (status, masked
 * phone, groups, suspension, lockout), and the doors it keeps shut (other origins, other hosts).
 * The page itself is driven in a real browser in test/browser.
 */
import { request } from 'node:http';
import {
  AdminAddUserToGroupCommand,
  CreateGroupCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { invitesProgram } from '../../cli/invites/program';
import { runCli } from '../../cli/lib/run';
import { usersProgram } from '../../cli/users/program';
import { errorName, type SignInStep, signIn } from '../../local/client';
import { acknowledgeRecoveryCodes, startTestStack, type TestStack } from '../helpers/local-stack';

let env: TestStack;
let origin: string;

beforeAll(async () => {
  env = await startTestStack();
  origin = env.url;
});
afterAll(() => env.stop());

const api = (path: string) => `${env.url}/_local/ui/api${path}`;
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(api(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin, ...headers },
    body: JSON.stringify(body),
  });

/** A CLI run in-process against this stack (`--local`), as an operator runs it. */
async function cli(program: typeof invitesProgram, args: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await runCli(program, [...args, '--local'], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { PORT: new URL(env.url).port },
    now: () => new Date(),
  });
  return { status, stdout, stderr };
}

interface ConsoleUserRow {
  email: string;
  cognitoStatus: string;
  phone?: string;
  groups: string[];
  suspended: boolean;
  suspension?: { reason: string };
  lockedOutUntil?: string;
  recentFailures: number;
}
/** GET /_local/ui/api/users with a given Host header (fetch will not send a foreign one). */
function statusWithHost(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(api('/users'));
    request({ host: url.hostname, port: url.port, path: url.pathname, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

const users = async () => (await (await fetch(api('/users'))).json()) as ConsoleUserRow[];

describe('invites, with the invites CLI rules', () => {
  it('creates an invite and shows its code once; the list and the CLI then see the same invite', async () => {
    await env.cognito.send(new CreateGroupCommand({ UserPoolId: env.userPoolId, GroupName: 'early-birds' }));
    const response = await post('/invites', {
      email: ' Grace@Example.com ',
      group: 'early-birds',
      days: '3',
    });
    const created = (await response.json()) as { code: string };
    const listed = (await (await fetch(api('/invites'))).json()) as Array<{ email: string }>;
    const shown = await cli(invitesProgram, ['show', '--email', 'grace@example.com', '--json']);

    expect(response.status).toBe(201);
    expect(created).toMatchObject({ email: 'grace@example.com', status: 'pending', group: 'early-birds' });
    expect(created.code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    expect(listed.find((invite) => invite.email === 'grace@example.com')).not.toHaveProperty('code');
    expect(JSON.parse(shown.stdout)).toMatchObject({
      email: 'grace@example.com',
      status: 'pending',
      group: 'early-birds',
    });
    // The code works for a real sign-up.
    await env.cognito.send(
      new SignUpCommand({
        ClientId: env.clientId,
        Username: 'grace@example.com',
        Password: 'Correct-Horse-Battery-9',
        UserAttributes: [{ Name: 'email', Value: 'grace@example.com' }],
        ClientMetadata: { inviteCode: created.code },
      }),
    );
  });

  it('refuses what the CLI refuses, with the CLI message', async () => {
    const cases = [
      { body: { email: 'not-an-email' }, args: ['--email', 'not-an-email'] },
      { body: { email: 'a@example.com', days: '400' }, args: ['--email', 'a@example.com', '--days', '400'] },
      {
        body: { email: 'a@example.com', group: 'two words' },
        args: ['--email', 'a@example.com', '--group', 'two words'],
      },
      { body: { email: 'grace@example.com' }, args: ['--email', 'grace@example.com'] }, // accepted above
    ];
    for (const { body, args } of cases) {
      const response = await post('/invites', body);
      const { message } = (await response.json()) as { message: string };
      const run = await cli(invitesProgram, ['create', ...args]);

      expect(response.status).toBe(run.status === 2 ? 400 : 409);
      // The CLI prints the same sentence after its name (a store error starting lower-case).
      expect(run.stderr.toLowerCase()).toContain(message.toLowerCase());
    }
  });

  it('revokes a pending invite; an unknown one is not found', async () => {
    await post('/invites', { email: 'revoke.me@example.com' });

    const revoked = await post('/invites/revoke', { email: 'revoke.me@example.com' });
    const again = await post('/invites/revoke', { email: 'revoke.me@example.com' });
    const unknown = await post('/invites/revoke', { email: 'nobody@example.com' });

    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ status: 'revoked', outcome: 'revoked' });
    expect(await again.json()).toMatchObject({ outcome: 'already_revoked' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'No invite exists for nobody@example.com' });
  });
});

describe('users, as the users CLI and the sign-in checks see them', () => {
  it('shows status, the masked phone, groups, then a lockout and a suspension as they happen', async () => {
    const { email, password } = await env.signUpInvited('console');
    const phone = env.newPhone();
    await env.cognito.send(new CreateGroupCommand({ UserPoolId: env.userPoolId, GroupName: 'staff' }));
    await env.cognito.send(
      new AdminAddUserToGroupCommand({ UserPoolId: env.userPoolId, Username: email, GroupName: 'staff' }),
    );
    const ask = await signIn(env.pool, email, password);
    if (ask.kind !== 'challenge') throw new Error('no phone round');
    const otp = await ask.answer(phone);
    if (otp.kind !== 'challenge') throw new Error('no code round');
    const code = /\b\d{6}\b/.exec((await env.nextMessage(phone, 0)).body)?.[0] ?? '';
    expect((await acknowledgeRecoveryCodes(await otp.answer(code))).kind).toBe('signedIn');
    const enrolled = (await users()).find((user) => user.email === email);

    // Wrong codes until the lockout: at most MAX_CODE_ATTEMPTS (3) per sign-in; 5 failures lock,
    // and the sign-in that reached them is refused as docs/two-factor.md says.
    let wrong = 0;
    const endings: string[] = [];
    while (wrong < 5) {
      let step: SignInStep = await signIn(env.pool, email, password);
      while (step.kind === 'challenge' && wrong < 5) {
        step = await step.answer(code === '000000' ? '111111' : '000000');
        wrong++;
      }
      if (step.kind === 'failed') endings.push(`${errorName(step.error)}: ${step.error.message}`);
    }
    const locked = (await users()).find((user) => user.email === email);
    const suspended = await cli(usersProgram, [
      'suspend',
      '--email',
      email,
      '--reason',
      'console test',
      '--json',
    ]);
    const after = (await users()).find((user) => user.email === email);

    expect(enrolled).toMatchObject({
      cognitoStatus: 'CONFIRMED',
      phone: `+*******${phone.slice(-4)}`,
      groups: ['staff'],
      suspended: false,
      recentFailures: 0,
    });
    expect(enrolled?.lockedOutUntil).toBeUndefined();
    expect(endings).toEqual([
      'NotAuthorizedException: Incorrect username or password.',
      expect.stringMatching(/^UserLambdaValidationException: .*Sign-in is not allowed right now/),
    ]);
    expect(locked).toMatchObject({ recentFailures: 5, lockedOutUntil: expect.any(String) });
    expect(suspended.status).toBe(0);
    expect(after).toMatchObject({ suspended: true, suspension: { reason: 'console test' } });
    expect(JSON.stringify(after)).not.toContain(phone);
  });
});

describe('the outbox, live', () => {
  it('sends every message so far, then each new one as it is added', async () => {
    const controller = new AbortController();
    const response = await fetch(api('/outbox/events'), { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let received = '';
    const next = async (match: RegExp) => {
      while (!match.test(received)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        received += decoder.decode(value);
      }
    };
    const before = (await env.outbox()).length;

    await next(new RegExp(`(data: .*\\n\\n){${before}}`));
    env.stack.outbox.add({
      channel: 'email',
      to: 'live@example.com',
      subject: 'Hi',
      body: '<p>Hello <b>there</b></p>',
    });
    await next(/live@example\.com/);
    controller.abort();

    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const last = JSON.parse(received.trim().split('\n\n').at(-1)?.slice('data: '.length) ?? '{}');
    expect(last).toMatchObject({
      channel: 'email',
      to: 'live@example.com',
      subject: 'Hi',
      text: 'Hello there',
    });
  });
});

describe('what the console refuses', () => {
  it('refuses another origin, a change with no origin, and a foreign Host, with no CORS header', async () => {
    const crossSite = await post('/invites', { email: 'x@example.com' }, { origin: 'https://evil.example' });
    const noOrigin = await fetch(api('/invites'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":"x@example.com"}',
    });
    const rebound = await statusWithHost(`evil.example:${new URL(env.url).port}`);
    const preflight = await fetch(api('/invites'), {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    const invites = (await (await fetch(api('/invites'))).json()) as Array<{ email: string }>;

    expect([crossSite.status, noOrigin.status, rebound, preflight.status]).toEqual([403, 403, 403, 403]);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(invites.map((invite) => invite.email)).not.toContain('x@example.com');
  });

  it('says what is wrong with a body that is not JSON or not an object', async () => {
    const notJson = await fetch(api('/invites'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: '{nope',
    });
    const notObject = await post('/invites', ['a@example.com']);
    const form = await fetch(api('/invites'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: 'email=a@example.com',
    });

    expect([notJson.status, notObject.status, form.status]).toEqual([400, 400, 415]);
    expect(await notJson.json()).toEqual({ message: 'The request is not valid JSON.' });
  });
});
