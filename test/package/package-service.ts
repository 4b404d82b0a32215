/**
 * Runs `serverless package` (or `print`) the way a fresh clone on a bare machine would, so a test
 * can read what would be deployed.
 *
 * The service is copied into a temporary directory (node_modules linked, not copied), so several
 * runs can go at once without sharing serverless-esbuild's work folder or the repository's
 * `.serverless`, and nothing is written into the repository. The child gets no AWS credentials,
 * no AWS config files and an empty home directory: packaging must need none of them.
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export const ROOT = join(__dirname, '..', '..');
const SERVERLESS = join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');
/** Top-level entries a fresh clone would not have, or that packaging must not read. */
const NOT_COPIED = new Set([
  'node_modules',
  '.git',
  '.serverless',
  '.esbuild',
  'coverage',
  'reports',
  '.local-data',
]);

export interface Resource {
  Type: string;
  Condition?: string;
  Properties: Record<string, unknown>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface Template {
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown }>;
}

export interface ZipEntry {
  name: string;
  size: number;
  read: () => Buffer;
}

export interface Packaged {
  template: Template;
  /** `<function>.zip` -> its entries. */
  zips: Record<string, ZipEntry[]>;
  /** `<function>.zip` -> its size in bytes. */
  zipSizes: Record<string, number>;
  /** What serverless printed (stdout, then stderr): its warnings, e.g. the package notices. */
  output: string;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Params = Record<string, string>;

/** A scratch copy of the service; `dispose()` removes it. */
function scratchService(): { dir: string; home: string; dispose: () => void } {
  const base = mkdtempSync(join(tmpdir(), 'cat-package-'));
  const dir = join(base, 'service');
  cpSync(ROOT, dir, {
    recursive: true,
    filter: (source) => {
      const top = relative(ROOT, source).split(sep)[0] ?? '';
      return !NOT_COPIED.has(top);
    },
  });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const home = join(base, 'home');
  mkdirSync(home);
  return { dir, home, dispose: () => rmSync(base, { recursive: true, force: true }) };
}

/** Runs the serverless CLI in `cwd` with nothing but PATH and an empty home. */
function runServerless(cwd: string, home: string, args: string[]): Promise<RunResult> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    // No credentials, and no config files to find any in.
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    CI: 'true',
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SERVERLESS, ...args],
      { cwd, env, maxBuffer: 32 * 1024 * 1024, timeout: 290_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function paramArgs(params: Params): string[] {
  return Object.entries(params).flatMap(([name, value]) => ['--param', `${name}=${value}`]);
}

/** `serverless package --stage <stage>`; throws with serverless's output when it fails. */
export async function packageService(stage: string, params: Params = {}): Promise<Packaged> {
  const scratch = scratchService();
  try {
    const out = join(scratch.dir, 'artifacts');
    const result = await runServerless(scratch.dir, scratch.home, [
      'package',
      '--stage',
      stage,
      '--package',
      out,
      ...paramArgs(params),
    ]);
    if (result.code !== 0) {
      throw new Error(`serverless package failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
    }
    const template = JSON.parse(
      readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as Template;
    const zips: Record<string, ZipEntry[]> = {};
    const zipSizes: Record<string, number> = {};
    for (const file of readdirSync(out).filter((name) => name.endsWith('.zip'))) {
      const bytes = readFileSync(join(out, file));
      zips[file] = readZip(bytes);
      zipSizes[file] = statSync(join(out, file)).size;
    }
    return { template, zips, zipSizes, output: `${result.stdout}\n${result.stderr}` };
  } finally {
    scratch.dispose();
  }
}

/** `serverless print --format json`: the configuration with every variable resolved. */
export async function printService(stage: string, params: Params = {}): Promise<RunResult> {
  const scratch = scratchService();
  try {
    return await runServerless(scratch.dir, scratch.home, [
      'print',
      '--stage',
      stage,
      '--format',
      'json',
      ...paramArgs(params),
    ]);
  } finally {
    scratch.dispose();
  }
}

/**
 * The entries of a zip archive, read from its central directory (stored or deflated entries,
 * which is all serverless writes). Enough to look inside a Lambda package without a dependency.
 */
export function readZip(zip: Buffer): ZipEntry[] {
  const endOfDirectory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOfDirectory < 0) throw new Error('not a zip archive');
  const count = zip.readUInt16LE(endOfDirectory + 10);
  let at = zip.readUInt32LE(endOfDirectory + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    entries.push({
      name,
      size,
      read: () => {
        const start =
          localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
        const data = zip.subarray(start, start + compressedSize);
        return method === 8 ? inflateRawSync(data) : Buffer.from(data);
      },
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
