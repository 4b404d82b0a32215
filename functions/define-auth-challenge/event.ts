/**
 * Define's event check, written out without zod: the rules of `defineAuthChallengeEvent`
 * (#shared/events/define-auth-challenge, the schema the docs, the tests and the other triggers
 * follow) applied by hand, so that Define's cold start runs no zod. Building and first running
 * that schema cost about half of Define's cold init (~7 of ~14 ms, docs/performance.md).
 *
 * It keeps the schema's behaviour exactly, and test/unit/define-auth-challenge/event.test.ts
 * proves it against the schema on fixtures and generated events: the same events accepted, the
 * same parsed copy (unknown fields kept, a null or absent `session` read as `[]`, a null or absent
 * `clientMetadata` as `{}`, `__proto__` keys dropped), and the same issues in the same order
 * (zod's codes and paths, no input values), so the logged reason reads the same.
 *
 * A change to the schema must be made here too; that test fails until it is.
 */
import type * as z from 'zod/mini';
import type {
  DefineAuthChallengeEvent,
  defineAuthChallengeEvent,
} from '#shared/events/define-auth-challenge';
import type { SchemaIssue, StandardSchema } from '#shared/standard-schema';

type Input = z.input<typeof defineAuthChallengeEvent>;
type Path = (string | number)[];
type JsonObject = Record<string, unknown>;

const TRIGGER_SOURCE = 'DefineAuthChallenge_Authentication';

/** zod/mini loads no locale: every issue it reports says this. */
const MESSAGE = 'Invalid input';

/** An object that is not an array (zod's `isObject`; JSON objects are also its plain objects). */
function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A shallow copy, as zod's loose objects and records build theirs: `__proto__` keys left out. */
function copy(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(value)) if (key !== '__proto__') out[key] = value[key];
  return out;
}

class Checker {
  readonly issues: SchemaIssue[] = [];

  type(path: Path, expected: string): void {
    this.issues.push({ code: 'invalid_type', expected, path, message: MESSAGE });
  }

  string(value: unknown, path: Path): void {
    if (typeof value !== 'string') this.type(path, 'string');
  }

  optionalString(value: unknown, path: Path): void {
    if (value !== undefined) this.string(value, path);
  }

  nullishString(value: unknown, path: Path): void {
    if (value !== undefined && value !== null) this.string(value, path);
  }

  nullishBoolean(value: unknown, path: Path): void {
    if (value !== undefined && value !== null && typeof value !== 'boolean') this.type(path, 'boolean');
  }

  /** `record(string, string)`: a copy, or undefined when it is not an object. */
  stringMap(value: unknown, path: Path): JsonObject | undefined {
    if (!isObject(value)) {
      this.type(path, 'record');
      return undefined;
    }
    const out = copy(value);
    for (const key of Object.keys(out)) this.string(out[key], [...path, key]);
    return out;
  }

  /** A loose object's copy, or undefined (with the issue) when the value is not an object. */
  object(value: unknown, path: Path): JsonObject | undefined {
    if (isObject(value)) return copy(value);
    this.type(path, 'object');
    return undefined;
  }

  callerContext(value: unknown, path: Path): JsonObject | undefined {
    if (value === undefined) return undefined;
    const out = this.object(value, path);
    if (out) {
      this.optionalString(out.awsSdkVersion, [...path, 'awsSdkVersion']);
      this.optionalString(out.clientId, [...path, 'clientId']);
    }
    return out;
  }

  /** `session`: null or absent is `[]`; else an array of entries. */
  session(value: unknown, path: Path): JsonObject[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.type(path, 'array');
      return [];
    }
    return value.map((item, index) => {
      const at = [...path, index];
      const entry = this.object(item, at);
      if (!entry) return {};
      this.string(entry.challengeName, [...at, 'challengeName']);
      if (typeof entry.challengeResult !== 'boolean') this.type([...at, 'challengeResult'], 'boolean');
      this.nullishString(entry.challengeMetadata, [...at, 'challengeMetadata']);
      return entry;
    });
  }

  request(value: unknown, path: Path): JsonObject | undefined {
    const out = this.object(value, path);
    if (!out) return undefined;
    const userAttributes = this.stringMap(out.userAttributes, [...path, 'userAttributes']);
    if (userAttributes) out.userAttributes = userAttributes;
    out.session = this.session(out.session, [...path, 'session']);
    this.nullishBoolean(out.userNotFound, [...path, 'userNotFound']);
    const metadata = out.clientMetadata;
    out.clientMetadata =
      metadata === undefined || metadata === null
        ? {}
        : (this.stringMap(metadata, [...path, 'clientMetadata']) ?? metadata);
    return out;
  }

  response(value: unknown, path: Path): JsonObject | undefined {
    const out = this.object(value, path);
    if (out) {
      this.nullishString(out.challengeName, [...path, 'challengeName']);
      this.nullishBoolean(out.issueTokens, [...path, 'issueTokens']);
      this.nullishBoolean(out.failAuthentication, [...path, 'failAuthentication']);
    }
    return out;
  }
}

/** Checks and copies a DefineAuthChallenge event, in the schema's key order (the issues' order). */
function validate(value: unknown): { value: DefineAuthChallengeEvent } | { issues: SchemaIssue[] } {
  const check = new Checker();
  if (!isObject(value)) {
    check.type([], 'object');
    return { issues: check.issues };
  }
  const event = copy(value);
  check.optionalString(event.version, ['version']);
  check.optionalString(event.region, ['region']);
  if (event.triggerSource !== TRIGGER_SOURCE) {
    check.issues.push({
      code: 'invalid_value',
      values: [TRIGGER_SOURCE],
      path: ['triggerSource'],
      message: MESSAGE,
    });
  }
  check.string(event.userPoolId, ['userPoolId']);
  check.string(event.userName, ['userName']);
  const callerContext = check.callerContext(event.callerContext, ['callerContext']);
  if (callerContext) event.callerContext = callerContext;
  const request = check.request(event.request, ['request']);
  if (request) event.request = request;
  const response = check.response(event.response, ['response']);
  if (response) event.response = response;
  if (check.issues.length > 0) return { issues: check.issues };
  return { value: event as unknown as DefineAuthChallengeEvent };
}

export const defineAuthChallengeEventCheck: StandardSchema<Input, DefineAuthChallengeEvent> = {
  '~standard': { version: 1, vendor: 'cognito-auth-triggers', validate },
};
