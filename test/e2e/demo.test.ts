/**
 * The demo story (`npm run demo`) passes: in-process against a test stack, and as the real
 * command a newcomer runs, which starts a stack of its own and must exit 0. How it fails at a
 * step is in demo-failure.test.ts (a stack configured to misbehave).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runDemo } from '../../local/demo';
import { startTestStack, type TestStack } from '../helpers/local-stack';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
});
afterAll(() => env.stop());

describe('the demo story', () => {
  it('holds at every step against a running stack (--url)', async () => {
    let output = '';
    const result = await runDemo({ url: env.url, tty: false, write: (text) => (output += text) });
    expect(result.failure).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.passed).toHaveLength(10);
    expect(output).toContain('All 10 steps behaved as they should.');
    // The story shows what a user sees: the SMS with its code, the masked destination.
    expect(output).toMatch(/SMS to \+1415555\d{4}: "\d{6} /);
    expect(output).not.toMatch(/✗/);
  }, 90_000);

  it('can be told again against the same stack (fresh user, fresh phone)', async () => {
    const result = await runDemo({ url: env.url, tty: false, write: () => undefined });
    expect(result.ok).toBe(true);
  }, 90_000);

  it('with no stack at the URL, fails before any step and names the address that did not answer', async () => {
    let output = '';
    await expect(
      runDemo({ url: 'http://127.0.0.1:9', tty: false, write: (text) => (output += text) }),
    ).rejects.toThrow(/^no local stack answers at http:\/\/127\.0\.0\.1:9 \(GET \/_local\/stack: /);
    expect(output).toBe('');
  });

  it('`npm run demo` starts its own stack and exits 0', () => {
    const root = join(__dirname, '..', '..');
    const run = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'local/demo.ts'],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, FORCE_COLOR: '0' },
      },
    );
    expect(run.stdout).toContain('All 10 steps behaved as they should.');
    expect(run.status).toBe(0);
  }, 90_000);
});
