/**
 * Races against the whole local stack (local/stack.ts on free ports: the local user pool calling
 * the real handler modules, DynamoDB Local, the SNS endpoint and its outbox). Requests come from real,
 * unmodified clients running concurrently: the AWS SDK v3 Cognito client (SignUp, ListUsers) and
 * amazon-cognito-identity-js for the sign-ins (its SRP inside
 * CUSTOM_AUTH, then the custom rounds), through local/client.ts, which only awaits its callbacks.
 *
 * - 20 sign-ups at once for one invited address (and others with its code): the pool keeps one
 *   user and the invite is accepted by that user. The pool reserves the address before any
 *   trigger runs, so this proves the pool and the invite's email binding, not the invite's write.
 * - 20 users' confirmations racing one invite, each delivered twice as Cognito retries: exactly one
 *   user accepts it and joins its group. No client can stage this race (one address, one user), so
 *   it runs the code every confirmation runs (`acceptInvite`, shared by PostConfirmation and
 *   PreAuthentication's reconciliation) against the stack's DynamoDB Local and user pool: the
 *   conditional write in the invite store is all that keeps the invite single-use.
 * - Concurrent sign-ins cannot pass the SMS send limits: per verified number per day across its
 *   users (sign-ins of users sharing that number, all at once); per unproven number per day across
 *   accounts and per user per hour across sign-ins (users without a phone yet, each answering the
 *   PHONE_REQUIRED round at the same moment, so the Creates that send race each other); and an
 *   enrolment never takes a unit of the verified owner's counter. Counted
 *   three ways: what each client was told, the SMS that reached the outbox (every SNS Publish lands
 *   there), and the limit counters in DynamoDB. Every run must reach the limit, not only stay
 *   under it: a run where every attempt fails fails.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminListGroupsForUserCommand,
  AdminUpdateUserAttributesCommand,
  CreateGroupCommand,
  ListUsersCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  phoneSendsPk,
  unprovenPhoneSendsPk,
  unprovenUserSendsPk,
  userSendsPk,
} from '#shared/auth-state/keys';
import { SEND_LIMIT_MESSAGE } from '#shared/challenge/errors';
import { GENERIC_FAILURE_MESSAGE, INVALID_INVITATION_MESSAGE } from '#shared/errors';
import { acceptInvite } from '../../functions/post-confirmation/post-confirmation';
import { errorName, type SignInStep, signIn } from '../../local/client';
import { PASSWORD, startTestStack, type TestStack } from '../helpers/local-stack';
import { retryFetchOnReset } from './support/fetch-retry';
import { freshPhone } from './support/state';

/** The deployed defaults (serverless.yml params), which the stack runs with. */
const PER_PHONE_PER_DAY = 10;
const PER_USER_PER_HOUR = 5;
const UNPROVEN_PER_PHONE_PER_DAY = 3;
const UNPROVEN_PER_USER_PER_DAY = 5;

let env: TestStack;
let restoreFetch: () => void;
beforeAll(async () => {
  restoreFetch = retryFetchOnReset();
  env = await startTestStack();
}, 60_000);
afterAll(async () => {
  await env?.stop();
  restoreFetch();
});

const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error: error as Error }),
  );

