/**
 * PostConfirmation through its handler, with the module-scope DynamoDB and Cognito clients faked.
 * The conditional-write semantics themselves are proven against DynamoDB Local in
 * test/integration/invite-store.test.ts; here each test scripts what DynamoDB answers.
 */
import { AdminAddUserToGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { z } from 'zod';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
import { GENERIC_FAILURE_MESSAGE, INVALID_REQUEST_MESSAGE } from '#shared/errors';
import type { postConfirmationEvent } from '#shared/events';
import { type Invite, newInvite } from '#shared/invites/invite';
import { InviteStore } from '#shared/invites/store';
import forgotPasswordFixture from '../../../fixtures/post-confirmation.confirm-forgot-password.json';
import confirmSignUpFixture from '../../../fixtures/post-confirmation.confirm-sign-up.json';
import { handler } from '../../../functions/post-confirmation/handler';
import { loadIsolated } from '../shared/isolated';

type PostConfirmationInput = z.input<typeof postConfirmationEvent>;

const ADA = 'ada.lovelace@example.com';
const SUB = confirmSignUpFixture.request.userAttributes.sub;
const POOL = confirmSignUpFixture.userPoolId;
const USERNAME = confirmSignUpFixture.userName;

const confirmSignUp = () => structuredClone(confirmSignUpFixture) as PostConfirmationInput;
const invite = (over: Partial<Invite> = {}): Invite => ({
  ...newInvite({ email: ADA, code: '01ABCD23EFGHJK45', days: 7, now: new Date() }),
  ...over,
});
const acceptedBy = (sub: string, over: Partial<Invite> = {}) =>
  invite({ status: 'accepted', acceptedBy: sub, acceptedAt: '2025-03-01T12:00:00.000Z', ...over });
const conditionFailed = (item?: Invite) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(item ? { Item: marshall(item, { removeUndefinedValues: true }) } : {}),
  });

const ddb = mockClient(dynamodb);
const idp = mockClient(cognito);
/** The confirmation time (the enrolment grace) goes to the auth-state table before the invite. */
const AUTH_STATE = process.env.AUTH_STATE_TABLE as string;
const onInvites = (call: { args: unknown[] }) =>
  (call.args[0] as { input: { TableName?: string } }).input.TableName !== AUTH_STATE;
/** The calls about the invite and its group (the confirmation mark is asserted on its own). */
const commandsSent = () =>
  [...ddb.calls().filter(onInvites), ...idp.calls()].map((c) => (c.args[0] as object).constructor.name);
const inviteUpdates = () => ddb.commandCalls(UpdateCommand).filter(onInvites).length;

beforeEach(() => {
  ddb.reset();
  idp.reset();
  idp.on(AdminAddUserToGroupCommand).resolves({});
  ddb.on(UpdateCommand, { TableName: AUTH_STATE }).resolves({});
});

test('the confirmation time is kept first (first time wins), in the user partition of the auth-state table', async () => {
  ddb.on(UpdateCommand, { TableName: 'invites-test' }).resolves({ Attributes: acceptedBy(SUB) });
  await handler(confirmSignUp());
  const [mark] = ddb.commandCalls(UpdateCommand);
  expect(mark?.args[0].input).toMatchObject({
    TableName: AUTH_STATE,
    Key: { pk: `USER#${SUB}`, sk: 'LIFECYCLE#CONFIRMED' },
    UpdateExpression: 'SET #at = if_not_exists(#at, :at), #ttl = if_not_exists(#ttl, :ttl)',
  });
});

test('a forgotten password confirmed is not a sign-up: no confirmation time, no invite', async () => {
  ddb.on(QueryCommand).resolves({ Items: [] });
  const event = structuredClone(forgotPasswordFixture) as PostConfirmationInput;
  await handler(event);
  expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  expect(commandsSent()).toEqual([]);
});

