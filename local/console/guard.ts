/**
 * Who may use the local console: only this machine, through the stack's own address. The console
 * shows every code and phone number the stack sent and can create invites, so:
 * - the connection must arrive on a loopback address (the stack listens on 127.0.0.1 by default;
 *   started on another interface, the console stays closed);
 * - the Host header must name a loopback host on the stack's port, so a web page whose DNS name
 *   is rebound to 127.0.0.1 cannot read it;
 * - a request carrying an Origin must come from the console itself, so another site open in the
 *   developer's browser cannot create or revoke invites (a cross-site form post carries its
 *   Origin); requests that change something must carry one.
 * No CORS headers are sent for these paths, so no other origin can read an answer either.
 */
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const bare = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** Why a request to the console is refused (a short sentence for a 403), or undefined to let it through. */
export function refusal(
  req: Pick<IncomingMessage, 'method' | 'headers'> & { socket: { localAddress?: string | undefined } },
  port: number,
): string | undefined {
  if (!isLoopbackAddress(req.socket.localAddress)) {
    return 'The local console is served on 127.0.0.1 only.';
  }
  const host = req.headers.host ?? '';
  const colon = host.lastIndexOf(':');
  const name = colon > 0 ? host.slice(0, colon) : host;
  if (!LOOPBACK_HOSTS.has(name) || host.slice(colon + 1) !== String(port)) {
    return `Open the console as http://127.0.0.1:${port}/_local/ui.`;
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) return 'Cross-site requests are refused.';
  if (req.method !== 'GET' && req.method !== 'HEAD' && origin === undefined) {
    return 'Changes are accepted from the console page only.';
  }
  return undefined;
}
