/**
 * `users reset-phone`, `users show` and `users audit` with `--local` against a whole local stack,
 * with a real client (amazon-cognito-identity-js) holding the user's tokens: after the reset the
 * old refresh and access tokens are refused, the user has no phone, a code already sent no longer
 * signs in, and the next sign-in enrols a phone again. The step-by-step failures and the output
 * formats are covered against DynamoDB Local: test/integration/users-second-factor.test.ts.
 */
import {
  AdminGetUserCommand,
  GetUserCommand,
  InitiateAuthCommand,
  NotAuthorizedException,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CognitoUser, CognitoUserSession } from 'amazon-cognito-identity-js';
import { challengePk, RECOVERY_SK, userPk } from '#shared/auth-state/keys';
import { runCli } from '../../cli/lib/run';
import { usersProgram } from '../../cli/users/program';
import { errorName, type SignInStep, signIn } from '../../local/client';
import { startTestStack, type TestStack } from '../helpers/local-stack';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});
afterAll(() => env.stop());

async function users(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(usersProgram, [...args, '--local'], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { PORT: new URL(env.url).port },
    now: () => new Date(),
  });
  return { code, stdout, stderr };
}

type Challenge = Extract<SignInStep, { kind: 'challenge' }>;

function challenge(step: SignInStep): Challenge {
  if (step.kind !== 'challenge') {
    throw new Error(
      `expected a challenge, got ${step.kind === 'failed' ? `${errorName(step.error)}: ${step.error.message}` : 'tokens'}`,
    );
  }
  return step;
}

/** The code in message number `count` to `to` (an SMS or an email), waiting for it. */
async function codeFrom(to: string, count: number): Promise<string> {
  const message = await env.nextMessage(to, count - 1);
  const code = /\b\d{6,8}\b/.exec(message.body)?.[0];
  if (!code) throw new Error(`no code in the message to ${to}`);
  return code;
}

/**
 * Answers every round until tokens: the phone when asked for one, each code from the outbox,
 * `OK` to new recovery codes. Whatever rounds the protocol puts in between, the user gets in.
 */
async function finish(step: SignInStep, who: { email: string; phone: string }): Promise<SignInStep> {
  let current = step;
  for (let rounds = 0; current.kind === 'challenge' && rounds < 8; rounds++) {
    const type = current.parameters.type;
    if (type === 'PHONE_REQUIRED') {
      current = await current.answer(who.phone);
    } else if (type === 'SMS_OTP' || type === 'EMAIL_OTP') {
      const to = type === 'SMS_OTP' ? who.phone : who.email;
      current = await current.answer(await codeFrom(to, (await env.outbox({ to })).length));
    } else if (type === 'RECOVERY_CODES') {
      current = await current.answer('OK');
    } else {
      throw new Error(`unexpected round ${type}`);
    }
  }
  return current;
}

interface SignedIn {
  email: string;
  password: string;
  phone: string;
  sub: string;
  session: CognitoUserSession;
  user: CognitoUser;
}

/** A user who signed up with an invite and completed the first sign-in (phone enrolled). */
async function userWithPhone(): Promise<SignedIn> {
  const { email, password, sub } = await env.signUpInvited('reset');
  const phone = env.newPhone();
  const done = await finish(await signIn(env.pool, email, password), { email, phone });
  if (done.kind !== 'signedIn') throw new Error('the first sign-in did not end in tokens');
  return { email, password, phone, sub, session: done.session, user: done.user };
}

const table = () => env.stack.info.tables.authState;

