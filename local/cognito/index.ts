/**
 * A Cognito-compatible user pool on localhost, running the project's real trigger handlers.
 *
 * `startLocalUserPool` serves one pool and one app client, configured from the same
 * CloudFormation properties that deploy (resources/user-pool.yml), over Cognito's wire protocol,
 * so the unmodified AWS SDK and amazon-cognito-identity-js talk to it as to Cognito. What it
 * does and where it deliberately differs from Cognito: docs/local-cognito.md.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SessionStore } from './auth-sessions';
import type { AuthState } from './auth-state';
import { Messenger, type OutgoingMessage } from './messages';
import { acquireModPow, releaseModPow } from './modpow';
import type { Pool } from './pool';
import { requestHandler } from './server';
import { type PoolSettings, readSettings } from './settings';
import { UserStore } from './store';
import { TokenService } from './tokens';
import { type TriggerFn, type TriggerName, TriggerRunner } from './triggers';

export type { OutgoingMessage } from './messages';
export type { PoolSettings } from './settings';
export type { GroupRecord, UserRecord, UserStatus, UserStore } from './store';
export type { TriggerFn, TriggerName } from './triggers';

export interface LocalUserPoolOptions {
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  region: string;
  /** e.g. `${region}_Local0001`; SRP's pool name is the part after `_`. */
  userPoolId: string;
  clientId: string;
  /** AWS::Cognito::UserPool Properties (resources/user-pool.yml). */
  pool: Record<string, unknown>;
  /** AWS::Cognito::UserPoolClient Properties. */
  client: Record<string, unknown>;
  /** The trigger handlers, as deployed. */
  triggers: Partial<Record<TriggerName, TriggerFn>>;
  /** Receives every message Cognito itself would send (after CustomMessage and placeholder substitution). */
  deliver: (message: OutgoingMessage) => void;
  /** Keeps users, groups, refresh tokens and the signing key in this JSON file across restarts. */
  persistFile?: string;
  /** Extra routes (e.g. `/_local/*`), tried first; return true when handled. */
  routes?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Clock (epoch ms) for sessions, codes and tokens; tests move it. Default Date.now. */
  now?: () => number;
  /** How long one trigger attempt may take before Cognito tries again; default 5000 ms. */
  triggerTimeoutMs?: number;
}

export interface LocalUserPool {
  /** `http://host:port`: the endpoint for the SDKs. */
  url: string;
  /** `<url>/<userPoolId>`: the `iss` of every token. */
  issuer: string;
  /** `<issuer>/.well-known/jwks.json`. */
  jwksUrl: string;
  settings: PoolSettings;
  store: UserStore;
  close(): Promise<void>;
}

const HOUSEKEEPING_MS = 60_000;

export async function startLocalUserPool(options: LocalUserPoolOptions): Promise<LocalUserPool> {
  const now = options.now ?? Date.now;
  const settings = readSettings({
    region: options.region,
    userPoolId: options.userPoolId,
    clientId: options.clientId,
    pool: options.pool,
    client: options.client,
  });
  const store = await UserStore.open(settings, options.persistFile, now());
  let issuer = '';
  let resolvePool: (pool: Pool) => void = () => {};
  let rejectPool: (error: unknown) => void = () => {};
  const ready = new Promise<Pool>((resolve, reject) => {
    resolvePool = resolve;
    rejectPool = reject;
  });
  ready.catch(() => {});
  const server = createServer(requestHandler({ pool: ready, issuer: () => issuer, routes: options.routes }));
  // Longer than any client's idle pool timeout: a client reusing an idle connection must not race
  // the server closing it (ECONNRESET on a busy machine). headersTimeout must exceed it.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  issuer = `${url}/${settings.userPoolId}`;

  let housekeeping: NodeJS.Timeout | undefined;
  acquireModPow();
  try {
    const triggers = new TriggerRunner(options.triggers, {
      region: settings.region,
      userPoolId: settings.userPoolId,
      clientId: settings.client.clientId,
      timeoutMs: options.triggerTimeoutMs ?? 5_000,
      attempts: 3,
    });
    const sessions = new SessionStore<AuthState>(settings.client.authSessionValiditySeconds * 1000, now);
    const pool: Pool = {
      settings,
      store,
      tokens: await TokenService.create(settings, store, issuer, now),
      triggers,
      messenger: new Messenger(settings, triggers, options.deliver),
      sessions,
      secret: Buffer.from(store.secrets.hmacKey, 'base64'),
      now,
    };
    housekeeping = setInterval(() => {
      store.prune(now());
      sessions.sweep();
    }, HOUSEKEEPING_MS);
    housekeeping.unref();
    resolvePool(pool);
  } catch (error) {
    rejectPool(error);
    await closeServer(server);
    await releaseModPow();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    settings,
    store,
    close() {
      closing ??= (async () => {
        clearInterval(housekeeping);
        await closeServer(server);
        await store.flush();
        await releaseModPow();
      })();
      return closing;
    },
  };
}

function closeServer(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
