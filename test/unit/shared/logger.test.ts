import { Logger } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import type { Context } from 'aws-lambda';
import { LazyLogger, LOG_LEVEL_THRESHOLD, lowestPrintableLevel, maskEmail } from '#shared/logger';
import { captureLogs } from './capture-logs';

test.each([
  ['ada@example.com', 'a***@example.com'],
  ['a@b.co', 'a***@b.co'],
  ['"odd@local"@example.com', '"***@example.com'],
  ['no-at-sign', '***'],
  ['@example.com', '***'],
])('maskEmail(%j) keeps the first character and the domain: %j', (email, masked) => {
  expect(maskEmail(email)).toBe(masked);
});

/** Runs `body` with these variables set (undefined: removed), then restores the environment. */
function withEnv<T>(env: Record<string, string | undefined>, body: () => T): T {
  const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(env);
  try {
    return body();
  } finally {
    apply(previous);
  }
}

const context = (requestId: string): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'cognito-auth-triggers-dev-defineAuthChallenge',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:cognito-auth-triggers-dev-define',
  memoryLimitInMB: '256',
  awsRequestId: requestId,
  logGroupName: '/aws/lambda/define',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 5000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** A LazyLogger over a real Powertools Logger, counting how often Powertools is created. */
function lazyLogger(env: Record<string, string | undefined>) {
  const created: ConstructorOptions[] = [];
  const logger = withEnv(
    env,
    () =>
      new LazyLogger((options) => {
        created.push(options);
        return new Logger(options);
      }),
  );
  return { logger, created };
}

describe('lowestPrintableLevel: the level below which Powertools prints nothing', () => {
  const LEVEL_ENV = { AWS_LAMBDA_LOG_LEVEL: undefined, POWERTOOLS_LOGGER_SAMPLE_RATE: undefined };

  test.each([
    [{ POWERTOOLS_LOG_LEVEL: 'INFO', LOG_LEVEL: undefined }],
    [{ POWERTOOLS_LOG_LEVEL: 'DEBUG', LOG_LEVEL: undefined }],
    [{ POWERTOOLS_LOG_LEVEL: 'WARN', LOG_LEVEL: 'DEBUG' }],
    [{ POWERTOOLS_LOG_LEVEL: 'SILENT', LOG_LEVEL: undefined }],
    [{ POWERTOOLS_LOG_LEVEL: ' ERROR ', LOG_LEVEL: undefined }],
    [{ POWERTOOLS_LOG_LEVEL: '', LOG_LEVEL: 'WARN' }],
    [{ POWERTOOLS_LOG_LEVEL: '  ', LOG_LEVEL: 'TRACE' }],
    [{ POWERTOOLS_LOG_LEVEL: undefined, LOG_LEVEL: undefined }],
    [{ POWERTOOLS_LOG_LEVEL: 'debug', LOG_LEVEL: undefined }],
    [{ POWERTOOLS_LOG_LEVEL: 'VERBOSE', LOG_LEVEL: 'DEBUG' }],
  ])('%j: the same level a Powertools Logger constructed there uses', (env) => {
    withEnv({ ...LEVEL_ENV, ...env }, () => {
      expect(lowestPrintableLevel()).toBe(new Logger().level);
    });
  });

  test.each([
    [{ AWS_LAMBDA_LOG_LEVEL: 'DEBUG', POWERTOOLS_LOG_LEVEL: 'ERROR' }],
    [{ POWERTOOLS_LOGGER_SAMPLE_RATE: '0.1', POWERTOOLS_LOG_LEVEL: 'ERROR' }],
  ])('%j: not known from the environment alone, so every line goes to Powertools', (env) => {
    expect(lowestPrintableLevel(env)).toBe(0);
  });

  test('a sample rate of 0 samples nothing: the configured level holds', () => {
    expect(lowestPrintableLevel({ POWERTOOLS_LOGGER_SAMPLE_RATE: '0', POWERTOOLS_LOG_LEVEL: 'WARN' })).toBe(
      LOG_LEVEL_THRESHOLD.WARN,
    );
  });
});

