/**
 * PreAuthentication against a real engine (DynamoDB Local, tables from resources/tables.yml): the one
 * Query reads exactly the records the rules need; suspension and lockout are NOT denied here (this
 * trigger runs before the password is checked: a denial would tell a stranger the account's state)
 * but by the check Create and Verify make after the password (`assertSignInAllowed`, the same
 * records and rule, asserted here on the same engine); and the
 * reconciliation of an invite left pending by a failed PostConfirmation is idempotent, whatever
 * the number of runs. Cognito (AdminAddUserToGroup) is faked in-process. Every DynamoDB call the
 * handler makes is recorded, so the cost of each sign-in is asserted in calls.
 */
import { randomUUID } from 'node:crypto';
import { AdminAddUserToGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { z } from 'zod';
import { AccountStatusStore, assertSignInAllowed, DEFAULT_LOCKOUT } from '#shared/auth-state/account-status';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
import { SIGN_IN_NOT_ALLOWED_MESSAGE } from '#shared/challenge/errors';
import { GENERIC_FAILURE_MESSAGE } from '#shared/errors';
import type { preAuthenticationEvent } from '#shared/events';
import { generateInviteCode } from '#shared/invites/code';
import { newInvite } from '#shared/invites/invite';
import { InviteStore } from '#shared/invites/store';
import knownUserFixture from '../../fixtures/pre-authentication.json';
import userNotFoundFixture from '../../fixtures/pre-authentication.user-not-found.json';
import { handler } from '../../functions/pre-authentication/handler';

type PreAuthenticationInput = z.input<typeof preAuthenticationEvent>;

const AUTH_STATE = 'auth-state-test';
/** Test setup and checks go through their own client, so only the handler's calls are recorded. */
const seed = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const invites = new InviteStore(seed, 'invites-test');
const accounts = new AccountStatusStore(seed, AUTH_STATE);
const idp = mockClient(cognito);

/** What the handler sends through the module-scope DynamoDB client, in order, with each answer. */
let sent: { name: string; output: Promise<unknown> }[] = [];
const passThrough = dynamodb.send.bind(dynamodb) as (command: object) => Promise<unknown>;
const recording = (command: object) => {
  const output = passThrough(command);
  sent.push({ name: command.constructor.name, output });
  return output;
};
let send: jest.SpyInstance;
beforeEach(() => {
  idp.reset();
  idp.on(AdminAddUserToGroupCommand).resolves({});
  sent = [];
  send = jest.spyOn(dynamodb, 'send').mockImplementation(recording as never);
});
afterEach(() => send.mockRestore());
afterAll(() => seed.destroy());

/** DynamoDB calls in order, then Cognito calls. */
const calls = () => [
  ...sent.map((s) => s.name),
  ...idp.calls().map((c) => (c.args[0] as object).constructor.name),
];
const resetCalls = () => {
  sent = [];
  idp.resetHistory();
};

/** A fresh user (own sub and email), so tests never share records. */
function newUser() {
  const sub = randomUUID();
  const email = `user-${sub.slice(0, 8)}@example.com`;
  const event = () => {
    const e = structuredClone(knownUserFixture) as PreAuthenticationInput;
    e.userName = sub;
    e.request.userAttributes.sub = sub;
    e.request.userAttributes.email = email.toUpperCase(); // normalised before use
    return e;
  };
  return { sub, email, event };
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
/** Writes a record exactly as the shared contract says its owner does. */
async function putRecord(sub: string, sk: string, attributes: Record<string, unknown>) {
  await seed.send(new PutCommand({ TableName: AUTH_STATE, Item: { pk: `USER#${sub}`, sk, ...attributes } }));
}
async function putFailure(sub: string, minutes: number) {
  const at = minutesAgo(minutes);
  const hex = randomUUID().slice(0, 8);
  await putRecord(sub, `FAIL#${at}#${hex}`, {
    at,
    reason: 'wrong_code',
    ttl: Math.floor(Date.now() / 1000) + 86_400,
  });
}
const markReconciled = (sub: string) => putRecord(sub, 'INVITE#RECONCILED', { at: minutesAgo(60) });
const queriedItems = async () => {
  const first = sent[0];
  if (!first) throw new Error('no call was made');
  return ((await first.output) as QueryCommandOutput).Items ?? [];
};
/** The check Create and Verify make after the password, on the same engine and records. */
const afterPassword = (sub: string) => assertSignInAllowed(accounts, sub, new Date(), DEFAULT_LOCKOUT);

const pendingInvite = (email: string, group?: string) =>
  invites.put(newInvite({ email, code: generateInviteCode(), group, days: 7, now: new Date() }));

describe('suspension', () => {
  test('a suspended user: PreAuthentication lets the sign-in start, the check after the password denies; after unsuspending, allowed', async () => {
    const user = newUser();
    await markReconciled(user.sub);
    await accounts.suspend(user.sub, { reason: 'chargeback', at: new Date().toISOString(), by: 'ops' });
    await expect(handler(user.event())).resolves.toBeDefined();
    expect(calls()).toEqual(['QueryCommand']);
    await expect(afterPassword(user.sub)).rejects.toThrow(SIGN_IN_NOT_ALLOWED_MESSAGE);

    await accounts.unsuspend(user.sub);
    await expect(afterPassword(user.sub)).resolves.toMatchObject({ lockout: { counted: 0 } });
  });
});

describe('lockout', () => {
  test('five failures in the window deny after the password (never in PreAuthentication); an old last-success marker resets nothing', async () => {
    const user = newUser();
    await markReconciled(user.sub);
    for (const minutes of [16, 7, 5, 3, 1]) await putFailure(user.sub, minutes);
    // The oldest is outside the 15-minute window: four count.
    await expect(afterPassword(user.sub)).resolves.toMatchObject({ lockout: { counted: 4 } });
    await putFailure(user.sub, 0.5);
    await expect(afterPassword(user.sub)).rejects.toThrow(SIGN_IN_NOT_ALLOWED_MESSAGE);
    await expect(handler(user.event())).resolves.toBeDefined();

    await putRecord(user.sub, 'SIGNIN#LAST_SUCCESS', { at: minutesAgo(0.2) });
    await expect(afterPassword(user.sub)).rejects.toThrow(SIGN_IN_NOT_ALLOWED_MESSAGE);
    // The audit trail is all there.
    expect((await accounts.read(user.sub, new Date(Date.now() - 3_600_000))).failures).toHaveLength(6);
  });

  test('window expiry: failures older than the window are not even read', async () => {
    const user = newUser();
    await markReconciled(user.sub);
    for (const minutes of [20, 19, 18, 17, 16]) await putFailure(user.sub, minutes);
    await putFailure(user.sub, 2);
    await expect(handler(user.event())).resolves.toBeDefined();
    expect(calls()).toEqual(['QueryCommand']);
    const items = await queriedItems();
    expect(items.map((item) => String(item.sk).split('#')[0])).toEqual(['FAIL', 'INVITE']);
  });

  test('one Query returns failures, mark and suspension together (an old last-success marker is read, and ignored)', async () => {
    const user = newUser();
    await markReconciled(user.sub);
    await putFailure(user.sub, 3);
    await putRecord(user.sub, 'SIGNIN#LAST_SUCCESS', { at: minutesAgo(4) });
    await accounts.suspend(user.sub, { reason: 'x', at: new Date().toISOString(), by: 'ops' });
    await putRecord(user.sub, 'CHALLENGE#other', { at: minutesAgo(1) }); // outside the range
    await expect(handler(user.event())).resolves.toBeDefined();
    await expect(afterPassword(user.sub)).rejects.toThrow(SIGN_IN_NOT_ALLOWED_MESSAGE);
    expect(calls()).toEqual(['QueryCommand']);
    expect((await queriedItems()).map((item) => item.sk)).toEqual([
      expect.stringMatching(/^FAIL#/),
      'INVITE#RECONCILED',
      'SIGNIN#LAST_SUCCESS',
      'SUSPENSION',
    ]);
  });
});

describe('reconciliation', () => {
  test('an invite left pending is consumed once and its group assigned, over 3 runs', async () => {
    const user = newUser();
    await pendingInvite(user.email, 'readers');

    const runs: string[][] = [];
    for (let run = 0; run < 3; run++) {
      resetCalls();
      await expect(handler(user.event())).resolves.toBeDefined();
      runs.push(calls());
    }
    expect(runs[0]).toEqual([
      'QueryCommand',
      'UpdateCommand', // consume
      'PutCommand', // INVITE#RECONCILED
      'AdminAddUserToGroupCommand',
    ]);
    expect(runs[1]).toEqual(['QueryCommand']);
    expect(runs[2]).toEqual(['QueryCommand']);

    const stored = await invites.get(user.email);
    expect(stored).toMatchObject({ status: 'accepted', acceptedBy: user.sub, group: 'readers' });
    expect((await accounts.read(user.sub, new Date())).inviteReconciledAt).toBeDefined();
  });

  test('interrupted runs (as Cognito retries them) change nothing twice and finish the job', async () => {
    const user = newUser();
    await pendingInvite(user.email, 'readers');
    // Run 1 dies when writing the mark (after consuming and assigning the group).
    send.mockImplementation(((command: object) =>
      command instanceof PutCommand ? Promise.reject(new Error('timeout')) : recording(command)) as never);
    await expect(handler(user.event())).rejects.toThrow(GENERIC_FAILURE_MESSAGE);
    expect(idp.commandCalls(AdminAddUserToGroupCommand)).toHaveLength(1);
    const afterFirst = await invites.get(user.email);
    send.mockImplementation(recording as never);

    // Runs 2 and 3: the consume repeats harmlessly, the idempotent group add repeats, the mark lands.
    resetCalls();
    await expect(handler(user.event())).resolves.toBeDefined();
    expect(calls()).toEqual(['QueryCommand', 'UpdateCommand', 'PutCommand', 'AdminAddUserToGroupCommand']);
    resetCalls();
    await expect(handler(user.event())).resolves.toBeDefined();
    expect(calls()).toEqual(['QueryCommand']);

    const stored = await invites.get(user.email);
    expect(stored?.acceptedAt).toBe(afterFirst?.acceptedAt);
    expect(stored?.acceptedBy).toBe(user.sub);
  });

  test('an invite PostConfirmation already consumed: one idempotent write, then the mark', async () => {
    const user = newUser();
    await pendingInvite(user.email);
    await invites.consume(user.email, user.sub, new Date());
    await expect(handler(user.event())).resolves.toBeDefined();
    expect(calls()).toEqual(['QueryCommand', 'UpdateCommand', 'PutCommand']);
  });

  test("another user's accepted invite is left alone; the sign-in still passes and is marked", async () => {
    const user = newUser();
    await pendingInvite(user.email);
    await invites.consume(user.email, 'someone-else', new Date());
    await expect(handler(user.event())).resolves.toBeDefined();
    expect(await invites.get(user.email)).toMatchObject({ acceptedBy: 'someone-else' });
    expect(calls()).toEqual(expect.arrayContaining(['QueryCommand', 'UpdateCommand', 'PutCommand']));
    expect(calls()).not.toContain('AdminAddUserToGroupCommand');
  });

  test('no invite at all (an admin-created user): nothing to consume, marked so it is not asked again', async () => {
    const user = newUser();
    await expect(handler(user.event())).resolves.toBeDefined();
    // The consume's condition fails on a missing invite: no item comes back with the failure (there
    // is none to return, in DynamoDB as in DynamoDB Local), so the store reads to be sure.
    expect(calls()).toEqual(['QueryCommand', 'UpdateCommand', 'GetCommand', 'PutCommand']);
    resetCalls();
    await expect(handler(user.event())).resolves.toBeDefined();
    expect(calls()).toEqual(['QueryCommand']);
    expect(await invites.get(user.email)).toBeUndefined();
  });
});

test('userNotFound: no DynamoDB or Cognito call at all', async () => {
  const event = structuredClone(userNotFoundFixture) as PreAuthenticationInput;
  await expect(handler(event)).resolves.toBe(event);
  expect(event.response).toEqual({});
  expect(calls()).toEqual([]);
});
