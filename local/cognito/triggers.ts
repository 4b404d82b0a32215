/**
 * Calls the pool's Lambda triggers the way Cognito does: the common event envelope, a fresh copy
 * of the event and a Lambda-like context for every attempt, at most `timeoutMs` per attempt,
 * another attempt after a timeout (3 in all), and Cognito's errors for what goes wrong:
 * - the function throws: `UserLambdaValidationException`, `<Trigger> failed with error <message>.`
 *   (no retry: Cognito retries only timeouts and throttling);
 * - every attempt times out: `UnexpectedLambdaException`;
 * - the function returns something that is not an event: `InvalidLambdaResponseException`.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { invalidLambdaResponse, unexpectedLambda, userLambdaValidation } from './errors';

export type TriggerName =
  | 'PreSignUp'
  | 'PostConfirmation'
  | 'PreAuthentication'
  | 'CustomMessage'
  | 'DefineAuthChallenge'
  | 'CreateAuthChallenge'
  | 'VerifyAuthChallengeResponse';

/** A trigger's handler module export: the same function that is deployed. */
// biome-ignore lint/suspicious/noExplicitAny: handlers are typed with their own event shapes; any lets every one of them be passed.
export type TriggerFn = (event: any, context?: Context) => Promise<any>;

export type TriggerEvent = {
  version: string;
  region: string;
  userPoolId: string;
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string };
  triggerSource: string;
  request: Record<string, unknown>;
  response: Record<string, unknown>;
};

export interface TriggerRunnerOptions {
  region: string;
  userPoolId: string;
  clientId: string;
  timeoutMs: number;
  attempts: number;
}

type Outcome = { kind: 'ok'; value: unknown } | { kind: 'error'; error: unknown } | { kind: 'timeout' };

export class TriggerRunner {
  constructor(
    private readonly functions: Partial<Record<TriggerName, TriggerFn>>,
    private readonly options: TriggerRunnerOptions,
  ) {}

  has(name: TriggerName): boolean {
    return typeof this.functions[name] === 'function';
  }

  /**
   * Invokes `name` with the full event built from `input`; returns the event the function handed
   * back (its `response` is what the caller reads).
   */
  async invoke(
    name: TriggerName,
    input: Pick<TriggerEvent, 'triggerSource' | 'userName' | 'request' | 'response'>,
  ): Promise<TriggerEvent> {
    const fn = this.functions[name];
    if (!fn) throw new Error(`trigger ${name} is not configured`);
    const event: TriggerEvent = {
      version: '1',
      region: this.options.region,
      userPoolId: this.options.userPoolId,
      userName: input.userName,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: this.options.clientId },
      triggerSource: input.triggerSource,
      request: input.request,
      response: input.response,
    };
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      const outcome = await this.attempt(name, fn, structuredClone(event));
      if (outcome.kind === 'timeout') continue;
      if (outcome.kind === 'error') {
        throw userLambdaValidation(`${name} failed with error ${errorMessage(outcome.error)}.`);
      }
      const result = outcome.value;
      if (result === null || typeof result !== 'object' || Array.isArray(result)) {
        throw invalidLambdaResponse(`Unrecognizable lambda output`);
      }
      const returned = result as Partial<TriggerEvent>;
      if (returned.response === null || typeof returned.response !== 'object') {
        throw invalidLambdaResponse(`Unrecognizable lambda output`);
      }
      return returned as TriggerEvent;
    }
    throw unexpectedLambda(
      `${name} invocation failed due to error Socket timeout while invoking Lambda function.`,
    );
  }

  private attempt(name: TriggerName, fn: TriggerFn, event: TriggerEvent): Promise<Outcome> {
    const deadline = Date.now() + this.options.timeoutMs;
    const context = lambdaContext(name, this.options, deadline);
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => resolve({ kind: 'timeout' }), this.options.timeoutMs);
      Promise.resolve()
        .then(() => fn(event, context))
        .then(
          (value) => resolve({ kind: 'ok', value }),
          (error) => resolve({ kind: 'error', error }),
        )
        .finally(() => clearTimeout(timer));
    });
  }
}

function lambdaContext(name: TriggerName, options: TriggerRunnerOptions, deadline: number): Context {
  const functionName = `local-${name}`;
  const notSupported = () => {
    throw new Error('context.done/fail/succeed are not supported: return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${options.region}:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: notSupported,
    fail: notSupported,
    succeed: notSupported,
  };
}

/** What Lambda reports as `errorMessage` for a thrown value. */
function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
