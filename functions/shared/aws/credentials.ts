/**
 * The credential provider of every AWS client in a function: the SDK's default chain, minus the
 * weight of the chain in the bundle.
 *
 * A Lambda function always finds its role's credentials in its environment (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), and the default chain
 * (@aws-sdk/credential-provider-node) returns exactly those: its first link reads the environment
 * unless a profile is named. The rest of the chain (SSO, ini files, credential_process, web
 * identity, container and instance metadata, and the STS/SSO clients they bring) is ~130 KB of the
 * bundle that every cold start parses and partly runs, for nothing (~10-15 ms, docs/performance.md).
 *
 * So this provider follows the chain's own rule: no profile (`init.profile`, `AWS_PROFILE`) and
 * both static variables set: the environment's credentials, read by the SDK's own `fromEnv`
 * (session token, expiration, scope and account id included, marked as environment credentials
 * for the user agent), kept until they are within five minutes of expiring, as the chain keeps
 * them. Otherwise it hands over to the default chain itself, loaded on first use.
 *
 * In the deployed bundles the chain is not bundled at all: serverless.yml's esbuild `alias` points
 * the SDK clients' own import of @aws-sdk/credential-provider-node at this module, and the chain
 * is required by a name esbuild does not resolve. A function that ever needs it (a profile named
 * in its environment) loads it from the AWS SDK the Lambda Node.js runtime ships. Run from
 * TypeScript (tests, the local stack), the chain comes from node_modules.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** The credentials the SDK signs with (the fields of the SDK's AwsCredentialIdentity it reads). */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
  readonly credentialScope?: string;
  readonly accountId?: string;
}

export type CredentialProvider = (options?: { forceRefresh?: boolean }) => Promise<Credentials>;

/** What an SDK client passes to its `credentialDefaultProvider` (its resolved configuration). */
export interface ProviderInit {
  profile?: string | undefined;
  logger?: unknown;
  [key: string]: unknown;
}

type ChainFactory = (init: ProviderInit) => CredentialProvider;

/** As the default chain treats them: credentials expiring within five minutes are read again. */
const REFRESH_BEFORE_EXPIRY_MS = 300_000;

/**
 * The package name in a variable: esbuild bundles only requires of literal names, and this one
 * must stay out of the bundle (the alias in serverless.yml would even point it back here).
 */
const DEFAULT_CHAIN_PACKAGE = '@aws-sdk/credential-provider-node';

function loadDefaultChain(): ChainFactory {
  return (require(DEFAULT_CHAIN_PACKAGE) as { defaultProvider: ChainFactory }).defaultProvider;
}

/** The chain's first link applies: no profile named, both static credential variables set. */
export function usesEnvironmentCredentials(
  init: ProviderInit,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const profile = init.profile ?? env.AWS_PROFILE;
  return !profile && Boolean(env.AWS_ACCESS_KEY_ID) && Boolean(env.AWS_SECRET_ACCESS_KEY);
}

/**
 * `credentialDefaultProvider` for the SDK clients (#shared/aws/client-options), and what the
 * bundles get for @aws-sdk/credential-provider-node's `defaultProvider`.
 */
export function defaultProvider(
  init: ProviderInit = {},
  loadChain: () => ChainFactory = loadDefaultChain,
): CredentialProvider {
  let chain: CredentialProvider | undefined;
  let credentials: Credentials | undefined;
  const expiring = (c: Credentials) =>
    c.expiration !== undefined && c.expiration.getTime() - Date.now() < REFRESH_BEFORE_EXPIRY_MS;
  return async (options) => {
    if (!usesEnvironmentCredentials(init)) {
      chain ??= loadChain()(init);
      return chain(options);
    }
    if (!credentials || options?.forceRefresh || expiring(credentials)) {
      credentials = (await fromEnv(init as Parameters<typeof fromEnv>[0])()) as Credentials;
    }
    return credentials;
  };
}
