/**
 * AWS answered locally, for the cold and warm runs: DynamoDB (AWS JSON 1.0), Cognito user-pool
 * admin calls (AWS JSON 1.1) and SNS (awsQuery, XML), each with a canned success response.
 *
 * A scenario (bench/scenarios.ts) supplies the response bodies its success path needs (the invite
 * a GetItem finds, the code record an UpdateItem returns); every other operation gets the
 * empty success of its kind. An operation neither knows is refused with a 400, so a trigger that
 * starts calling something new fails the bench instead of being timed against a wrong answer.
 *
 * Two ways to serve the same answers:
 * - `startStubServer`: a real HTTP server on 127.0.0.1 (cold runs: a fresh process opens its
 *   connections as it would in Lambda, and every request is counted);
 * - `installInProcessHttp`: replaces `http.request` in the current process with a fake that
 *   answers without a socket (warm runs: 100,000 invocations would otherwise time the loopback).
 *   The SDK's own work per call (serialising, signing, retry bookkeeping, parsing) still runs.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http, { type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

/** `dynamodb:GetItem`, `cognito:AdminAddUserToGroup`, `sns:Publish` -> the JSON body to answer. */
export type CannedResponses = Record<string, unknown>;

export interface StubReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_PROTOCOLS: Record<string, { service: string; contentType: string }> = {
  DynamoDB_20120810: { service: 'dynamodb', contentType: 'application/x-amz-json-1.0' },
  AWSCognitoIdentityProviderService: { service: 'cognito', contentType: 'application/x-amz-json-1.1' },
};

/** The empty success of every operation the triggers may call on a success path. */
const DEFAULTS: CannedResponses = {
  'dynamodb:GetItem': {},
  'dynamodb:PutItem': {},
  'dynamodb:UpdateItem': {},
  'dynamodb:DeleteItem': {},
  'dynamodb:TransactWriteItems': {},
  'dynamodb:Query': { Items: [], Count: 0, ScannedCount: 0 },
  'cognito:AdminAddUserToGroup': {},
  'cognito:AdminUpdateUserAttributes': {},
  'sns:Publish': {},
  'ses:SendEmail': { MessageId: 'bench' },
};

/** Which operation a request is: `X-Amz-Target` for the JSON protocols, `Action=` for awsQuery. */
export function operationOf(headers: IncomingHttpHeaders | Record<string, unknown>, body: string): string {
  const target = headerValue(headers, 'x-amz-target');
  if (target) {
    const [prefix, operation] = target.split('.');
    const protocol = JSON_PROTOCOLS[prefix ?? ''];
    return `${protocol?.service ?? prefix}:${operation}`;
  }
  // SES v2 is REST-JSON (POST /v2/email/outbound-emails): no target header; its body names the sender.
  if (body.startsWith('{') && body.includes('"FromEmailAddress"')) return 'ses:SendEmail';
  const action = new URLSearchParams(body).get('Action');
  return action ? `sns:${action}` : 'unknown:unknown';
}

/** The JSON answer of an operation, or undefined when neither the scenario nor the defaults know it. */
export function cannedBody(operation: string, responses: CannedResponses): unknown {
  return operation in responses ? responses[operation] : DEFAULTS[operation];
}