describe('PostConfirmation_ConfirmSignUp', () => {
  test('consumes the invite of the normalised email with this sub, conditionally', async () => {
    ddb.on(UpdateCommand, { TableName: 'invites-test' }).resolves({ Attributes: acceptedBy(SUB) });
    const event = confirmSignUp();
    await expect(handler(event)).resolves.toBe(event);
    expect(inviteUpdates()).toBe(1);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: 'invites-test',
      Key: { email: ADA },
      ConditionExpression: expect.stringContaining('#status = :pending'),
      ExpressionAttributeValues: expect.objectContaining({ ':sub': SUB, ':accepted': 'accepted' }),
    });
    expect(idp).toHaveReceivedCommandTimes(AdminAddUserToGroupCommand, 0); // no group on this invite
    expect(event.response).toEqual({});
  });

  test("adds the user to the invite's group: one conditional write and one group add, nothing else", async () => {
    ddb
      .on(UpdateCommand, { TableName: 'invites-test' })
      .resolves({ Attributes: acceptedBy(SUB, { group: 'beta-testers' }) });
    await handler(confirmSignUp());
    expect(idp).toHaveReceivedCommandWith(AdminAddUserToGroupCommand, {
      UserPoolId: POOL,
      Username: USERNAME,
      GroupName: 'beta-testers',
    });
    expect(commandsSent()).toEqual(['UpdateCommand', 'AdminAddUserToGroupCommand']);
  });

  test('three identical deliveries: the invite is consumed once; the idempotent group add repeats harmlessly', async () => {
    ddb
      .on(UpdateCommand)
      .resolvesOnce({ Attributes: acceptedBy(SUB, { group: 'beta-testers' }) }) // 1st: pending -> accepted
      .resolves({ Attributes: acceptedBy(SUB, { group: 'beta-testers' }) }); // 2nd, 3rd: same sub, no change
    for (let i = 0; i < 3; i++) await handler(confirmSignUp());
    expect(inviteUpdates()).toBe(3);
    // Each delivery adds the same membership; Cognito keeps one (the e2e and hardening tests check the pool).
    expect(idp).toHaveReceivedCommandTimes(AdminAddUserToGroupCommand, 3);
    expect(idp.commandCalls(AdminAddUserToGroupCommand).map((call) => call.args[0].input.GroupName)).toEqual([
      'beta-testers',
      'beta-testers',
      'beta-testers',
    ]);
  });

  test('a retry after the group add failed adds the group again (nothing is lost)', async () => {
    ddb
      .on(UpdateCommand, { TableName: 'invites-test' })
      .resolves({ Attributes: acceptedBy(SUB, { group: 'beta-testers' }) });
    idp.on(AdminAddUserToGroupCommand).rejectsOnce(new Error('TooManyRequestsException')).resolves({});
    await expect(handler(confirmSignUp())).rejects.toThrow(new Error(GENERIC_FAILURE_MESSAGE));
    await handler(confirmSignUp());
    expect(idp).toHaveReceivedCommandTimes(AdminAddUserToGroupCommand, 2);
    expect(inviteUpdates()).toBe(2);
  });

  test("another user's attempt on an accepted invite changes nothing and succeeds quietly", async () => {
    ddb
      .on(UpdateCommand, { TableName: 'invites-test' })
      .rejects(conditionFailed(acceptedBy('someone-else', { group: 'beta-testers' })));
    const event = confirmSignUp();
    await expect(handler(event)).resolves.toBe(event);
    expect(commandsSent()).toEqual(['UpdateCommand']);
  });

  test('engines that do not return the failed item get one consistent read, then nothing changes', async () => {
    ddb.on(UpdateCommand, { TableName: 'invites-test' }).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: acceptedBy('someone-else', { group: 'beta-testers' }) });
    await handler(confirmSignUp());
    expect(commandsSent()).toEqual(['UpdateCommand', 'GetCommand']);
  });

  test('a revoked invite is not consumed and no group is added', async () => {
    ddb
      .on(UpdateCommand, { TableName: 'invites-test' })
      .rejects(conditionFailed(invite({ status: 'revoked', group: 'beta-testers' })));
    await handler(confirmSignUp());
    expect(commandsSent()).toEqual(['UpdateCommand']);
  });

  test('no invite at all (e.g. an external-provider user let in by domain): nothing happens', async () => {
    ddb.on(UpdateCommand, { TableName: 'invites-test' }).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({});
    await handler(confirmSignUp());
    expect(commandsSent()).toEqual(['UpdateCommand', 'GetCommand']);
  });

  test('a DynamoDB failure surfaces as the generic message so Cognito retries', async () => {
    ddb
      .on(UpdateCommand, { TableName: 'invites-test' })
      .rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    await expect(handler(confirmSignUp())).rejects.toThrow(new Error(GENERIC_FAILURE_MESSAGE));
    expect(idp).toHaveReceivedCommandTimes(AdminAddUserToGroupCommand, 0);
  });

  test('an update reply without the item (a faulty engine) is a named fault, not a TypeError; no group add', async () => {
    ddb.on(UpdateCommand, { TableName: 'invites-test' }).resolves({});
    const store = new InviteStore(dynamodb, 'invites-test');
    await expect(store.consume(ADA, SUB, new Date())).rejects.toThrow(
      'DynamoDB UpdateItem returned no attributes',
    );
    await expect(handler(confirmSignUp())).rejects.toThrow(new Error(GENERIC_FAILURE_MESSAGE));
    expect(idp).toHaveReceivedCommandTimes(AdminAddUserToGroupCommand, 0);
  });

  test.each([
    ['no sub', { email: 'ada@example.com' }],
    ['no email', { sub: SUB }],
    ['a blank email', { sub: SUB, email: '  ' }],
  ])(
    'a user with %s gets the short invalid-request message and nothing is written',
    async (_label, attributes) => {
      const event = confirmSignUp();
      event.request.userAttributes = attributes;
      await expect(handler(event)).rejects.toThrow(new Error(INVALID_REQUEST_MESSAGE));
      expect(commandsSent()).toEqual([]);
    },
  );

  test.each([
    ['an unknown triggerSource', { triggerSource: 'PostConfirmation_Something' }],
    ['no request', { request: undefined }],
    ['non-string attributes', { request: { userAttributes: { sub: 42 } } }],
    ['no userPoolId', { userPoolId: undefined }],
  ])(
    'an event with %s gets the short invalid-request message and nothing is written',
    async (_label, spoil) => {
      const event = { ...confirmSignUp(), ...spoil };
      await expect(handler(event as never)).rejects.toThrow(new Error(INVALID_REQUEST_MESSAGE));
      expect(commandsSent()).toEqual([]);
    },
  );
});

