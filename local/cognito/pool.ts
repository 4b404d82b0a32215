/**
 * The pieces one local pool is made of, handed to every operation, and the request-reading
 * helpers the operations share (Cognito's validation wording, the pool/client checks).
 */
import { createHmac } from 'node:crypto';
import type { SessionStore } from './auth-sessions';
import type { AuthState } from './auth-state';
import { invalidParameter, missingAuthParameter, missingMember, resourceNotFound } from './errors';
import type { Messenger } from './messages';
import type { PoolSettings } from './settings';
import type { UserStore } from './store';
import type { TokenService } from './tokens';
import type { TriggerRunner } from './triggers';

export interface Pool {
  settings: PoolSettings;
  store: UserStore;
  tokens: TokenService;
  triggers: TriggerRunner;
  messenger: Messenger;
  sessions: SessionStore<AuthState>;
  /** HMAC key for codes and for the decoys shown for unknown users. */
  secret: Buffer;
  now: () => number;
}

export type Input = Record<string, unknown>;
export type Operation = (pool: Pool, input: Input) => Promise<Record<string, unknown>>;

/** A required string member; Cognito names it in camelCase in its message. */
export function required(input: Input, member: string): string {
  const value = input[member];
  if (typeof value !== 'string' || value.length === 0) throw missingMember(camel(member));
  return value;
}

export function optional(input: Input, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`${member} must be a string`);
  return value;
}

/** A `map<string, string>` member (ClientMetadata, AuthParameters, ChallengeResponses). */
export function stringMap(input: Input, member: string): Record<string, string> | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(`${member} must be a map`);
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null || item === undefined) continue;
    if (typeof item !== 'string') throw invalidParameter(`${member}.${key} must be a string`);
    result[key] = item;
  }
  return result;
}

export function requiredParameter(parameters: Record<string, string>, name: string): string {
  const value = parameters[name];
  if (!value) throw missingAuthParameter(name);
  return value;
}

export function checkClient(pool: Pool, input: Input): string {
  const clientId = required(input, 'ClientId');
  if (clientId !== pool.settings.client.clientId) {
    throw resourceNotFound(`User pool client ${clientId} does not exist.`);
  }
  return clientId;
}

export function checkPool(pool: Pool, input: Input): void {
  const id = required(input, 'UserPoolId');
  if (id !== pool.settings.userPoolId) throw resourceNotFound(`User pool ${id} does not exist.`);
}

/** A stable UUID-shaped name for someone who is not a user (PreventUserExistenceErrors). */
export function decoyUserName(pool: Pool, login: string): string {
  const bytes = createHmac('sha256', pool.secret).update(`user:${login.toLowerCase()}`).digest();
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * One page of a list operation: `limitMember` (1-60, default 60) items from where the page token
 * (`tokenMember`, as handed out by the previous page) left off, and the token of the next page.
 */
export function page<T>(
  all: readonly T[],
  input: Input,
  limitMember: string,
  tokenMember: string,
): { items: T[]; next: string | undefined } {
  const limit = input[limitMember] ?? 60;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 60) {
    throw invalidParameter(
      `1 validation error detected: Value at '${camel(limitMember)}' failed to satisfy constraint: Member must have value less than or equal to 60`,
    );
  }
  const token = optional(input, tokenMember);
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString());
  if (!Number.isInteger(start) || start < 0 || (token !== undefined && start === 0)) {
    throw invalidParameter('Invalid pagination token');
  }
  const end = start + limit;
  return {
    items: all.slice(start, end),
    next: end < all.length ? Buffer.from(String(end)).toString('base64url') : undefined,
  };
}

/** Epoch seconds, the JSON 1.1 protocol's timestamp format. */
export function seconds(ms: number): number {
  return ms / 1000;
}

function camel(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}
