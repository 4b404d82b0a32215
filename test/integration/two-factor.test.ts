/**
 * The three custom-auth triggers driven the way Cognito drives them, against DynamoDB Local: Define
 * decides, Create builds the round, Verify checks the answer, and the session grows by one entry
 * per round. SNS and Cognito's admin API are faked (aws-sdk-client-mock); the fake SNS is an
 * outbox the "user" reads codes from, the fake AdminUpdateUserAttributes updates the user.
 */
import { randomUUID } from 'node:crypto';
import { AdminUpdateUserAttributesCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PublishCommand } from '@aws-sdk/client-sns';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SignInRecords } from '#shared/auth-state/sign-in-records';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
import { sns } from '#shared/aws/sns';
import type { SessionEntry } from '#shared/challenge/session';
import { GENERIC_FAILURE_MESSAGE } from '#shared/errors';
import { logger } from '#shared/logger';
import { handler as createHandler } from '../../functions/create-auth-challenge/handler';
import { handler as defineHandler } from '../../functions/define-auth-challenge/handler';
import { handler as verifyHandler } from '../../functions/verify-auth-challenge/handler';
import { confirmedJustNow } from '../helpers/custom-auth';
import { captureLogs } from '../unit/shared/capture-logs';

const POOL = 'us-east-1_INTEGRATION';
const records = new SignInRecords(dynamodb, 'auth-state-test');
const snsMock = mockClient(sns);
const idp = mockClient(cognito);

interface User {
  sub: string;
  userName: string;
  attributes: Record<string, string>;
}
interface Sms {
  to: string;
  body: string;
}

let outbox: Sms[] = [];
const users = new Map<string, User>();
let phoneCounter = 0;
/** Valid US mobile numbers, unique within this file's run. */
const uniquePhone = () => `+1201555${String((process.pid * 7 + phoneCounter++) % 10_000).padStart(4, '0')}`;

/** A user with a verified phone, or one who has just confirmed the sign-up (within the enrolment grace). */
async function newUser(phone?: string): Promise<User> {
  const sub = randomUUID();
  const attributes: Record<string, string> = { sub, email: `${sub}@example.com`, email_verified: 'true' };
  if (phone) Object.assign(attributes, { phone_number: phone, phone_number_verified: 'true' });
  else await confirmedJustNow(sub);
  const user = { sub, userName: sub, attributes };
  users.set(user.userName, user);
  return user;
}

const common = (user: User) => ({
  version: '1',
  region: 'us-east-1',
  userPoolId: POOL,
  userName: user.userName,
  callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'integration' },
});

const define = (user: User, session: SessionEntry[]) =>
  defineHandler({
    ...common(user),
    triggerSource: 'DefineAuthChallenge_Authentication',
    request: { userAttributes: { ...user.attributes }, session: structuredClone(session) },
    response: {},
  });

const create = (user: User, session: SessionEntry[]) =>
  createHandler({
    ...common(user),
    triggerSource: 'CreateAuthChallenge_Authentication',
    request: {
      userAttributes: { ...user.attributes },
      challengeName: 'CUSTOM_CHALLENGE',
      session: structuredClone(session),
    },
    response: {},
  });

const verify = (user: User, privateChallengeParameters: Record<string, string>, challengeAnswer: string) =>
  verifyHandler({
    ...common(user),
    triggerSource: 'VerifyAuthChallengeResponse_Authentication',
    request: { userAttributes: { ...user.attributes }, privateChallengeParameters, challengeAnswer },
    response: {},
  });

const lastCodeTo = (phone: string) =>
  /\b(\d{6})\b/.exec([...outbox].reverse().find((sms) => sms.to === phone)?.body ?? '')?.[1] ?? 'none';

type Answer = (challenge: Record<string, string>, round: number) => string;
interface SignInResult {
  outcome: 'tokens' | 'failed' | 'error';
  error?: string;
  session: SessionEntry[];
  challenges: Record<string, string>[];
}

/** A trigger threw: Cognito ends the sign-in with its message. */
class TriggerRejected extends Error {}
const invoked = <T>(call: Promise<T>): Promise<T> =>
  call.catch((error: unknown) => {
    throw new TriggerRejected((error as Error).message);
  });

/**
 * Cognito's loop for AuthFlow CUSTOM_AUTH with SRP: Define, then Create/Verify per custom round.
 * A trigger's rejection is the outcome `error`; a failed expectation fails the test.
 */
