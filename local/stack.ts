/**
 * The local stack: the whole product on 127.0.0.1, no AWS account needed.
 *
 *   client (AWS SDK v3, amazon-cognito-identity-js, the CLIs)
 *        |  AWS JSON 1.1 (X-Amz-Target: AWSCognitoIdentityProviderService.*)
 *        v
 *   local user pool (local/cognito)  -- /_local/stack, /_local/outbox, JWKS
 *        |  Cognito's trigger events, at the points Cognito calls them
 *        v
 *   the handler modules of functions/*\/handler.ts (the code that deploys)
 *        |  AWS SDK v3 clients, pointed here by AWS_ENDPOINT_URL_<SERVICE>
 *        +--> DynamoDB Local (Java)   : the tables of resources/tables.yml (a child process)
 *        +--> local SNS (Publish SMS) --> outbox <-- the pool's own emails/SMS
 *        +--> local SES (SendEmail)   --> outbox (security notices, EMAIL_OTP codes)
 *        +--> local user pool (Admin* calls)
 *
 *   local Lambda API (GetFunctionConfiguration, read-only): each function's configuration and the
 *   environment its handler was loaded with (local/lambda.ts, local/environment.ts)
 *
 * Everything the stack creates comes from serverless.yml and the files it includes
 * (local/config.ts): pool and client settings, table names, each function's environment and the
 * triggers it is attached to.
 *
 * Handler modules read their configuration when they load and create their AWS clients at module
 * scope, as they do in Lambda. So the SDK's endpoint variables and dummy credentials are set on
 * process.env before any handler is imported, and each handler is imported with its own
 * function's environment (provider.environment + its own), one at a time, restoring the
 * environment after each. A handler is then invoked like Lambda invokes it: a JSON copy of the
 * event, a Lambda context, the function's timeout.
 *
 * Module instances live once per process (per test file under jest), so one process hosts one
 * stack at a time; a later stack in the same process must use the same endpoints, because the
 * handlers' clients keep the endpoints they first used.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { lockoutPolicy } from '../cli/users/status';
import { startLocalUserPool, type TriggerFn, type TriggerName } from './cognito';
import { type LocalDefinitions, type LocalFunction, loadDefinitions } from './config';
import { ConsoleData } from './console/data';
import { consoleRoutes } from './console/routes';
import { startDynamoDbLocal } from './dynamodb-local';
import { applyEnvironment, type Endpoints, functionEnvironment, setProcessEnvironment } from './environment';
import { startLocalLambda } from './lambda';
import { Outbox, sendJson } from './outbox';
import { startLocalSes } from './ses';
import { startLocalSns } from './sns';
import { createTables } from './tables';

export const DEFAULT_PORT = 9229;
export const STACK_PATH = '/_local/stack';

export interface StackOptions {
  host?: string;
  /** The user pool's port (default 9229; 0 picks a free port for every service). */
  port?: number;
  /** DynamoDB Local's port (default: port + 1, or free when port is 0). */
  dynamodbPort?: number;
  /** SNS port (default: port + 2, or free when port is 0). */
  snsPort?: number;
  /** SES (API v2) port (default: port + 3, or free when port is 0). */
  sesPort?: number;
  /** Lambda API port, GetFunctionConfiguration only (default: port + 4, or free when port is 0). */
  lambdaPort?: number;
  /** Keep DynamoDB data and the pool's users in this folder across restarts (default: in memory). */
  persistDir?: string;
  /** Serverless stage the definitions are resolved for (default `local`). */
  stage?: string;
  /** Overrides provider.region of serverless.yml. */
  region?: string;
  /** `--param name=value` equivalents for serverless.yml. */
  params?: Record<string, string>;
  /** Overrides POWERTOOLS_LOG_LEVEL of every function (e.g. SILENT in tests, DEBUG to investigate). */
  logLevel?: string;
  /** Print each outbox message on the console (default true). */
  printOutbox?: boolean;
  /** Folder holding serverless.yml (default: this repository). */
  root?: string;
  /** The pool's clock (epoch ms) for sessions, codes and tokens; tests move it. Default Date.now. */
  now?: () => number;
}

