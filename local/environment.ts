/**
 * The environment the local stack's functions run with. Each handler module is imported with its
 * own function's variables in place (provider.environment plus its own, from serverless.yml), then
 * they are taken away again; what every function shares, the SDK's endpoint variables and dummy
 * credentials stay on process.env while the stack runs (see local/stack.ts). `functionEnvironment`
 * is the one list of a function's variables: the handler is loaded with it and the local Lambda
 * endpoint (local/lambda.ts) reports it, so what a tool reads there is what the handler runs with.
 */
import type { LocalDefinitions, LocalFunction } from './config';

/** Where the local services listen (the handlers' AWS_ENDPOINT_URL_* point here). */
export interface Endpoints {
  cognito: string;
  dynamodb: string;
  sns: string;
  ses: string;
  lambda: string;
}

/** Lambda-runtime settings that mean nothing (or harm) in this process. */
const RUNTIME_ONLY_VARIABLES = new Set(['NODE_OPTIONS']);

/** What `--log-level` changes for every function. */
function logLevelOverrides(logLevel: string | undefined): Record<string, string> {
  return {
    ...(logLevel ? { POWERTOOLS_LOG_LEVEL: logLevel } : {}),
    // A silent stack writes no metric lines either (#shared/metrics).
    ...(logLevel === 'SILENT' ? { POWERTOOLS_METRICS_DISABLED: 'true' } : {}),
  };
}

/** The variables one function's handler is loaded with (and the local Lambda reports). */
export function functionEnvironment(fn: LocalFunction, logLevel: string | undefined): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(fn.environment)) {
    if (!RUNTIME_ONLY_VARIABLES.has(name)) environment[name] = value;
  }
  return { ...environment, ...logLevelOverrides(logLevel) };
}

/**
 * Points the AWS SDK at the local services for everything in this process and applies the
 * environment every function shares (provider.environment). Returns a function that restores
 * what was there before.
 */
export function setProcessEnvironment(
  definitions: LocalDefinitions,
  endpoints: Endpoints,
  logLevel: string | undefined,
): () => void {
  const shared = sharedEnvironment(definitions.functions);
  const values: Record<string, string | undefined> = {
    ...shared,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoints.cognito,
    AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda,
    AWS_REGION: definitions.region,
    AWS_DEFAULT_REGION: definitions.region,
    // Dummy credentials: nothing here may ever sign a request with real ones.
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    // Lambda runs nodejs22.x; this machine may run Node 20: the SDK's notice is noise here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...logLevelOverrides(logLevel),
  };
  return applyEnvironment(values);
}

/** The variables every function has with the same value (in practice provider.environment). */
function sharedEnvironment(functions: LocalFunction[]): Record<string, string> {
  const [first, ...rest] = functions;
  const shared: Record<string, string> = {};
  for (const [name, value] of Object.entries(first?.environment ?? {})) {
    if (RUNTIME_ONLY_VARIABLES.has(name)) continue;
    if (rest.every((fn) => fn.environment[name] === value)) shared[name] = value;
  }
  return shared;
}

/** Sets (or, for undefined, removes) each variable; returns a function that puts back what was there. */
export function applyEnvironment(values: Record<string, string | undefined>): () => void {
  const previous: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(values)) {
    previous[name] = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
