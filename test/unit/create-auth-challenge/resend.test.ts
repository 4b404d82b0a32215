/**
 * CreateAuthChallenge after the reserved answer RESEND (Verify marked the code's item `resendFor`),
 * through its handler with DynamoDB and SNS faked: a new code within the send limits (the old one
 * replaced, so dead at once), or the same code with `retryAfter` when too early, or the limit
 * message after MAX_RESENDS. The same against a real engine: test/integration/resend.test.ts.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { CodeRecord } from '#shared/auth-state/challenge-store';
import { dynamodb } from '#shared/aws/dynamodb';
import { sns } from '#shared/aws/sns';
import { codeMatches, hashCode } from '#shared/challenge/code';
import { parsePrivateParameters } from '#shared/challenge/protocol';
import retry from '../../../fixtures/create-auth-challenge.sms-otp-retry.json';
import userNotFound from '../../../fixtures/create-auth-challenge.user-not-found.json';
import { handler } from '../../../functions/create-auth-challenge/handler';

const ddb = mockClient(dynamodb);
const snsMock = mockClient(sns);
type Event = Parameters<typeof handler>[0];
const run = (event: unknown) => handler(structuredClone(event) as Event);

const SUB = retry.request.userAttributes.sub;
const CODE_ID = 'a3f9c1e7b5d24f6a8c0e2b4d6f8a1c3e';
const NEW_ID = /^[0-9a-f]{32}$/;
const TOO_MANY = 'Too many codes requested. Please try again later';
const CODE_EXPIRED = 'Your sign-in code has expired. Please sign in again';
const commands = () => ddb.calls().map((call) => (call.args[0] as object).constructor.name);

function stored(overrides: Partial<CodeRecord> = {}): CodeRecord {
  const now = Date.now();
  return {
    pk: `CHALLENGE#${SUB}`,
    sk: 'CODE',
    id: CODE_ID,
    roundKey: 'the-first-round',
    purpose: 'sign_in',
    phone: '+12015550123',
    destination: '+*******0123',
    length: 6,
    ...hashCode('123456'),
    createdAt: now - 60_000,
    expiresAt: now + 120_000,
    ttl: Math.floor(now / 1000) + 3780,
    resendFor: CODE_ID,
    ...overrides,
  };
}

type Entry = { challengeName: string; challengeResult: boolean; challengeMetadata: string | null };
/** The retry fixture (a failed SMS_OTP round for CODE_ID) with more entries after it. */
function withRounds(...entries: Entry[]) {
  const event = structuredClone(retry);
  (event.request.session as Entry[]).push(...entries);
  return event;
}
const failed = (metadata: string): Entry => ({
  challengeName: 'CUSTOM_CHALLENGE',
  challengeResult: false,
  challengeMetadata: metadata,
});

type TransactItem = {
  Put?: { Item: CodeRecord; ConditionExpression: string };
  Update?: { Key: { pk: string; sk: string } };
};
const transactItems = () =>
  (ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? []) as TransactItem[];
const sentCode = () =>
  /\b(\d{6})\b/.exec(String(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message))?.[1];

