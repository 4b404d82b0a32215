/**
 * PreAuthentication through its handler, with the module-scope DynamoDB and Cognito clients faked.
 * Each test scripts what the one Query returns and counts the calls made: the cost of a sign-in
 * is part of the behaviour. The same rules against a real engine: test/integration/pre-authentication.test.ts.
 *
 * PreAuthentication runs before the password is checked, so it denies nobody: a "not allowed" here
 * would tell a stranger that the account exists and is locked or suspended. Create and Verify
 * refuse those users after the password (test/unit/create-auth-challenge, verify-auth-challenge).
 */
import { AdminAddUserToGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { z } from 'zod';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
import { GENERIC_FAILURE_MESSAGE, INVALID_REQUEST_MESSAGE } from '#shared/errors';
import type { preAuthenticationEvent } from '#shared/events';
import { type Invite, newInvite } from '#shared/invites/invite';
import { logger } from '#shared/logger';
import knownUserFixture from '../../../fixtures/pre-authentication.json';
import userNotFoundFixture from '../../../fixtures/pre-authentication.user-not-found.json';
import { handler } from '../../../functions/pre-authentication/handler';
import { captureLogs } from '../shared/capture-logs';
import { loadIsolated } from '../shared/isolated';

type PreAuthenticationInput = z.input<typeof preAuthenticationEvent>;

const SUB = knownUserFixture.request.userAttributes.sub;
const PK = `USER#${SUB}`;
const ADA = knownUserFixture.request.userAttributes.email;
const knownUser = () => structuredClone(knownUserFixture) as PreAuthenticationInput;
const unknownUser = () => structuredClone(userNotFoundFixture) as PreAuthenticationInput;

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const failure = (minutes: number) => {
  const at = minutesAgo(minutes);
  return { pk: PK, sk: `FAIL#${at}#0a1b2c3d`, at, reason: 'wrong_code' };
};
const reconciled = { pk: PK, sk: 'INVITE#RECONCILED', at: minutesAgo(60 * 24 * 30) };
const legacyLastSuccess = (minutes: number) => ({
  pk: PK,
  sk: 'SIGNIN#LAST_SUCCESS',
  at: minutesAgo(minutes),
});
const suspension = { pk: PK, sk: 'SUSPENSION', reason: 'fraud review', at: minutesAgo(60), by: 'ops' };
const invite = (over: Partial<Invite> = {}): Invite => ({
  ...newInvite({ email: ADA, code: '01ABCD23EFGHJK45', days: 7, now: new Date() }),
  status: 'accepted',
  acceptedBy: SUB,
  acceptedAt: new Date().toISOString(),
  ...over,
});

const ddb = mockClient(dynamodb);
const idp = mockClient(cognito);
/** sinon numbers every call across all stubs; its typings leave the field out. */
const callId = (call: object) => (call as { callId: number }).callId;
/** Every AWS command sent, in the order sent. */
const commandsSent = () =>
  [...ddb.calls(), ...idp.calls()]
    .sort((a, b) => callId(a) - callId(b))
    .map((c) => (c.args[0] as object).constructor.name);
const queryReturns = (...items: Record<string, unknown>[]) => ddb.on(QueryCommand).resolves({ Items: items });

beforeEach(() => {
  ddb.reset();
  idp.reset();
  idp.on(AdminAddUserToGroupCommand).resolves({});
  ddb.on(PutCommand).resolves({});
});

describe('a known user', () => {
  test('passes with ONE strongly consistent Query of their partition and nothing else', async () => {
    queryReturns(reconciled);
    const event = knownUser();
    const before = Date.now();
    await expect(handler(event)).resolves.toBe(event);
    expect(event.response).toEqual({});
    expect(commandsSent()).toEqual(['QueryCommand']);
    const input = ddb.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: 'auth-state-test',
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ConsistentRead: true,
    });
    expect(input?.ExpressionAttributeValues?.[':pk']).toBe(PK);
    expect(input?.ExpressionAttributeValues?.[':to']).toBe('SUSPENSION');
    // Only failures inside the 15-minute window are read.
    const from = String(input?.ExpressionAttributeValues?.[':from']);
    expect(from.startsWith('FAIL#')).toBe(true);
    const since = Date.parse(from.slice(5));
    expect(since).toBeGreaterThanOrEqual(before - 15 * 60_000);
    expect(since).toBeLessThanOrEqual(Date.now() - 15 * 60_000);
  });

  test('four recent failures still pass', async () => {
    queryReturns(failure(4), failure(3), failure(2), failure(1), reconciled);
    await expect(handler(knownUser())).resolves.toBeDefined();
  });

  // Before the password, a suspended or locked account must answer exactly like any other:
  // with a wrong password Cognito then says NotAuthorizedException for all of them alike.
  test('suspended: passes exactly like an account in good standing (the state is not told before the password)', async () => {
    queryReturns(reconciled);
    const fine = await handler(knownUser());
    ddb.resetHistory();
    queryReturns(reconciled, suspension);
    const suspended = await handler(knownUser());
    expect(suspended).toEqual(fine);
    expect(commandsSent()).toEqual(['QueryCommand']);
  });

  test('locked: five failures inside the window pass here too, with the same answer', async () => {
    queryReturns(reconciled);
    const fine = await handler(knownUser());
    ddb.resetHistory();
    queryReturns(failure(10), failure(8), failure(6), failure(4), failure(2), reconciled);
    const locked = await handler(knownUser());
    expect(locked).toEqual(fine);
    expect(commandsSent()).toEqual(['QueryCommand']);
  });

  test('window expiry: the same five failures, all older than 15 minutes, pass', async () => {
    queryReturns(failure(20), failure(19), failure(18), failure(17), failure(16), reconciled);
    await expect(handler(knownUser())).resolves.toBeDefined();
  });

  test('a sign-in that succeeded in between resets nothing (an old last-success marker is ignored): still counted as locked in the log', async () => {
    const logs = captureLogs(logger, 'INFO');
    try {
      queryReturns(
        failure(10),
        failure(8),
        failure(6),
        failure(4),
        failure(2),
        reconciled,
        legacyLastSuccess(1),
      );
      await expect(handler(knownUser())).resolves.toBeDefined();
    } finally {
      logs.restore();
    }
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ message: 'sign-in started', failures: 5, deniedAfterPassword: 'locked_out' }),
    );
  });

  test('a suspended user not yet reconciled is reconciled like anyone (the answer must not differ)', async () => {
    queryReturns(suspension);
    ddb.on(UpdateCommand).resolves({ Attributes: invite({ group: 'readers' }) });
    await expect(handler(knownUser())).resolves.toBeDefined();
    expect(commandsSent()).toEqual([
      'QueryCommand',
      'UpdateCommand',
      'AdminAddUserToGroupCommand',
      'PutCommand',
    ]);
  });

  test('DynamoDB failing: the generic error, sign-in not allowed through (fail closed)', async () => {
    ddb.on(QueryCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    await expect(handler(knownUser())).rejects.toThrow(GENERIC_FAILURE_MESSAGE);
  });

  test('an event without sub is refused as invalid, with no call', async () => {
    const event = knownUser();
    delete event.request.userAttributes.sub;
    await expect(handler(event)).rejects.toThrow(INVALID_REQUEST_MESSAGE);
    expect(commandsSent()).toEqual([]);
  });
});