/** What `GET /_local/stack` returns (the shared contract), plus the stage and trigger wiring. */
export interface StackInfo {
  userPoolId: string;
  clientId: string;
  region: string;
  stage: string;
  endpoints: Endpoints;
  tables: { invites: string; authState: string };
  /** Trigger -> deployed function name, as attached in serverless.yml. */
  triggers: Record<string, string>;
  /**
   * The email settings of the functions that email users (SECURITY_EMAIL_FROM,
   * SES_CONFIGURATION_SET, APP_NAME, SIGN_IN_URL, SUPPORT_EMAIL), so the users CLI's `--local`
   * sends its notices as the triggers do.
   */
  emailSettings: Record<string, string>;
}

/** The variables of `StackInfo.emailSettings`. */
export const EMAIL_SETTING_NAMES = [
  'SECURITY_EMAIL_FROM',
  'SES_CONFIGURATION_SET',
  'APP_NAME',
  'SIGN_IN_URL',
  'SUPPORT_EMAIL',
] as const;

export interface Stack {
  info: StackInfo;
  /** The user pool's URL (also the base of /_local/*). */
  url: string;
  outbox: Outbox;
  definitions: LocalDefinitions;
  close(): Promise<void>;
}

/** A stable pool ID per service/stage/region: persisted users' SRP verifiers depend on it. */
export function localUserPoolId(service: string, stage: string, region: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const digest = createHash('sha256').update(`${service}:${stage}:pool`).digest();
  let suffix = '';
  for (let i = 0; i < 9; i++) suffix += alphabet[(digest[i] as number) % alphabet.length];
  return `${region}_${suffix}`;
}

/** A stable app client ID (26 lower-case letters and digits, like Cognito's). */
export function localClientId(service: string, stage: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const digest = createHash('sha256').update(`${service}:${stage}:client`).digest();
  let id = '';
  for (let i = 0; i < 26; i++) id += alphabet[(digest[i] as number) % alphabet.length];
  return id;
}

let active: Promise<Stack> | undefined;

export type { Endpoints };

let boundEndpoints: Endpoints | undefined;

/** Starts the whole local stack. Resolves once every service listens and every handler is loaded. */
export function startStack(options: StackOptions = {}): Promise<Stack> {
  if (active)
    return Promise.reject(new Error('a local stack is already running in this process; close it first'));
  const starting = start(options);
  active = starting;
  starting.catch(() => {
    active = undefined;
  });
  return starting;
}

