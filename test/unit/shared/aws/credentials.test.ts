/**
 * The functions' credential provider (#shared/aws/credentials): the environment's credentials
 * exactly as the SDK's default chain returns them, the default chain itself whenever its first
 * link would not apply, and a bundle without the chain.
 */
import { join } from 'node:path';
import { defaultProvider as sdkDefaultChain } from '@aws-sdk/credential-provider-node';
import { build } from 'esbuild';
import { clientOptions } from '#shared/aws/client-options';
import { type CredentialProvider, defaultProvider, type ProviderInit } from '#shared/aws/credentials';
import { packagingOptions } from '../../../../bench/composition';

const ENV_KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_CREDENTIAL_SCOPE',
  'AWS_ACCOUNT_ID',
  'AWS_PROFILE',
] as const;

let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));
  for (const key of ENV_KEYS) delete process.env[key];
});
afterEach(() => {
  for (const key of ENV_KEYS) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

const LAMBDA_ENV = {
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret/example',
  AWS_SESSION_TOKEN: 'session-token-example',
};

/** A stand-in for the default chain: records what it was built with and how often it ran. */
function fakeChain() {
  const calls: Array<{ init: ProviderInit; options: unknown }> = [];
  const factory =
    (init: ProviderInit): CredentialProvider =>
    async (options) => {
      calls.push({ init, options });
      return { accessKeyId: 'FROM-CHAIN', secretAccessKey: 'chain' };
    };
  return { calls, load: () => factory };
}

describe('with credentials in the environment and no profile (every Lambda function)', () => {
  test.each([
    ['a role session (Lambda)', LAMBDA_ENV],
    ['static keys, no session token', { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 's' }],
    [
      'expiration, scope and account id',
      {
        ...LAMBDA_ENV,
        AWS_CREDENTIAL_EXPIRATION: '2099-01-01T00:00:00Z',
        AWS_CREDENTIAL_SCOPE: 'us-east-1',
        AWS_ACCOUNT_ID: '123456789012',
      },
    ],
  ])('%s: the same credentials as the SDK default chain returns, without loading it', async (_name, env) => {
    Object.assign(process.env, env);
    const chain = fakeChain();
    const ours = await defaultProvider({}, chain.load)();
    const sdk = await sdkDefaultChain({})();
    expect(ours).toEqual(sdk);
    expect(ours).toMatchObject({ $source: { CREDENTIALS_ENV_VARS: 'g' } });
    expect(chain.calls).toHaveLength(0);
  });

  test('read once and kept, as the chain keeps them', async () => {
    Object.assign(process.env, LAMBDA_ENV);
    const provider = defaultProvider({}, fakeChain().load);
    const first = await provider();
    process.env.AWS_SESSION_TOKEN = 'rotated';
    expect(await provider()).toBe(first);
    expect((await provider({ forceRefresh: true })).sessionToken).toBe('rotated');
  });

  test('read again when they expire within five minutes', async () => {
    Object.assign(process.env, LAMBDA_ENV, {
      AWS_CREDENTIAL_EXPIRATION: new Date(Date.now() + 60_000).toISOString(),
    });
    const provider = defaultProvider({}, fakeChain().load);
    await provider();
    process.env.AWS_SESSION_TOKEN = 'rotated';
    expect((await provider()).sessionToken).toBe('rotated');
  });
});

describe('otherwise the default chain itself decides', () => {
  test.each([
    ['AWS_PROFILE is set (the chain prefers the profile)', { ...LAMBDA_ENV, AWS_PROFILE: 'dev' }, {}],
    ['the client names a profile', LAMBDA_ENV, { profile: 'dev' }],
    ['no secret key', { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' }, {}],
    ['no credentials at all', {}, {}],
  ])('%s', async (_name, env, init: ProviderInit) => {
    Object.assign(process.env, env);
    const chain = fakeChain();
    const provider = defaultProvider(init, chain.load);
    expect(await provider({ forceRefresh: false })).toEqual({
      accessKeyId: 'FROM-CHAIN',
      secretAccessKey: 'chain',
    });
    await provider();
    expect(chain.calls).toEqual([
      { init, options: { forceRefresh: false } },
      { init, options: undefined },
    ]);
  });

  test('without a stand-in it is the SDK default chain from node_modules', async () => {
    process.env.AWS_PROFILE = 'no-such-profile-in-this-test';
    const previous = {
      config: process.env.AWS_CONFIG_FILE,
      credentials: process.env.AWS_SHARED_CREDENTIALS_FILE,
    };
    process.env.AWS_CONFIG_FILE = join(__dirname, 'no-such-config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(__dirname, 'no-such-credentials');
    try {
      await expect(defaultProvider({})()).rejects.toThrow(
        /no-such-profile-in-this-test|Could not load credentials/,
      );
    } finally {
      if (previous.config === undefined) delete process.env.AWS_CONFIG_FILE;
      else process.env.AWS_CONFIG_FILE = previous.config;
      if (previous.credentials === undefined) delete process.env.AWS_SHARED_CREDENTIALS_FILE;
      else process.env.AWS_SHARED_CREDENTIALS_FILE = previous.credentials;
    }
  });
});

test('every client of the functions uses it', () => {
  expect(clientOptions.credentialDefaultProvider).toBe(defaultProvider);
});

test('a function bundled with the packaging options carries no part of the default chain', async () => {
  const options = packagingOptions();
  expect(options.alias).toEqual({
    '@aws-sdk/credential-provider-node': './functions/shared/aws/credentials.ts',
  });
  const result = await build({
    ...options,
    absWorkingDir: join(__dirname, '..', '..', '..', '..'),
    entryPoints: ['functions/pre-signup/handler.ts'],
    write: false,
    outdir: 'out',
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs).toContain('functions/shared/aws/credentials.ts');
  expect(
    inputs.filter((input) =>
      /credential-provider-(node|ini|sso|process|web-identity)|nested-clients/.test(input),
    ),
  ).toEqual([]);
});