describe('userNotFound', () => {
  test('passes with no AWS call at all, answering exactly like a known user who passes', async () => {
    queryReturns(reconciled);
    const known = await handler(knownUser());
    ddb.resetHistory();
    idp.resetHistory();

    const event = unknownUser();
    const answer = await handler(event);
    expect(commandsSent()).toEqual([]);
    expect(answer.response).toEqual(known.response);
    expect(Object.keys(answer)).toEqual(Object.keys(known));
  });

  test('even when DynamoDB is down (nothing is looked up)', async () => {
    ddb.on(QueryCommand).rejects(new Error('down'));
    await expect(handler(unknownUser())).resolves.toBeDefined();
  });
});

describe('reconciliation of an invite left pending by a failed PostConfirmation', () => {
  test('first sign-in: consumes the invite, assigns its group, marks the user; later sign-ins cost one Query', async () => {
    queryReturns(); // no mark yet
    ddb.on(UpdateCommand).resolves({ Attributes: invite({ group: 'readers' }) });
    await handler(knownUser());
    expect(commandsSent()).toEqual([
      'QueryCommand',
      'UpdateCommand', // consume: pending -> accepted by this sub (conditional)
      'AdminAddUserToGroupCommand', // idempotent: no record of it is kept
      'PutCommand', // INVITE#RECONCILED
    ]);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'invites-test',
      Key: { email: ADA },
      ExpressionAttributeValues: expect.objectContaining({ ':sub': SUB }),
    });
    expect(idp).toHaveReceivedCommandWith(AdminAddUserToGroupCommand, {
      UserPoolId: knownUserFixture.userPoolId,
      Username: knownUserFixture.userName,
      GroupName: 'readers',
    });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'auth-state-test',
      Item: expect.objectContaining({ pk: PK, sk: 'INVITE#RECONCILED' }),
    });

    ddb.resetHistory();
    idp.resetHistory();
    queryReturns(reconciled);
    await handler(knownUser());
    expect(commandsSent()).toEqual(['QueryCommand']);
  });

  test('invite already consumed by PostConfirmation: one idempotent write, the idempotent group add, then marked', async () => {
    queryReturns();
    ddb.on(UpdateCommand).resolves({ Attributes: invite({ group: 'readers' }) });
    await handler(knownUser());
    expect(commandsSent()).toEqual([
      'QueryCommand',
      'UpdateCommand',
      'AdminAddUserToGroupCommand',
      'PutCommand',
    ]);
  });

  test('a failure while reconciling fails the sign-in with the generic message and leaves no mark', async () => {
    queryReturns();
    ddb.on(UpdateCommand).resolves({ Attributes: invite({ group: 'readers' }) });
    idp.on(AdminAddUserToGroupCommand).rejects(new Error('TooManyRequestsException'));
    await expect(handler(knownUser())).rejects.toThrow(GENERIC_FAILURE_MESSAGE);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
  });

  test.each(['UNCONFIRMED', 'FORCE_CHANGE_PASSWORD'])(
    'a %s user is not reconciled and not marked',
    async (status) => {
      queryReturns();
      const event = knownUser();
      event.request.userAttributes['cognito:user_status'] = status;
      await handler(event);
      expect(commandsSent()).toEqual(['QueryCommand']);
    },
  );

  test('a user without email has nothing to reconcile', async () => {
    queryReturns();
    const event = knownUser();
    delete event.request.userAttributes.email;
    await handler(event);
    expect(commandsSent()).toEqual(['QueryCommand']);
  });
});

