/**
 * What a bundle is made of, and what zod costs at start.
 *
 * Composition: each function is rebuilt with esbuild using serverless.yml's `custom.esbuild`
 * options (the ones serverless-esbuild applies) plus a metafile, and the output bytes are summed
 * per npm package (our own code is `(project)`). The rebuilt size is reported next to the
 * packaged one, so a drift between the two builds would show.
 *
 * The zod experiment: three tiny handlers that validate a PreSignUp event and nothing else,
 * bundled with the same options and timed cold alongside the real functions:
 * - `zod-classic`: one PreSignUp schema written with `import { z } from 'zod'` (what
 *   functions/shared does);
 * - `zod-mini`: the same schema with `zod/mini` (same validation, functional API);
 * - `zod-events`: the project's own `#shared/events` module as it is at run time, validating the
 *   event with `preSignUpEvent`: what the functions' schemas cost today.
 */
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { readYaml } from '../local/config';
import { ROOT } from '../test/package/package-service';

/** serverless.yml's custom.esbuild, as esbuild options (serverless-only keys dropped). */
export function packagingOptions(): BuildOptions {
  const config = readYaml(join(ROOT, 'serverless.yml')) as { custom?: { esbuild?: Record<string, unknown> } };
  const options = { ...(config.custom?.esbuild ?? {}) };
  for (const key of ['exclude', 'concurrency', 'packager', 'zipConcurrency', 'keepOutputDirectory'])
    delete options[key];
  return options as BuildOptions;
}

export interface Composition {
  /** Output bytes of handler.js as rebuilt here. */
  bytes: number;
  /** Package -> bytes in the output, largest first. */
  packages: Array<{ name: string; bytes: number }>;
}

function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return '(project)';
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? input);
}

export async function composition(entry: string, workDir: string): Promise<Composition> {
  const outfile = join(workDir, 'composition', relative(ROOT, entry).replace(/\.ts$/, '.js'));
  const result = await build({
    ...packagingOptions(),
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  return summarise(result.metafile, outfile);
}

function summarise(metafile: Metafile, outfile: string): Composition {
  const output = Object.entries(metafile.outputs).find(
    ([path]) => path.endsWith('.js') && outfile.endsWith(path),
  );
  const [, out] = output ?? Object.entries(metafile.outputs).find(([path]) => path.endsWith('.js')) ?? [];
  if (!out) throw new Error('esbuild wrote no JavaScript output');
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
    const name = packageOf(input);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return {
    bytes: out.bytes,
    packages: [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
  };
}

const ZOD_CLASSIC = `import { z } from 'zod';
const stringMap = z.record(z.string(), z.string());
const optionalStringMap = stringMap.nullish().transform((value) => value ?? {});
const schema = z.looseObject({
  version: z.string().optional(),
  region: z.string().optional(),
  triggerSource: z.enum(['PreSignUp_SignUp', 'PreSignUp_AdminCreateUser', 'PreSignUp_ExternalProvider']),
  userPoolId: z.string(),
  userName: z.string(),
  callerContext: z.looseObject({ awsSdkVersion: z.string().optional(), clientId: z.string().optional() }).optional(),
  request: z.looseObject({ userAttributes: stringMap, validationData: optionalStringMap, clientMetadata: optionalStringMap }),
  response: z.looseObject({
    autoConfirmUser: z.boolean().optional(),
    autoVerifyEmail: z.boolean().optional(),
    autoVerifyPhone: z.boolean().optional(),
  }),
});
export const handler = async (event) => ({ ok: schema.safeParse(event).success });
`;

const ZOD_MINI = `import * as z from 'zod/mini';
const stringMap = z.record(z.string(), z.string());
const optionalStringMap = z.pipe(z.nullish(stringMap), z.transform((value) => value ?? {}));
const schema = z.looseObject({
  version: z.optional(z.string()),
  region: z.optional(z.string()),
  triggerSource: z.enum(['PreSignUp_SignUp', 'PreSignUp_AdminCreateUser', 'PreSignUp_ExternalProvider']),
  userPoolId: z.string(),
  userName: z.string(),
  callerContext: z.optional(z.looseObject({ awsSdkVersion: z.optional(z.string()), clientId: z.optional(z.string()) })),
  request: z.looseObject({ userAttributes: stringMap, validationData: optionalStringMap, clientMetadata: optionalStringMap }),
  response: z.looseObject({
    autoConfirmUser: z.optional(z.boolean()),
    autoVerifyEmail: z.optional(z.boolean()),
    autoVerifyPhone: z.optional(z.boolean()),
  }),
});
export const handler = async (event) => ({ ok: schema.safeParse(event).success });
`;

const ZOD_EVENTS = `import { preSignUpEvent } from '#shared/events';
export const handler = async (event) => ({ ok: preSignUpEvent.safeParse(event).success });
`;

export interface ZodBundle {
  id: 'zod-classic' | 'zod-mini' | 'zod-events';
  label: string;
  handlerFile: string;
  bytes: number;
}

/** Builds the three experiment handlers under `workDir` with the packaging options. */
export async function buildZodExperiment(workDir: string): Promise<ZodBundle[]> {
  const sources = [
    { id: 'zod-classic', label: "PreSignUp schema, import { z } from 'zod'", source: ZOD_CLASSIC },
    { id: 'zod-mini', label: "same schema, import * as z from 'zod/mini'", source: ZOD_MINI },
    {
      id: 'zod-events',
      label: 'preSignUpEvent of functions/shared/events.ts as it is now',
      source: ZOD_EVENTS,
    },
  ] as const;
  const folder = join(workDir, 'zod-experiment');
  mkdirSync(folder, { recursive: true });
  const bundles: ZodBundle[] = [];
  for (const { id, label, source } of sources) {
    // Inside the repository so `#shared/*` and node_modules resolve as for the functions.
    const outfile = join(folder, `${id}.js`);
    const result = await build({
      ...packagingOptions(),
      absWorkingDir: ROOT,
      stdin: { contents: source, resolveDir: join(ROOT, 'functions'), sourcefile: `${id}.ts`, loader: 'ts' },
      outfile,
      metafile: true,
      logLevel: 'silent',
    });
    const bytes =
      Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('.js'))?.[1].bytes ?? 0;
    bundles.push({ id, label, handlerFile: outfile, bytes });
  }
  return bundles;
}