describe('reset-phone on the local stack', () => {
  let ada: SignedIn;
  /** A second sign-in left at its SMS_OTP round, with the code that was sent for it. */
  let inFlight: { round: Challenge; code: string };

  beforeAll(async () => {
    ada = await userWithPhone();
    // Recovery codes as the triggers keep them (hashes only), unless the sign-in already made a set.
    const existing = await env.dynamodb.send(
      new GetCommand({ TableName: table(), Key: { pk: challengePk(ada.sub), sk: RECOVERY_SK } }),
    );
    if (!existing.Item) {
      await env.dynamodb.send(
        new PutCommand({
          TableName: table(),
          Item: {
            pk: challengePk(ada.sub),
            sk: RECOVERY_SK,
            codes: new Set(['11'.repeat(32), '22'.repeat(32)]),
            issued: 10,
            createdAt: Date.now(),
          },
        }),
      );
    }
    const sent = (await env.outbox({ to: ada.phone })).length;
    const round = challenge(await signIn(env.pool, ada.email, ada.password));
    expect(round.parameters.type).toBe('SMS_OTP');
    inFlight = {
      round,
      code: await codeFrom(ada.phone, Math.max(sent + 1, (await env.outbox({ to: ada.phone })).length)),
    };
  }, 60_000);

  test('removes the phone and the recovery codes and kills the code in flight', async () => {
    const result = await users([
      'reset-phone',
      '--email',
      ada.email,
      '--reason',
      'lost phone',
      '--by',
      'ops-oncall',
      '--json',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toMatchObject({
      sub: ada.sub,
      recorded: {
        action: 'phone_reset',
        by: 'ops-oncall',
        reason: 'lost phone',
        oldDestination: `+*******${ada.phone.slice(-4)}`,
      },
      removedAttributes: ['phone_number', 'phone_number_verified'],
      recoveryCodesDeleted: expect.any(Number),
      codeInFlightDeleted: true,
      signedOut: true,
    });
    expect(JSON.parse(result.stdout).recoveryCodesDeleted).toBeGreaterThan(0);

    const { UserAttributes = [] } = await env.cognito.send(
      new AdminGetUserCommand({ UserPoolId: env.userPoolId, Username: ada.email }),
    );
    const names = UserAttributes.map((attribute) => attribute.Name);
    expect(names).toContain('email');
    expect(names).not.toContain('phone_number');
    expect(names).not.toContain('phone_number_verified');
    const recovery = await env.dynamodb.send(
      new GetCommand({
        TableName: table(),
        Key: { pk: challengePk(ada.sub), sk: RECOVERY_SK },
        ConsistentRead: true,
      }),
    );
    expect(recovery.Item).toBeUndefined();
  });

  test('the old refresh token and access token are refused (NotAuthorizedException)', async () => {
    const refresh = await env.cognito
      .send(
        new InitiateAuthCommand({
          ClientId: env.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: ada.session.getRefreshToken().getToken() },
        }),
      )
      .catch((error: unknown) => error);
    expect(refresh).toBeInstanceOf(NotAuthorizedException);
    const access = await env.cognito
      .send(new GetUserCommand({ AccessToken: ada.session.getAccessToken().getJwtToken() }))
      .catch((error: unknown) => error);
    expect(access).toBeInstanceOf(NotAuthorizedException);
  });

  test('the code sent before the reset is dead: judged wrong, no tokens', async () => {
    const smsBefore = (await env.outbox({ to: ada.phone })).length;
    const after = await inFlight.round.answer(inFlight.code);
    expect(after.kind).not.toBe('signedIn');
    if (after.kind === 'challenge') expect(after.parameters.type).not.toBe('SMS_OTP');
    // Nothing more goes to the number that was removed.
    expect(await env.outbox({ to: ada.phone })).toHaveLength(smsBefore);
    // Judged a dead code (the reset deleted it), not a right answer held back by a later check.
    const { Items = [] } = await env.dynamodb.send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :fail)',
        ExpressionAttributeValues: { ':pk': userPk(ada.sub), ':fail': 'FAIL#' },
        ConsistentRead: true,
      }),
    );
    expect(Items.map((item) => item.reason)).toEqual(['dead_code']);
  });

  test('show and audit tell the reset: no phone, no recovery codes, the phone_reset event with who and why', async () => {
    const show = await users(['show', '--email', ada.email, '--json']);
    expect(show.code).toBe(0);
    const view = JSON.parse(show.stdout);
    expect(view).toMatchObject({ sub: ada.sub, phone: null, recoveryCodesLeft: 0 });
    expect(view.securityEvents[0]).toEqual({
      at: expect.any(String),
      action: 'phone_reset',
      by: 'ops-oncall',
      reason: 'lost phone',
    });
    expect(show.stdout).not.toContain(ada.phone.slice(2));

    const audit = await users(['audit', '--email', ada.email, '--json']);
    expect(audit.code).toBe(0);
    const { records } = JSON.parse(audit.stdout);
    expect(records[0]).toMatchObject({
      action: 'phone_reset',
      by: 'ops-oncall',
      oldDestination: `+*******${ada.phone.slice(-4)}`,
      ttl: expect.any(Number),
    });
    const text = await users(['audit', '--email', ada.email]);
    expect(text.stdout).toMatch(/phone_reset\s+ops-oncall\s+lost phone\s+oldDestination=\+\*{7}\d{4}/);
  });

  test('the user was emailed a security notice of the reset (masked number only)', async () => {
    const mails = await env.outbox({ to: ada.email, channel: 'email' });
    const notice = mails.find((mail) =>
      /phone number of your .* account was removed/.test(mail.subject ?? ''),
    );
    expect(notice?.body).toContain(ada.phone.slice(-4));
    expect(notice?.body).not.toContain(ada.phone);
  });

  test('the next sign-in must prove the mailbox before enrolling a phone again, though the sign-up was minutes ago', async () => {
    // The user is inside the enrolment grace after sign-up; the reset ended it, so a password alone
    // never binds a phone: the first round is EMAIL_OTP, never PHONE_REQUIRED (or tokens).
    const next = await signIn(env.pool, ada.email, ada.password);
    expect(next.kind === 'challenge' && next.parameters.type).toBe('EMAIL_OTP');
    const phone = env.newPhone();
    const done = await finish(next, { email: ada.email, phone });
    expect(done.kind).toBe('signedIn');
    ada = { ...ada, phone };
  });

  test('a second reset is harmless: recorded again, nothing left to remove, signed out again', async () => {
    const again = await users(['reset-phone', '--email', ada.email, '--json']);
    expect(again.code).toBe(0);
    // The user enrolled again in between: the new phone and its recovery codes go too.
    expect(JSON.parse(again.stdout)).toMatchObject({
      removedAttributes: ['phone_number', 'phone_number_verified'],
      recoveryCodesDeleted: 10,
      signedOut: true,
    });
    const { records } = JSON.parse((await users(['audit', '--email', ada.email, '--json'])).stdout);
    expect(records.filter((record: { action: string }) => record.action === 'phone_reset')).toHaveLength(2);
  });
});
