/**
 * Retries: Cognito calls a trigger again when an invocation times out, with the same event, up to
 * three times (docs: the trigger contract). Each trigger here gets the same event three times in a
 * row; the state lives in DynamoDB Local (the real engine), SNS and Cognito's admin API are
 * aws-sdk-client-mock fakes that count what was sent. Every case checks that the three results are
 * the same and that no side effect happened twice: SMS, group additions, invite consumption,
 * failure records, send counters, markers.
 *
 * Verify judges the digits from the round's private parameters, then records the answer on the
 * code's item with one write: the right answer marks the code used by the round's private `nonce`
 * (fresh for every round Create builds; a session can be answered only once), so a retry of that
 * very answer is right again while any other answer with the code is not; a wrong answer is counted
 * once per nonce (the ANSWERED mark in the same transaction), so a retry counts nothing twice.
 * Calls that set values (AdminAddUserToGroup, AdminUpdateUserAttributes) may repeat: the second
 * one changes nothing, which is what "no duplicated side effect" means for them.
 */
import {
  AdminAddUserToGroupCommand,
  AdminUpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { PublishCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { cognito } from '#shared/aws/cognito';
import { sns } from '#shared/aws/sns';
import { codeRoundParameters } from '../helpers/code-round';
import { newIdentity, State } from './support/state';
import { fixture, type Json, type JsonObject, requireHandlers, type TriggerKey } from './support/triggers';

const handlers = requireHandlers();
const snsMock = mockClient(sns);
const idp = mockClient(cognito);
const state = new State();
let sent: { to: string; body: string }[] = [];

beforeEach(() => {
  sent = [];
  snsMock.reset();
  idp.reset();
  snsMock.on(PublishCommand).callsFake(async (input) => {
    sent.push({ to: String(input.PhoneNumber), body: String(input.Message) });
    return { MessageId: `m-${sent.length}` };
  });
  idp.onAnyCommand().resolves({});
});
afterAll(() => {
  snsMock.restore();
  idp.restore();
  state.destroy();
});

type Outcome = { response: unknown } | { error: string };

/** The same event three times, one after the other, as Cognito's retries deliver it. */
async function threeTimes(
  trigger: TriggerKey,
  event: JsonObject,
  between?: () => Promise<void>,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (let i = 0; i < 3; i++) {
    try {
      const result = (await handlers[trigger](structuredClone(event))) as JsonObject;
      outcomes.push({ response: result.response });
    } catch (error) {
      outcomes.push({ error: (error as Error).message });
    }
    await between?.();
  }
  return outcomes;
}

function expectSame(outcomes: Outcome[]): void {
  expect(outcomes[1]).toEqual(outcomes[0]);
  expect(outcomes[2]).toEqual(outcomes[0]);
}

/**
 * Create's results for one round, retries included, are the same but for the private `nonce`:
 * it is fresh for every invocation on purpose (Verify tells a retried answer by it, and a nonce
 * derived from the event could repeat across sign-ins that reuse a code). Cognito keeps only the
 * response of the invocation that finished, so a different nonce per retry is harmless.
 */
function expectSameRound(outcomes: Outcome[]): void {
  const nonces = outcomes.map((outcome) => privateOf(outcome).nonce);
  expect(nonces.every((nonce) => typeof nonce === 'string' && /^[0-9a-f]{32}$/.test(nonce))).toBe(true);
  expect(new Set(nonces).size).toBe(outcomes.length);
  expectSame(outcomes.map(withoutNonce));
}

function privateOf(outcome: Outcome): JsonObject {
  return ((outcome as { response: JsonObject }).response.privateChallengeParameters ?? {}) as JsonObject;
}

function withoutNonce(outcome: Outcome): Outcome {
  const copy = structuredClone(outcome) as { response: JsonObject };
  const { nonce: _nonce, ...rest } = privateOf(copy);
  copy.response.privateChallengeParameters = rest;
  return copy as Outcome;
}

function eventFor(name: string, user: { sub: string; email: string }, request: JsonObject = {}): JsonObject {
  const event = fixture(name);
  event.userName = user.sub;
  const base = event.request as JsonObject;
  const attributes = { ...(base.userAttributes as JsonObject), sub: user.sub, email: user.email };
  event.request = {
    ...base,
    ...request,
    userAttributes: { ...attributes, ...((request.userAttributes as JsonObject) ?? {}) },
  };
  return event;
}

const PASSWORD_STEPS: JsonObject[] = [
  { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
  { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
];

describe('PreSignUp', () => {
  test('the same sign-up three times: the same decision, and the invite is neither consumed nor changed', async () => {
    const user = newIdentity();
    const code = await state.seedInvite(user.email);
    const before = await state.invite(user.email);
    const event = eventFor('pre-signup.sign-up', user, { clientMetadata: { inviteCode: code } });
    const outcomes = await threeTimes('pre-signup', event);
    expectSame(outcomes);
    expect(outcomes[0]).toEqual({
      response: expect.objectContaining({ autoConfirmUser: true, autoVerifyEmail: true }),
    });
    expect(await state.invite(user.email)).toEqual(before);
  });

  test('the same refused sign-up three times: the same short message, nothing written', async () => {
    const user = newIdentity();
    await state.seedInvite(user.email);
    const before = await state.invite(user.email);
    const event = eventFor('pre-signup.sign-up', user, {
      clientMetadata: { inviteCode: 'AAAA-BBBB-CCCC-DDDD' },
    });
    const outcomes = await threeTimes('pre-signup', event);
    expectSame(outcomes);
    expect(outcomes[0]).toEqual({ error: 'Invitation is invalid or has expired' });
    expect(await state.invite(user.email)).toEqual(before);
  });
});

describe('PostConfirmation', () => {
  test('the same confirmation three times: the invite is accepted once (acceptedAt kept); the same single membership asked each time', async () => {
    const user = newIdentity();
    await state.seedInvite(user.email, 'beta-testers');
    const event = eventFor('post-confirmation.confirm-sign-up', user);
    const accepted: unknown[] = [];
    const outcomes = await threeTimes('post-confirmation', event, async () => {
      accepted.push(await state.invite(user.email));
    });
    expectSame(outcomes);
    expect(outcomes[0]).toEqual({ response: {} });
    expect(accepted[0]).toMatchObject({ status: 'accepted', acceptedBy: user.sub });
    expect(accepted[1]).toEqual(accepted[0]);
    expect(accepted[2]).toEqual(accepted[0]);
    const adds = idp.commandCalls(AdminAddUserToGroupCommand).map((call) => call.args[0].input);
    expect(adds).toHaveLength(3);
    for (const add of adds) expect(add).toEqual({ ...adds[0], GroupName: 'beta-testers' });
  });
});

describe('PreAuthentication', () => {
  test('the same sign-in start three times for a user whose PostConfirmation was lost: reconciled once, group added once', async () => {
    const user = newIdentity();
    await state.seedInvite(user.email, 'beta-testers');
    const event = eventFor('pre-authentication', user);
    const snapshots: unknown[] = [];
    const outcomes = await threeTimes('pre-authentication', event, async () => {
      snapshots.push([await state.invite(user.email), await state.partition(`USER#${user.sub}`)]);
    });
    expectSame(outcomes);
    expect(outcomes[0]).toEqual({ response: {} });
    const [invite, partition] = snapshots[0] as [unknown, Record<string, unknown>[]];
    expect(invite).toMatchObject({ status: 'accepted', acceptedBy: user.sub });
    expect(partition.map((item) => item.sk)).toEqual(['INVITE#RECONCILED']);
    expect(snapshots[1]).toEqual(snapshots[0]);
    expect(snapshots[2]).toEqual(snapshots[0]);
    expect(idp.commandCalls(AdminAddUserToGroupCommand)).toHaveLength(1);
  });

  test('the same sign-in start three times for a locked-out, reconciled user: passed each time (no denial before the password), nothing written', async () => {
    const user = newIdentity();
    await lockOut(user.sub);
    await state.put({ pk: `USER#${user.sub}`, sk: 'INVITE#RECONCILED', at: new Date().toISOString() });
    const before = await state.partition(`USER#${user.sub}`);
    const outcomes = await threeTimes('pre-authentication', eventFor('pre-authentication', user));
    expectSame(outcomes);
    expect(outcomes[0]).toEqual({ response: {} });
    expect(await state.partition(`USER#${user.sub}`)).toEqual(before);
    expect(idp.calls()).toHaveLength(0);
  });
});

/** Five failure records inside the lockout window (the default policy: 5 in 15 minutes). */
/** The sign-up was confirmed a moment ago: a first enrolment is within the grace (no email code). */
async function confirmedJustNow(sub: string): Promise<void> {
  await state.put({ pk: `USER#${sub}`, sk: 'LIFECYCLE#CONFIRMED', at: new Date().toISOString() });
}

async function lockOut(sub: string): Promise<void> {
  const now = Date.now();
  for (let i = 1; i <= 5; i++) {
    const at = new Date(now - i * 60_000).toISOString();
    await state.put({ pk: `USER#${sub}`, sk: `FAIL#${at}#0000000${i}`, at, reason: 'wrong_code', ttl: 1 });
  }
}

describe('CustomMessage and Define (no state)', () => {
  test.each(['custom-message.sign-up', 'custom-message.admin-create-user', 'custom-message.forgot-password'])(
    'CustomMessage: %s three times gives the same message',
    async (name) => {
      const outcomes = await threeTimes('custom-message', fixture(name));
      expectSame(outcomes);
      expect(outcomes[0]).toEqual({ response: expect.objectContaining({ smsMessage: expect.any(String) }) });
    },
  );

  test.each([
    'define-auth-challenge.srp-a',
    'define-auth-challenge.password-verifier',
    'define-auth-challenge.sms-otp',
    'define-auth-challenge.sms-otp-wrong',
  ])('Define: %s three times gives the same decision', async (name) => {
    const outcomes = await threeTimes('define-auth-challenge', fixture(name));
    expectSame(outcomes);
    expect(outcomes[0]).toHaveProperty('response');
  });
});

describe('CreateAuthChallenge', () => {
  test('the same code round three times: one SMS, the same round each time, one unit of each send limit', async () => {
    const user = newIdentity();
    const event = eventFor('create-auth-challenge.sms-otp', user, {
      userAttributes: { phone_number: user.phone, phone_number_verified: 'true' },
    });
    const outcomes = await threeTimes('create-auth-challenge', event);
    expectSameRound(outcomes);
    expect(outcomes[0]).toMatchObject({ response: { publicChallengeParameters: { type: 'SMS_OTP' } } });
    expect(sent.map((sms) => sms.to)).toEqual([user.phone]);
    expect(await state.userSends(user.sub)).toBe(1);
    expect(await state.item(`CHALLENGE#${user.sub}`, 'CODE')).toMatchObject({
      purpose: 'sign_in',
      phone: user.phone,
    });
  });

  test('a code round after a wrong code, three times: the same round, no SMS', async () => {
    const user = newIdentity();
    const first = eventFor('create-auth-challenge.sms-otp', user, {
      userAttributes: { phone_number: user.phone, phone_number_verified: 'true' },
    });
    const created = (await handlers['create-auth-challenge'](structuredClone(first))) as JsonObject;
    const metadata = (created.response as JsonObject).challengeMetadata as Json;
    sent = [];
    const retry = structuredClone(first);
    (retry.request as JsonObject).session = [
      ...PASSWORD_STEPS,
      { challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: metadata },
    ];
    const outcomes = await threeTimes('create-auth-challenge', retry);
    expectSameRound(outcomes);
    expect(withoutNonce(outcomes[0] as Outcome)).toEqual(withoutNonce({ response: created.response }));
    expect(sent).toEqual([]);
    expect(await state.userSends(user.sub)).toBe(1);
  });

  test('the code round after PHONE_REQUIRED three times: one SMS, to the number given', async () => {
    const user = newIdentity();
    await confirmedJustNow(user.sub);
    const ask = (await handlers['create-auth-challenge'](
      eventFor('create-auth-challenge.phone-required', user),
    )) as JsonObject;
    const askResponse = ask.response as JsonObject;
    const verified = (await handlers['verify-auth-challenge'](
      eventFor('verify-auth-challenge.phone-required', user, {
        privateChallengeParameters: askResponse.privateChallengeParameters as JsonObject,
        challengeAnswer: user.phone,
      }),
    )) as JsonObject;
    expect((verified.response as JsonObject).answerCorrect).toBe(true);
    const event = eventFor('create-auth-challenge.phone-required', user, {
      session: [
        ...PASSWORD_STEPS,
        {
          challengeName: 'CUSTOM_CHALLENGE',
          challengeResult: true,
          challengeMetadata: askResponse.challengeMetadata as Json,
        },
      ],
    });
    const outcomes = await threeTimes('create-auth-challenge', event);
    expectSameRound(outcomes);
    expect(outcomes[0]).toMatchObject({
      response: {
        publicChallengeParameters: { type: 'SMS_OTP', destination: `+*******${user.phone.slice(-4)}` },
      },
    });
    expect(sent.map((sms) => sms.to)).toEqual([user.phone]);
  });

  test('the phone question three times: PHONE_REQUIRED each time, nothing stored, nothing sent', async () => {
    const user = newIdentity();
    await confirmedJustNow(user.sub);
    const outcomes = await threeTimes(
      'create-auth-challenge',
      eventFor('create-auth-challenge.phone-required', user),
    );
    // Each answer carries a fresh round id (nothing is stored for it, so any of them works): the
    // result compared is everything but that id.
    const shapes = outcomes.map((outcome) => {
      const response = (outcome as { response: JsonObject }).response;
      return {
        public: response.publicChallengeParameters,
        type: (response.privateChallengeParameters as JsonObject).type,
        tag: String(response.challengeMetadata).split(':')[0],
      };
    });
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
    expect(shapes[0]).toEqual({
      public: { type: 'PHONE_REQUIRED' },
      type: 'PHONE_REQUIRED',
      tag: 'PHONE_REQUIRED',
    });
    expect(await state.partition(`CHALLENGE#${user.sub}`)).toEqual([]);
    expect(sent).toEqual([]);
  });

  test("a locked-out user's code round three times: the same denial after the password, nothing stored, nothing sent", async () => {
    const user = newIdentity();
    await lockOut(user.sub);
    const event = eventFor('create-auth-challenge.sms-otp', user, {
      userAttributes: { phone_number: user.phone, phone_number_verified: 'true' },
    });
    const outcomes = await threeTimes('create-auth-challenge', event);
    expectSame(outcomes);
    expect(outcomes[0]).toEqual({ error: 'Sign-in is not allowed right now' });
    expect(sent).toEqual([]);
    expect(await state.partition(`CHALLENGE#${user.sub}`)).toEqual([]);
    expect(await state.userSends(user.sub)).toBe(0);
  });

  test('an unknown user three times: the same masked destination, nothing sent', async () => {
    const event = fixture('create-auth-challenge.user-not-found');
    event.userName = `nobody-${newIdentity().sub}`;
    const outcomes = await threeTimes('create-auth-challenge', event);
    const publics = outcomes.map(
      (outcome) => (outcome as { response: JsonObject }).response.publicChallengeParameters,
    );
    expect(publics[1]).toEqual(publics[0]);
    expect(publics[2]).toEqual(publics[0]);
    expect(publics[0]).toMatchObject({
      type: 'SMS_OTP',
      destination: expect.stringMatching(/^\+\*{7}\d{4}$/),
    });
    expect(sent).toEqual([]);
  });
});

describe('VerifyAuthChallengeResponse', () => {
  /** The private parameters Create gives a round for `code`, with the user's number for verify_phone. */
  const codeRound = (user: { phone: string }, code: string, purpose: 'sign_in' | 'verify_phone') =>
    codeRoundParameters(code, { purpose, ...(purpose === 'verify_phone' ? { phone: user.phone } : {}) });

  test('the same valid phone answer three times: accepted each time, one candidate stored, no failure', async () => {
    const user = newIdentity();
    const id = 'feed0000feed0000feed0000feed0000';
    const event = eventFor('verify-auth-challenge.phone-required', user, {
      privateChallengeParameters: { type: 'PHONE_REQUIRED', id, nonce: 'feed1111feed1111feed1111feed1111' },
      challengeAnswer: user.phone,
    });
    const outcomes = await threeTimes('verify-auth-challenge', event);
    expectSame(outcomes);
    expect(outcomes[0]).toEqual({ response: { answerCorrect: true } });
    const items = await state.partition(`CHALLENGE#${user.sub}`);
    expect(items.map((item) => [item.sk, item.phone])).toEqual([[`PHONE#${id}`, user.phone]]);
    expect(await state.failures(user.sub)).toEqual([]);
  });

  /** A user without a verified phone yet, as Verify sees them. */
  const enrolling = { phone_number_verified: 'false' };

  /**
   * A real code round for a user on the phone path, built by the handlers themselves: Create asks
   * for a number, Verify accepts it, Create sends the code (SNS faked). Returns the SMS's code and
   * the round's private parameters, as Cognito hands them to Verify.
   */
  async function enrolmentRound(user: { sub: string; email: string; phone: string }) {
    await confirmedJustNow(user.sub);
    const ask = (await handlers['create-auth-challenge'](
      eventFor('create-auth-challenge.phone-required', user),
    )) as JsonObject;
    const askResponse = ask.response as JsonObject;
    await handlers['verify-auth-challenge'](
      eventFor('verify-auth-challenge.phone-required', user, {
        privateChallengeParameters: askResponse.privateChallengeParameters as JsonObject,
        challengeAnswer: user.phone,
      }),
    );
    const created = (await handlers['create-auth-challenge'](
      eventFor('create-auth-challenge.phone-required', user, {
        session: [
          ...PASSWORD_STEPS,
          {
            challengeName: 'CUSTOM_CHALLENGE',
            challengeResult: true,
            challengeMetadata: askResponse.challengeMetadata as Json,
          },
        ],
      }),
    )) as JsonObject;
    const code = /\b(\d{6})\b/.exec(sent.at(-1)?.body ?? '')?.[1];
    if (!code) throw new Error('no code was sent');
    return { code, params: (created.response as JsonObject).privateChallengeParameters as JsonObject };
  }

  test('the same wrong code three times writes one failure record and counts one wrong answer on the code', async () => {
    const user = newIdentity();
    const { code, params } = await enrolmentRound(user);
    const event = eventFor('verify-auth-challenge.sms-otp', user, {
      privateChallengeParameters: params,
      challengeAnswer: code === '000000' ? '111111' : '000000',
      userAttributes: enrolling,
    });
    const outcomes = await threeTimes('verify-auth-challenge', event);
    expectSame(outcomes);
    expect(outcomes[0]).toEqual({ response: { answerCorrect: false } });
    expect(await state.failures(user.sub)).toHaveLength(1);
    expect(await state.item(`CHALLENGE#${user.sub}`, 'CODE')).toMatchObject({ attempts: 1 });
  });

  test('the same wrong answer to a round whose code is gone three times still writes one failure record', async () => {
    const user = newIdentity();
    const event = eventFor('verify-auth-challenge.sms-otp', user, {
      privateChallengeParameters: codeRound(user, '123456', 'sign_in'),
      challengeAnswer: '654321',
    });
    const outcomes = await threeTimes('verify-auth-challenge', event);
    expectSame(outcomes);
    expect(outcomes[0]).toEqual({ response: { answerCorrect: false } });
    expect(await state.failures(user.sub)).toHaveLength(1);
  });

  test('the same correct code three times is accepted three times (the code is used by that very answer), the same phone saved (idempotent), no failure recorded', async () => {
    const user = newIdentity();
    const { code, params } = await enrolmentRound(user);
    const event = eventFor('verify-auth-challenge.sms-otp', user, {
      privateChallengeParameters: params,
      challengeAnswer: code,
      userAttributes: enrolling,
    });
    const outcomes = await threeTimes('verify-auth-challenge', event);
    expect(outcomes).toEqual([
      { response: { answerCorrect: true } },
      { response: { answerCorrect: true } },
      { response: { answerCorrect: true } },
    ]);
    expect(await state.item(`CHALLENGE#${user.sub}`, 'CODE')).toMatchObject({
      usedBy: params.nonce,
      usedAt: expect.any(Number),
    });
    // AdminUpdateUserAttributes sets values: repeating it leaves the user exactly as once would.
    const saved = idp
      .commandCalls(AdminUpdateUserAttributesCommand)
      .map((call) => call.args[0].input.UserAttributes);
    expect(saved.length).toBeGreaterThanOrEqual(1);
    for (const attributes of saved)
      expect(attributes).toEqual([
        { Name: 'phone_number', Value: user.phone },
        { Name: 'phone_number_verified', Value: 'true' },
      ]);
    expect(await state.failures(user.sub)).toEqual([]);

    // Another round given the same code (another sign-in): its right digits are wrong now.
    const other = eventFor('verify-auth-challenge.sms-otp', user, {
      privateChallengeParameters: { ...params, nonce: 'c0de0000c0de0000c0de0000c0de0000' },
      challengeAnswer: code,
      userAttributes: enrolling,
    });
    expect((await threeTimes('verify-auth-challenge', other))[0]).toEqual({
      response: { answerCorrect: false },
    });
    expect((await state.failures(user.sub)).map((failure) => failure.reason)).toEqual(['dead_code']);
  });

  test('the same invalid phone answer three times writes one failure record', async () => {
    const user = newIdentity();
    const event = eventFor('verify-auth-challenge.phone-required', user, {
      privateChallengeParameters: {
        type: 'PHONE_REQUIRED',
        id: 'dead0000dead0000dead0000dead0000',
        nonce: 'b0b00000b0b00000b0b00000b0b00000',
      },
      challengeAnswer: '+33612345678',
    });
    const outcomes = await threeTimes('verify-auth-challenge', event);
    expectSame(outcomes);
    expect(outcomes[0]).toEqual({ response: { answerCorrect: false } });
    expect(await state.failures(user.sub)).toHaveLength(1);
  });
});
