/**
 * Realistic AWS answers for the fuzz suite, driven by a fast-check "plan".
 *
 * Every DynamoDB, SNS and Cognito call the triggers make is answered by aws-sdk-client-mock with
 * what the real service could answer to that very request: an invite or none, a stored code or
 * none, a failed condition (with or without the item: ReturnValuesOnConditionCheckFailure or not), a
 * lockout's worth of failure records, ... . Which answer comes is chosen by the plan's numbers, so
 * fast-check explores (and shrinks) the answers together with the event. A plan may also make one
 * call fail the way AWS fails (throttling, timeouts, 5xx, an SNS error that quotes the phone
 * number), which is the only case in which a trigger may answer with the generic message.
 */
import { createHmac } from 'node:crypto';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { hashInviteCode } from '#shared/invites/code';

/** An invite code the event arbitraries sometimes send, so the accepting paths run too. */
export const FUZZ_INVITE_CODE = 'AB12-CD34-EF56-GH78';
export const FUZZ_INVITE_CANONICAL = 'AB12CD34EF56GH78';
/** The code whose hash the stubbed code records hold (answers sometimes match it). */
export const FUZZ_OTP = '424242';
export const FUZZ_ROUND_ID = 'a3f9c1e7b5d24f6a8c0e2b4d6f8a1c3e';
export const FUZZ_PHONE = '+12015550123';

export interface Fault {
  name: string;
  status: number;
  message: string;
  /** The call (0-based, across services) that fails. */
  at: number;
}

export interface StubPlan {
  choices: number[];
  fault: Fault | null;
}

const FAULTS: Omit<Fault, 'at'>[] = [
  { name: 'ThrottlingException', status: 400, message: 'Rate of requests exceeds the allowed throughput.' },
  {
    name: 'ProvisionedThroughputExceededException',
    status: 400,
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  },
  { name: 'InternalServerError', status: 500, message: 'Internal server error' },
  { name: 'TimeoutError', status: 0, message: 'Connection timed out after 1000 ms' },
  { name: 'TooManyRequestsException', status: 400, message: 'Rate exceeded' },
  // SNS quotes what it refused: the message must never travel on to the caller.
  {
    name: 'InvalidParameterException',
    status: 400,
    message: `Invalid parameter: PhoneNumber Reason: ${FUZZ_PHONE} is not valid to publish to`,
  },
];

export const FAULT_NAMES: ReadonlySet<string> = new Set(FAULTS.map((fault) => fault.name));

/** A plan; in about one run in `faultEvery`, one of the calls fails as AWS fails. */
export const stubPlanArb = (faultEvery: number): fc.Arbitrary<StubPlan> =>
  fc.record({
    choices: fc.array(fc.nat(11), { maxLength: 12 }),
    fault: fc.oneof(
      { weight: faultEvery - 1, arbitrary: fc.constant(null) },
      {
        weight: 1,
        arbitrary: fc
          .record({ kind: fc.constantFrom(...FAULTS), at: fc.nat(3) })
          .map(({ kind, at }): Fault => ({ ...kind, at })),
      },
    ),
  });

export interface StubRecord {
  /** Every call, `Service.Command`, in order. */
  calls: string[];
  sms: { to: string; body: string }[];
  faultThrown: boolean;
}

export interface Mocks {
  dynamodb: AwsClientStub<DynamoDBDocumentClient>;
  sns: AwsClientStub<SNSClient>;
  cognito: AwsClientStub<CognitoIdentityProviderClient>;
}

const ISO = (ms: number) => new Date(ms).toISOString();

function conditionFailed(item?: Record<string, unknown>): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: { httpStatusCode: 400 },
    ...(item ? { Item: marshall(item, { removeUndefinedValues: true }) } : {}),
  });
}

function codeRecord(sub: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const salt = '00112233445566778899aabbccddeeff';
  const now = Date.now();
  return {
    pk: `CHALLENGE#${sub}`,
    sk: 'CODE',
    id: FUZZ_ROUND_ID,
    roundKey: '0'.repeat(32),
    purpose: 'sign_in',
    phone: FUZZ_PHONE,
    destination: '+*******0123',
    length: 6,
    codeHash: createHmac('sha256', Buffer.from(salt, 'hex')).update(FUZZ_OTP, 'utf8').digest('hex'),
    salt,
    createdAt: now - 10_000,
    expiresAt: now + 170_000,
    ttl: Math.ceil((now + 170_000) / 1000) + 3600,
    ...overrides,
  };
}

function invite(email: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Date.now();
  return {
    email,
    codeHash: hashInviteCode(FUZZ_INVITE_CANONICAL),
    status: 'pending',
    group: 'beta-testers',
    createdAt: ISO(now - 86_400_000),
    expiresAt: ISO(now + 6 * 86_400_000),
    ttl: Math.floor(now / 1000) + 40 * 86_400,
    ...overrides,
  };
}

/**
 * Installs the answers once (re-registering sinon stubs for every run would dominate the run
 * time); `start(plan)` begins a run and returns the record of what it sent.
 */
