/**
 * Options shared by every AWS client in a trigger.
 *
 * Cognito waits at most 5 s for a trigger and retries on timeout; we hold every invocation to
 * 3 s even when a dependency hangs. Each call gets a short connection timeout, a short request
 * timeout and at most two attempts (one retry, with the SDK's jittered back-off), which bounds a
 * single call at about 2 x (0.3 + 1.0) s plus back-off. Endpoints are not configured here: the
 * SDK honours `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` on its own, which is how local
 * runs reach DynamoDB Local and the local stack.
 */
import { defaultProvider } from '#shared/aws/credentials';

export const CONNECTION_TIMEOUT_MS = 300;
export const REQUEST_TIMEOUT_MS = 1000;
export const MAX_ATTEMPTS = 2;

export const clientOptions = {
  maxAttempts: MAX_ATTEMPTS,
  requestHandler: {
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Without this, @smithy/node-http-handler 4.x only logs a warning when requestTimeout passes
    // and keeps waiting: the timeout would bound nothing.
    throwOnRequestTimeout: true,
  },
  // The environment's credentials as the default chain reads them, without bundling the chain
  // (#shared/aws/credentials).
  credentialDefaultProvider: defaultProvider,
} as const;