export function reply(operation: string, responses: CannedResponses): StubReply {
  const requestId = randomUUID();
  const [service] = operation.split(':');
  const known = operation in responses || operation in DEFAULTS;
  if (!known) {
    return {
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
      body: JSON.stringify({ __type: 'UnknownOperationException', message: `bench stub: ${operation}` }),
    };
  }
  if (service === 'sns') {
    const action = operation.slice(4);
    return {
      status: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body:
        `<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${action}Result>` +
        `<MessageId>${randomUUID()}</MessageId></${action}Result>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    };
  }
  const contentType =
    service === 'dynamodb'
      ? 'application/x-amz-json-1.0'
      : service === 'ses'
        ? 'application/json'
        : 'application/x-amz-json-1.1';
  return {
    status: 200,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId },
    body: JSON.stringify(responses[operation] ?? DEFAULTS[operation]),
  };
}

function headerValue(headers: Record<string, unknown>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return undefined;
}

export interface StubServer {
  url: string;
  /** The answers for the next requests. */
  use(responses: CannedResponses): void;
  /** Requests received per operation since the last call (and resets the count). */
  takeCounts(): Record<string, number>;
  close(): Promise<void>;
}

export async function startStubServer(): Promise<StubServer> {
  let responses: CannedResponses = {};
  let counts: Record<string, number> = {};
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const operation = operationOf(req.headers, body);
      counts[operation] = (counts[operation] ?? 0) + 1;
      const answer = reply(operation, responses);
      res.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    use: (next) => {
      responses = next;
    },
    takeCounts: () => {
      const taken = counts;
      counts = {};
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A socket that is already connected and never times out: what the SDK's timers look at. */
const fakeSocket = Object.assign(new EventEmitter(), {
  connecting: false,
  setTimeout: () => fakeSocket,
  setKeepAlive: () => fakeSocket,
  setNoDelay: () => fakeSocket,
  destroy: () => fakeSocket,
});

/** Just enough of http.ClientRequest for @smithy/node-http-handler. */
class InProcessRequest extends EventEmitter {
  readonly socket = fakeSocket;
  destroyed = false;
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly options: RequestOptions,
    private readonly answer: (operation: string) => StubReply,
    private readonly onResponse?: (res: http.IncomingMessage) => void,
  ) {
    super();
  }

  write(chunk: string | Uint8Array): boolean {
    this.chunks.push(Buffer.from(chunk));
    return true;
  }

  end(chunk?: string | Uint8Array | (() => void)): this {
    if (chunk !== undefined && typeof chunk !== 'function') this.chunks.push(Buffer.from(chunk));
    // A network answer arrives in a later turn of the event loop, never synchronously.
    setImmediate(() => this.respond());
    return this;
  }

  destroy(): this {
    this.destroyed = true;
    return this;
  }

  setTimeout(): this {
    return this;
  }

  setNoDelay(): void {}

  setSocketKeepAlive(): void {}

  private respond(): void {
    if (this.destroyed) return;
    const body = Buffer.concat(this.chunks).toString('utf8');
    const answer = this.answer(operationOf((this.options.headers ?? {}) as Record<string, unknown>, body));
    const res = new Readable({ read() {} }) as Readable & Partial<http.IncomingMessage>;
    res.statusCode = answer.status;
    res.statusMessage = answer.status === 200 ? 'OK' : 'Bad Request';
    res.headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) };
    res.complete = true;
    res.push(Buffer.from(answer.body, 'utf8'));
    res.push(null);
    res.once('end', () => this.emit('close'));
    this.emit('response', res);
    this.onResponse?.(res as http.IncomingMessage);
  }
}

/**
 * From now on every `http.request` in this process is answered in-process from `responses`, and
 * counted into `counts`. Must run before the code under test sends its first request (the SDK
 * picks up `http.request` when its first request is made).
 */
export function installInProcessHttp(responses: CannedResponses, counts: Record<string, number>): void {
  const fake = (...args: unknown[]): InProcessRequest => {
    const options = (
      typeof args[0] === 'object' && !(args[0] instanceof URL) ? args[0] : args[1]
    ) as RequestOptions;
    const callback = args.find((arg) => typeof arg === 'function') as
      | ((res: http.IncomingMessage) => void)
      | undefined;
    return new InProcessRequest(
      options ?? {},
      (operation) => {
        counts[operation] = (counts[operation] ?? 0) + 1;
        return reply(operation, responses);
      },
      callback,
    );
  };
  (http as unknown as { request: unknown }).request = fake;
}
