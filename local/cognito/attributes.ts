/**
 * User attributes: parsing the API's `[{ Name, Value }]` lists, the schema and format checks
 * Cognito applies, and the masked destinations it reports (CodeDeliveryDetails). Pure.
 */
import { invalidParameter, notAuthorized } from './errors';
import type { PoolSettings } from './settings';

export type Attributes = Record<string, string>;
export interface AttributeType {
  Name: string;
  Value?: string;
}

const E164 = /^\+[1-9]\d{1,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const VERIFIED_FLAGS = new Set(['email_verified', 'phone_number_verified']);

/** `[{ Name, Value }]` -> `{ name: value }`; a missing list is empty. */
export function parseAttributeList(value: unknown, member: string): Attributes {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) throw invalidParameter(`${member} must be a list of attributes`);
  const result: Attributes = {};
  for (const item of value) {
    const { Name, Value } = (item ?? {}) as { Name?: unknown; Value?: unknown };
    if (typeof Name !== 'string' || Name.length === 0 || Name.length > 32) {
      throw invalidParameter(`${member} has an attribute without a valid Name`);
    }
    if (Value !== undefined && Value !== null && typeof Value !== 'string') {
      throw invalidParameter(`The value of attribute ${Name} must be a string`);
    }
    const text = typeof Value === 'string' ? Value : '';
    if (text.length > 2048) throw invalidParameter(`The value of attribute ${Name} is too long`);
    result[Name] = text;
  }
  return result;
}

/** Unknown names, bad formats and values for `*_verified` other than true/false are rejected. */
export function checkAttributes(attributes: Attributes, settings: PoolSettings): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (!settings.schema.has(name)) {
      throw invalidParameter(
        `Attributes did not conform to the schema: Type for attribute {${name}} could not be determined`,
      );
    }
    if (name === 'email' && value !== '' && !EMAIL.test(value)) {
      throw invalidParameter('Invalid email address format.');
    }
    if (name === 'phone_number' && value !== '' && !E164.test(value)) {
      throw invalidParameter('Invalid phone number format.');
    }
    if (VERIFIED_FLAGS.has(name) && value !== 'true' && value !== 'false') {
      throw invalidParameter(`Invalid value for ${name}: must be true or false`);
    }
  }
}

/** Throws for the first required attribute that is missing or empty. */
export function checkRequired(attributes: Attributes, settings: PoolSettings): void {
  for (const [name, definition] of settings.schema) {
    if (definition.required && !attributes[name]) {
      throw invalidParameter(
        `Attributes did not conform to the schema: ${name}: The attribute ${name} is required`,
      );
    }
  }
}

/**
 * What an app client (not an admin) may write: `sub` and the verification flags never, others
 * only when mutable and listed in the client's WriteAttributes (when it has such a list).
 */
export function checkClientWritable(attributes: Attributes, settings: PoolSettings, creating: boolean): void {
  for (const name of Object.keys(attributes)) {
    const definition = settings.schema.get(name);
    const writable = settings.client.writeAttributes;
    if (
      name === 'sub' ||
      VERIFIED_FLAGS.has(name) ||
      (writable !== undefined && !writable.has(name)) ||
      (!creating && definition?.mutable === false)
    ) {
      throw notAuthorized('A client attempted to write unauthorized attribute');
    }
  }
}

/** Admin writes: everything but `sub`, and immutable attributes only at creation. */
export function checkAdminWritable(attributes: Attributes, settings: PoolSettings, creating: boolean): void {
  for (const name of Object.keys(attributes)) {
    if (name === 'sub' || (!creating && settings.schema.get(name)?.mutable === false)) {
      throw invalidParameter(`Cannot modify the non-mutable attribute ${name}`);
    }
  }
}

export function toAttributeTypes(attributes: Attributes, only?: ReadonlySet<string>): AttributeType[] {
  return Object.entries(attributes)
    .filter(([name]) => !only || only.has(name))
    .map(([Name, Value]) => ({ Name, Value }));
}

/** `ada@example.com` -> `a***@e***`; `+447700900123` -> `+*********0123` (Cognito's style). */
export function maskDestination(channel: 'email' | 'sms', destination: string): string {
  if (channel === 'sms') return `+${'*'.repeat(Math.max(destination.length - 5, 0))}${destination.slice(-4)}`;
  const at = destination.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${destination[0]}***@${destination[at + 1] ?? ''}***`;
}

export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}

export function isPhoneNumber(value: string): boolean {
  return E164.test(value);
}
