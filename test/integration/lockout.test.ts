/**
 * Lockout made by the real thing: wrong codes answered through the real Verify handler, across
 * sign-ins driven by the real Define and Create, with Cognito retrying every Verify once. The
 * failure records land in DynamoDB Local, and from them the account decision is taken the way
 * each place takes it: the shared pure `accountDecision` over the user's records, the check
 * Create and Verify make after the password (`assertSignInAllowed`), and the PreAuthentication
 * trigger, which runs before the password and so must let every account through alike.
 *
 * SNS and Cognito's admin API are faked in-process (aws-sdk-client-mock): the SMS is counted, no
 * Cognito call is expected at all.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { z } from 'zod';
import {
  AccountStatusStore,
  accountDecision,
  assertSignInAllowed,
  DEFAULT_LOCKOUT,
} from '#shared/auth-state/account-status';
import { cognito } from '#shared/aws/cognito';
import { sns } from '#shared/aws/sns';
import { SIGN_IN_NOT_ALLOWED_MESSAGE } from '#shared/challenge/errors';
import type { preAuthenticationEvent } from '#shared/events';
import knownUserFixture from '../../fixtures/pre-authentication.json';
import { handler as preAuthenticationHandler } from '../../functions/pre-authentication/handler';
import { newUser, SignIn, type TestUser } from '../helpers/custom-auth';

/** The deployed defaults, which the handlers run with here: 5 failures in 15 minutes. */
const policy = DEFAULT_LOCKOUT;
const WINDOW_MS = policy.windowMinutes * 60_000;

const snsMock = mockClient(sns);
const idp = mockClient(cognito);
/** Checks read through a client of their own: the handlers' module-scope clients stay theirs. */
const reader = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const accounts = new AccountStatusStore(reader, 'auth-state-test');
let sent: string[] = [];

beforeEach(() => {
  sent = [];
  snsMock
    .reset()
    .on(PublishCommand)
    .callsFake(async (input) => {
      sent.push(String(input.Message));
      return { MessageId: randomUUID() };
    });
  idp.reset().onAnyCommand().rejects(new Error('no Cognito call is expected'));
});
afterAll(() => {
  snsMock.restore();
  idp.restore();
  reader.destroy();
});

let phoneCounter = 0;
const uniquePhone = () => `+1201556${String((process.pid * 7 + phoneCounter++) % 10_000).padStart(4, '0')}`;

/** A wrong answer to the last code sent: six digits, never the code itself. */
function wrongCode(): string {
  const code = /\b(\d{6})\b/.exec(sent.at(-1) ?? '')?.[1];
  if (!code) throw new Error('no code was sent');
  return code === '000000' ? '111111' : '000000';
}

const failuresOf = async (user: TestUser) =>
  (await accounts.read(user.sub, new Date(Date.now() - WINDOW_MS))).failures;

/**
 * Who refuses this user a new sign-in now, and why: the shared account decision over the stored
 * records, and the PreAuthentication trigger (its error message, or `allowed`). One entry per
 * place that enforces the lockout.
 */
async function whoDenies(user: TestUser) {
  const now = new Date();
  const decision = accountDecision(
    await accounts.read(user.sub, new Date(now.getTime() - WINDOW_MS)),
    now,
    policy,
  );
  const event = structuredClone(knownUserFixture) as z.input<typeof preAuthenticationEvent>;
  event.userName = user.userName;
  Object.assign(event.request.userAttributes, { sub: user.sub, email: user.attributes.email });
  const preAuthentication = await preAuthenticationHandler(event).then(
    () => 'allowed',
    (error: Error) => error.message,
  );
  const afterPassword = await assertSignInAllowed(accounts, user.sub, now, policy).then(
    () => 'allowed',
    (error: Error) => error.message,
  );
  return {
    accountDecision: decision.allow ? 'allowed' : decision.reason,
    preAuthentication,
    afterPassword,
    decision,
  };
}

const allowed = { accountDecision: 'allowed', preAuthentication: 'allowed', afterPassword: 'allowed' };
/** Told only after the password: PreAuthentication lets a locked account start like any other. */
const lockedOut = {
  accountDecision: 'locked_out',
  preAuthentication: 'allowed',
  afterPassword: SIGN_IN_NOT_ALLOWED_MESSAGE,
};

test('five wrong codes across two sign-ins, each Verify retried by Cognito, lock the user out: five failures, not ten', async () => {
  const user = newUser(uniquePhone());
  expect(await whoDenies(user)).toMatchObject(allowed);
  const started = Date.now();

  // Sign-in 1: three wrong codes end it (Define's per-sign-in limit); every Verify runs twice.
  const first = await SignIn.start(user);
  expect(first.round?.publicParameters.type).toBe('SMS_OTP');
  for (let answer = 1; answer <= 3; answer++) {
    expect(await first.answer(wrongCode())).toBe(false);
    expect(await first.retryVerify()).toBe(false);
  }
  expect(first.outcome).toBe('failed');
  expect(await failuresOf(user)).toHaveLength(3);
  expect(await whoDenies(user)).toMatchObject(allowed);

  // Sign-in 2 gets a new code at once (the first spent its 3 wrong answers): the fourth wrong
  // code, retried.
  const second = await SignIn.start(user);
  expect(sent).toHaveLength(2);
  expect(await second.answer(wrongCode())).toBe(false);
  expect(await second.retryVerify()).toBe(false);
  // Eight Verify invocations so far, four answers: still allowed, so no retry was counted.
  expect(await failuresOf(user)).toHaveLength(4);
  expect(await whoDenies(user)).toMatchObject(allowed);

  // The fifth wrong code locks the account: the round after it is refused by Create, and the
  // retried Verify is refused too (it counts nothing: still five).
  await expect(second.answer(wrongCode())).rejects.toThrow(SIGN_IN_NOT_ALLOWED_MESSAGE);
  await expect(second.retryVerify()).rejects.toThrow(SIGN_IN_NOT_ALLOWED_MESSAGE);
  const finished = Date.now();
  const failures = await failuresOf(user);
  expect(failures.map((failure) => failure.reason)).toEqual(Array(5).fill('wrong_code'));

  const denied = await whoDenies(user);
  expect(denied).toMatchObject(lockedOut);
  // Locked until the first of the five leaves the window: 15 minutes after it was recorded.
  const lockedUntil = denied.decision.allow ? undefined : denied.decision.lockout.lockedUntil;
  expect(lockedUntil?.getTime()).toBe(Date.parse(failures[0]?.at ?? '') + WINDOW_MS);
  expect(lockedUntil?.getTime()).toBeGreaterThanOrEqual(started + WINDOW_MS);
  expect(lockedUntil?.getTime()).toBeLessThanOrEqual(finished + WINDOW_MS);
  // A new sign-in is refused by Create, after the password, and sent nothing.
  await expect(SignIn.start(user)).rejects.toThrow(SIGN_IN_NOT_ALLOWED_MESSAGE);
  expect(sent).toHaveLength(2);
  expect(idp.calls()).toHaveLength(0);
});

test('a retried Verify of a wrong code gives the same verdict and writes nothing more, however often it comes', async () => {
  const user = newUser(uniquePhone());
  const signIn = await SignIn.start(user);
  expect(await signIn.answer(wrongCode())).toBe(false);
  for (let retry = 0; retry < 4; retry++) expect(await signIn.retryVerify()).toBe(false);
  expect(await failuresOf(user)).toHaveLength(1);
  expect(await whoDenies(user)).toMatchObject(allowed);
});