beforeEach(() => {
  ddb.reset();
  snsMock.reset();
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(TransactWriteCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('a RESEND after the cooldown: a new code', () => {
  test('status Query, GetItem, ONE transaction (the new code replaces the old + both send limits), one SMS: 4 calls', async () => {
    ddb.on(GetCommand).resolves({ Item: stored() });
    const { response } = await run(retry);
    expect(commands()).toEqual(['QueryCommand', 'GetCommand', 'TransactWriteCommand']);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    const [claim, user, phone] = transactItems();
    // Same key as the old code: the old code is gone the moment the new one is claimed.
    expect(claim?.Put?.Item).toMatchObject({ pk: `CHALLENGE#${SUB}`, sk: 'CODE', purpose: 'sign_in' });
    expect(claim?.Put?.Item.id).not.toBe(CODE_ID);
    expect(claim?.Put?.Item.resendFor).toBeUndefined();
    expect(user?.Update?.Key.pk).toMatch(/^SENDS#USER#/);
    expect(phone?.Update?.Key.pk).toMatch(/^SENDS#PHONE#/);
    const id = claim?.Put?.Item.id;
    expect(id).toMatch(NEW_ID);
    expect(response.challengeMetadata).toBe(`SMS_OTP:${id}:resent`);
    expect(response.publicChallengeParameters).toEqual({
      type: 'SMS_OTP',
      destination: '+*******0123',
      length: '6',
    });
    const round = parsePrivateParameters(response.privateChallengeParameters ?? {});
    expect(round?.id).toBe(id);
    // The new round judges the new code, not the old one.
    const code = sentCode();
    expect(code).toBeDefined();
    if (round?.type !== 'SMS_OTP' || !code) throw new Error('no code round');
    expect(codeMatches(code, round)).toBe(true);
    expect(codeMatches('123456', round)).toBe(code === '123456');
  });

  test('an expired code can be replaced (a code that arrived late is the usual reason)', async () => {
    ddb
      .on(GetCommand)
      .resolves({ Item: stored({ createdAt: Date.now() - 200_000, expiresAt: Date.now() - 1 }) });
    const { response } = await run(retry);
    expect(response.challengeMetadata).toMatch(/^SMS_OTP:[0-9a-f]{32}:resent$/);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  test('the send limits still hold: a full user counter refuses the resend, nothing sent', async () => {
    ddb.on(GetCommand).resolves({ Item: stored() });
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    await expect(run(retry)).rejects.toThrow(TOO_MANY);
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  test('a Cognito retry of this Create finds the new code under its round key: reused, nothing sent again', async () => {
    ddb.on(GetCommand).resolves({ Item: stored() });
    const first = await run(retry);
    const newCode = transactItems()[0]?.Put?.Item as CodeRecord;
    ddb.reset();
    snsMock.reset();
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(GetCommand).resolves({ Item: newCode });
    const again = await run(retry);
    expect(again.response.challengeMetadata).toBe(first.response.challengeMetadata);
    expect(commands()).toEqual(['QueryCommand', 'GetCommand']);
    expect(snsMock.calls()).toHaveLength(0);
  });

  test('an enrolment code is resent to the number being enrolled, on the unproven counters', async () => {
    const event = structuredClone(retry);
    Object.assign(event.request.userAttributes, { phone_number: undefined, phone_number_verified: 'false' });
    delete (event.request.userAttributes as Record<string, unknown>).phone_number;
    event.request.session.splice(2, 0, {
      challengeName: 'CUSTOM_CHALLENGE',
      challengeResult: true,
      challengeMetadata: `PHONE_REQUIRED:${'5'.repeat(32)}`,
    });
    ddb.on(GetCommand).resolves({
      Item: stored({ purpose: 'verify_phone', phone: '+447400123456', destination: '+**********3456' }),
    });
    const { response } = await run(event);
    expect(response.challengeMetadata).toMatch(/:resent$/);
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.PhoneNumber).toBe('+447400123456');
    const keys = transactItems().map((item) => item.Update?.Key.pk ?? '');
    expect(keys.some((key) => key.startsWith('SENDS#UNPROVEN'))).toBe(true);
    expect(parsePrivateParameters(response.privateChallengeParameters ?? {})).toMatchObject({
      purpose: 'verify_phone',
      phone: '+447400123456',
    });
  });
});

describe('a RESEND too early: the same round with retryAfter', () => {
  test('the same code, metadata SMS_OTP:<id>:wait, public retryAfter in whole seconds; nothing written or sent', async () => {
    ddb.on(GetCommand).resolves({ Item: stored({ createdAt: Date.now() - 10_500 }) });
    const { response } = await run(retry);
    expect(response.challengeMetadata).toBe(`SMS_OTP:${CODE_ID}:wait`);
    expect(response.publicChallengeParameters).toEqual({
      type: 'SMS_OTP',
      destination: '+*******0123',
      length: '6',
      retryAfter: '20',
    });
    expect(parsePrivateParameters(response.privateChallengeParameters ?? {})?.id).toBe(CODE_ID);
    expect(commands()).toEqual(['QueryCommand', 'GetCommand']);
    expect(snsMock.calls()).toHaveLength(0);
  });
});

describe('limits and dead codes', () => {
  test('a RESEND after MAX_RESENDS (2) new codes: the send-limit message, nothing written or sent', async () => {
    const second = 'c'.repeat(32);
    const third = 'd'.repeat(32);
    const event = withRounds(failed(`SMS_OTP:${second}:resent`), failed(`SMS_OTP:${third}:resent`));
    ddb.on(GetCommand).resolves({ Item: stored({ id: third, resendFor: third }) });
    await expect(run(event)).rejects.toThrow(TOO_MANY);
    expect(commands()).toEqual(['QueryCommand', 'GetCommand']);
    expect(snsMock.calls()).toHaveLength(0);
  });

  test('wait rounds do not use up MAX_RESENDS: after two of them a new code is still sent', async () => {
    const event = withRounds(failed(`SMS_OTP:${CODE_ID}:wait`), failed(`SMS_OTP:${CODE_ID}:wait`));
    ddb.on(GetCommand).resolves({ Item: stored() });
    const { response } = await run(event);
    expect(response.challengeMetadata).toMatch(/:resent$/);
  });

  test.each([
    ['used by another sign-in', { usedAt: Date.now() - 1000, usedBy: 'f'.repeat(32) }],
    ['out of wrong answers', { attempts: 3 }],
  ])('a RESEND for a code %s: "sign in again", nothing sent', async (_name, over) => {
    ddb.on(GetCommand).resolves({ Item: stored(over) });
    await expect(run(retry)).rejects.toThrow(CODE_EXPIRED);
    expect(snsMock.calls()).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  test('a request for another code id is ignored: the round is repeated as after a wrong code', async () => {
    ddb.on(GetCommand).resolves({ Item: stored({ resendFor: 'e'.repeat(32) }) });
    const { response } = await run(retry);
    expect(response.challengeMetadata).toBe(`SMS_OTP:${CODE_ID}`);
    expect(snsMock.calls()).toHaveLength(0);
  });
});

describe('an unknown user: the same answers from the decoy item, nothing sent', () => {
  const decoyAfterFailed = () => {
    const event = structuredClone(userNotFound) as unknown as { request: { session: Entry[] } };
    event.request.session.push(failed(`SMS_OTP:${CODE_ID}`));
    return event;
  };
  /** The decoy item as its UpdateItem returns it (a new decoy code's id included when one is set). */
  const decoyItem = (attributes: Record<string, unknown>) =>
    ddb.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => {
      if (!String(input.Key?.pk).startsWith('CHALLENGE#DECOY#')) return {};
      const codeId = input.ExpressionAttributeValues?.[':codeId'];
      return { Attributes: { lastDigits: '4821', ...attributes, ...(codeId ? { codeId } : {}) } };
    });

  test('after the cooldown: a resent round with a new id, one unit of the decoy send limit', async () => {
    decoyItem({ codeId: CODE_ID, codeAt: Date.now() - 60_000, resendFor: CODE_ID });
    const { response } = await run(decoyAfterFailed());
    expect(response.challengeMetadata).toMatch(/^SMS_OTP:[0-9a-f]{32}:resent$/);
    expect(response.challengeMetadata).not.toContain(CODE_ID);
    expect(response.publicChallengeParameters).toEqual({
      type: 'SMS_OTP',
      destination: '+*******4821',
      length: '6',
    });
    const keys = ddb.commandCalls(UpdateCommand).map((call) => String(call.args[0].input.Key?.pk));
    expect(keys.filter((key) => key.startsWith('SENDS#USER#DECOY#'))).toHaveLength(1);
    expect(snsMock.calls()).toHaveLength(0);
  });

  test('too early: the same id with retryAfter, no unit taken', async () => {
    decoyItem({ codeId: CODE_ID, codeAt: Date.now() - 10_500, resendFor: CODE_ID });
    const { response } = await run(decoyAfterFailed());
    expect(response.challengeMetadata).toBe(`SMS_OTP:${CODE_ID}:wait`);
    expect(response.publicChallengeParameters?.retryAfter).toBe('20');
    const keys = ddb.commandCalls(UpdateCommand).map((call) => String(call.args[0].input.Key?.pk));
    expect(keys.filter((key) => key.startsWith('SENDS#'))).toHaveLength(0);
  });

  test('beyond MAX_RESENDS: the same send-limit message as a real user', async () => {
    const second = 'c'.repeat(32);
    const third = 'd'.repeat(32);
    decoyItem({ codeId: third, codeAt: Date.now() - 60_000, resendFor: third });
    const event = decoyAfterFailed();
    event.request.session.push(failed(`SMS_OTP:${second}:resent`), failed(`SMS_OTP:${third}:resent`));
    await expect(run(event)).rejects.toThrow(TOO_MANY);
  });
});
