/**
 * One local user pool per test (local/cognito, in-process, on a free port) configured from the
 * real resources/user-pool.yml, with the triggers a test passes, a clock the test can move, the
 * messages Cognito would send, and the two real clients pointed at it: the AWS SDK v3 Cognito
 * client and amazon-cognito-identity-js. No SRP or protocol code of our own.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserAttribute,
  CognitoUserPool,
  type CognitoUserSession,
} from 'amazon-cognito-identity-js';
import { parse } from 'yaml';
import {
  type LocalUserPool,
  type LocalUserPoolOptions,
  type OutgoingMessage,
  startLocalUserPool,
  type TriggerFn,
  type TriggerName,
} from '../../local/cognito';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

/** The pool and client Properties exactly as resources/user-pool.yml deploys them. */
export function deployedDefinitions(): { pool: Record<string, unknown>; client: Record<string, unknown> } {
  const doc = parse(readFileSync(join(__dirname, '..', '..', 'resources', 'user-pool.yml'), 'utf8')) as {
    Resources: Record<string, Resource>;
  };
  const resources = Object.values(doc.Resources);
  const pool = resources.find((resource) => resource.Type === 'AWS::Cognito::UserPool');
  const client = resources.find((resource) => resource.Type === 'AWS::Cognito::UserPoolClient');
  if (!pool || !client) throw new Error('resources/user-pool.yml must define a pool and a client');
  return { pool: pool.Properties, client: client.Properties };
}

export const PASSWORD = 'Corr3ct-Horse!';

/** A DefineAuthChallenge that issues tokens right after the password: for tests about accounts, not the second factor. */
export const passwordOnly: Partial<Record<TriggerName, TriggerFn>> = {
  DefineAuthChallenge: async (event) => {
    const session = event.request.session as Array<{ challengeName: string; challengeResult: boolean }>;
    const last = session.at(-1);
    event.response.issueTokens = last?.challengeName === 'PASSWORD_VERIFIER' && last.challengeResult;
    event.response.failAuthentication = !event.response.issueTokens && session.length > 1;
    event.response.challengeName = 'PASSWORD_VERIFIER';
    return event;
  },
};
export const REGION = 'us-east-1';

export interface TestPool {
  server: LocalUserPool;
  userPoolId: string;
  clientId: string;
  sdk: CognitoIdentityProviderClient;
  /** amazon-cognito-identity-js pointed at the pool. */
  userPool: CognitoUserPool;
  /** Every message Cognito sent, oldest first. */
  messages: OutgoingMessage[];
  /** Moves the pool's clock. */
  advance(ms: number): void;
  close(): Promise<void>;
}

export interface TestPoolOptions {
  triggers?: Partial<Record<TriggerName, TriggerFn>>;
  pool?: Record<string, unknown>;
  client?: Record<string, unknown>;
  triggerTimeoutMs?: number;
  persistFile?: string;
  port?: number;
  userPoolId?: string;
  clientId?: string;
}

