/**
 * The functions exactly as they deploy: `serverless package` (serverless-esbuild with the options
 * of serverless.yml) run offline in a scratch copy of the service, each function's zip unpacked
 * into a folder of its own. Which functions exist is read from the package, so a trigger added to
 * serverless.yml is measured without touching the bench.
 *
 * Each function's environment is serverless.yml's (provider + function), resolved by the same
 * code the local stack uses (local/config.ts) for stage `dev`: CloudFormation references become
 * the table names that stage deploys.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type LocalFunction, loadDefinitions, type SupportedTrigger } from '../local/config';
import { packageService, ROOT } from '../test/package/package-service';

export const BENCH_STAGE = 'dev';

export interface BuiltFunction {
  /** The key under `functions:` in serverless.yml (`preSignUp`). */
  key: string;
  /** The deployed name (`cognito-auth-triggers-dev-preSignUp`). */
  name: string;
  /** The Cognito trigger it is attached to (the first, if several). */
  trigger: SupportedTrigger | undefined;
  /** The TypeScript entry it is built from. */
  sourceFile: string;
  /** Absolute path of the unpacked handler module (`.../functions/pre-signup/handler.js`). */
  handlerFile: string;
  exportName: string;
  /** provider.environment + the function's own, resolved. */
  environment: Record<string, string>;
  memorySize: number;
  /** The zip as uploaded. */
  zipBytes: number;
  /** The handler bundle (handler.js), raw and gzipped (level 6, `gzip`'s default). */
  rawBytes: number;
  gzipBytes: number;
  /** Its source map (mappings only; read by Node at load time under --enable-source-maps). */
  mapBytes: number;
  /** Every file in the zip with its size. */
  files: Array<{ name: string; bytes: number }>;
}

/** Packages the service and unpacks every function under `workDir`. Takes ~20 s. */
export async function buildFunctions(workDir: string): Promise<BuiltFunction[]> {
  const packaged = await packageService(BENCH_STAGE);
  const definitions = loadDefinitions({
    stage: BENCH_STAGE,
    userPoolId: ({ region }) => `${region}_BENCHPOOL`,
    clientId: () => 'benchclient0000000000000000',
  });
  const byKey = new Map<string, LocalFunction>(definitions.functions.map((fn) => [fn.key, fn]));
  const built: BuiltFunction[] = [];
  for (const [zip, entries] of Object.entries(packaged.zips)) {
    const key = zip.replace(/\.zip$/, '');
    const definition = byKey.get(key);
    if (!definition) throw new Error(`${zip} has no function ${key} in serverless.yml`);
    const folder = join(workDir, key);
    for (const entry of entries) {
      const target = join(folder, entry.name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, entry.read());
    }
    const handlerName = `${relative(ROOT, definition.modulePath)}.js`;
    const handler = entries.find((entry) => entry.name === handlerName);
    if (!handler) throw new Error(`${zip} holds no ${handlerName}`);
    const raw = handler.read();
    built.push({
      key,
      name: definition.name,
      trigger: definition.triggers[0],
      sourceFile: `${definition.modulePath}.ts`,
      handlerFile: join(folder, handlerName),
      exportName: definition.exportName,
      environment: definition.environment,
      memorySize: definition.memorySize,
      zipBytes: packaged.zipSizes[zip] ?? 0,
      rawBytes: raw.length,
      gzipBytes: gzipSync(raw, { level: 6 }).length,
      mapBytes: entries.find((entry) => entry.name === `${handlerName}.map`)?.size ?? 0,
      files: entries.map((entry) => ({ name: entry.name, bytes: entry.size })),
    });
  }
  return built.sort((a, b) => order(a.trigger) - order(b.trigger));
}

/** Cognito's order of events: sign-up, then sign-in. */
const TRIGGER_ORDER: string[] = [
  'PreSignUp',
  'CustomMessage',
  'PostConfirmation',
  'PreAuthentication',
  'DefineAuthChallenge',
  'CreateAuthChallenge',
  'VerifyAuthChallengeResponse',
];
const order = (trigger: string | undefined) => {
  const index = TRIGGER_ORDER.indexOf(trigger ?? '');
  return index < 0 ? TRIGGER_ORDER.length : index;
};
