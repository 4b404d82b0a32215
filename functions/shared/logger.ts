/**
 * The one structured JSON logger every trigger shares: a Powertools Logger, created the first time
 * a line is actually written.
 *
 * Rules: never log a whole event, an invite code, an OTP code, a password, a token or a full
 * phone number. Log reasons and identifiers (the `sub`, masked destinations). The user name is
 * never logged: `setUser` adds `user`, a keyed hash of it (#shared/user-ref), computed only when a
 * line is written.
 * The level comes from `POWERTOOLS_LOG_LEVEL` (default INFO); the service name from
 * `POWERTOOLS_SERVICE_NAME`.
 *
 * Why lazily: loading and constructing Powertools costs ~10 ms of a cold start (its modules,
 * `node:crypto`, its console), and its per-call key handling ~5 us of a warm call
 * (docs/performance.md). A trigger whose invocation writes nothing at the deployed level (Define's
 * routine steps are DEBUG) should pay neither. So `logger` keeps the Lambda context and the request
 * keys itself, and hands them to Powertools only when a line is written: the lines, their keys and
 * `cold_start` are exactly what Powertools would have written.
 *
 * A call below the level Powertools would print is dropped here only when that is certain from the
 * environment (`lowestPrintableLevel`); whenever it is not (Lambda's Advanced Logging Controls,
 * debug sampling, `setLogLevel`), Powertools is created and decides.
 */
import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type {
  ConstructorOptions,
  LogItemExtraInput,
  LogItemMessage,
  LogLevel,
} from '@aws-lambda-powertools/logger/types';
import type { Context } from 'aws-lambda';
import { userRef } from '#shared/user-ref';

/** Powertools' numeric levels (`LogLevelThreshold`). */
export const LOG_LEVEL_THRESHOLD = {
  TRACE: 6,
  DEBUG: 8,
  INFO: 12,
  WARN: 16,
  ERROR: 20,
  CRITICAL: 24,
  SILENT: 28,
} as const;

type Env = Record<string, string | undefined>;

/**
 * The lowest level Powertools will print, as its constructor works it out from the environment
 * (no constructor option, no custom config service): `POWERTOOLS_LOG_LEVEL`, else `LOG_LEVEL`,
 * trimmed and exactly one of its level names, else INFO. `0` (print everything: let Powertools
 * decide) when Lambda's Advanced Logging Controls (`AWS_LAMBDA_LOG_LEVEL`) or debug sampling
 * (`POWERTOOLS_LOGGER_SAMPLE_RATE`) may change that.
 */
export function lowestPrintableLevel(env: Env = process.env): number {
  if (env.AWS_LAMBDA_LOG_LEVEL?.trim()) return 0;
  const sampleRate = env.POWERTOOLS_LOGGER_SAMPLE_RATE?.trim();
  if (sampleRate && Number(sampleRate) !== 0) return 0;
  return LOG_LEVEL_THRESHOLD[configuredLevel(env) ?? 'INFO'];
}

/** `POWERTOOLS_LOG_LEVEL`, else `LOG_LEVEL`, when it is one of Powertools' level names. */
function configuredLevel(env: Env): keyof typeof LOG_LEVEL_THRESHOLD | undefined {
  const name = env.POWERTOOLS_LOG_LEVEL?.trim() || env.LOG_LEVEL?.trim() || '';
  return Object.hasOwn(LOG_LEVEL_THRESHOLD, name) ? (name as keyof typeof LOG_LEVEL_THRESHOLD) : undefined;
}

type Keys = Parameters<PowertoolsLogger['appendKeys']>[0];

/** The part of Powertools' Logger the functions use, with Powertools created on demand. */
export class LazyLogger {
  #powertools: PowertoolsLogger | undefined;
  #lowest: number;
  #context: Context | undefined;
  /** Contexts received, and the one Powertools has (0: none yet). */
  #contexts = 0;
  #contextsGiven = 0;
  #keys: Keys | undefined;
  #keysChanged = false;
  #user: { userPoolId: string; userName: string } | undefined;

