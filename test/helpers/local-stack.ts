/**
 * A whole local stack for one end-to-end test file: every service on a free port, quiet (no
 * outbox printing, no trigger logs), plus the clients a test needs, all pointed at it.
 *
 *   const env = await startTestStack();      // in beforeAll
 *   ...
 *   await env.stop();                        // in afterAll
 *
 * One stack per test file (see local/stack.ts: handler modules bind to the first stack's
 * endpoints), so files never share state and the suite stays fast.
 */
import { CognitoIdentityProviderClient, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CognitoUserPool } from 'amazon-cognito-identity-js';
import { canonicalInviteCode, generateInviteCode } from '#shared/invites/code';
import { newInvite } from '#shared/invites/invite';
import { InviteStore } from '#shared/invites/store';
import { type SignInStep, userPool } from '../../local/client';
import type { OutboxMessage } from '../../local/outbox';
import { type Stack, type StackOptions, startStack } from '../../local/stack';

export interface TestStack {
  stack: Stack;
  url: string;
  userPoolId: string;
  clientId: string;
  /** AWS SDK v3 Cognito client pointed at the local pool. */
  cognito: CognitoIdentityProviderClient;
  /** amazon-cognito-identity-js pool object pointed at the local pool. */
  pool: CognitoUserPool;
  dynamodb: DynamoDBDocumentClient;
  invites: InviteStore;
  /** Creates a pending invite for the email and returns its code (as `npm run invites -- create` does). */
  invite(email: string, options?: { group?: string; days?: number }): Promise<string>;
  /** The outbox over HTTP, as any client of the stack reads it. */
  outbox(filter?: { to?: string; channel?: 'sms' | 'email' }): Promise<OutboxMessage[]>;
  /** Waits for the next message to `to` after `after` messages to it were already there. */
  nextMessage(to: string, after: number, timeoutMs?: number): Promise<OutboxMessage>;
  /** Invites a fresh email and signs it up (SDK v3 SignUp with ClientMetadata.inviteCode). */
  signUpInvited(prefix?: string): Promise<{ email: string; password: string; sub: string }>;
  /** A phone number in an allowed country (US, fictional 555-01xx range) no other test of this file uses. */
  newPhone(): string;
  stop(): Promise<void>;
}

export const PASSWORD = 'Correct-Horse-Battery-9';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let emailCounter = 0;

function canonical(code: string): string {
  const value = canonicalInviteCode(code);
  if (!value) throw new Error(`not an invite code: ${code}`);
  return value;
}
let phoneCounter = 0;

export async function startTestStack(options: StackOptions = {}): Promise<TestStack> {
  const stack = await startStack({
    port: 0,
    printOutbox: false,
    logLevel: 'SILENT',
    ...options,
  });
  const { info } = stack;
  const cognito = new CognitoIdentityProviderClient({
    region: info.region,
    endpoint: info.endpoints.cognito,
    credentials,
  });
  const dynamodb = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: info.region, endpoint: info.endpoints.dynamodb, credentials }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const invites = new InviteStore(dynamodb, info.tables.invites);

  const outbox: TestStack['outbox'] = async (filter = {}) => {
    const query = new URLSearchParams(filter as Record<string, string>).toString();
    const response = await fetch(`${stack.url}/_local/outbox${query ? `?${query}` : ''}`);
    if (!response.ok) throw new Error(`GET /_local/outbox: ${response.status}`);
    return (await response.json()) as OutboxMessage[];
  };

  return {
    stack,
    url: stack.url,
    userPoolId: info.userPoolId,
    clientId: info.clientId,
    cognito,
    pool: userPool({ userPoolId: info.userPoolId, clientId: info.clientId, endpoint: stack.url }),
    dynamodb,
    invites,
    invite: async (email, { group, days = 7 } = {}) => {
      const code = generateInviteCode();
      // Only the hash of the canonical code (no dashes) is stored, as the invites CLI does.
      await invites.put(newInvite({ email, code: canonical(code), group, days, now: new Date() }));
      return code;
    },
    outbox,
    nextMessage: async (to, after, timeoutMs = 3000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const messages = await outbox({ to });
        const message = messages[after];
        if (message) return message;
        if (Date.now() > deadline)
          throw new Error(`no message number ${after + 1} to ${to} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    signUpInvited: async (prefix = 'user') => {
      const email = `${prefix}.${(emailCounter++).toString(36)}.${Date.now().toString(36)}@example.com`;
      const code = generateInviteCode();
      await invites.put(newInvite({ email, code: canonical(code), days: 7, now: new Date() }));
      const answer = await cognito.send(
        new SignUpCommand({
          ClientId: info.clientId,
          Username: email,
          Password: PASSWORD,
          UserAttributes: [{ Name: 'email', Value: email }],
          ClientMetadata: { inviteCode: code },
        }),
      );
      if (!answer.UserConfirmed || !answer.UserSub)
        throw new Error(`sign-up of ${email} was not auto-confirmed`);
      return { email, password: PASSWORD, sub: answer.UserSub };
    },
    newPhone: () => {
      if (phoneCounter > 99) throw new Error('out of test phone numbers');
      return `+1415555${String(100 + phoneCounter++).padStart(4, '0')}`;
    },
    stop: async () => {
      cognito.destroy();
      dynamodb.destroy();
      await stack.close();
    },
  };
}

/**
 * The round a first enrolment ends with (docs/protocol.md): RECOVERY_CODES, ten codes, answered
 * `OK`; resolves with the step after it (tokens). Throws if the step is not that round.
 */
export async function acknowledgeRecoveryCodes(step: SignInStep): Promise<SignInStep> {
  if (step.kind !== 'challenge' || step.parameters.type !== 'RECOVERY_CODES') {
    const got = step.kind === 'challenge' ? step.parameters.type : step.kind;
    throw new Error(`expected the RECOVERY_CODES round after the enrolment code, got ${got}`);
  }
  if ((step.parameters.codes ?? '').split(' ').length !== 10) throw new Error('not ten recovery codes');
  return step.answer('OK');
}