test('20 concurrent sign-ups for one invited address (and others with its code) leave one user, who accepted the invite', async () => {
  const email = `race.${Date.now().toString(36)}@example.com`;
  const code = await env.invite(email);
  // Ten for the invited address (in different cases: usernames are case-insensitive), ten others
  // trying the same code for their own address.
  const attempts = Array.from({ length: 20 }, (_, i) => {
    const address =
      i < 10
        ? i % 3 === 0
          ? email.toUpperCase()
          : email
        : `thief.${i}.${Date.now().toString(36)}@example.com`;
    return settle(
      env.cognito.send(
        new SignUpCommand({
          ClientId: env.clientId,
          Username: address,
          Password: PASSWORD,
          UserAttributes: [{ Name: 'email', Value: address }],
          ClientMetadata: { inviteCode: code },
        }),
      ),
    );
  });
  const results = await Promise.all(attempts);

  const winners = results.flatMap((result) => (result.ok ? [result.value] : []));
  expect(winners).toHaveLength(1);
  const winner = winners[0];
  expect(winner?.UserConfirmed).toBe(true);
  // Every loser got a clean answer: the address is taken, or the invite is not theirs.
  for (const result of results) {
    if (result.ok) continue;
    expect([
      'UsernameExistsException',
      `UserLambdaValidationException: PreSignUp failed with error ${INVALID_INVITATION_MESSAGE}.`,
    ]).toContain(
      result.error.name === 'UsernameExistsException'
        ? result.error.name
        : `${result.error.name}: ${result.error.message}`,
    );
  }

  const { Users = [] } = await env.cognito.send(new ListUsersCommand({ UserPoolId: env.userPoolId }));
  const raced = Users.filter((user) =>
    user.Attributes?.some((a) => a.Name === 'email' && /^(race|thief)\./i.test(a.Value ?? '')),
  );
  expect(raced).toHaveLength(1);
  const sub = raced[0]?.Attributes?.find((a) => a.Name === 'sub')?.Value;
  expect(sub).toBe(winner?.UserSub);
  expect(raced[0]?.Attributes?.find((a) => a.Name === 'email')?.Value?.toLowerCase()).toBe(email);

  expect(await env.invites.get(email)).toMatchObject({ status: 'accepted', acceptedBy: winner?.UserSub });
}, 60_000);

test("20 users' confirmations racing one invite, each delivered twice: exactly one user accepts it and joins its group", async () => {
  const stamp = Date.now().toString(36);
  const email = `contested.${stamp}@example.com`;
  const group = `race-${stamp}`;
  await env.cognito.send(new CreateGroupCommand({ UserPoolId: env.userPoolId, GroupName: group }));
  await env.invite(email, { group });
  const users = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const address = `racer.${i}.${stamp}@example.com`;
      const { User } = await env.cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: env.userPoolId,
          Username: address,
          UserAttributes: [{ Name: 'email', Value: address }],
          MessageAction: 'SUPPRESS',
        }),
      );
      const sub = User?.Attributes?.find((attribute) => attribute.Name === 'sub')?.Value;
      if (!User?.Username || !sub) throw new Error(`AdminCreateUser gave no user for ${address}`);
      return { userName: User.Username, sub };
    }),
  );
  // The invite store and the group call the triggers use, pointed at this stack.
  const deps = {
    store: env.invites,
    addUserToGroup: async (input: { userPoolId: string; userName: string; group: string }) => {
      await env.cognito.send(
        new AdminAddUserToGroupCommand({
          UserPoolId: input.userPoolId,
          Username: input.userName,
          GroupName: input.group,
        }),
      );
    },
    now: () => new Date(),
  };

  await Promise.all(
    users.flatMap((user) =>
      [1, 2].map(() => acceptInvite({ email, userPoolId: env.userPoolId, ...user }, deps)),
    ),
  );

  const invite = await env.invites.get(email);
  expect(invite?.status).toBe('accepted');
  const winner = users.find((user) => user.sub === invite?.acceptedBy);
  expect(winner).toBeDefined();
  const members = [];
  for (const user of users) {
    const { Groups = [] } = await env.cognito.send(
      new AdminListGroupsForUserCommand({ UserPoolId: env.userPoolId, Username: user.userName }),
    );
    if (Groups.some((g) => g.GroupName === group)) members.push(user.sub);
  }
  expect(members).toEqual([winner?.sub]);
}, 60_000);

function describeStep(step: SignInStep): string {
  if (step.kind === 'challenge') return `challenge ${step.parameters.type}`;
  if (step.kind === 'failed') return `${errorName(step.error)}: ${step.error.message}`;
  return 'tokens';
}

/**
 * Sign-ins up to their PHONE_REQUIRED question, then every answer at once: the Creates that send
 * the codes run concurrently in the stack. The first part goes two at a time: it is not the race,
 * and the clients' SRP arithmetic (pure JavaScript, in this process) blocks the stack's event loop.
 *
 * Each answer must end in the code challenge or the limit's short message. On an overloaded
 * machine a trigger may also give up on a starved dependency within its time budget and answer
 * with the generic message (correct behaviour, not a race). Such runs still have to keep every
 * limit and to reach it (see `expectLimitReached`); only the three exact counts are left to runs
 * where nothing was starved.
 */