async function signIn(user: User, answer: Answer): Promise<SignInResult> {
  const session: SessionEntry[] = [];
  const challenges: Record<string, string>[] = [];
  try {
    session.push({ challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null });
    expect((await invoked(define(user, session))).response.challengeName).toBe('PASSWORD_VERIFIER');
    session.push({ challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null });
    for (let round = 0; round < 20; round++) {
      const decision = (await invoked(define(user, session))).response;
      if (decision.issueTokens) return { outcome: 'tokens', session, challenges };
      if (decision.failAuthentication) return { outcome: 'failed', session, challenges };
      expect(decision.challengeName).toBe('CUSTOM_CHALLENGE');
      const created = (await invoked(create(user, session))).response;
      const params = created.publicChallengeParameters ?? {};
      challenges.push(params);
      const verified = await invoked(
        verify(user, created.privateChallengeParameters ?? {}, answer(params, round)),
      );
      session.push({
        challengeName: 'CUSTOM_CHALLENGE',
        challengeResult: verified.response.answerCorrect === true,
        challengeMetadata: created.challengeMetadata,
      });
    }
    throw new Error('sign-in did not end');
  } catch (error) {
    if (!(error instanceof TriggerRejected)) throw error;
    return { outcome: 'error', error: error.message, session, challenges };
  }
}

const failureReasons = async (user: User) =>
  (await records.readUserRecords(user.sub))
    .flatMap((record) => (record.kind === 'failure' ? [record] : []))
    .sort((a, b) => a.sk.localeCompare(b.sk))
    .map((record) => record.reason);

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

describe('sign-in flows', () => {
  test('a user with a verified phone: password, then the SMS code, then tokens', async () => {
    const phone = uniquePhone();
    const user = await newUser(phone);
    const result = await signIn(user, () => lastCodeTo(phone));
    expect(result.outcome).toBe('tokens');
    expect(result.challenges).toEqual([
      { type: 'SMS_OTP', destination: `+*******${phone.slice(-4)}`, length: '6' },
    ]);
    expect(outbox.map((sms) => sms.to)).toEqual([phone]);
    expect(idp.calls()).toHaveLength(0);
    // A successful sign-in writes nothing about the user: Verify judged the code with no call.
    expect(await records.readUserRecords(user.sub)).toEqual([]);
  });

  test('a user without a phone: PHONE_REQUIRED, SMS_OTP to that number, tokens, and the number becomes verified', async () => {
    const user = await newUser();
    const phone = uniquePhone();
    // A number outside the allowed countries, then a good one, then a wrong code, then the code
    // sent; then the new recovery codes, acknowledged.
    const answers = [() => '+33612345678', () => phone, () => '000000', () => lastCodeTo(phone), () => 'OK'];
    const result = await signIn(user, (_challenge, round) => answers[round]?.() ?? 'none');
    expect(result.outcome).toBe('tokens');
    expect(result.challenges.map((c) => c.type)).toEqual([
      'PHONE_REQUIRED',
      'PHONE_REQUIRED',
      'SMS_OTP',
      'SMS_OTP',
      'RECOVERY_CODES',
    ]);
    // One SMS, to the number given; the wrong code did not cause a second one.
    expect(outbox.map((sms) => sms.to)).toEqual([phone]);
    expect(idp.commandCalls(AdminUpdateUserAttributesCommand)).toHaveLength(1);
    expect(user.attributes).toMatchObject({ phone_number: phone, phone_number_verified: 'true' });
    expect(await failureReasons(user)).toEqual(['invalid_phone', 'wrong_code']);

    // From now on the user goes straight to SMS_OTP.
    const next = await signIn(user, () => lastCodeTo(phone));
    expect(next.outcome).toBe('tokens');
    expect(next.challenges.map((c) => c.type)).toEqual(['SMS_OTP']);
  });

  test("an unproven number never becomes the user's: three wrong codes fail the sign-in and nothing is saved", async () => {
    const user = await newUser();
    const phone = uniquePhone();
    const result = await signIn(user, (_challenge, round) => (round === 0 ? phone : '999999'));
    expect(result.outcome).toBe('failed');
    expect(result.challenges.map((c) => c.type)).toEqual(['PHONE_REQUIRED', 'SMS_OTP', 'SMS_OTP', 'SMS_OTP']);
    expect(idp.calls()).toHaveLength(0);
    expect(user.attributes.phone_number).toBeUndefined();
    // Define ends the sign-in at the third wrong code; each is one failure for the lockout.
    expect(await failureReasons(user)).toEqual(['wrong_code', 'wrong_code', 'wrong_code']);
  });

  test('a code used by one sign-in is never reused, even within RESEND_COOLDOWN_SECONDS: the next sign-in gets a new SMS', async () => {
    // (Sign-ins that wait at the code round together share one SMS: second-factor-attacks.test.ts.)
    const phone = uniquePhone();
    const user = await newUser(phone);
    expect((await signIn(user, () => lastCodeTo(phone))).outcome).toBe('tokens');
    const used = lastCodeTo(phone);
    expect((await signIn(user, () => lastCodeTo(phone))).outcome).toBe('tokens');
    expect(outbox).toHaveLength(2);
    expect(lastCodeTo(phone)).not.toBe(used);
  });

  test('after the cooldown a used code is worthless: replaying it fails, and that sign-in gets a new code', async () => {
    const phone = uniquePhone();
    const user = await newUser(phone);
    expect((await signIn(user, () => lastCodeTo(phone))).outcome).toBe('tokens');
    const used = lastCodeTo(phone);
    await backdateCode(user, 31_000); // RESEND_COOLDOWN_SECONDS (30) has passed
    const replay = await signIn(user, (_c, round) => (round === 0 ? used : lastCodeTo(phone)));
    expect(replay.outcome).toBe('tokens');
    expect(outbox).toHaveLength(2);
    expect(lastCodeTo(phone)).not.toBe(used);
    expect(await failureReasons(user)).toEqual(['wrong_code']);
  });
});