describe('configuration', () => {
  const load = (env: Record<string, string | undefined>) =>
    loadIsolated(env, () => require('../../../functions/pre-authentication/handler'));

  test.each([
    [{ LOCKOUT_MAX_FAILURES: '0' }, 'LOCKOUT_MAX_FAILURES must be at least 1'],
    [{ LOCKOUT_MAX_FAILURES: 'five' }, 'LOCKOUT_MAX_FAILURES must be a whole number'],
    [{ LOCKOUT_WINDOW_MINUTES: '1441' }, 'LOCKOUT_WINDOW_MINUTES must be at most 1440'],
    [{ AUTH_STATE_TABLE: undefined }, 'AUTH_STATE_TABLE is required'],
    [{ INVITES_TABLE: '' }, 'INVITES_TABLE is required'],
  ])('%o fails at load: %s', (env, message) => {
    expect(() => load(env)).toThrow(message);
  });

  test('LOCKOUT_MAX_FAILURES=3: the third failure is logged as locked, and the sign-in still goes on to the password', async () => {
    const isolated = loadIsolated({ LOCKOUT_MAX_FAILURES: '3', POWERTOOLS_LOG_LEVEL: 'INFO' }, () => ({
      handler: (
        require('../../../functions/pre-authentication/handler') as typeof import('../../../functions/pre-authentication/handler')
      ).handler,
      dynamodb: (require('#shared/aws/dynamodb') as typeof import('#shared/aws/dynamodb')).dynamodb,
      logger: (require('#shared/logger') as typeof import('#shared/logger')).logger,
    }));
    // The isolated registry has its own command classes: answer every command (only Query is sent).
    const isolatedDdb = mockClient(isolated.dynamodb);
    const logs = captureLogs(isolated.logger, 'INFO');
    try {
      isolatedDdb.resolves({ Items: [failure(3), failure(2), failure(1), reconciled] });
      await expect(isolated.handler(knownUser())).resolves.toBeDefined();
      isolatedDdb.resolves({ Items: [failure(2), failure(1), reconciled] });
      await expect(isolated.handler(knownUser())).resolves.toBeDefined();
    } finally {
      logs.restore();
      isolatedDdb.restore();
    }
    const started = logs.records().filter((r) => r.message === 'sign-in started');
    expect(started).toEqual([
      expect.objectContaining({ failures: 3, deniedAfterPassword: 'locked_out' }),
      expect.not.objectContaining({ deniedAfterPassword: expect.anything() }),
    ]);
  });
});

test('logs the state Create and Verify will deny, never the email or the suspension text; denies nothing itself', async () => {
  const {
    handler: logged,
    logger,
    dynamodb: loggedDb,
  } = loadIsolated({ POWERTOOLS_LOG_LEVEL: 'DEBUG' }, () => ({
    handler: (
      require('../../../functions/pre-authentication/handler') as typeof import('../../../functions/pre-authentication/handler')
    ).handler,
    logger: (require('#shared/logger') as typeof import('#shared/logger')).logger,
    dynamodb: (require('#shared/aws/dynamodb') as typeof import('#shared/aws/dynamodb')).dynamodb,
  }));
  const mock = mockClient(loggedDb); // isolated registry: answer every command (only Query is sent)
  const logs = captureLogs(logger);
  try {
    mock.resolves({ Items: [suspension, reconciled] });
    await expect(logged(knownUser())).resolves.toBeDefined();
    mock.resolves({ Items: [failure(5), failure(4), failure(3), failure(2), failure(1), reconciled] });
    await expect(logged(knownUser())).resolves.toBeDefined();
  } finally {
    logs.restore();
    mock.restore();
  }
  expect(logs.records().filter((r) => r.message === 'request rejected')).toEqual([]);
  const started = logs.records().filter((r) => r.message === 'sign-in started');
  expect(started).toEqual([
    expect.objectContaining({ failures: 0, deniedAfterPassword: 'suspended' }),
    expect.objectContaining({ failures: 5, deniedAfterPassword: 'locked_out' }),
  ]);
  expect(logs.text()).not.toContain(ADA);
  expect(logs.text()).not.toContain('fraud review');
});