describe('LazyLogger', () => {
  test('lines below the level create no Powertools logger; the first printed line does', () => {
    const logs = captureLogs();
    try {
      const { logger, created } = lazyLogger({ POWERTOOLS_LOG_LEVEL: 'INFO' });
      logger.addContext(context('request-1'));
      logger.appendKeys({ trigger: 'DefineAuthChallenge' });
      logger.debug('routine step', { rounds: 3 });
      logger.resetKeys();
      expect(created).toHaveLength(0);
      expect(logs.text()).toBe('');

      logger.info('something to say');
      expect(created).toEqual([{ serviceName: 'cognito-auth-triggers', logLevel: 'INFO' }]);
      expect(logs.records()).toEqual([
        expect.objectContaining({ level: 'INFO', message: 'something to say' }),
      ]);
    } finally {
      logs.restore();
    }
  });

  test('the level is read when the logger is constructed (cold start), as Powertools reads it', () => {
    const logs = captureLogs();
    try {
      const { logger } = lazyLogger({ POWERTOOLS_LOG_LEVEL: 'DEBUG' });
      withEnv({ POWERTOOLS_LOG_LEVEL: 'ERROR' }, () => logger.debug('still written'));
      expect(logs.records()).toEqual([expect.objectContaining({ level: 'DEBUG', message: 'still written' })]);
    } finally {
      logs.restore();
    }
  });

  test('a line carries the keys appended for its request and the Lambda context, as Powertools writes them', () => {
    const logs = captureLogs();
    try {
      const env = { POWERTOOLS_LOG_LEVEL: 'INFO', AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' };
      const { logger } = lazyLogger(env);
      withEnv(env, () => {
        logger.addContext(context('request-1'));
        logger.appendKeys({ trigger: 'PreSignUp', userName: 'user-1' });
        logger.appendKeys({ clientId: 'client-1' });
        logger.warn('request rejected', { reason: 'expired' });
        logger.resetKeys();
        logger.info('between requests');
      });
      const [rejected, between] = logs.records();
      expect(rejected).toMatchObject({
        level: 'WARN',
        message: 'request rejected',
        reason: 'expired',
        service: 'cognito-auth-triggers',
        trigger: 'PreSignUp',
        userName: 'user-1',
        clientId: 'client-1',
        cold_start: true,
        function_name: 'cognito-auth-triggers-dev-defineAuthChallenge',
        function_request_id: 'request-1',
        function_memory_size: '256',
      });
      expect(between).toMatchObject({ message: 'between requests', function_request_id: 'request-1' });
      expect(between).not.toHaveProperty('trigger');
      expect(between).not.toHaveProperty('userName');
    } finally {
      logs.restore();
    }
  });

  test('cold_start is true only in the first invocation, even when Powertools is created later', () => {
    const logs = captureLogs();
    try {
      const env = { POWERTOOLS_LOG_LEVEL: 'INFO', AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' };
      const { logger, created } = lazyLogger(env);
      withEnv(env, () => {
        for (const request of ['request-1', 'request-2', 'request-3']) {
          logger.addContext(context(request));
          logger.debug('nothing printed at INFO');
        }
        logger.error('third invocation');
        logger.addContext(context('request-4'));
        logger.error('fourth invocation');
      });
      expect(created).toHaveLength(1);
      expect(logs.records()).toEqual([
        expect.objectContaining({ function_request_id: 'request-3', cold_start: false }),
        expect.objectContaining({ function_request_id: 'request-4', cold_start: false }),
      ]);
    } finally {
      logs.restore();
    }
  });

  test('an error passed to error() is formatted by Powertools (name, message, stack)', () => {
    const logs = captureLogs();
    try {
      const { logger } = lazyLogger({ POWERTOOLS_LOG_LEVEL: 'INFO' });
      logger.error('unexpected failure', new TypeError('boom'));
      expect(logs.records()[0]).toMatchObject({
        level: 'ERROR',
        error: { name: 'TypeError', message: 'boom', stack: expect.stringContaining('TypeError: boom') },
      });
    } finally {
      logs.restore();
    }
  });

  test('setLogLevel hands every later line to Powertools at that level', () => {
    const logs = captureLogs();
    try {
      const { logger } = lazyLogger({ POWERTOOLS_LOG_LEVEL: 'ERROR' });
      logger.setLogLevel('DEBUG');
      logger.debug('now visible');
      logger.setLogLevel('SILENT');
      logger.error('now hidden');
      expect(logs.records()).toEqual([expect.objectContaining({ level: 'DEBUG', message: 'now visible' })]);
    } finally {
      logs.restore();
    }
  });
});