export async function startTestPool(options: TestPoolOptions = {}): Promise<TestPool> {
  const deployed = deployedDefinitions();
  const messages: OutgoingMessage[] = [];
  let offset = 0;
  const userPoolId = options.userPoolId ?? `${REGION}_Test${randomBytes(3).toString('hex')}`;
  const clientId = options.clientId ?? randomBytes(13).toString('hex');
  const config: LocalUserPoolOptions = {
    port: options.port ?? 0,
    region: REGION,
    userPoolId,
    clientId,
    pool: { ...deployed.pool, ...options.pool },
    client: { ...deployed.client, ...options.client },
    triggers: options.triggers ?? {},
    deliver: (message) => messages.push(message),
    now: () => Date.now() + offset,
    ...(options.triggerTimeoutMs ? { triggerTimeoutMs: options.triggerTimeoutMs } : {}),
    ...(options.persistFile ? { persistFile: options.persistFile } : {}),
  };
  const server = await startLocalUserPool(config);
  const sdk = new CognitoIdentityProviderClient({
    region: REGION,
    endpoint: server.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return {
    server,
    userPoolId,
    clientId,
    sdk,
    userPool: new CognitoUserPool({ UserPoolId: userPoolId, ClientId: clientId, endpoint: server.url }),
    messages,
    advance: (ms) => {
      offset += ms;
    },
    close: async () => {
      sdk.destroy();
      await server.close();
    },
  };
}

/** SignUp through amazon-cognito-identity-js. */
export function signUp(
  userPool: CognitoUserPool,
  email: string,
  password = PASSWORD,
  options: { attributes?: Record<string, string>; clientMetadata?: Record<string, string> } = {},
): Promise<{ userConfirmed: boolean; userSub: string }> {
  const attributes = Object.entries(options.attributes ?? {}).map(
    ([Name, Value]) => new CognitoUserAttribute({ Name, Value }),
  );
  return new Promise((resolve, reject) => {
    userPool.signUp(
      email,
      password,
      attributes,
      [],
      (error, result) => {
        if (error || !result) reject(error);
        else resolve({ userConfirmed: result.userConfirmed, userSub: result.userSub });
      },
      options.clientMetadata,
    );
  });
}

export interface SignInOptions {
  flow?: 'CUSTOM_AUTH' | 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH';
  /** Answers each custom challenge (its public parameters); return undefined to stop there. */
  answer?: (parameters: Record<string, string>) => string | undefined;
  clientMetadata?: Record<string, string>;
  answerMetadata?: Record<string, string>;
  newPassword?: string;
}

export type SignInResult =
  | { kind: 'tokens'; session: CognitoUserSession; user: CognitoUser }
  | { kind: 'challenge'; parameters: Record<string, string>; user: CognitoUser }
  | { kind: 'new_password'; attributes: Record<string, string>; required: string[] };

/**
 * Signs in with amazon-cognito-identity-js: `authenticationFlowType` CUSTOM_AUTH (SRP first,
 * then the custom challenges answered by `answer`), as an app using this project would.
 */
export function signIn(
  userPool: CognitoUserPool,
  email: string,
  password: string,
  options: SignInOptions = {},
): Promise<SignInResult> {
  const user = new CognitoUser({ Username: email, Pool: userPool });
  user.setAuthenticationFlowType(options.flow ?? 'CUSTOM_AUTH');
  const details = new AuthenticationDetails({
    Username: email,
    Password: password,
    ...(options.clientMetadata ? { ClientMetadata: options.clientMetadata } : {}),
  });
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (session: CognitoUserSession) => resolve({ kind: 'tokens', session, user }),
      onFailure: (error: unknown) => reject(error),
      customChallenge: (parameters: Record<string, string>) => {
        const answer = options.answer?.(parameters);
        if (answer === undefined) resolve({ kind: 'challenge', parameters, user });
        else user.sendCustomChallengeAnswer(answer, callbacks, options.answerMetadata);
      },
      newPasswordRequired: (attributes: Record<string, string>, required: string[]) => {
        if (!options.newPassword) {
          resolve({ kind: 'new_password', attributes, required });
          return;
        }
        const { email_verified: _verified, email: _email, ...writable } = attributes;
        user.completeNewPasswordChallenge(options.newPassword, writable, callbacks, options.answerMetadata);
      },
    };
    user.authenticateUser(details, callbacks);
  });
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<{ name: string; code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; code?: string; message: string };
  }
  throw new Error('expected the call to fail, it succeeded');
}

export function lastMessageTo(messages: OutgoingMessage[], to: string): OutgoingMessage {
  const message = messages.filter((item) => item.to === to).at(-1);
  if (!message) throw new Error(`no message to ${to}`);
  return message;
}

/** The six-digit code in a message body. */
export function codeIn(message: OutgoingMessage): string {
  const code = /\b(\d{6})\b/.exec(message.body)?.[1];
  if (!code) throw new Error(`no code in message: ${message.body}`);
  return code;
}
