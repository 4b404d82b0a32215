import * as z from 'zod/mini';
import { GENERIC_FAILURE_MESSAGE, INVALID_REQUEST_MESSAGE, InvalidInvitationError } from '#shared/errors';
import { baseEvent, optionalStringMap } from '#shared/events';
import { logger } from '#shared/logger';
import { trigger } from '#shared/trigger';
import { userRef } from '#shared/user-ref';
import { captureLogs } from './capture-logs';

const schema = z.extend(baseEvent, {
  request: z.looseObject({
    userAttributes: z.record(z.string(), z.string()),
    validationData: optionalStringMap,
  }),
  response: z.looseObject({ answer: z.optional(z.string()) }),
});

const baseInput = () => ({
  version: '1',
  triggerSource: 'Test_Source',
  userPoolId: 'us-east-1_EXAMPLE1',
  userName: 'user-1',
  callerContext: { awsSdkVersion: 'x', clientId: 'client-1' },
  request: { userAttributes: { email: 'a@example.com' }, validationData: null, futureField: { kept: true } },
  response: { answer: undefined as string | undefined, cognitoAddedLater: 'keep me' },
  fieldCognitoAddsNextYear: 42,
});

describe('trigger() wrapper', () => {
  test('returns the original event with the response the use-case filled; unknown fields travel through', async () => {
    const handler = trigger('Test', schema, async (event) => {
      // The use-case sees the normalised copy: null validationData arrives as {}.
      expect(event.request.validationData).toEqual({});
      event.response.answer = 'yes';
    });
    const input = baseInput();
    const output = await handler(input);
    expect(output).toBe(input);
    expect(output.response).toEqual({ answer: 'yes', cognitoAddedLater: 'keep me' });
    expect(output.request).toEqual(baseInput().request);
    expect(output.fieldCognitoAddsNextYear).toBe(42);
  });

  test('a malformed event gets the short invalid-request message and the use-case never runs', async () => {
    const useCase = jest.fn(async () => {});
    const handler = trigger('Test', schema, useCase);
    const malformed: unknown[] = [
      { ...baseInput(), userName: undefined },
      { ...baseInput(), request: undefined },
      { ...baseInput(), request: { userAttributes: { email: 7 } } },
      { ...baseInput(), response: null },
      null,
    ];
    for (const event of malformed) {
      await expect(handler(event as never)).rejects.toThrow(new Error(INVALID_REQUEST_MESSAGE));
    }
    expect(useCase).not.toHaveBeenCalled();
  });

  test('a user-facing error keeps its short message; its reason is logged, not shown', async () => {
    const logs = captureLogs(logger);
    try {
      const handler = trigger('Test', schema, async () => {
        throw new InvalidInvitationError('code_mismatch');
      });
      const rejection = handler(baseInput());
      await expect(rejection).rejects.toThrow(new Error('Invitation is invalid or has expired'));
      await expect(rejection).rejects.not.toThrow(/code_mismatch/);
      expect(logs.records()).toContainEqual(
        expect.objectContaining({
          level: 'WARN',
          reason: 'code_mismatch',
          trigger: 'Test',
          user: userRef('us-east-1_EXAMPLE1', 'user-1'),
        }),
      );
    } finally {
      logs.restore();
    }
  });

  test('any other error is logged and replaced by the generic message (no internals leak)', async () => {
    const logs = captureLogs(logger);
    try {
      const failing = trigger('Test', schema, async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:8000 (table invites-prod)');
      });
      await expect(failing(baseInput())).rejects.toThrow(new Error(GENERIC_FAILURE_MESSAGE));
      const throwsString = trigger('Test', schema, async () => {
        throw 'not an Error';
      });
      await expect(throwsString(baseInput())).rejects.toThrow(new Error(GENERIC_FAILURE_MESSAGE));
      const errors = logs.records().filter((record) => record.level === 'ERROR');
      expect(errors).toHaveLength(2);
      expect(JSON.stringify(errors[0])).toContain('ECONNREFUSED');
    } finally {
      logs.restore();
    }
  });

  test('request keys are appended while the use-case runs and removed afterwards, even after a failure', async () => {
    const logs = captureLogs(logger);
    try {
      const handler = trigger('Test', schema, async () => {
        logger.info('inside');
        throw new InvalidInvitationError('expired');
      });
      await expect(handler(baseInput())).rejects.toThrow();
      logger.info('after');
      const [inside, , after] = logs.records();
      expect(inside).toMatchObject({
        message: 'inside',
        trigger: 'Test',
        triggerSource: 'Test_Source',
        userPoolId: 'us-east-1_EXAMPLE1',
        user: userRef('us-east-1_EXAMPLE1', 'user-1'),
        clientId: 'client-1',
      });
      expect(after).toMatchObject({ message: 'after' });
      expect(after).not.toHaveProperty('user');
      expect(after).not.toHaveProperty('trigger');
    } finally {
      logs.restore();
    }
  });

  test('the user name typed is never logged, only its keyed hash (an unknown user types an email or a number)', async () => {
    const logs = captureLogs(logger);
    try {
      const typed = 'victim.name@example.com';
      const handler = trigger('Test', schema, async () => {
        logger.info('inside');
        throw new InvalidInvitationError('no_invite_for_email');
      });
      await expect(handler({ ...baseInput(), userName: typed })).rejects.toThrow();
      const records = logs.records();
      expect(records.length).toBeGreaterThanOrEqual(2);
      for (const record of records) {
        expect(record).not.toHaveProperty('userName');
        expect(record.user).toMatch(/^u_[0-9a-f]{16}$/);
      }
      expect(logs.text()).not.toContain(typed);
      expect(logs.text()).not.toContain('victim.name');
    } finally {
      logs.restore();
    }
  });

  test('the invalid-event reason names the bad field but never echoes its value', async () => {
    const logs = captureLogs(logger);
    try {
      const handler = trigger('Test', schema, async () => {});
      const event = {
        ...baseInput(),
        request: { userAttributes: { email: 7, secret: ['SECRET-VALUE-1234'] } },
      };
      await expect(handler(event as never)).rejects.toThrow(INVALID_REQUEST_MESSAGE);
      const text = logs.text();
      expect(text).toContain('request.userAttributes.email expected string');
      expect(text).not.toContain('SECRET-VALUE-1234');
    } finally {
      logs.restore();
    }
  });
});
