/**
 * The attacks on the second factor, over the wire: a local stack (the very trigger code) and a real
 * client, amazon-cognito-identity-js with CUSTOM_AUTH and SRP, for someone who holds the password
 * but not the phone, and for a stranger who holds neither. docs/two-factor.md, "Threat model".
 */
import { AdminGetUserCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { AccountStatusStore } from '#shared/auth-state/account-status';
import { SEND_LIMIT_MESSAGE, SIGN_IN_NOT_ALLOWED_MESSAGE } from '#shared/challenge/errors';
import { errorName, type SignInStep, signIn } from '../../local/client';
import { acknowledgeRecoveryCodes, startTestStack, type TestStack } from '../helpers/local-stack';
import {
  type Challenge,
  codesTo as codes,
  enrolledUser as enrolled,
  expectChallenge,
  lastCodeTo as lastCode,
  wrongFor,
} from '../helpers/sign-in-steps';

let env: TestStack;
let accounts: AccountStatusStore;

beforeAll(async () => {
  env = await startTestStack();
  accounts = new AccountStatusStore(env.dynamodb, env.stack.info.tables.authState);
});
afterAll(() => env.stop());

const enrolledUser = () => enrolled(env, 'victim');
const codesTo = (to: string) => codes(env, to);
const lastCodeTo = (to: string) => lastCode(env, to);

async function phoneOf(email: string): Promise<string | undefined> {
  const { UserAttributes } = await env.cognito.send(
    new AdminGetUserCommand({ UserPoolId: env.userPoolId, Username: email }),
  );
  return UserAttributes?.find((attribute) => attribute.Name === 'phone_number')?.Value;
}

describe('someone with the password but not the phone', () => {
  it('cannot multiply guesses with parallel sign-ins: 3 wrong answers spread over 4 sign-ins kill the code for all', async () => {
    const user = await enrolledUser();
    const rounds = await Promise.all(
      [0, 1, 2, 3].map(async () =>
        expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP'),
      ),
    );
    const codes = await codesTo(user.phone);
    expect(codes).toHaveLength(2); // the enrolment's code, then ONE code for the four sign-ins
    const code = codes.at(-1) as string;

    const afterWrong = await Promise.all(
      rounds.slice(0, 3).map((round, n) => round.answer(wrongFor(code, n))),
    );
    const holding = [
      ...afterWrong.filter((step): step is Challenge => step.kind === 'challenge'),
      rounds[3] as Challenge,
    ];
    for (const step of afterWrong) {
      if (step.kind === 'failed') expect(step.error.message).toContain('Your sign-in code has expired');
    }
    for (const round of holding) {
      const step = await round.answer(code);
      expect(step.kind).not.toBe('signedIn');
    }
    expect(await codesTo(user.phone)).toHaveLength(2);
  });

  it('cannot finish a sign-in paused at PHONE_REQUIRED after the owner enrolled: no tokens, phone unchanged', async () => {
    const { email, password } = await env.signUpInvited('stale');
    const attacker = expectChallenge(await signIn(env.pool, email, password), 'PHONE_REQUIRED');

    const ownersPhone = env.newPhone();
    const owner = expectChallenge(await signIn(env.pool, email, password), 'PHONE_REQUIRED');
    const otp = expectChallenge(await owner.answer(ownersPhone), 'SMS_OTP');
    expect((await acknowledgeRecoveryCodes(await otp.answer(await lastCodeTo(ownersPhone)))).kind).toBe(
      'signedIn',
    );

    const attackersPhone = env.newPhone();
    const resumed = await attacker.answer(attackersPhone);
    expect(resumed.kind).toBe('failed');
    expect(await env.outbox({ to: attackersPhone })).toEqual([]);
    expect(await phoneOf(email)).toBe(ownersPhone);
  });

  it("cannot lock a victim's number out of SMS with two phone-less accounts", async () => {
    const victim = await enrolledUser();
    const attackers = [await env.signUpInvited('pump'), await env.signUpInvited('pump')];
    const refusals: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      for (const attacker of attackers) {
        const ask = expectChallenge(
          await signIn(env.pool, attacker.email, attacker.password),
          'PHONE_REQUIRED',
        );
        const step = await ask.answer(victim.phone);
        if (step.kind === 'failed') refusals.push(step.error.message);
        else expectChallenge(step, 'SMS_OTP');
      }
    }
    // 3 enrolment texts a day to a number not yet proven: the victim's own enrolment took one, the
    // two accounts the other two. (Before the fix they shared the verified owner's 10 a day.)
    expect(await codesTo(victim.phone)).toHaveLength(3);
    expect(refusals).toHaveLength(8);
    for (const message of refusals) expect(message).toContain(SEND_LIMIT_MESSAGE);

    const otp = expectChallenge(await signIn(env.pool, victim.email, victim.password), 'SMS_OTP');
    expect((await otp.answer(await lastCodeTo(victim.phone))).kind).toBe('signedIn');
  });

  it('is locked out after five wrong answers: no code is sent, no held round is accepted, and told so only after the password', async () => {
    const user = await enrolledUser();
    const first = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
    let code = await lastCodeTo(user.phone);
    let step: SignInStep = await first.answer(wrongFor(code, 0));
    step = await expectChallenge(step, 'SMS_OTP').answer(wrongFor(code, 1));
    step = await expectChallenge(step, 'SMS_OTP').answer(wrongFor(code, 2));
    expect(step.kind).toBe('failed');

    const second = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
    code = await lastCodeTo(user.phone);
    // Another sign-in holds a round of that (live) code while the lock falls.
    const holder = expectChallenge(await signIn(env.pool, user.email, user.password), 'SMS_OTP');
    step = await second.answer(wrongFor(code, 0));
    step = await expectChallenge(step, 'SMS_OTP').answer(wrongFor(code, 1));
    expect(step.kind === 'failed' && step.error.message).toContain(SIGN_IN_NOT_ALLOWED_MESSAGE);
    // Locked at the answer too: the held round's right code is refused.
    const held = await holder.answer(code);
    expect(held.kind === 'failed' && held.error.message).toContain(SIGN_IN_NOT_ALLOWED_MESSAGE);

    const sent = (await codesTo(user.phone)).length;
    const locked = await signIn(env.pool, user.email, user.password);
    expect(locked.kind === 'failed' && locked.error.message).toContain(SIGN_IN_NOT_ALLOWED_MESSAGE);
    expect(await codesTo(user.phone)).toHaveLength(sent);
  });
});

