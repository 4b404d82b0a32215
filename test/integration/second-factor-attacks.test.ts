/**
 * Attacks on the second factor by someone who holds the password, driven through the real Define,
 * Create and Verify handlers against DynamoDB Local, one Cognito round at a time so that sign-ins
 * can run side by side and be paused and resumed as an attacker would. SNS and Cognito's admin API
 * are faked (aws-sdk-client-mock): the fake SNS is the outbox, the fake AdminUpdateUserAttributes
 * updates the user whose attributes every later event carries (as Cognito's would).
 *
 * Each test failed on the code before the integrity fixes (docs/two-factor.md, "Threat model").
 */
import { randomUUID } from 'node:crypto';
import { AdminUpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PublishCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { AccountStatusStore } from '#shared/auth-state/account-status';
import { SignInRecords } from '#shared/auth-state/sign-in-records';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
import { sns } from '#shared/aws/sns';
import {
  CODE_EXPIRED_MESSAGE,
  SEND_LIMIT_MESSAGE,
  SIGN_IN_NOT_ALLOWED_MESSAGE,
} from '#shared/challenge/errors';
import type { SessionEntry } from '#shared/challenge/session';
import { handler as verifyHandler } from '../../functions/verify-auth-challenge/handler';
import {
  common,
  confirmedJustNow,
  newUser as freshUser,
  SignIn as Rounds,
  type TestUser,
} from '../helpers/custom-auth';

const TABLE = 'auth-state-test';
const records = new SignInRecords(dynamodb, TABLE);
const accounts = new AccountStatusStore(dynamodb, TABLE);
const snsMock = mockClient(sns);
const idp = mockClient(cognito);

type User = TestUser;
let outbox: { to: string; body: string }[] = [];
/** Users by name, so the fake AdminUpdateUserAttributes changes what every later event carries. */
const users = new Map<string, User>();
let phoneCounter = 0;
/** Valid US mobile numbers, unique within this file's run (another range than two-factor.test.ts). */
const uniquePhone = () => `+1201557${String((process.pid * 13 + phoneCounter++) % 10_000).padStart(4, '0')}`;

/** A user with a verified phone, or one who has just confirmed the sign-up (within the enrolment grace). */
async function newUser(phone?: string): Promise<User> {
  const user = freshUser(phone);
  if (!phone) await confirmedJustNow(user.sub);
  users.set(user.userName, user);
  return user;
}

/** Where one sign-in stands after a step. */
type Step =
  | { kind: 'challenge'; params: Record<string, string> }
  | { kind: 'tokens' }
  | { kind: 'failed' }
  | { kind: 'error'; message: string };

/**
 * One sign-in driven round by round (test/helpers/custom-auth.ts, the password already proven),
 * each step reported as what the client would see: the next round, tokens, a failure, or a
 * trigger's error message. Attributes are read from the user at every event, so a change made by
 * another sign-in shows, as in Cognito.
 */
class SignIn {
  private rounds: Rounds | undefined;

  constructor(readonly user: User) {}

  get session(): SessionEntry[] {
    return this.rounds?.session ?? [];
  }

  /** The current round's private parameters: what a retried Verify would see again. */
  get privateParams(): Record<string, string> {
    const params = this.rounds?.round?.privateParameters;
    if (!params) throw new Error('no round');
    return params;
  }

  /** Up to the first custom round. */
  async start(): Promise<Step> {
    try {
      this.rounds = await Rounds.start(this.user);
      return this.step();
    } catch (error) {
      return { kind: 'error', message: (error as Error).message };
    }
  }

  async answer(text: string): Promise<Step> {
    if (!this.rounds) throw new Error('not started');
    try {
      await this.rounds.answer(text);
      return this.step();
    } catch (error) {
      return { kind: 'error', message: (error as Error).message };
    }
  }

  private step(): Step {
    const rounds = this.rounds;
    if (!rounds) throw new Error('not started');
    if (rounds.outcome === 'tokens') return { kind: 'tokens' };
    if (rounds.outcome === 'failed') return { kind: 'failed' };
    return { kind: 'challenge', params: rounds.round?.publicParameters ?? {} };
  }
}

const codesTo = (phone: string) =>
  outbox.filter((sms) => sms.to === phone).map((sms) => /\b(\d{6})\b/.exec(sms.body)?.[1] ?? 'none');
const lastCodeTo = (phone: string) => codesTo(phone).at(-1) ?? 'none';
/** A six-digit answer that is not `code`. */
const wrongFor = (code: string, n = 0) => String((Number(code) + 1 + n) % 1_000_000).padStart(6, '0');

const failureReasons = async (user: User) =>
  (await records.readUserRecords(user.sub)).flatMap((record) =>
    record.kind === 'failure' ? [record.reason] : [],
  );

function expectType(step: Step, type: string): void {
  expect(step).toMatchObject({ kind: 'challenge', params: { type } });
}

beforeEach(() => {
  outbox = [];
  snsMock.reset();
  idp.reset();
  snsMock.on(PublishCommand).callsFake(async (input) => {
    outbox.push({ to: input.PhoneNumber, body: input.Message });
    return { MessageId: randomUUID() };
  });
  idp.on(AdminUpdateUserAttributesCommand).callsFake(async (input) => {
    const user = users.get(input.Username);
    for (const { Name, Value } of input.UserAttributes)
      if (user && Name && Value) user.attributes[Name] = Value;
    return {};
  });
});

describe('one code, many sign-ins: one wrong-answer budget, single use', () => {
  test('4 sign-ins reach SMS_OTP together; 3 wrong answers spread over them; then the right code fails in every one', async () => {
    const phone = uniquePhone();
    const user = await newUser(phone);
    const signIns = [0, 1, 2, 3].map(() => new SignIn(user));
    const first = await Promise.all(signIns.map((signIn) => signIn.start()));
    for (const step of first) expectType(step, 'SMS_OTP');
    // All four were given the one code: one SMS (the others within the resend cooldown).
    expect(codesTo(phone)).toHaveLength(1);
    const code = lastCodeTo(phone);

    // Three wrong answers, one in each of three sign-ins.
    const afterWrong = await Promise.all(
      signIns.slice(0, 3).map((signIn, n) => signIn.answer(wrongFor(code, n))),
    );
    // Each is asked for the same code again or, once the budget is spent, told it expired.
    for (const step of afterWrong) {
      if (step.kind === 'error') expect(step.message).toBe(CODE_EXPIRED_MESSAGE);
      else expectType(step, 'SMS_OTP');
    }
    // Now the right digits fail in every sign-in that still holds a round for that code.
    const holding = [
      ...signIns.slice(0, 3).filter((_, n) => afterWrong[n]?.kind === 'challenge'),
      signIns[3],
    ];
    for (const signIn of holding) {
      const step = await signIn?.answer(code);
      expect(step).not.toEqual({ kind: 'tokens' });
      expect(signIn?.session.at(-1)?.challengeResult).toBe(false);
    }
    const reasons = await failureReasons(user);
    expect(reasons.filter((reason) => reason === 'wrong_code')).toHaveLength(3);
    expect(reasons.filter((reason) => reason === 'dead_code')).toHaveLength(holding.length);
    // No further SMS was sent for any of it.
    expect(codesTo(phone)).toHaveLength(1);
  });

  test('two sign-ins share a code: one completes, the other one’s right answer fails', async () => {
    const phone = uniquePhone();
    const user = await newUser(phone);
    const a = new SignIn(user);
    const b = new SignIn(user);
    expectType(await a.start(), 'SMS_OTP');
    expectType(await b.start(), 'SMS_OTP');
    expect(codesTo(phone)).toHaveLength(1);
    const code = lastCodeTo(phone);

    expect(await a.answer(code)).toEqual({ kind: 'tokens' });
    const second = await b.answer(code);
    expect(second).not.toEqual({ kind: 'tokens' });
    expect(b.session.at(-1)?.challengeResult).toBe(false);
    expect(await failureReasons(user)).toEqual(['dead_code']);
  });

  test('a retried Verify of the right answer is right again (Cognito retries), and counts nothing', async () => {
    const phone = uniquePhone();
    const user = await newUser(phone);
    const a = new SignIn(user);
    expectType(await a.start(), 'SMS_OTP');
    const code = lastCodeTo(phone);
    const event = () => ({
      ...common(user),
      triggerSource: 'VerifyAuthChallengeResponse_Authentication' as const,
      request: {
        userAttributes: { ...user.attributes },
        privateChallengeParameters: a.privateParams,
        challengeAnswer: code,
      },
      response: {},
    });
    expect((await verifyHandler(event())).response.answerCorrect).toBe(true);
    expect((await verifyHandler(event())).response.answerCorrect).toBe(true);
    expect(await failureReasons(user)).toEqual([]);
  });

  test('a retried Verify of a wrong answer counts once on the code and once for the lockout', async () => {
    const phone = uniquePhone();
    const user = await newUser(phone);
    const a = new SignIn(user);
    const b = new SignIn(user);
    expectType(await a.start(), 'SMS_OTP');
    expectType(await b.start(), 'SMS_OTP');
    const code = lastCodeTo(phone);
    const wrong = () => ({
      ...common(user),
      triggerSource: 'VerifyAuthChallengeResponse_Authentication' as const,
      request: {
        userAttributes: { ...user.attributes },
        privateChallengeParameters: a.privateParams,
        challengeAnswer: wrongFor(code),
      },
      response: {},
    });
    for (let i = 0; i < 3; i++) expect((await verifyHandler(wrong())).response.answerCorrect).toBe(false);
    expect(await failureReasons(user)).toEqual(['wrong_code']);
    // Only one of the budget's three was used: the other sign-in still completes with the code.
    expect(await b.answer(code)).toEqual({ kind: 'tokens' });
  });

  test('after a used code, a new sign-in gets a new code at once (not the dead one)', async () => {
    const phone = uniquePhone();
    const user = await newUser(phone);
    const a = new SignIn(user);
    expectType(await a.start(), 'SMS_OTP');
    expect(await a.answer(lastCodeTo(phone))).toEqual({ kind: 'tokens' });
    const b = new SignIn(user);
    expectType(await b.start(), 'SMS_OTP');
    expect(codesTo(phone)).toHaveLength(2);
    expect(await b.answer(lastCodeTo(phone))).toEqual({ kind: 'tokens' });
  });
});

describe('a stale enrolment never overwrites a verified phone', () => {
  test('attacker paused at PHONE_REQUIRED, user enrols, attacker resumes with another number: no tokens, phone unchanged', async () => {
    const user = await newUser();
    const attacker = new SignIn(user);
    expectType(await attacker.start(), 'PHONE_REQUIRED');

    const owner = new SignIn(user);
    const ownersPhone = uniquePhone();
    expectType(await owner.start(), 'PHONE_REQUIRED');
    expectType(await owner.answer(ownersPhone), 'SMS_OTP');
    expectType(await owner.answer(lastCodeTo(ownersPhone)), 'RECOVERY_CODES');
    expect(await owner.answer('OK')).toEqual({ kind: 'tokens' });
    expect(user.attributes).toMatchObject({ phone_number: ownersPhone, phone_number_verified: 'true' });

    const attackersPhone = uniquePhone();
    const resumed = await attacker.answer(attackersPhone);
    expect(resumed).toEqual({ kind: 'failed' });
    expect(codesTo(attackersPhone)).toEqual([]);
    expect(user.attributes.phone_number).toBe(ownersPhone);
    expect(idp.commandCalls(AdminUpdateUserAttributesCommand)).toHaveLength(1);
  });

  test('attacker paused at SMS_OTP with a code to their own number, user enrols: the attacker’s right code binds nothing', async () => {
    const user = await newUser();
    const attacker = new SignIn(user);
    const attackersPhone = uniquePhone();
    expectType(await attacker.start(), 'PHONE_REQUIRED');
    expectType(await attacker.answer(attackersPhone), 'SMS_OTP');
    const attackersCode = lastCodeTo(attackersPhone);

    const owner = new SignIn(user);
    const ownersPhone = uniquePhone();
    expectType(await owner.start(), 'PHONE_REQUIRED');
    expectType(await owner.answer(ownersPhone), 'SMS_OTP');
    expectType(await owner.answer(lastCodeTo(ownersPhone)), 'RECOVERY_CODES');
    expect(await owner.answer('OK')).toEqual({ kind: 'tokens' });

    const resumed = await attacker.answer(attackersCode);
    expect(resumed).toEqual({ kind: 'failed' });
    expect(attacker.session.at(-1)?.challengeResult).toBe(false);
    expect(user.attributes.phone_number).toBe(ownersPhone);
    expect(idp.commandCalls(AdminUpdateUserAttributesCommand)).toHaveLength(1);
  });
});

describe('lockout and suspension hold where codes are sent and answers judged', () => {
  test('five real wrong answers across sign-ins lock the user: no code is sent and a held round’s right answer is refused', async () => {
    const phone = uniquePhone();
    const user = await newUser(phone);
    const holder = new SignIn(user);
    // Sign-in 1: three wrong answers spend the first code.
    const one = new SignIn(user);
    expectType(await one.start(), 'SMS_OTP');
    const firstCode = lastCodeTo(phone);
    expectType(await one.answer(wrongFor(firstCode, 0)), 'SMS_OTP');
    expectType(await one.answer(wrongFor(firstCode, 1)), 'SMS_OTP');
    expect(await one.answer(wrongFor(firstCode, 2))).toEqual({ kind: 'failed' });
    // Sign-in 2 gets a new code at once (the old one is dead); two more wrong answers.
    expectType(await holder.start(), 'SMS_OTP');
    const two = new SignIn(user);
    expectType(await two.start(), 'SMS_OTP');
    expect(codesTo(phone)).toHaveLength(2);
    const secondCode = lastCodeTo(phone);
    expectType(await two.answer(wrongFor(secondCode, 0)), 'SMS_OTP');
    // The fifth failure: Create's next round sees the lockout and sends nothing.
    expect(await two.answer(wrongFor(secondCode, 1))).toEqual({
      kind: 'error',
      message: SIGN_IN_NOT_ALLOWED_MESSAGE,
    });
    expect(await failureReasons(user)).toHaveLength(5);

    // The holder's right answer (the code is alive: 2 wrong of 3) is refused at Verify.
    expect(await holder.answer(secondCode)).toEqual({ kind: 'error', message: SIGN_IN_NOT_ALLOWED_MESSAGE });
    // A new sign-in gets no code.
    expect(await new SignIn(user).start()).toEqual({ kind: 'error', message: SIGN_IN_NOT_ALLOWED_MESSAGE });
    expect(codesTo(phone)).toHaveLength(2);
    expect(await failureReasons(user)).toHaveLength(5);
  });

  test('a user suspended while a sign-in holds its code round cannot complete it', async () => {
    const phone = uniquePhone();
    const user = await newUser(phone);
    const signIn = new SignIn(user);
    expectType(await signIn.start(), 'SMS_OTP');
    await accounts.suspend(user.sub, { reason: 'test', at: new Date().toISOString(), by: 'test' });
    expect(await signIn.answer(lastCodeTo(phone))).toEqual({
      kind: 'error',
      message: SIGN_IN_NOT_ALLOWED_MESSAGE,
    });
    expect(await new SignIn(user).start()).toEqual({ kind: 'error', message: SIGN_IN_NOT_ALLOWED_MESSAGE });
    expect(codesTo(phone)).toHaveLength(1);
  });
});

describe('enrolment sends to a number not yet proven never use up its owner’s budget', () => {
  test('two phone-less accounts use up the unproven-number limit on a victim’s number; the victim still signs in', async () => {
    const victimsPhone = uniquePhone();
    const victim = await newUser(victimsPhone);
    const attackers = [await newUser(), await newUser()];
    let refused = 0;
    // Up to 5 enrolment attempts from each account (the hourly per-user limit): before the fix,
    // these 10 texts used up the number's daily 10 and the victim got no code until midnight UTC.
    for (let attempt = 0; attempt < 5; attempt++) {
      for (const attacker of attackers) {
        const signIn = new SignIn(attacker);
        expectType(await signIn.start(), 'PHONE_REQUIRED');
        const step = await signIn.answer(victimsPhone);
        if (step.kind === 'error') {
          expect(step.message).toBe(SEND_LIMIT_MESSAGE);
          refused++;
        } else expectType(step, 'SMS_OTP');
      }
    }
    // 3 texts to a number nobody proved, per day, all accounts together.
    expect(codesTo(victimsPhone)).toHaveLength(3);
    expect(refused).toBe(7);

    const signIn = new SignIn(victim);
    expectType(await signIn.start(), 'SMS_OTP');
    expect(codesTo(victimsPhone)).toHaveLength(4);
    expect(await signIn.answer(lastCodeTo(victimsPhone))).toEqual({ kind: 'tokens' });
  });

  test('one account may ask for a few enrolment codes a day, whatever numbers it types', async () => {
    const attacker = await newUser();
    const steps: Step[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const signIn = new SignIn(attacker);
      expectType(await signIn.start(), 'PHONE_REQUIRED');
      steps.push(await signIn.answer(uniquePhone()));
    }
    // The hourly per-user limit (5) and the per-account enrolment limit (5) both hold at 5.
    expect(steps.filter((step) => step.kind === 'challenge')).toHaveLength(5);
    expect(steps.at(-1)).toEqual({ kind: 'error', message: SEND_LIMIT_MESSAGE });
  });
});
