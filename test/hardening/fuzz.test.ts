/**
 * Fuzz: every trigger's handler against malformed events (fast-check).
 *
 * For each of the seven handlers, FUZZ_RUNS events (default 1,000; e.g. FUZZ_RUNS=20000 for a
 * deeper search) built by support/event-arbs.ts: fixtures with fields deleted, nulled, retyped,
 * wrapped or polluted (`__proto__`, `constructor`), wrong trigger sources, huge and unicode
 * strings, and arbitrary JSON. Every AWS call is answered by aws-sdk-client-mock with what the
 * service could really answer (support/aws-stubs.ts); in about one run in four one of the first calls
 * fails as AWS fails. The property, for every event:
 * - the handler resolves with the same event and a well-formed response, or rejects with an Error
 *   whose message is exactly one of the trigger's short user-safe messages (the generic one only
 *   when a dependency failed), with no extra properties and no cause attached;
 * - no unexpected error is logged unless a dependency failed, and then only the dependency's
 *   error: never a TypeError, RangeError or other programming error;
 * - the code sent by SMS and the number it went to never appear in the response;
 * - Object.prototype is untouched.
 *
 * Define's own property (never tokens for an invalid session) is in define-oracle.test.ts.
 */

import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
import { SendEmailCommand, sesv2 } from '#shared/aws/ses-client';
import { sns } from '#shared/aws/sns';
import { logger } from '#shared/logger';
import { FAULT_NAMES, installStubs, type Mocks, stubPlanArb } from './support/aws-stubs';
import { captureOutput } from './support/capture';
import { malformedEventArb } from './support/event-arbs';
import {
  type AnyHandler,
  GENERIC_FAILURE_MESSAGE,
  type JsonObject,
  requireHandlers,
  responseProblems,
  TRIGGER_KEYS,
  type TriggerKey,
  USER_SAFE_MESSAGES,
} from './support/triggers';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
/** Errors our own code may raise when a dependency fails (already stripped of data). */
const DEPENDENCY_ERRORS = new Set(['DependencyError', 'DeadlineExceededError']);

const mocks: Mocks = { dynamodb: mockClient(dynamodb), sns: mockClient(sns), cognito: mockClient(cognito) };
const stubs = installStubs(mocks);
// A sender is configured, as in a deployment with security emails (EMAIL_OTP rounds, notices):
// SES answers like SES, through the same client the functions load at their first email.
process.env.SECURITY_EMAIL_FROM = 'no-reply@example.com';
mockClient(sesv2).on(SendEmailCommand).resolves({ MessageId: 'fuzz' });
const handlers: Record<TriggerKey, AnyHandler> = requireHandlers();
/** Runs answered with the generic message (a dependency failed), across all triggers. */
let genericAnswers = 0;
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

let output: ReturnType<typeof captureOutput>;
beforeAll(() => {
  output = captureOutput();
  // The wrapper logs unexpected failures at ERROR; that is what this suite reads.
  logger.setLogLevel('ERROR');
});
afterAll(() => {
  logger.setLogLevel('SILENT');
  output.restore();
  mocks.dynamodb.restore();
  mocks.sns.restore();
  mocks.cognito.restore();
  // The failure path was exercised too (checked over all triggers: per trigger it is too rare to
  // rely on, since most malformed events never get as far as an AWS call).
  expect(genericAnswers).toBeGreaterThan(0);
});

function assertPrototypeUntouched(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
}

describe.each(TRIGGER_KEYS)('%s handler under malformed events', (trigger) => {
  test(`resolves with a well-formed response or rejects with a user-safe message (${RUNS} events); no programming error, no secret escapes`, async () => {
    const stats = { resolved: 0, rejected: 0, generic: 0 };
    await fc.assert(
      fc.asyncProperty(malformedEventArb(trigger), stubPlanArb(4), async (event, plan) => {
        const sent = stubs.start(plan);
        const before = structuredClone(event);
        output.clear();
        let result: unknown;
        let error: unknown;
        try {
          result = await (handlers[trigger] as AnyHandler)(event);
        } catch (caught) {
          error = caught;
        }
        assertPrototypeUntouched();

        const unexpected = output
          .records()
          .filter((record) => record.message === 'unexpected failure')
          .map((record) => String((record.error as { name?: unknown } | undefined)?.name));
        if (sent.faultThrown) {
          for (const name of unexpected) expect([...FAULT_NAMES, ...DEPENDENCY_ERRORS]).toContain(name);
        } else {
          expect(unexpected).toEqual([]);
        }

        if (error !== undefined) {
          stats.rejected += 1;
          expect(error).toBeInstanceOf(Error);
          const { message } = error as Error;
          const allowed = sent.faultThrown
            ? [...USER_SAFE_MESSAGES[trigger], GENERIC_FAILURE_MESSAGE]
            : USER_SAFE_MESSAGES[trigger];
          expect(allowed).toContain(message);
          if (message === GENERIC_FAILURE_MESSAGE) stats.generic += 1;
          // Nothing but the message travels: no data, no cause.
          expect(Object.keys(error as object)).toEqual([]);
          expect((error as Error).cause).toBeUndefined();
          return;
        }
        stats.resolved += 1;
        expect(result).toBe(event);
        expect(responseProblems(trigger, result, before)).toEqual([]);
        const { privateChallengeParameters, ...toClient } = ((result as JsonObject).response ??
          {}) as JsonObject;
        // What reaches the client (public parameters, metadata) never holds the code or the number;
        // the private parameters (Cognito -> Verify only) hold the number only for a round whose code
        // binds it (verify_phone, or replace_phone after a full second factor or a recovery code).
        const visible = JSON.stringify(toClient);
        const hidden = JSON.stringify(privateChallengeParameters ?? {});
        for (const sms of sent.sms) {
          const code = /\b\d{6,10}\b/.exec(sms.body)?.[0];
          expect(code).toBeDefined();
          expect(visible).not.toContain(code);
          expect(hidden).not.toContain(`"${code}"`);
          expect(visible).not.toContain(sms.to);
          if (hidden.includes(sms.to)) expect(hidden).toMatch(/"purpose":"(verify_phone|replace_phone)"/);
        }
      }),
      { numRuns: RUNS },
    );
    // The generator reaches both outcomes (a fuzz that only ever fails validation proves little).
    expect(stats.resolved).toBeGreaterThan(RUNS / 50);
    expect(stats.rejected).toBeGreaterThan(RUNS / 50);
    genericAnswers += stats.generic;
  }, 120_000);
});
