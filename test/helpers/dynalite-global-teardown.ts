import type { startDynalite } from './dynalite';

export default async function globalTeardown(): Promise<void> {
  const engine = (globalThis as { __dynalite__?: Awaited<ReturnType<typeof startDynalite>> }).__dynalite__;
  await engine?.close();
}