async function answerAllAtOnce(signIns: { email: string; password: string; phone: string }[]) {
  const asked: SignInStep[] = [];
  for (let i = 0; i < signIns.length; i += 2) {
    const batch = signIns.slice(i, i + 2);
    asked.push(...(await Promise.all(batch.map((one) => signIn(env.pool, one.email, one.password)))));
  }
  const ready = asked.flatMap((step, i) =>
    step.kind === 'challenge' && step.parameters.type === 'PHONE_REQUIRED' ? [{ step, i }] : [],
  );
  const notReady = asked.map(describeStep).filter((outcome) => outcome !== 'challenge PHONE_REQUIRED');
  expect(notReady.filter((outcome) => !isGeneric(outcome))).toEqual([]);
  const steps = await Promise.all(ready.map(({ step, i }) => step.answer(signIns[i]?.phone as string)));
  const outcomes = steps.map(describeStep);
  expect(outcomes.filter((outcome) => !isCode(outcome) && !isLimit(outcome) && !isGeneric(outcome))).toEqual(
    [],
  );
  return {
    raced: ready.length,
    challenged: outcomes.filter(isCode).length,
    limited: outcomes.filter(isLimit).length,
    /** Sign-ins that ended in the generic message, before or at their answer. */
    generic: notReady.length + outcomes.filter(isGeneric).length,
    /** Every attempt ended in a code or the limit: the race ran as on a healthy machine. */
    clean: notReady.length === 0 && outcomes.every((outcome) => !isGeneric(outcome)),
  };
}

const isCode = (outcome: string) => outcome === 'challenge SMS_OTP';
const isLimit = (outcome: string) => outcome.includes(SEND_LIMIT_MESSAGE);
const isGeneric = (outcome: string) => outcome.includes(GENERIC_FAILURE_MESSAGE);

/**
 * Every run, clean or not, reaches the limit: the counter is full (the limit's worth of sends was
 * counted, never more) and every unit reached the phone but those lost with a starved attempt.
 * Only the sign-ins beyond the limit may be lost that way: a run where the attempts fail (a
 * broken Create, SNS down) reaches nothing and fails here.
 */
function expectLimitReached(
  race: { generic: number },
  racers: number,
  limit: number,
  counted: { units: number; sms: number },
): void {
  expect(race.generic).toBeLessThanOrEqual(racers - limit);
  expect(counted.units).toBe(limit);
  expect(counted.sms).toBeGreaterThanOrEqual(limit - race.generic);
}