export function installStubs(mocks: Mocks): { start(plan: StubPlan): StubRecord } {
  let plan: StubPlan = { choices: [], fault: null };
  let record: StubRecord = { calls: [], sms: [], faultThrown: false };
  let choice = 0;
  /** What a failed conditional put found, for the consistent read that follows it (no item on the error). */
  let storedCode: Record<string, unknown> | undefined;
  const pick = (options: number) => (plan.choices[choice++] ?? 0) % options;
  const enter = (name: string) => {
    const index = record.calls.length;
    record.calls.push(name);
    if (plan.fault && plan.fault.at === index) {
      record.faultThrown = true;
      throw Object.assign(new Error(plan.fault.message), {
        name: plan.fault.name,
        $fault: plan.fault.status >= 500 ? 'server' : 'client',
        $metadata: { httpStatusCode: plan.fault.status || undefined, attempts: 2 },
      });
    }
  };

  mocks.dynamodb.reset();
  mocks.sns.reset();
  mocks.cognito.reset();
  const ddb = mocks.dynamodb;

  ddb.on(GetCommand).callsFake(async (input: GetCommand['input']) => {
    enter('DynamoDB.GetItem');
    const key = input.Key as Record<string, string>;
    if (input.TableName === process.env.INVITES_TABLE) {
      const email = String(key.email);
      const now = Date.now();
      const options = [
        undefined,
        invite(email),
        invite(email, { status: 'accepted', acceptedBy: 'someone-else', acceptedAt: ISO(now) }),
        invite(email, { status: 'revoked', revokedAt: ISO(now) }),
        invite(email, { expiresAt: ISO(now - 1000) }),
      ];
      return { Item: options[pick(options.length)] };
    }
    const sub = String(key.pk).replace(/^CHALLENGE#/, '');
    if (key.sk === 'CODE') {
      if (storedCode) {
        const found = storedCode;
        storedCode = undefined;
        return { Item: found };
      }
      const now = Date.now();
      const options = [
        undefined,
        codeRecord(sub),
        codeRecord(sub, { expiresAt: now - 1000 }),
        codeRecord(sub, { purpose: 'verify_phone' }),
        // Used by another sign-in, or out of its shared wrong-answer budget: dead for everyone.
        codeRecord(sub, { usedAt: now - 1000, usedBy: 'f'.repeat(32) }),
        codeRecord(sub, { attempts: 3 }),
        codeRecord(sub, { attempts: 1 }),
      ];
      return { Item: options[pick(options.length)] };
    }
    if (String(key.sk).startsWith('PHONE#')) {
      const expiresAt = Date.now() + 60_000;
      const options = [
        undefined,
        { phone: '+12015550199', expiresAt },
        { phone: '+33612345678', expiresAt },
        { phone: '+12015550199', expiresAt: Date.now() - 1 },
        { phone: 12015550199, expiresAt },
      ];
      return { Item: options[pick(options.length)] };
    }
    return {};
  });

  ddb.on(PutCommand).callsFake(async (input: PutCommand['input']) => {
    enter('DynamoDB.PutItem');
    if (!input.ConditionExpression) return {};
    // A conditional put (none on the triggers' paths today): its condition holds or fails.
    if (pick(2) === 1) throw conditionFailed();
    return {};
  });

  ddb.on(TransactWriteCommand).callsFake(async (input: TransactWriteCommand['input']) => {
    enter('DynamoDB.TransactWriteItems');
    const items = input.TransactItems ?? [];
    const first = items[0]?.Put?.Item as Record<string, unknown> | undefined;
    if (String(first?.sk).startsWith('ANSWERED#')) return countWrongAnswer(items.length);
    const claim = first;
    const sub = String(claim?.pk ?? '').replace(/^CHALLENGE#/, '');
    // A failed claim means the stored code is the one to reuse for this round: keep it consistent.
    const reusable = codeRecord(sub, { roundKey: claim?.roundKey });
    const reasons = (failing: number, code: string, item?: Record<string, unknown>) =>
      items.map((_, index) =>
        index === failing
          ? { Code: code, ...(item ? { Item: marshall(item, { removeUndefinedValues: true }) } : {}) }
          : { Code: 'None' },
      );
    const cancelled = (CancellationReasons: ReturnType<typeof reasons>) =>
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: { httpStatusCode: 400 },
        CancellationReasons,
      });
    switch (pick(6)) {
      case 1:
        // DynamoDB returns the stored item with the reason, phone included.
        throw cancelled(reasons(0, 'ConditionalCheckFailed', reusable));
      case 2:
        storedCode = reusable;
        throw cancelled(reasons(0, 'ConditionalCheckFailed'));
      case 3:
        throw cancelled(reasons(1, 'ConditionalCheckFailed'));
      case 4:
        throw cancelled(reasons(items.length - 1, 'ConditionalCheckFailed'));
      case 5:
        // Contention is a fault of the environment: if it never clears, the generic message is right.
        record.faultThrown = true;
        throw cancelled(reasons(1, 'TransactionConflict'));
      default:
        return {};
    }
  });

  /**
   * Verify's wrong-answer transaction ([ANSWERED mark, failure record, attempts on the code]): the
   * first answer for its round, a retry of it (the mark exists), or a code replaced meanwhile (the
   * count's `id = :id` fails; the mark and the failure are then written alone).
   */
  const countWrongAnswer = (length: number) => {
    const cancelled = (failing: number, code: string) =>
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: Array.from({ length }, (_, index) => ({
          Code: index === failing ? code : 'None',
        })),
      });
    switch (pick(4)) {
      case 1:
        throw cancelled(0, 'ConditionalCheckFailed');
      case 2:
        if (length === 3) throw cancelled(2, 'ConditionalCheckFailed');
        return {};
      case 3:
        record.faultThrown = true;
        throw cancelled(2 % length, 'TransactionConflict');
      default:
        return {};
    }
  };

  ddb.on(UpdateCommand).callsFake(async (input: UpdateCommand['input']) => {
    enter('DynamoDB.UpdateItem');
    const key = input.Key as Record<string, string>;
    const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
    const expression = input.UpdateExpression ?? '';
    if (input.TableName === process.env.INVITES_TABLE) {
      const email = String(key.email);
      if (expression.includes('acceptedBy')) {
        const now = Date.now();
        switch (pick(4)) {
          case 1:
            throw conditionFailed();
          case 2:
            throw conditionFailed(invite(email, { status: 'accepted', acceptedBy: 'someone-else' }));
          case 3:
            return {
              Attributes: invite(email, { status: 'accepted', acceptedBy: values[':sub'], group: undefined }),
            };
          default:
            return {
              Attributes: invite(email, {
                status: 'accepted',
                acceptedBy: values[':sub'],
                acceptedAt: ISO(now),
              }),
            };
        }
      }
      return {};
    }
    const pk = String(key.pk);
    if (pk.startsWith('SENDS#')) {
      if (pick(3) === 1) throw conditionFailed();
      return {};
    }
    if (key.sk === 'DECOY') return { Attributes: { ...key, lastDigits: '0427', ttl: 1 } };
    if (key.sk === 'CODE') {
      // Verify marking the code used: it is, or the code is dead (used, spent, replaced, removed).
      const sub = pk.replace(/^CHALLENGE#/, '');
      const now = Date.now();
      switch (pick(5)) {
        case 1:
          throw conditionFailed();
        case 2:
          throw conditionFailed(codeRecord(sub, { usedAt: now - 1000, usedBy: 'f'.repeat(32) }));
        case 3:
          throw conditionFailed(codeRecord(sub, { attempts: 3 }));
        case 4:
          throw conditionFailed(codeRecord(sub, { id: 'b'.repeat(32) }));
        default:
          return {};
      }
    }
    // An unconditional update (the confirmation time) cannot fail its condition.
    if (!input.ConditionExpression) return {};
    if (pick(3) === 1) throw conditionFailed();
    return {};
  });

  ddb.on(DeleteCommand).callsFake(async () => {
    enter('DynamoDB.DeleteItem');
    return {};
  });

  ddb.on(QueryCommand).callsFake(async (input: QueryCommand['input']) => {
    enter('DynamoDB.Query');
    const pk = String((input.ExpressionAttributeValues as Record<string, unknown>)[':pk']);
    const now = Date.now();
    const failure = (ago: number, n: number) => ({
      pk,
      sk: `FAIL#${ISO(now - ago)}#0000000${n}`,
      at: ISO(now - ago),
      reason: 'wrong_code',
      ttl: 1,
    });
    const options = [
      [],
      [1, 2, 3, 4, 5].map((n) => failure(n * 60_000, n)),
      // An earlier version's last-success marker: read and ignored.
      [failure(60_000, 1), { pk, sk: 'SIGNIN#LAST_SUCCESS', at: ISO(now - 30_000) }],
      [{ pk, sk: 'SUSPENSION', reason: 'fraud', at: ISO(now), by: 'ops' }],
      [{ pk, sk: 'INVITE#RECONCILED', at: ISO(now - 86_400_000) }],
      // Confirmed a moment ago (within the enrolment grace), or long ago.
      [{ pk, sk: 'LIFECYCLE#CONFIRMED', at: ISO(now - 60_000) }],
      [{ pk, sk: 'LIFECYCLE#CONFIRMED', at: 'not-a-date' }],
      [{ pk, sk: 'FAIL#not-a-date', reason: 42 }],
    ];
    return { Items: options[pick(options.length)] };
  });

  mocks.sns.onAnyCommand().callsFake(async (input: { PhoneNumber?: string; Message?: string }) => {
    enter('SNS.Publish');
    record.sms.push({ to: String(input.PhoneNumber), body: String(input.Message) });
    return { MessageId: '0b7c9a62-1b6f-5b8e-9c1a-2d5e7f8a9b0c' };
  });
  mocks.cognito.onAnyCommand().callsFake(async () => {
    enter('Cognito.Admin');
    return {};
  });
  return {
    start: (next) => {
      plan = next;
      record = { calls: [], sms: [], faultThrown: false };
      choice = 0;
      storedCode = undefined;
      mocks.dynamodb.resetHistory();
      mocks.sns.resetHistory();
      mocks.cognito.resetHistory();
      return record;
    },
  };
}
