/**
 * Client and local stack share one process (and one event loop) in these tests. When the machine
 * is busy, a pooled keep-alive connection that sat idle can be closed by the local pool's HTTP
 * server (keepAliveTimeout) at the very moment the client reuses it: the request never reaches the
 * server and fetch fails with ECONNRESET. Browsers send such a request again on a new connection;
 * this does the same for the global fetch (used by amazon-cognito-identity-js and the tests), once,
 * and only for a connection reset: any answer from the server, or any other failure, is returned
 * as it is.
 */
export function retryFetchOnReset(): () => void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
    try {
      return await realFetch(...args);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      if (cause?.code !== 'ECONNRESET') throw error;
      return realFetch(...args);
    }
  };
  return () => {
    globalThis.fetch = realFetch;
  };
}
