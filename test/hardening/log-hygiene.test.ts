/**
 * Log hygiene: the whole demo story (local/demo.ts: invite -> sign-up -> first sign-in with a
 * phone -> tokens -> second sign-in -> the invite refused again -> three wrong codes), followed by
 * a forgotten password (so CustomMessage renders an email with a code, and the user sets a new
 * password), and a stranger's sign-in with an email that has no account, runs against a local stack whose seven triggers log at DEBUG, then again at INFO (the
 * production level).
 * Everything the process writes meanwhile is captured: process.stdout / process.stderr (where the
 * Powertools logger writes, as in Lambda) and the console methods.
 *
 * Then every secret the story used is looked for in what was written: each OTP code (from the
 * outbox, as the user's phone received it), the password, the invite code (as printed and in its
 * canonical forms), each full phone number (E.164, national digits and national formatting), the
 * ID / access / refresh tokens the pool returned (read from the HTTP responses), anything that
 * looks like a JWT, the user's email address (what the user typed as their user name) and the
 * email the stranger typed for an account that does not exist. None may appear. Every line of a trigger names the user only by the keyed hash `user`.
 */
import {
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { logger } from '#shared/logger';
import { signIn, userPool } from '../../local/client';
import { DEMO_PASSWORD, runDemo } from '../../local/demo';
import type { OutboxMessage } from '../../local/outbox';
import { type Stack, startStack } from '../../local/stack';
import { type Capture, captureOutput } from './support/capture';
import { retryFetchOnReset } from './support/fetch-retry';

let stack: Stack;
let restoreFetch: () => void;
beforeAll(async () => {
  restoreFetch = retryFetchOnReset();
  stack = await startStack({ port: 0, printOutbox: false, logLevel: 'DEBUG' });
}, 60_000);
afterAll(async () => {
  await stack?.close();
  restoreFetch();
});

const NEW_PASSWORD = 'Another-Horse-Battery-42';
const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/;

/** Tokens the pool handed out, read from its HTTP answers to the demo's clients. */
function recordTokens(): { tokens: Set<string>; restore: () => void } {
  const tokens = new Set<string>();
  const pending: Promise<void>[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
    const response = await realFetch(...args);
    pending.push(
      response
        .clone()
        .text()
        .then((body) => {
          for (const match of body.matchAll(/"(IdToken|AccessToken|RefreshToken)"\s*:\s*"([^"]+)"/g))
            tokens.add(match[2] as string);
        })
        .catch(() => undefined),
    );
    return response;
  };
  return {
    tokens,
    restore: () => {
      globalThis.fetch = realFetch;
    },
  };
}

interface Secret {
  kind: string;
  value: string;
  /** Numeric secrets must not be part of a longer number (a timestamp is not a leak). */
  pattern: RegExp;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const literal = (kind: string, value: string): Secret => ({
  kind,
  value,
  pattern: new RegExp(escapeRegExp(value)),
});
const digits = (kind: string, value: string): Secret => ({
  kind,
  value,
  pattern: new RegExp(`(?<!\\d)${escapeRegExp(value)}(?!\\d)`),
});

/** The email a stranger types for an account that does not exist (never to be logged). */
const STRANGER = `nobody.${process.pid}.${Date.now().toString(36)}@example.com`;

function secretsOf(story: string, outbox: OutboxMessage[], tokens: Set<string>): Secret[] {
  const secrets: Secret[] = [
    literal('password', DEMO_PASSWORD),
    literal('new password', NEW_PASSWORD),
    literal('email of an unknown user (typed as the user name)', STRANGER),
  ];
  const invite = /invite code ([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})/.exec(story)?.[1];
  if (!invite) throw new Error(`the demo printed no invite code:\n${story}`);
  const canonical = invite.replace(/-/g, '');
  for (const form of [invite, canonical, invite.toLowerCase(), canonical.toLowerCase()])
    secrets.push(literal('invite code', form));
  for (const message of outbox) {
    for (const code of message.body.match(/(?<!\d)\d{6,10}(?!\d)/g) ?? [])
      secrets.push(digits(`${message.channel} code`, code));
    if (message.channel !== 'sms') continue;
    const phone = parsePhoneNumberFromString(message.to);
    if (!phone) throw new Error(`not a phone number in the outbox: ${message.to}`);
    secrets.push(literal('phone (E.164)', phone.number));
    secrets.push(digits('phone (national digits)', phone.nationalNumber));
    secrets.push(literal('phone (national format)', phone.formatNational()));
    secrets.push(literal('phone (international format)', phone.formatInternational()));
  }
  for (const token of tokens) secrets.push(literal('token', token));
  const email = /An admin invites (\S+@\S+)/.exec(story)?.[1];
  if (!email) throw new Error(`the demo named no user:\n${story}`);
  secrets.push(literal('email (the user name typed)', email), literal('email', email.toLowerCase()));
  return secrets;
}

async function runStoryCapturingLogs(level: 'DEBUG' | 'INFO') {
  logger.setLogLevel(level);
  const fetched = recordTokens();
  let capture: Capture | undefined;
  let story = '';
  try {
    capture = captureOutput();
    const result = await runDemo({ url: stack.url, tty: false, write: (text) => (story += text) });
    await forgotPassword(story);
    // A stranger tries an email that has no account: refused like a wrong password.
    const pool = userPool({
      userPoolId: stack.info.userPoolId,
      clientId: stack.info.clientId,
      endpoint: stack.url,
    });
    const stranger = await signIn(pool, STRANGER, 'Some-Guess-123');
    expect(stranger.kind).toBe('failed');
    const logs = capture.text();
    const records = capture.records();
    capture.restore();
    capture = undefined;
    expect(result.failure).toBeUndefined();
    expect(result.ok).toBe(true);
    return { logs, records, story, tokens: fetched.tokens };
  } finally {
    capture?.restore();
    fetched.restore();
  }
}

/** The story's user forgets the password: a code by email (CustomMessage), then a new password. */
async function forgotPassword(story: string): Promise<void> {
  const email = /An admin invites (\S+@\S+)/.exec(story)?.[1];
  if (!email) throw new Error(`the demo named no user:\n${story}`);
  const cognito = new CognitoIdentityProviderClient({
    region: stack.info.region,
    endpoint: stack.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const before = stack.outbox.list({ to: email }).length;
    await cognito.send(new ForgotPasswordCommand({ ClientId: stack.info.clientId, Username: email }));
    const mail = stack.outbox.list({ to: email })[before];
    const code = /(?<!\d)(\d{6})(?!\d)/.exec(mail?.body ?? '')?.[1];
    if (!code) throw new Error('no reset code reached the outbox');
    await cognito.send(
      new ConfirmForgotPasswordCommand({
        ClientId: stack.info.clientId,
        Username: email,
        ConfirmationCode: code,
        Password: NEW_PASSWORD,
      }),
    );
  } finally {
    cognito.destroy();
  }
}

function leaks(logs: string, secrets: Secret[]): string[] {
  const found = secrets.filter((secret) => secret.pattern.test(logs)).map((s) => `${s.kind}: ${s.value}`);
  const jwt = JWT.exec(logs)?.[0];
  if (jwt) found.push(`JWT-looking string: ${jwt.slice(0, 24)}...`);
  return found;
}

describe.each(['DEBUG', 'INFO'] as const)('the demo story with the triggers logging at %s', (level) => {
  test('no OTP code, password, invite code, full phone number or token appears in the logs', async () => {
    const outboxBefore = stack.outbox.list().length;
    const { logs, records, story, tokens } = await runStoryCapturingLogs(level);
    const outbox = stack.outbox.list().slice(outboxBefore);

    // The capture saw the triggers at work (a hygiene test over empty logs would prove nothing).
    const messages = records.map((record) => record.message);
    expect(messages).toEqual(
      expect.arrayContaining(['invited sign-up allowed', 'invite accepted', 'code sent', 'code rejected']),
    );
    // Every trigger spoke (CustomMessage for the reset email).
    expect(new Set(records.map((record) => record.trigger))).toEqual(
      new Set([
        'PreSignUp',
        'PostConfirmation',
        'PreAuthentication',
        'CustomMessage',
        'DefineAuthChallenge',
        'CreateAuthChallenge',
        'VerifyAuthChallengeResponse',
      ]),
    );
    expect(outbox.some((message) => message.channel === 'email')).toBe(true);
    const levels = new Set(records.map((record) => record.level));
    if (level === 'DEBUG') expect(levels).toContain('DEBUG');
    else expect(levels).not.toContain('DEBUG');

    // What the story handed out: the codes of its sign-ins (the third reuses the second's code,
    // sent moments before: the resend cooldown), one phone, three tokens of each sign-in.
    expect(outbox.filter((message) => message.channel === 'sms').length).toBeGreaterThanOrEqual(2);
    expect(tokens.size).toBeGreaterThanOrEqual(3);
    const secrets = secretsOf(story, outbox, tokens);
    expect(leaks(logs, secrets)).toEqual([]);

    // The user appears as the keyed hash only, the same on every line of one user name.
    const triggerLines = records.filter((record) => record.trigger !== undefined);
    expect(triggerLines.filter((record) => 'userName' in record)).toEqual([]);
    for (const record of triggerLines) expect(record.user).toMatch(/^u_[0-9a-f]{16}$/);
  }, 60_000);
});

test('the leak detector finds each kind of secret it looks for (so its silence above means something)', () => {
  const outbox: OutboxMessage[] = [
    { channel: 'sms', to: '+14155550123', body: '123456 is your code', at: '' },
  ];
  const story =
    'An admin invites ada.l@example.com\n  invite code 7K2M-QX9D-4HTV-B8RW (only its hash is stored)';
  const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
  const secrets = secretsOf(story, outbox, new Set([token]));
  const samples = [
    `{"code":"123456"}`,
    `password ${DEMO_PASSWORD}`,
    'invite 7K2MQX9D4HTVB8RW',
    'to +14155550123',
    'number 4155550123',
    'call (415) 555-0123',
    `token ${token}`,
    'Bearer eyJraWQiOiJhYmMxMjMifQ.eyJzdWIiOiJhYmNkZWYxMjMifQ.c2lnbmF0dXJlMTIz',
    '{"userName":"ada.l@example.com"}',
  ];
  for (const sample of samples) expect(leaks(sample, secrets)).not.toEqual([]);
  // ...and stays quiet on what the logs legitimately hold.
  expect(
    leaks(
      '{"destination":"+*******0123","timestamp":"2025-01-01T12:34:56.123Z","at":1735734896123,"user":"u_3f9c0a1b2c3d4e5f","email":"a***@example.com"}',
      secrets,
    ),
  ).toEqual([]);
});