async function start(options: StackOptions): Promise<Stack> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_PORT;
  const derived = (offset: number) => (port === 0 ? 0 : port + offset);
  // A second stack in this process (port 0) takes the first one's ports: see the header comment.
  const reuse = port === 0 && boundEndpoints ? portsOf(boundEndpoints) : undefined;
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    closers.length = 0;
  };

  try {
    const definitions = loadDefinitions({
      root: options.root,
      stage: options.stage ?? 'local',
      region: options.region,
      params: options.params,
      userPoolId: ({ service, stage, region }) => localUserPoolId(service, stage, region),
      clientId: ({ service, stage }) => localClientId(service, stage),
    });
    const persistDir = options.persistDir ? resolve(options.persistDir) : undefined;
    if (persistDir) mkdirSync(persistDir, { recursive: true });

    const outbox = new Outbox({ print: options.printOutbox ?? true });
    // Lambda runs nodejs22.x; this machine may run Node 20: the SDK's notice is noise here.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

    const dynamodb = await startDynamoDbLocal({
      host,
      port: options.dynamodbPort ?? reuse?.dynamodb ?? derived(1),
      path: persistDir ? join(persistDir, 'dynamodb') : undefined,
    });
    closers.push(dynamodb.close);
    const tableClient = new DynamoDBClient({
      endpoint: dynamodb.url,
      region: definitions.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await createTables(tableClient, definitions.tables);
    tableClient.destroy();

    const sns = await startLocalSns({
      host,
      port: options.snsPort ?? reuse?.sns ?? derived(2),
      outbox,
    });
    closers.push(sns.close);

    const ses = await startLocalSes({
      host,
      port: options.sesPort ?? reuse?.ses ?? derived(3),
      outbox,
    });
    closers.push(ses.close);

    // Read-only: how each function is configured, with the variables its handler is loaded with.
    const lambda = await startLocalLambda({
      host,
      port: options.lambdaPort ?? reuse?.lambda ?? derived(4),
      functions: definitions.functions.map((fn) => ({
        name: fn.name,
        arn: fn.arn,
        environment: functionEnvironment(fn, options.logLevel),
        memorySize: fn.memorySize,
        timeoutSeconds: fn.timeoutSeconds,
      })),
    });
    closers.push(lambda.close);

    // The pool calls triggers through these; they wait until the handlers are loaded, which
    // needs the pool's URL first (the handlers' Cognito client is pointed at it).
    const handlers = new Map<TriggerName, TriggerFn>();
    let markLoaded: () => void = () => undefined;
    const loaded = new Promise<void>((done) => {
      markLoaded = done;
    });
    const triggers: Partial<Record<TriggerName, TriggerFn>> = {};
    for (const fn of definitions.functions) {
      for (const trigger of fn.triggers) {
        triggers[trigger] = async (event) => {
          await loaded;
          const invoke = handlers.get(trigger);
          if (!invoke) throw new Error(`${trigger} is not loaded`);
          return invoke(event);
        };
      }
    }

    let info: StackInfo | undefined;
    let consoleData: ConsoleData | undefined;
    let consoleHandler: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
    const routes = (req: IncomingMessage, res: ServerResponse): boolean => {
      // Every Cognito call passes here first: only /_local/* is worth parsing.
      if (!req.url?.includes('/_local/')) return false;
      const path = new URL(req.url, 'http://localhost').pathname;
      if (path === STACK_PATH && req.method === 'GET') {
        if (info) sendJson(res, 200, info);
        else sendJson(res, 503, { message: 'the local stack is still starting' });
        return true;
      }
      return outbox.handle(req, res) || (consoleHandler?.(req, res) ?? false);
    };

    const pool = await startLocalUserPool({
      host,
      port: reuse?.cognito ?? port,
      region: definitions.region,
      userPoolId: definitions.userPoolId,
      clientId: definitions.clientId,
      pool: definitions.pool,
      client: definitions.client,
      triggers,
      deliver: (message) => outbox.add(message),
      persistFile: persistDir ? join(persistDir, 'cognito-pool.json') : undefined,
      routes,
      now: options.now,
    });
    closers.push(pool.close);
    consoleHandler = consoleRoutes({
      port: Number(new URL(pool.url).port),
      outbox,
      stack: () => info,
      data: () => consoleData,
    });

    const endpoints: Endpoints = {
      cognito: pool.url,
      dynamodb: dynamodb.url,
      sns: sns.url,
      ses: ses.url,
      lambda: lambda.url,
    };
    if (boundEndpoints && JSON.stringify(boundEndpoints) !== JSON.stringify(endpoints)) {
      throw new Error(
        'the handler modules of this process already point at another stack (' +
          `${JSON.stringify(boundEndpoints)}); run one stack per process or reuse its ports`,
      );
    }
    const restoreEnv = setProcessEnvironment(definitions, endpoints, options.logLevel);
    closers.push(async () => restoreEnv());
    for (const fn of definitions.functions) {
      const invoke = await loadFunction(fn, options.logLevel);
      for (const trigger of fn.triggers) handlers.set(trigger, invoke);
    }
    boundEndpoints = endpoints;
    markLoaded();

    const triggerNames: Record<string, string> = {};
    for (const fn of definitions.functions)
      for (const trigger of fn.triggers) triggerNames[trigger] = fn.name;
    info = {
      userPoolId: definitions.userPoolId,
      clientId: definitions.clientId,
      region: definitions.region,
      stage: definitions.stage,
      endpoints,
      tables: {
        invites: requiredTable(definitions, 'InvitesTable'),
        authState: requiredTable(definitions, 'AuthStateTable'),
      },
      triggers: triggerNames,
      emailSettings: emailSettingsOf(definitions.functions),
    };
    const stackInfo = info;
    // The console reads and writes through the CLIs' modules, with the triggers' lockout settings.
    const enforcing = definitions.functions.find((fn) => fn.environment.LOCKOUT_MAX_FAILURES !== undefined);
    consoleData = new ConsoleData(stackInfo, lockoutPolicy(enforcing?.environment ?? {}));
    const data = consoleData;
    closers.push(async () => data.close());

    let closing: Promise<void> | undefined;
    return {
      info: stackInfo,
      url: pool.url,
      outbox,
      definitions,
      close: () => {
        closing ??= closeAll().finally(() => {
          active = undefined;
        });
        return closing;
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function portsOf(endpoints: Endpoints) {
  const port = (url: string) => Number(new URL(url).port);
  return {
    cognito: port(endpoints.cognito),
    dynamodb: port(endpoints.dynamodb),
    sns: port(endpoints.sns),
    ses: port(endpoints.ses),
    lambda: port(endpoints.lambda),
  };
}

/** The email settings of the first function that has a sender variable (empty when none has). */
function emailSettingsOf(functions: LocalFunction[]): Record<string, string> {
  const sender = functions.find((fn) => fn.environment.SECURITY_EMAIL_FROM !== undefined);
  const settings: Record<string, string> = {};
  for (const name of EMAIL_SETTING_NAMES) {
    const value = sender?.environment[name];
    if (value !== undefined) settings[name] = value;
  }
  return settings;
}

function requiredTable(definitions: LocalDefinitions, logicalId: string): string {
  const name = definitions.tables[logicalId];
  if (!name) throw new Error(`serverless.yml defines no ${logicalId}`);
  return name;
}

type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;

/**
 * Imports one function's handler module with that function's environment in place (its config
 * is read at module load), then returns an invoker that calls it as Lambda would.
 */
async function loadFunction(fn: LocalFunction, logLevel: string | undefined): Promise<TriggerFn> {
  const restore = applyEnvironment(functionEnvironment(fn, logLevel));
  let exported: unknown;
  try {
    const module = (await import(moduleFile(fn.modulePath))) as Record<string, unknown>;
    exported =
      module[fn.exportName] ?? (module.default as Record<string, unknown> | undefined)?.[fn.exportName];
  } catch (error) {
    throw new Error(`cannot load ${fn.key} (${fn.modulePath}): ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    restore();
  }
  if (typeof exported !== 'function') {
    throw new Error(`${fn.modulePath} does not export a function named ${fn.exportName}`);
  }
  const handler = exported as LambdaHandler;
  return (event) => invokeLikeLambda(fn, handler, event);
}

/**
 * One invocation: the event crosses a JSON boundary both ways (no shared objects with the pool,
 * as in Lambda), the handler gets a Lambda context, and the function's timeout applies.
 */
async function invokeLikeLambda(fn: LocalFunction, handler: LambdaHandler, event: unknown): Promise<unknown> {
  const timeoutMs = fn.timeoutSeconds * 1000;
  const deadline = Date.now() + timeoutMs;
  const requestId = randomUUID();
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: fn.arn,
    memoryLimitInMB: String(fn.memorySize),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: `local/[$LATEST]${requestId.replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`)),
      timeoutMs,
    );
  });
  try {
    const result = await Promise.race([handler(JSON.parse(JSON.stringify(event)), context), timeout]);
    return result === undefined ? undefined : JSON.parse(JSON.stringify(result));
  } finally {
    clearTimeout(timer);
  }
}

/** serverless.yml names a handler file without its extension; find the source file. */
function moduleFile(modulePath: string): string {
  for (const extension of ['.ts', '.mts', '.js', '.mjs', '.cjs']) {
    if (existsSync(modulePath + extension)) return modulePath + extension;
  }
  throw new Error(`no handler module ${modulePath}.ts (or .js)`);
}
