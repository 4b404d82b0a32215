/**
 * A Lambda-compatible endpoint for the local stack: just enough of the AWS Lambda API for a tool
 * that reads how the stack's functions are configured (`npm run doctor` reads the OTP_TTL_SECONDS
 * CreateAuthChallenge runs with). Read-only: it answers `GetFunctionConfiguration` for the
 * functions the stack runs, with the environment each handler was loaded with, and nothing else.
 *
 * Wire protocol, as the unmodified AWS SDK v3 LambdaClient (and `aws lambda
 * get-function-configuration`) speak it (restJson1): `GET /2015-03-31/functions/{FunctionName}/configuration`
 * with an optional `?Qualifier=`, answered with the function's configuration as JSON, or with
 * Lambda's error shape: the HTTP status, the error's name in the `x-amzn-errortype` header and
 * `{ "__type": ..., "message": ... }` (the SDK maps the name to its exception class, e.g.
 * `ResourceNotFoundException`).
 * https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionConfiguration.html
 *
 * FunctionName takes the forms Lambda takes: a name (`my-function`), a full ARN
 * (`arn:aws:lambda:us-east-1:000000000000:function:my-function`), a partial ARN
 * (`000000000000:function:my-function`), each optionally with a qualifier (`:$LATEST`). The local
 * functions have one version, `$LATEST`: any other version or alias, another region or another
 * account is a function that does not exist here. Signatures are not checked.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from './sns';

export const API_VERSION_PREFIX = '/2015-03-31/functions/';

/** What the endpoint knows of one function the stack runs. */
export interface LambdaFunctionConfiguration {
  name: string;
  /** Unqualified: `arn:aws:lambda:<region>:<account>:function:<name>`. */
  arn: string;
  /** The variables the handler runs with (its own and provider.environment), as Lambda lists them. */
  environment: Record<string, string>;
  memorySize: number;
  timeoutSeconds: number;
}

/** An error in Lambda's shape: `errorType` becomes the SDK exception. */
export class LambdaApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Lambda's FunctionName pattern: an optional `arn:<partition>:lambda:`, region, account and
 * `function:`, then the name and an optional qualifier.
 */
const FUNCTION_NAME =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_.-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;
/** Lambda refuses a FunctionName longer than this (a bare name: 64). */
const MAX_FUNCTION_NAME = 170;

/**
 * The function a FunctionName (and Qualifier) names among `functions`, or an error in Lambda's
 * shape: 400 ValidationException for a malformed name, 404 ResourceNotFoundException for one that
 * names no function here. Pure.
 */
export function findFunction(
  functions: readonly LambdaFunctionConfiguration[],
  functionName: string,
  queryQualifier: string | undefined,
): { fn: LambdaFunctionConfiguration; qualifier: string | undefined } {
  const match = functionName.length <= MAX_FUNCTION_NAME ? FUNCTION_NAME.exec(functionName) : null;
  if (!match) {
    throw new LambdaApiError(
      400,
      'ValidationException',
      "1 validation error detected: Value at 'functionName' failed to satisfy constraint: Member must satisfy the FunctionName pattern",
    );
  }
  const [, region, account, name = '', nameQualifier] = match;
  if (nameQualifier !== undefined && queryQualifier !== undefined && nameQualifier !== queryQualifier) {
    throw new LambdaApiError(
      400,
      'InvalidParameterValueException',
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  }
  const qualifier = nameQualifier ?? queryQualifier;
  const fn = functions.find((candidate) => {
    const [, , , arnRegion, arnAccount] = candidate.arn.split(':');
    return (
      candidate.name === name &&
      (region === undefined || region === arnRegion) &&
      (account === undefined || account === arnAccount)
    );
  });
  if (!fn || (qualifier !== undefined && qualifier !== '$LATEST')) {
    const asked =
      nameQualifier === undefined && qualifier !== undefined ? `${functionName}:${qualifier}` : functionName;
    throw new LambdaApiError(404, 'ResourceNotFoundException', `Function not found: ${asked}`);
  }
  return { fn, qualifier };
}

/** The GetFunctionConfiguration answer for one function (the fields the local stack can vouch for). */
export function functionConfiguration(fn: LambdaFunctionConfiguration, qualifier: string | undefined) {
  return {
    FunctionName: fn.name,
    FunctionArn: qualifier === undefined ? fn.arn : `${fn.arn}:${qualifier}`,
    MemorySize: fn.memorySize,
    Timeout: fn.timeoutSeconds,
    Version: '$LATEST',
    Environment: { Variables: { ...fn.environment } },
    PackageType: 'Zip',
    State: 'Active',
    LastUpdateStatus: 'Successful',
  };
}

export interface LocalLambdaOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** The functions the stack runs. */
  functions: readonly LambdaFunctionConfiguration[];
}

export interface LocalLambda {
  url: string;
  close(): Promise<void>;
}

export async function startLocalLambda(options: LocalLambdaOptions): Promise<LocalLambda> {
  const server = createServer((req, res) => {
    try {
      handle(req, res, options.functions);
    } catch (error) {
      console.error('local Lambda:', error);
      if (!res.headersSent)
        sendError(res, new LambdaApiError(500, 'ServiceException', 'The local Lambda failed'));
    }
  });
  return listen(server, options.host ?? '127.0.0.1', options.port);
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  functions: readonly LambdaFunctionConfiguration[],
): void {
  // The request body (there is none for a GET) is drained so keep-alive connections stay usable.
  req.resume();
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const configuration = path.startsWith(API_VERSION_PREFIX) && path.endsWith('/configuration');
    const encoded = configuration
      ? path.slice(API_VERSION_PREFIX.length, -'/configuration'.length)
      : undefined;
    if (req.method !== 'GET' || encoded === undefined || encoded === '' || encoded.includes('/')) {
      throw new LambdaApiError(
        404,
        'UnknownOperationException',
        `No operation for ${req.method ?? '?'} ${path} (the local Lambda serves GetFunctionConfiguration, GET ${API_VERSION_PREFIX}{FunctionName}/configuration)`,
      );
    }
    let functionName: string;
    try {
      functionName = decodeURIComponent(encoded);
    } catch {
      throw new LambdaApiError(400, 'ValidationException', 'The function name is not valid URL encoding');
    }
    const qualifier = url.searchParams.get('Qualifier') ?? undefined;
    const found = findFunction(functions, functionName, qualifier);
    sendJson(res, 200, functionConfiguration(found.fn, found.qualifier));
  } catch (error) {
    if (!(error instanceof LambdaApiError)) throw error;
    sendError(res, error);
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: LambdaApiError): void {
  sendJson(
    res,
    error.status,
    { __type: error.errorType, message: error.message },
    { 'x-amzn-errortype': error.errorType },
  );
}
