/**
 * The invite store and the two triggers against a real DynamoDB engine (DynamoDB Local, started
 * once for the run by test/helpers/dynamodb-local-global-setup.ts). Tests share the engine, so each uses its
 * own email addresses.
 */
import { AdminAddUserToGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
import { INVALID_INVITATION_MESSAGE } from '#shared/errors';
import { generateInviteCode } from '#shared/invites/code';
import { type Invite, newInvite } from '#shared/invites/invite';
import { InviteAlreadyAcceptedError, InviteNotFoundError, InviteStore } from '#shared/invites/store';
import confirmSignUpFixture from '../../fixtures/post-confirmation.confirm-sign-up.json';
import signUpFixture from '../../fixtures/pre-signup.sign-up.json';
import { handler as postConfirmation } from '../../functions/post-confirmation/handler';
import { handler as preSignUp } from '../../functions/pre-signup/handler';

const store = new InviteStore(dynamodb, 'invites-test');
let n = 0;
const uniqueEmail = (label = 'user') => `${label}-${process.pid}-${Date.now()}-${n++}@example.com`;
const DAY = 86_400_000;

const pendingInvite = (email: string, over: { group?: string; days?: number; now?: Date } = {}) => {
  const code = generateInviteCode().replaceAll('-', '');
  const invite = newInvite({
    email,
    code,
    group: over.group,
    days: over.days ?? 7,
    now: over.now ?? new Date(),
  });
  return { code, invite };
};
const putPending = async (email: string, over: { group?: string; days?: number; now?: Date } = {}) => {
  const created = pendingInvite(email, over);
  await store.put(created.invite);
  return created;
};

describe('put', () => {
  test('creates a pending invite that reads back exactly as written', async () => {
    const email = uniqueEmail();
    const { invite } = await putPending(email, { group: 'beta' });
    expect(await store.get(email)).toEqual(invite);
  });

  test('re-inviting replaces a pending invite: only the new code is stored', async () => {
    const email = uniqueEmail();
    await putPending(email);
    const second = await putPending(email, { group: 'gamma' });
    expect(await store.get(email)).toEqual(second.invite);
  });

  test('re-inviting replaces a revoked invite', async () => {
    const email = uniqueEmail();
    await putPending(email);
    await store.revoke(email, new Date());
    const again = await putPending(email);
    expect(await store.get(email)).toMatchObject({ status: 'pending', codeHash: again.invite.codeHash });
  });

  test('re-inviting an accepted email is refused and leaves the accepted invite untouched', async () => {
    const email = uniqueEmail();
    await putPending(email);
    await store.consume(email, 'sub-a', new Date());
    const before = await store.get(email);
    await expect(store.put(pendingInvite(email).invite)).rejects.toThrow(InviteAlreadyAcceptedError);
    expect(await store.get(email)).toEqual(before);
  });
});

describe('revoke', () => {
  test('pending -> revoked, with the time recorded', async () => {
    const email = uniqueEmail();
    await putPending(email);
    const now = new Date();
    const result = await store.revoke(email, now);
    expect(result).toMatchObject({
      outcome: 'revoked',
      invite: { status: 'revoked', revokedAt: now.toISOString() },
    });
    expect(await store.get(email)).toMatchObject({ status: 'revoked', revokedAt: now.toISOString() });
  });

  test('revoking an already revoked invite is a no-op that says so', async () => {
    const email = uniqueEmail();
    await putPending(email);
    const first = await store.revoke(email, new Date('2025-01-01T00:00:00Z'));
    const second = await store.revoke(email, new Date('2025-01-02T00:00:00Z'));
    expect(second).toEqual({ outcome: 'already_revoked', invite: first.invite });
    expect((await store.get(email))?.revokedAt).toBe('2025-01-01T00:00:00.000Z');
  });

  test('revoking an accepted invite is refused and changes nothing', async () => {
    const email = uniqueEmail();
    await putPending(email);
    await store.consume(email, 'sub-a', new Date());
    const before = await store.get(email);
    await expect(store.revoke(email, new Date())).rejects.toThrow(InviteAlreadyAcceptedError);
    expect(await store.get(email)).toEqual(before);
  });

  test('revoking a missing invite is "not found" and creates nothing', async () => {
    const email = uniqueEmail('missing');
    await expect(store.revoke(email, new Date())).rejects.toThrow(InviteNotFoundError);
    expect(await store.get(email)).toBeUndefined();
  });
});

describe('consume', () => {
  test('pending -> accepted by the sub, once; a repeat by the same sub succeeds and changes nothing', async () => {
    const email = uniqueEmail();
    await putPending(email);
    const first = await store.consume(email, 'sub-a', new Date('2025-01-01T00:00:00Z'));
    const again = await store.consume(email, 'sub-a', new Date('2025-01-02T00:00:00Z'));
    expect(first).toMatchObject({ outcome: 'accepted', invite: { status: 'accepted', acceptedBy: 'sub-a' } });
    expect(again).toEqual(first);
    expect((await store.get(email))?.acceptedAt).toBe('2025-01-01T00:00:00.000Z');
  });

  test("another sub's attempt on an accepted invite changes nothing", async () => {
    const email = uniqueEmail();
    await putPending(email);
    await store.consume(email, 'sub-a', new Date());
    const before = await store.get(email);
    const result = await store.consume(email, 'sub-b', new Date());
    expect(result).toEqual({ outcome: 'accepted_by_other', invite: before });
    expect(await store.get(email)).toEqual(before);
  });

  test('a federated sign-up consumes it by user name; that user, later known by sub, passes and is re-recorded; nobody else does', async () => {
    const email = uniqueEmail();
    await putPending(email);
    expect(await store.consume(email, 'google_1234', new Date())).toMatchObject({ outcome: 'accepted' });
    expect(await store.consume(email, 'sub-other', new Date(), 'google_9999')).toMatchObject({
      outcome: 'accepted_by_other',
    });
    expect(await store.consume(email, 'sub-a', new Date(), 'google_1234')).toMatchObject({
      outcome: 'accepted',
      invite: { acceptedBy: 'sub-a' },
    });
    expect(await store.consume(email, 'google_1234', new Date())).toMatchObject({
      outcome: 'accepted_by_other',
    });
  });

  test('a revoked invite is not consumed', async () => {
    const email = uniqueEmail();
    await putPending(email);
    await store.revoke(email, new Date());
    const before = await store.get(email);
    expect(await store.consume(email, 'sub-a', new Date())).toEqual({ outcome: 'revoked', invite: before });
    expect(await store.get(email)).toEqual(before);
  });

  test('a missing invite is "not found" and nothing is created', async () => {
    const email = uniqueEmail('missing');
    expect(await store.consume(email, 'sub-a', new Date())).toEqual({ outcome: 'not_found' });
    expect(await store.get(email)).toBeUndefined();
  });

  test('20 concurrent consumes of one invite by different users leave exactly one winner', async () => {
    const email = uniqueEmail('race');
    await putPending(email);

    const subs = Array.from({ length: 20 }, (_, i) => `sub-${i}`);
    const results = await Promise.all(subs.map((sub) => store.consume(email, sub, new Date())));

    const winners = results.filter((r) => r.outcome === 'accepted');
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'accepted_by_other')).toHaveLength(19);
    const stored = await store.get(email);
    expect(stored?.status).toBe('accepted');
    expect(winners[0]?.outcome === 'accepted' && winners[0].invite.acceptedBy).toBe(stored?.acceptedBy);
  });
});