/** Makes the user's stored code look `ms` older, as if that much time had passed since it was sent. */
async function backdateCode(user: User, ms: number): Promise<void> {
  await dynamodb.send(
    new UpdateCommand({
      TableName: 'auth-state-test',
      Key: { pk: `CHALLENGE#${user.sub}`, sk: 'CODE' },
      UpdateExpression: 'SET createdAt = createdAt - :ms',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':ms': ms },
    }),
  );
}

describe('Cognito retries and repeated sign-ins', () => {
  const afterPassword: SessionEntry[] = [
    { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
    { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
  ];

  test('Create called 3 times for one round sends one SMS, and the code sent still works', async () => {
    const phone = uniquePhone();
    const user = await newUser(phone);
    const responses = [];
    for (let i = 0; i < 3; i++) responses.push((await create(user, afterPassword)).response);
    expect(outbox).toHaveLength(1);
    const ids = new Set(responses.map((r) => r.privateChallengeParameters?.id));
    expect(ids.size).toBe(1);
    const last = responses[2]?.privateChallengeParameters ?? {};
    expect((await verify(user, last, lastCodeTo(phone))).response.answerCorrect).toBe(true);
  });

  test('3 concurrent Creates for one round send one SMS', async () => {
    const phone = uniquePhone();
    const user = await newUser(phone);
    const responses = await Promise.all([1, 2, 3].map(() => create(user, afterPassword)));
    expect(outbox).toHaveLength(1);
    expect(new Set(responses.map((r) => r.response.challengeMetadata)).size).toBe(1);
  });

  test('the phone path is retry-safe too: a repeated Create after PHONE_REQUIRED sends once, to the number given', async () => {
    const user = await newUser();
    const phone = uniquePhone();
    const ask = (await create(user, afterPassword)).response;
    expect((await verify(user, ask.privateChallengeParameters ?? {}, phone)).response.answerCorrect).toBe(
      true,
    );
    const session = [
      ...afterPassword,
      { challengeName: 'CUSTOM_CHALLENGE', challengeResult: true, challengeMetadata: ask.challengeMetadata },
    ];
    const first = (await create(user, session)).response;
    const again = (await create(user, session)).response;
    expect(outbox.map((sms) => sms.to)).toEqual([phone]);
    // The same round (same code id and length); only the per-invocation nonce is new.
    const { nonce: firstNonce, ...firstRound } = first.privateChallengeParameters ?? {};
    const { nonce: againNonce, ...againRound } = again.privateChallengeParameters ?? {};
    expect(againRound).toEqual(firstRound);
    expect(againNonce).not.toBe(firstNonce);
  });
});

describe('send limits through Create', () => {
  test('8 concurrent code rounds for one user (different phone rounds): exactly 5 SMS, the rest refused', async () => {
    const user = await newUser();
    const sessions = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const ask = (
          await create(user, [
            { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
            { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
          ])
        ).response;
        await verify(user, ask.privateChallengeParameters ?? {}, uniquePhone());
        return [
          { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
          { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
          {
            challengeName: 'CUSTOM_CHALLENGE',
            challengeResult: true,
            challengeMetadata: ask.challengeMetadata,
          },
        ];
      }),
    );
    const results = await Promise.allSettled(sessions.map((session) => create(user, session)));
    expect(outbox).toHaveLength(5);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(3);
    for (const r of refused)
      expect((r as PromiseRejectedResult).reason.message).toBe(
        'Too many codes requested. Please try again later',
      );
  });

  test('15 users sharing one number, concurrently: exactly 10 SMS to it today', async () => {
    const phone = uniquePhone();
    const group = await Promise.all(Array.from({ length: 15 }, () => newUser(phone)));
    const results = await Promise.allSettled(
      group.map((user) =>
        create(user, [
          { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
          { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
        ]),
      ),
    );
    expect(outbox.filter((sms) => sms.to === phone)).toHaveLength(10);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(5);
  });
});

describe('logs', () => {
  test('no code and no full phone number reaches the logs, at DEBUG, on success and failure paths', async () => {
    const logs = captureLogs(logger, 'DEBUG');
    const phones: string[] = [];
    const recoveryCodes: string[] = [];
    try {
      // Verified phone, straight to tokens.
      const a = uniquePhone();
      phones.push(a);
      expect((await signIn(await newUser(a), () => lastCodeTo(a))).outcome).toBe('tokens');
      // Phone path with a rejected number, a wrong code and a success.
      const b = uniquePhone();
      phones.push(b, '+33612345678');
      const phonePath = await signIn(
        await newUser(),
        (_c, round) => ['+33612345678', b, '123123', lastCodeTo(b), 'OK'][round] as string,
      );
      expect(phonePath.outcome).toBe('tokens');
      expect(phonePath.session.map((entry) => entry.challengeResult)).toEqual([
        true,
        true,
        false,
        true,
        false,
        true,
        true,
      ]);
      recoveryCodes.push(...(phonePath.challenges.at(-1)?.codes ?? '').split(' '));
      // Exhausted attempts on an unproven number.
      const c = uniquePhone();
      phones.push(c);
      expect((await signIn(await newUser(), (_c, round) => (round === 0 ? c : '000001'))).outcome).toBe(
        'failed',
      );
      // SNS refusing the number, quoting it in its error message.
      const d = uniquePhone();
      phones.push(d);
      snsMock
        .on(PublishCommand)
        .rejects(new Error(`Invalid parameter: PhoneNumber Reason: ${d} is not valid to publish to`));
      const failed = await signIn(await newUser(d), () => '000000');
      expect(failed).toMatchObject({ outcome: 'error', error: GENERIC_FAILURE_MESSAGE });
    } finally {
      logs.restore();
    }

    const text = logs.text();
    const codes = outbox.flatMap((sms) => /\b(\d{6})\b/.exec(sms.body)?.[1] ?? []);
    expect(codes.length).toBeGreaterThanOrEqual(3);
    // The recovery codes shown in the RECOVERY_CODES round never reach a log, in any form.
    expect(recoveryCodes).toHaveLength(10);
    for (const code of recoveryCodes) {
      expect(text).not.toContain(code);
      expect(text).not.toContain(code.replaceAll('-', ''));
    }
    expect(logs.records().length).toBeGreaterThan(20);
    expect(logs.records().some((record) => record.level === 'DEBUG')).toBe(true);
    // The capture works: masked destinations and failure reasons are there.
    expect(text).toContain(`+*******${phones[0]?.slice(-4)}`);
    expect(text).toContain('invalid_phone');
    expect(text).toContain('DependencyError');
    for (const code of codes) expect(text).not.toMatch(new RegExp(`(?<!\\d)${code}(?!\\d)`));
    for (const phone of phones) {
      expect(text).not.toContain(phone);
      expect(text).not.toContain(phone.slice(-10)); // the national number without the country code
    }
  });
});
