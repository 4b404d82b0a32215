/**
 * Define checks its event without zod (functions/define-auth-challenge/event.ts, for its cold
 * start). This proves that check equal to the schema every other tool reads,
 * `defineAuthChallengeEvent`: the same events accepted, the same parsed copy, the same issues in
 * the same order (so the logged reason is the same), on the fixtures and on generated events
 * (the hardening suite's malformed-event generator, and sessions of every shape).
 */
import fc from 'fast-check';
import { defineAuthChallengeEvent } from '#shared/events/define-auth-challenge';
import type { SchemaIssue } from '#shared/standard-schema';
import { defineAuthChallengeEventCheck } from '../../../functions/define-auth-challenge/event';
import { malformedEventArb, sessionArb } from '../../hardening/support/event-arbs';
import { fixturesOf, type JsonObject } from '../../hardening/support/triggers';

type Outcome = { ok: true; value: unknown } | { ok: false; issues: unknown[] };

/** What a caller can see of an issue: its code, path, expected type or values, message. */
function visible(issue: SchemaIssue) {
  return {
    code: issue.code,
    path: issue.path,
    expected: issue.expected,
    values: issue.values,
    message: issue.message,
  };
}

function outcome(schema: typeof defineAuthChallengeEventCheck, event: unknown): Outcome {
  const result = schema['~standard'].validate(event);
  if (result instanceof Promise) throw new Error('asynchronous result');
  return result.issues
    ? { ok: false, issues: result.issues.map(visible) }
    : { ok: true, value: result.value };
}

/** Every object in `value` with its prototype, path by path (toEqual does not compare prototypes). */
function prototypes(value: unknown, path = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === 'object') {
    out[path] = Object.getPrototypeOf(value);
    for (const [key, item] of Object.entries(value)) prototypes(item, `${path}.${key}`, out);
  }
  return out;
}

function expectSameAsSchema(event: unknown): void {
  const ours = outcome(defineAuthChallengeEventCheck, event);
  const schema = outcome(defineAuthChallengeEvent, event);
  expect(ours).toEqual(schema);
  if (ours.ok && schema.ok) expect(prototypes(ours.value)).toEqual(prototypes(schema.value));
}

const FIXTURES = fixturesOf('define-auth-challenge');

test.each(
  FIXTURES.map((event) => [event.request && (event as { request: JsonObject }).request.session, event]),
)('a fixture is accepted with the same parsed copy as the schema gives (session %j)', (_session, event) => {
  expect(outcome(defineAuthChallengeEventCheck, structuredClone(event)).ok).toBe(true);
  expectSameAsSchema(structuredClone(event));
});

test('the parsed copy is a copy: the event handed in is not changed', () => {
  const event = structuredClone(FIXTURES[0] as JsonObject);
  (event.request as JsonObject).session = null;
  const before = structuredClone(event);
  const result = outcome(defineAuthChallengeEventCheck, event);
  expect(result).toMatchObject({ ok: true, value: { request: { session: [], clientMetadata: {} } } });
  expect(event).toEqual(before);
});

test('malformed events get the same issues as from the schema (hardening generator)', () => {
  fc.assert(
    fc.property(malformedEventArb('define-auth-challenge'), (event) => {
      expectSameAsSchema(event);
    }),
    { numRuns: 3000 },
  );
});

test('events with generated sessions and odd fields are judged as the schema judges them', () => {
  const oddValue = fc.oneof(
    fc.constantFrom(undefined, null, true, 0, '', 'x', [], {}),
    fc.jsonValue({ maxDepth: 2 }),
  );
  fc.assert(
    fc.property(
      fc.constantFrom(...FIXTURES),
      sessionArb(),
      fc.record({
        userNotFound: oddValue,
        clientMetadata: oddValue,
        userAttributes: oddValue,
        response: oddValue,
        callerContext: oddValue,
        version: oddValue,
      }),
      fc.subarray([
        'userNotFound',
        'clientMetadata',
        'userAttributes',
        'response',
        'callerContext',
        'version',
      ]),
      (fixture, session, odd, replaced) => {
        const event = structuredClone(fixture) as JsonObject & { request: JsonObject };
        event.request.session = session;
        for (const key of replaced) {
          const value = odd[key as keyof typeof odd];
          if (key === 'response' || key === 'callerContext' || key === 'version')
            (event as Record<string, unknown>)[key] = value;
          else (event.request as Record<string, unknown>)[key] = value;
        }
        expectSameAsSchema(event);
      },
    ),
    { numRuns: 3000 },
  );
});
