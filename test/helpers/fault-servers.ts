/**
 * Broken AWS endpoints on 127.0.0.1 for the fault-budget tests (test/hardening/fault-budget.test.ts).
 *
 * - `startSilentServer()`: accepts TCP connections and never answers (a hung dependency: the
 *   connection succeeds, so only the request timeout and the invocation's deadline can end it).
 * - `startThrottlingServer(service)`: answers every request at once with the throttling error the
 *   real service sends, in that service's wire protocol, so the unmodified SDK v3 client parses it
 *   into the same exception (and retries it as throttling):
 *     dynamodb: AWS JSON 1.0, HTTP 400, `ThrottlingException` and
 *               `ProvisionedThroughputExceededException` (alternating);
 *     sns:      awsQuery XML, HTTP 400, `Throttling`;
 *     cognito:  AWS JSON 1.1, HTTP 400, `TooManyRequestsException`.
 *
 * Both count what reached them, so a test can also check that a trigger's retries are bounded.
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';

export type FaultService = 'dynamodb' | 'sns' | 'cognito';

export interface FaultServer {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_<SERVICE>`. */
  endpoint: string;
  /** Connections accepted (silent) or requests answered (throttling) so far. */
  hits(): number;
  close(): Promise<void>;
}

/** A server that accepts every connection and never says a word. */
export async function startSilentServer(): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  let hits = 0;
  const server = createTcpServer((socket) => {
    hits += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    // Read and discard whatever the client sends; answer nothing.
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Throttle {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const DYNAMODB_ERRORS = [
  ['ThrottlingException', 'Rate of requests exceeds the allowed throughput.'],
  [
    'ProvisionedThroughputExceededException',
    'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  ],
] as const;

/** The `n`-th throttling answer of `service` (0-based), as the real service sends it. */
export function throttlingResponse(service: FaultService, n: number): Throttle {
  const requestId = randomUUID();
  switch (service) {
    case 'dynamodb': {
      const [name, message] = DYNAMODB_ERRORS[n % DYNAMODB_ERRORS.length] as readonly [string, string];
      return {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId },
        body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${name}`, message }),
      };
    }
    case 'sns':
      return {
        status: 400,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body:
          '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">' +
          '<Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>' +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    case 'cognito':
      return {
        status: 400,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': requestId,
          'x-amzn-errortype': 'TooManyRequestsException:',
        },
        body: JSON.stringify({ __type: 'TooManyRequestsException', message: 'Rate exceeded' }),
      };
  }
}

/** A server that answers every request with `service`'s throttling error. */
export async function startThrottlingServer(service: FaultService): Promise<FaultServer> {
  let hits = 0;
  const server = createHttpServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      const answer = throttlingResponse(service, hits);
      hits += 1;
      response.writeHead(answer.status, {
        ...answer.headers,
        'content-length': String(Buffer.byteLength(answer.body)),
      });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function startFaultServer(kind: 'silent' | 'throttling', service: FaultService): Promise<FaultServer> {
  return kind === 'silent' ? startSilentServer() : startThrottlingServer(service);
}