describe('PostConfirmation_ConfirmForgotPassword: a password reset revokes the remembered devices', () => {
  const FORGOT_SUB = forgotPasswordFixture.request.userAttributes.sub;
  const forgot = () => structuredClone(forgotPasswordFixture) as PostConfirmationInput;
  const device = (id: string, name?: string) => ({
    pk: `USER#${FORGOT_SUB}`,
    sk: `REMEMBERED#${id}`,
    publicKey: 'A'.repeat(91),
    ...(name ? { name } : {}),
    createdAt: '2030-01-01T00:00:00.000Z',
    expiresAt: '2030-01-31T00:00:00.000Z',
  });
  const DEVICES = [device('d'.repeat(43), 'Laptop'), device('e'.repeat(43))];
  /** Every auth-state call, in order, as `Command` names. */
  const authStateCalls = () =>
    ddb
      .calls()
      .filter((call) => !onInvites(call))
      .map((call) => (call.args[0] as object).constructor.name);

  beforeEach(() => {
    ddb.on(QueryCommand).resolves({ Items: DEVICES });
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).callsFake((input: { Key: { sk: string } }) => ({
      Attributes: DEVICES.find((item) => item.sk === input.Key.sk),
    }));
  });

  test('one Query of the devices, the devices_revoked record, then one DeleteItem per device; no invite, no group', async () => {
    const event = forgot();
    await expect(handler(event)).resolves.toBe(event);
    expect(authStateCalls()).toEqual(['QueryCommand', 'PutCommand', 'DeleteCommand', 'DeleteCommand']);
    expect(commandsSent()).toEqual([]);
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      TableName: AUTH_STATE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `USER#${FORGOT_SUB}`, ':prefix': 'REMEMBERED#' },
      ConsistentRead: true,
    });
    const put = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put).toMatchObject({
      TableName: AUTH_STATE,
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: `USER#${FORGOT_SUB}`,
        sk: expect.stringMatching(/^AUDIT#\d{4}-\d\d-\d\dT[\d:.]+Z#devices_revoked$/),
        action: 'devices_revoked',
        by: 'user',
        cause: 'password_reset',
        devicesRevoked: 2,
      },
    });
    expect(ddb.commandCalls(DeleteCommand).map((call) => call.args[0].input.Key)).toEqual([
      { pk: `USER#${FORGOT_SUB}`, sk: DEVICES[0]?.sk },
      { pk: `USER#${FORGOT_SUB}`, sk: DEVICES[1]?.sk },
    ]);
  });

  test('no remembered device: the Query alone, no record', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await handler(forgot());
    expect(authStateCalls()).toEqual(['QueryCommand']);
  });

  test('the audit record cannot be written: the devices are revoked all the same', async () => {
    ddb.on(PutCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    const event = forgot();
    await expect(handler(event)).resolves.toBe(event);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(2);
  });

  test('a device that cannot be deleted fails the trigger with the generic message (the caller is told)', async () => {
    ddb.on(DeleteCommand).rejects(Object.assign(new Error('down'), { name: 'InternalServerError' }));
    await expect(handler(forgot())).rejects.toThrow(new Error(GENERIC_FAILURE_MESSAGE));
  });

  test('no sub: refused as a malformed event, nothing read or written', async () => {
    const event = forgot();
    delete (event.request.userAttributes as Record<string, string | undefined>).sub;
    await expect(handler(event)).rejects.toThrow(new Error(INVALID_REQUEST_MESSAGE));
    expect(ddb.calls()).toHaveLength(0);
  });

  test('a confirmed sign-up revokes nothing: no Query, no record, no deletion', async () => {
    ddb.on(UpdateCommand, { TableName: 'invites-test' }).resolves({ Attributes: acceptedBy(SUB) });
    await handler(confirmSignUp());
    expect(authStateCalls()).toEqual(['UpdateCommand']);
  });
});

describe('configuration', () => {
  test('INVITES_TABLE missing: loading fails and names the variable', () => {
    expect(() =>
      loadIsolated({ INVITES_TABLE: undefined }, () =>
        require('../../../functions/post-confirmation/handler'),
      ),
    ).toThrow('Invalid configuration: INVITES_TABLE is required');
  });
});