  #options: ConstructorOptions;

  /**
   * The service name and the level are read now, at cold start, as a Logger constructed here would
   * read them; the rest of Powertools' settings when it is created.
   */
  constructor(
    private readonly create: (options: ConstructorOptions) => PowertoolsLogger,
    env: Env = process.env,
  ) {
    this.#lowest = lowestPrintableLevel(env);
    this.#options = {
      serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'cognito-auth-triggers',
      logLevel: configuredLevel(env),
    };
  }

  /** The Lambda context of the invocation that starts (Powertools' `cold_start`, `function_*` keys). */
  addContext(context: Context): void {
    this.#context = context;
    this.#contexts++;
  }

  /** Keys written with every line until `resetKeys`. */
  appendKeys(keys: Keys): void {
    this.#keys = this.#keys ? { ...this.#keys, ...keys } : { ...keys };
    this.#keysChanged = true;
  }

  /** The request's user, logged as the keyed hash `user` (never the name) until `resetKeys`. */
  setUser(userPoolId: string, userName: string): void {
    this.#user = { userPoolId, userName };
    this.#keysChanged = true;
  }

  resetKeys(): void {
    if (this.#keys === undefined && this.#user === undefined) return;
    this.#keys = undefined;
    this.#user = undefined;
    this.#keysChanged = true;
  }

  /** From now on every call goes to Powertools, which applies this level (tests use it). */
  setLogLevel(level: LogLevel): void {
    this.#lowest = 0;
    this.powertools().setLogLevel(level);
  }

  debug(input: LogItemMessage, ...extra: LogItemExtraInput): void {
    if (LOG_LEVEL_THRESHOLD.DEBUG >= this.#lowest) this.powertools().debug(input, ...extra);
  }

  info(input: LogItemMessage, ...extra: LogItemExtraInput): void {
    if (LOG_LEVEL_THRESHOLD.INFO >= this.#lowest) this.powertools().info(input, ...extra);
  }

  warn(input: LogItemMessage, ...extra: LogItemExtraInput): void {
    if (LOG_LEVEL_THRESHOLD.WARN >= this.#lowest) this.powertools().warn(input, ...extra);
  }

  error(input: LogItemMessage, ...extra: LogItemExtraInput): void {
    if (LOG_LEVEL_THRESHOLD.ERROR >= this.#lowest) this.powertools().error(input, ...extra);
  }

  /** The Powertools logger, created if need be, with this invocation's context and keys. */
  private powertools(): PowertoolsLogger {
    this.#powertools ??= this.create(this.#options);
    const powertools = this.#powertools;
    if (this.#context && this.#contextsGiven !== this.#contexts) {
      // Powertools reports `cold_start: true` for the first context it is given. Created after the
      // first invocation, it must not: a first `addContext` uses that flag up, the second counts.
      if (this.#contextsGiven === 0 && this.#contexts > 1) powertools.addContext(this.#context);
      powertools.addContext(this.#context);
      this.#contextsGiven = this.#contexts;
    }
    if (this.#keysChanged) {
      powertools.resetKeys();
      if (this.#keys) powertools.appendKeys(this.#keys);
      if (this.#user) powertools.appendKeys({ user: userRef(this.#user.userPoolId, this.#user.userName) });
      this.#keysChanged = false;
    }
    return powertools;
  }
}

/** Loads Powertools on first use (`require`: synchronous; esbuild bundles it as a lazy initialiser). */
function createPowertoolsLogger(options: ConstructorOptions): PowertoolsLogger {
  const powertools = require('#shared/powertools-logger') as typeof import('#shared/powertools-logger');
  return powertools.createPowertoolsLogger(options);
}

export const logger = new LazyLogger(createPowertoolsLogger);

/** `ada@example.com` -> `a***@example.com`: enough to correlate, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
