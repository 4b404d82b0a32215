/**
 * A minimal Cognito wire client for the load generator: AWS JSON 1.1 over node:http with
 * keep-alive. The public operations (SignUp, InitiateAuth, RespondToAuthChallenge) need no
 * signature, and the local pool takes admin calls unsigned. Kept this small on purpose: the SDK's
 * middleware stack would cost the generator CPU that belongs to the measurement.
 */
import http from 'node:http';

export class CognitoCallError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(`${type}: ${message}`);
    this.name = type;
  }
}

export class Wire {
  private readonly agent: http.Agent;
  private readonly url: URL;

  constructor(baseUrl: string, sockets: number) {
    this.url = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** POST / with X-Amz-Target; resolves with the parsed answer, rejects with Cognito's error. */
  async call<T>(operation: string, body: unknown): Promise<T> {
    const { status, text } = await this.request('POST', '/', JSON.stringify(body), {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    });
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (status >= 300) {
      const type = String(parsed.__type ?? `HTTP${status}`)
        .split('#')
        .pop() as string;
      throw new CognitoCallError(type, String(parsed.message ?? parsed.Message ?? ''), status);
    }
    return parsed as T;
  }

  async getJson<T>(path: string): Promise<T> {
    const { status, text } = await this.request('GET', path, undefined, {});
    if (status !== 200) throw new Error(`GET ${path}: HTTP ${status}`);
    return JSON.parse(text) as T;
  }

  close(): void {
    this.agent.destroy();
  }

  private request(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          agent: this.agent,
          headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