describe('consume repeated by the accepting user', () => {
  test('returns the invite with its group again and changes nothing, so a retry can add the group again', async () => {
    const email = uniqueEmail();
    await putPending(email, { group: 'beta' });
    const first = await store.consume(email, 'sub-a', new Date('2025-01-01T00:00:00Z'));
    const again = await store.consume(email, 'sub-a', new Date('2025-01-02T00:00:00Z'));
    expect(again).toEqual(first);
    expect(again.outcome === 'accepted' && again.invite.group).toBe('beta');
  });
});

describe('list', () => {
  test('returns every invite, oldest first', async () => {
    const base = Date.now() - 3 * DAY;
    const emails = [uniqueEmail('list'), uniqueEmail('list'), uniqueEmail('list')];
    // Written newest first, so the order of the result comes from the sort, not from insertion.
    for (const [i, email] of [...emails].reverse().entries()) {
      await putPending(email, { now: new Date(base - i * 1000) });
    }
    const listed = (await store.list()).filter((invite: Invite) => emails.includes(invite.email));
    expect(listed.map((invite) => invite.email)).toEqual(emails);
    const all = await store.list();
    const created = all.map((invite) => invite.createdAt);
    expect(created).toEqual([...created].sort());
  });
});

describe('the triggers against the real engine', () => {
  const idp = mockClient(cognito);
  beforeEach(() => idp.reset().on(AdminAddUserToGroupCommand).resolves({}));
  afterAll(() => idp.restore());

  const signUpEvent = (email: string, code: string) => {
    const event = structuredClone(signUpFixture);
    event.request.userAttributes.email = email.toUpperCase();
    event.request.clientMetadata.inviteCode = code.toLowerCase();
    return event;
  };
  const confirmEvent = (email: string, sub: string) => {
    const event = structuredClone(confirmSignUpFixture);
    event.request.userAttributes.email = email;
    event.request.userAttributes.sub = sub;
    event.userName = sub;
    return event;
  };

  test('sign-up, then three identical confirmations: accepted once, the same group membership each time', async () => {
    const email = uniqueEmail('flow');
    const { code } = await putPending(email, { group: 'beta' });
    const allowed = await preSignUp(signUpEvent(email, code) as never);
    expect(allowed.response).toMatchObject({ autoConfirmUser: true, autoVerifyEmail: true });

    for (let i = 0; i < 3; i++) await postConfirmation(confirmEvent(email, 'sub-flow') as never);

    // AdminAddUserToGroup is idempotent: each delivery asks for the same single membership.
    for (const call of idp.commandCalls(AdminAddUserToGroupCommand))
      expect(call.args[0].input).toEqual({
        UserPoolId: confirmSignUpFixture.userPoolId,
        Username: 'sub-flow',
        GroupName: 'beta',
      });
    expect(idp.commandCalls(AdminAddUserToGroupCommand).length).toBeGreaterThanOrEqual(1);
    const accepted = await store.get(email);
    expect(accepted).toMatchObject({ status: 'accepted', acceptedBy: 'sub-flow' });

    // The code is used up: a second sign-up with it is refused.
    await expect(preSignUp(signUpEvent(email, code) as never)).rejects.toThrow(
      new Error(INVALID_INVITATION_MESSAGE),
    );
  });

  test("another user's confirmation for the same email changes nothing and adds no group", async () => {
    const email = uniqueEmail('flow');
    await putPending(email, { group: 'beta' });
    await postConfirmation(confirmEvent(email, 'sub-first') as never);
    const before = await store.get(email);
    idp.resetHistory();
    await postConfirmation(confirmEvent(email, 'sub-second') as never);
    expect(await store.get(email)).toEqual(before);
    expect(idp.commandCalls(AdminAddUserToGroupCommand)).toHaveLength(0);
  });

  test('an expired invite is refused at sign-up and stays pending', async () => {
    const email = uniqueEmail('flow');
    const { code, invite } = await putPending(email, { days: 1, now: new Date(Date.now() - 2 * DAY) });
    await expect(preSignUp(signUpEvent(email, code) as never)).rejects.toThrow(
      new Error(INVALID_INVITATION_MESSAGE),
    );
    expect(await store.get(email)).toEqual(invite);
  });
});