describe('a stranger, without the password', () => {
  it('learns nothing: a wrong password fails the same for a suspended, a locked, an ordinary and an unknown account', async () => {
    const ordinary = await env.signUpInvited('plain');
    const suspended = await env.signUpInvited('suspended');
    await accounts.suspend(suspended.sub, { reason: 'test', by: 'test', at: new Date().toISOString() });
    const locked = await env.signUpInvited('locked');
    const now = Date.now();
    // Five failures a moment ago, as Verify writes them.
    for (let i = 0; i < 5; i++) {
      await env.dynamodb.send(
        new PutCommand({
          TableName: env.stack.info.tables.authState,
          Item: {
            pk: `USER#${locked.sub}`,
            sk: `FAIL#${new Date(now - i * 1000).toISOString()}#0000000${i}`,
            at: new Date(now - i * 1000).toISOString(),
            reason: 'wrong_code',
            ttl: Math.floor(now / 1000) + 86_400,
          },
        }),
      );
    }

    const outcomes = [];
    for (const email of [ordinary.email, suspended.email, locked.email, 'nobody.here@example.com']) {
      const step = await signIn(env.pool, email, 'Wrong-Password-1');
      expect(step.kind).toBe('failed');
      if (step.kind === 'failed') outcomes.push(`${errorName(step.error)}: ${step.error.message}`);
    }
    expect(new Set(outcomes).size).toBe(1);
    expect(outcomes[0]).toMatch(/^NotAuthorizedException: /);

    // The SDK's own InitiateAuth (the first step, before any password) answers alike as well.
    const starts = [];
    for (const email of [ordinary.email, suspended.email, locked.email, 'nobody.here@example.com']) {
      const { ChallengeName } = await env.cognito.send(
        new InitiateAuthCommand({
          ClientId: env.clientId,
          AuthFlow: 'CUSTOM_AUTH',
          AuthParameters: { USERNAME: email, SRP_A: 'a'.repeat(768), CHALLENGE_NAME: 'SRP_A' },
        }),
      );
      starts.push(ChallengeName);
    }
    expect(new Set(starts)).toEqual(new Set(['PASSWORD_VERIFIER']));

    // With the password, the suspended and the locked user are told, before any round; the
    // ordinary user goes on to enrol a phone.
    for (const who of [suspended, locked]) {
      const step = await signIn(env.pool, who.email, who.password);
      expect(step.kind === 'failed' && step.error.message).toContain(SIGN_IN_NOT_ALLOWED_MESSAGE);
    }
    expectChallenge(await signIn(env.pool, ordinary.email, ordinary.password), 'PHONE_REQUIRED');
  });
});
