/**
 * Where a CLI's AWS calls go, and what to say when they fail.
 *
 * Without `--local` the standard AWS configuration applies: the credential chain (environment,
 * profile, SSO, instance role), `--region` or AWS_REGION / AWS_DEFAULT_REGION or the profile's
 * region, and the SDK's endpoint variables (`AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`).
 * With `--local` everything comes from the running local stack, with throw-away credentials so
 * real ones are never sent to it.
 */
import type { OptionDefs, OptionValues } from './args';
import { CliError, UsageError } from './errors';
import { fetchLocalStack, type LocalStack } from './local-stack';

/** Options every AWS-facing CLI of this project accepts. */
export const awsOptions: OptionDefs = {
  stage: {
    type: 'string',
    valueName: 'STAGE',
    description: 'Deployed stage whose resources to use (default: dev)',
  },
  region: {
    type: 'string',
    valueName: 'REGION',
    description: 'AWS region (default: AWS_REGION or your profile)',
  },
  local: {
    type: 'boolean',
    description: 'Act on the running local stack (http://127.0.0.1:$PORT/_local/stack, PORT default 9229)',
  },
};

export const DEFAULT_STAGE = 'dev';

/** The `--stage` value, checked against what serverless accepts in a stage name. */
export function stageOption(options: OptionValues): string {
  const stage = options.string('stage') ?? DEFAULT_STAGE;
  if (!/^[a-zA-Z0-9-]{1,32}$/.test(stage)) {
    throw new UsageError(`--stage must be letters, digits and dashes (got '${stage}')`);
  }
  return stage;
}

export type AwsService = 'dynamodb' | 'cognito' | 'sns' | 'ses' | 'lambda';

const SERVICE_NAMES: Record<AwsService, string> = {
  dynamodb: 'DynamoDB',
  cognito: 'Cognito',
  sns: 'SNS',
  ses: 'SES',
  lambda: 'Lambda',
};
const ENDPOINT_VARIABLES: Record<AwsService, string> = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  cognito: 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER',
  sns: 'AWS_ENDPOINT_URL_SNS',
  ses: 'AWS_ENDPOINT_URL_SESV2',
  lambda: 'AWS_ENDPOINT_URL_LAMBDA',
};
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The environment a CLI run acts on: AWS (standard configuration) or the local stack. */
export interface AwsEnvironment {
  region: string | undefined;
  stack: LocalStack | undefined;
  env: Record<string, string | undefined>;
}

export async function resolveAwsEnvironment(
  options: { local: boolean; region: string | undefined },
  env: Record<string, string | undefined>,
): Promise<AwsEnvironment> {
  if (options.local) {
    const stack = await fetchLocalStack(env);
    return { region: stack.region, stack, env };
  }
  return {
    region: options.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined),
    stack: undefined,
    env,
  };
}

export interface AwsTarget {
  service: AwsService;
  /** Options for the service's SDK client: bounded timeouts and retries so a dead endpoint fails fast. */
  clientOptions: {
    region?: string;
    endpoint?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string };
    maxAttempts: number;
    requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: boolean };
  };
  /** Where requests go, for messages: an endpoint URL or `AWS <region>`. */
  where: string;
}

export function awsTarget(service: AwsService, environment: AwsEnvironment): AwsTarget {
  const { stack, region, env } = environment;
  const endpoint = stack
    ? stack.endpoints[service]
    : env[ENDPOINT_VARIABLES[service]] || env.AWS_ENDPOINT_URL || undefined;
  // With --local nothing may go to AWS: a stack without this service is an error, not a fallback.
  if (stack && !endpoint) {
    throw new CliError(`the local stack has no ${SERVICE_NAMES[service]} endpoint: restart it (npm start)`);
  }
  return {
    service,
    clientOptions: {
      ...(region ? { region } : {}),
      ...(endpoint ? { endpoint } : {}),
      ...(stack ? { credentials: LOCAL_CREDENTIALS } : {}),
      maxAttempts: 2,
      // throwOnRequestTimeout: without it the SDK only warns when requestTimeout passes.
      requestHandler: { connectionTimeout: 3000, requestTimeout: 10_000, throwOnRequestTimeout: true },
    },
    where: endpoint ?? `AWS ${region ?? '(region from your AWS profile)'}`,
  };
}

/**
 * The name of a project table: `--table`, else the local stack's table, else the environment
 * variable the functions use, else the deployed stage's name `cognito-auth-triggers-<stage>-<suffix>`.
 */
export function resolveTableName(input: {
  explicit: string | undefined;
  localName: string | undefined;
  envVariable: string;
  env: Record<string, string | undefined>;
  stage: string;
  suffix: string;
}): string {
  return (
    input.explicit ??
    input.localName ??
    (input.env[input.envVariable]?.trim() || `cognito-auth-triggers-${input.stage}-${input.suffix}`)
  );
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
]);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/** One-line explanation of an AWS SDK failure, with what to check. */
export function describeAwsError(error: unknown, target: AwsTarget, resource?: string): CliError {
  const service = SERVICE_NAMES[target.service];
  const name = (error as { name?: string }).name ?? 'Error';
  const message = firstLine(error instanceof Error ? error.message : String(error));
  const code = networkCode(error);
  if (code) return new CliError(`cannot reach ${service} at ${target.where} (${code})`);
  if (TIMEOUT_NAMES.has(name)) return new CliError(`cannot reach ${service} at ${target.where} (timed out)`);
  if (name === 'ResourceNotFoundException') {
    return new CliError(`${resource ?? 'resource'} not found in ${service} at ${target.where}`);
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new CliError(
      'no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
  }
  if (/Region is missing/i.test(message))
    return new CliError('no AWS region: pass --region or set AWS_REGION');
  return new CliError(`${service} request failed at ${target.where}: ${name}: ${message}`);
}

function networkCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    queue.push((current as { cause?: unknown }).cause, ...((current as { errors?: unknown[] }).errors ?? []));
  }
  return undefined;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 300);
}
