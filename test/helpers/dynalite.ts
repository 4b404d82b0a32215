/** Starts dynalite (an in-memory DynamoDB engine) on a free loopback port. */
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

export async function startDynalite(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
