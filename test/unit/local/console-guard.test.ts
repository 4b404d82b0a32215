/**
 * Who may use the local console (local/console/guard.ts): this machine only, through the stack's
 * own loopback address, and changes only from the console's own page.
 */
import { isLoopbackAddress, refusal } from '../../../local/console/guard';

const PORT = 9229;
const request = (
  headers: Record<string, string | undefined>,
  { method = 'GET', localAddress = '127.0.0.1' }: { method?: string; localAddress?: string } = {},
) => ({ method, headers: { host: `127.0.0.1:${PORT}`, ...headers }, socket: { localAddress } });

describe('the local console guard', () => {
  it('lets the console page read and change through 127.0.0.1, localhost or [::1] on the stack port', () => {
    expect(refusal(request({}), PORT)).toBeUndefined();
    expect(refusal(request({ host: `localhost:${PORT}` }), PORT)).toBeUndefined();
    expect(refusal(request({ host: `[::1]:${PORT}` }, { localAddress: '::1' }), PORT)).toBeUndefined();
    expect(
      refusal(request({ origin: `http://127.0.0.1:${PORT}` }, { method: 'POST' }), PORT),
    ).toBeUndefined();
  });

  it('refuses a connection that did not arrive on a loopback address', () => {
    expect(refusal(request({}, { localAddress: '192.168.1.20' }), PORT)).toBe(
      'The local console is served on 127.0.0.1 only.',
    );
    expect(refusal(request({}, { localAddress: '::ffff:10.0.0.5' }), PORT)).toBeDefined();
  });

  it('refuses a Host that is not a loopback name on the stack port (DNS rebinding)', () => {
    expect(refusal(request({ host: `evil.example:${PORT}` }), PORT)).toBe(
      `Open the console as http://127.0.0.1:${PORT}/_local/ui.`,
    );
    expect(refusal(request({ host: '127.0.0.1:80' }), PORT)).toBeDefined();
    expect(refusal(request({ host: undefined }), PORT)).toBeDefined();
  });

  it('refuses another origin, and a change without any origin', () => {
    expect(refusal(request({ origin: 'https://evil.example' }), PORT)).toBe(
      'Cross-site requests are refused.',
    );
    expect(refusal(request({ origin: 'https://evil.example' }, { method: 'POST' }), PORT)).toBe(
      'Cross-site requests are refused.',
    );
    expect(refusal(request({}, { method: 'POST' }), PORT)).toBe(
      'Changes are accepted from the console page only.',
    );
  });

  it('knows the loopback addresses, IPv4-mapped ones included', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].map(isLoopbackAddress)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['0.0.0.0', '10.0.0.1', '::', '', undefined].map(isLoopbackAddress)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