/** Units taken from a send counter partition (`SENDS#...`), all windows summed. */
async function counted(pk: string): Promise<number> {
  const { Items = [] } = await env.dynamodb.send(
    new QueryCommand({
      TableName: env.stack.info.tables.authState,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return Items.reduce((sum, item) => sum + Number(item.sends ?? 0), 0);
}

test(`${UNPROVEN_PER_PHONE_PER_DAY + 2} accounts typing one number nobody has proven, at once: its limit of ${UNPROVEN_PER_PHONE_PER_DAY} SMS is reached, never passed, and its verified owner's budget is untouched`, async () => {
  const phone = freshPhone();
  const users = await Promise.all(
    Array.from({ length: UNPROVEN_PER_PHONE_PER_DAY + 2 }, () => env.signUpInvited('typed-phone')),
  );
  const race = await answerAllAtOnce(users.map((user) => ({ ...user, phone })));
  expect(race.raced).toBeGreaterThan(UNPROVEN_PER_PHONE_PER_DAY);

  const sms = await env.outbox({ to: phone, channel: 'sms' });
  const units = await counted(unprovenPhoneSendsPk(phone));
  // Never past the limit, in the counter or on the phone; every code challenge has its SMS.
  expect(units).toBeLessThanOrEqual(UNPROVEN_PER_PHONE_PER_DAY);
  expect(sms.length).toBeLessThanOrEqual(units);
  expect(sms.length).toBeGreaterThanOrEqual(race.challenged);
  expectLimitReached(race, users.length, UNPROVEN_PER_PHONE_PER_DAY, { units, sms: sms.length });
  // The number's own (verified) sign-in budget is untouched by anyone else's enrolment.
  expect(await counted(phoneSendsPk(phone))).toBe(0);
  // On a machine that kept up, exactly the limit got through and every refusal sent nothing.
  if (race.clean)
    expect([race.challenged, sms.length, units]).toEqual([
      UNPROVEN_PER_PHONE_PER_DAY,
      UNPROVEN_PER_PHONE_PER_DAY,
      UNPROVEN_PER_PHONE_PER_DAY,
    ]);
}, 90_000);

// Four beyond the limit: twelve sign-ins at once on a loaded 2-core machine can see three of them
// end in the generic message (a send transaction timed out), and the limit must still be reached.
test(`${PER_PHONE_PER_DAY + 4} users whose verified phone is one number, signing in at once: its limit of ${PER_PHONE_PER_DAY} SMS is reached, never passed`, async () => {
  const phone = freshPhone();
  const users = await Promise.all(
    Array.from({ length: PER_PHONE_PER_DAY + 4 }, () => env.signUpInvited('shared-phone')),
  );
  // A number several accounts share (a family phone), verified on each by an administrator.
  for (const user of users)
    await env.cognito.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: env.userPoolId,
        Username: user.email,
        UserAttributes: [
          { Name: 'phone_number', Value: phone },
          { Name: 'phone_number_verified', Value: 'true' },
        ],
      }),
    );
  // The password step sends the code at once (no PHONE_REQUIRED round): the sign-ins themselves race.
  const steps = await Promise.all(users.map((user) => signIn(env.pool, user.email, user.password)));
  const outcomes = steps.map(describeStep);
  expect(outcomes.filter((outcome) => !isCode(outcome) && !isLimit(outcome) && !isGeneric(outcome))).toEqual(
    [],
  );
  const race = {
    challenged: outcomes.filter(isCode).length,
    generic: outcomes.filter(isGeneric).length,
    clean: outcomes.every((outcome) => !isGeneric(outcome)),
  };

  const sms = await env.outbox({ to: phone, channel: 'sms' });
  const units = await counted(phoneSendsPk(phone));
  expect(units).toBeLessThanOrEqual(PER_PHONE_PER_DAY);
  expect(sms.length).toBeLessThanOrEqual(units);
  expect(sms.length).toBeGreaterThanOrEqual(race.challenged);
  expectLimitReached(race, users.length, PER_PHONE_PER_DAY, { units, sms: sms.length });
  expect(await counted(unprovenPhoneSendsPk(phone))).toBe(0);
  if (race.clean)
    expect([race.challenged, sms.length, units]).toEqual([
      PER_PHONE_PER_DAY,
      PER_PHONE_PER_DAY,
      PER_PHONE_PER_DAY,
    ]);
}, 90_000);

test(`one user in ${PER_USER_PER_HOUR + 2} sign-ins at once, each giving another number: the user's limit of ${PER_USER_PER_HOUR} SMS is reached, never passed`, async () => {
  const user = await env.signUpInvited('many-sign-ins');
  const phones = Array.from({ length: PER_USER_PER_HOUR + 2 }, () => freshPhone());
  const race = await answerAllAtOnce(phones.map((phone) => ({ ...user, phone })));
  expect(race.raced).toBeGreaterThan(PER_USER_PER_HOUR);

  const sms = (await env.outbox({ channel: 'sms' })).filter((message) => phones.includes(message.to));
  const units = await counted(userSendsPk(user.sub));
  expect(units).toBeLessThanOrEqual(PER_USER_PER_HOUR);
  // Every one was an enrolment code: the account's enrolment day counts them too.
  expect(await counted(unprovenUserSendsPk(user.sub))).toBeLessThanOrEqual(UNPROVEN_PER_USER_PER_DAY);
  expect(await counted(unprovenUserSendsPk(user.sub))).toBe(units);
  expect(sms.length).toBeLessThanOrEqual(units);
  expect(sms.length).toBeGreaterThanOrEqual(race.challenged);
  // Each SMS went to a different number: one per sign-in that got through, none to the others.
  expect(new Set(sms.map((message) => message.to)).size).toBe(sms.length);
  expectLimitReached(race, phones.length, PER_USER_PER_HOUR, { units, sms: sms.length });
  if (race.clean)
    expect([race.challenged, sms.length, units]).toEqual([
      PER_USER_PER_HOUR,
      PER_USER_PER_HOUR,
      PER_USER_PER_HOUR,
    ]);
}, 90_000);
