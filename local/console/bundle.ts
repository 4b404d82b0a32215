/**
 * The browser code of the console and of the example sign-in page, bundled with esbuild when
 * first asked for (so `npm start` does not wait for it) and kept for the life of the process.
 */
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(__dirname, '..', '..');

export const ENTRY_POINTS = {
  console: join(ROOT, 'local', 'console', 'page', 'console.ts'),
  signIn: join(ROOT, 'examples', 'sign-in', 'sign-in.ts'),
} as const;

const built = new Map<keyof typeof ENTRY_POINTS, Promise<string>>();

/** The bundled JavaScript of one page (an ES module for today's browsers). */
export function bundle(name: keyof typeof ENTRY_POINTS): Promise<string> {
  let result = built.get(name);
  if (!result) {
    result = build({
      entryPoints: [ENTRY_POINTS[name]],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      sourcemap: 'inline',
      logLevel: 'silent',
    }).then((output) => output.outputFiles[0]?.text ?? '');
    // A failed build is not kept: fix the file and reload.
    result.catch(() => built.delete(name));
    built.set(name, result);
  }
  return result;
}
