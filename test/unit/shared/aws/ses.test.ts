/**
 * The SES v2 EmailSender (#shared/aws/ses) with the real SDK client, pointed by the SDK's own
 * `AWS_ENDPOINT_URL_SESV2` at an HTTP server on 127.0.0.1 that answers as SES v2 does (restJson1:
 * `POST /v2/email/outbound-emails`, errors named by `x-amzn-ErrorType`). No mock: what goes over
 * the wire is what SES would receive.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, readConfig } from '#shared/config';

type SesModule = typeof import('#shared/aws/ses');

interface Received {
  method: string | undefined;
  path: string | undefined;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

let server: Server;
let received: Received[] = [];
let answer: (res: ServerResponse) => void = () => undefined;
const sockets = new Set<import('node:net').Socket>();

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method,
        path: req.url,
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>,
      });
      answer(res);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.AWS_ENDPOINT_URL_SESV2 = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_SESV2;
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
  answer = (res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"MessageId":"0100-local"}');
  };
});

/** A fresh copy of the modules: the SES client is created (with the endpoint above) on first use. */
function fresh(): SesModule {
  let loaded!: SesModule;
  jest.isolateModules(() => {
    loaded = require('#shared/aws/ses');
  });
  return loaded;
}

const EMAIL = {
  to: 'ada@example.com',
  subject: 'Security notice: ü',
  text: 'Plain text',
  html: '<!DOCTYPE html><p>HTML</p>',
};

describe('sesEmailSender', () => {
  test('sends one SES v2 SendEmail with Simple content (UTF-8 subject, text and HTML) from the sender', async () => {
    const { sesEmailSender } = fresh();
    await sesEmailSender({ from: 'no-reply@example.com' }).send(EMAIL);
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v2/email/outbound-emails');
    expect(request?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/ses\/aws4_request/,
    );
    expect(request?.body).toEqual({
      FromEmailAddress: 'no-reply@example.com',
      Destination: { ToAddresses: ['ada@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: 'Security notice: ü', Charset: 'UTF-8' },
          Body: {
            Text: { Data: 'Plain text', Charset: 'UTF-8' },
            Html: { Data: '<!DOCTYPE html><p>HTML</p>', Charset: 'UTF-8' },
          },
        },
      },
    });
  });

  test('names the configuration set when one is configured', async () => {
    const { sesEmailSender } = fresh();
    await sesEmailSender({ from: 'no-reply@example.com', configurationSet: 'security-mail' }).send(EMAIL);
    expect(received[0]?.body.ConfigurationSetName).toBe('security-mail');
  });

  test('an SES error leaves as a DependencyError naming the service and the error, never the address', async () => {
    answer = (res) => {
      res
        .writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected' })
        .end('{"message":"Email address is not verified: ada@example.com"}');
    };
    const { sesEmailSender } = fresh();
    const error = await sesEmailSender({ from: 'no-reply@example.com' })
      .send(EMAIL)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'DependencyError',
      service: 'SES',
      message: 'SES SendEmail failed: MessageRejected (HTTP 400)',
    });
    expect(JSON.stringify(error)).not.toContain('ada@example.com');
    expect(String((error as Error).stack)).not.toContain('ada@example.com');
    // One attempt only: SendEmail has no idempotency key, a retry could mail twice.
    expect(received).toHaveLength(1);
  });

  test('a throttled SES is not retried either (one attempt)', async () => {
    answer = (res) => {
      res
        .writeHead(429, {
          'content-type': 'application/json',
          'x-amzn-errortype': 'TooManyRequestsException',
        })
        .end('{"message":"Maximum sending rate exceeded."}');
    };
    const { sesEmailSender } = fresh();
    await expect(sesEmailSender({ from: 'no-reply@example.com' }).send(EMAIL)).rejects.toThrow(
      'SES SendEmail failed: TooManyRequestsException (HTTP 429)',
    );
    expect(received).toHaveLength(1);
  });

  test('the deadline signal aborts a request SES never answers', async () => {
    answer = () => undefined; // hold the request open
    const { sesEmailSender } = fresh();
    const started = Date.now();
    const error = await sesEmailSender({ from: 'no-reply@example.com' }, AbortSignal.timeout(150))
      .send(EMAIL)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DependencyError', service: 'SES' });
    // Well before the client's own 2 s request timeout.
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('the SES client is loaded at the first send, not with the module', () => {
  test('importing #shared/aws/ses loads neither the client module nor the SDK; the first send does, once', async () => {
    const loads: string[] = [];
    let ses!: SesModule;
    jest.isolateModules(() => {
      jest.doMock('#shared/aws/ses-client', () => {
        loads.push('ses-client');
        return {
          sesv2: { send: async () => ({ MessageId: 'x' }) },
          SendEmailCommand: class {
            constructor(readonly input: unknown) {}
          },
        };
      });
      ses = require('#shared/aws/ses');
    });
    expect(loads).toEqual([]);
    const sender = ses.sesEmailSender({ from: 'no-reply@example.com' });
    await sender.send(EMAIL);
    await sender.send(EMAIL);
    expect(loads).toEqual(['ses-client']);
    jest.dontMock('#shared/aws/ses-client');
  });
});

describe('emailSettings', () => {
  const read = (env: Record<string, string | undefined>) => {
    const { emailSettings, emailSenderOptions } = fresh();
    return emailSenderOptions(readConfig(emailSettings, env));
  };

  test('no sender (unset or blank): email is off', () => {
    expect(read({})).toBeUndefined();
    expect(read({ SECURITY_EMAIL_FROM: '', SES_CONFIGURATION_SET: '' })).toBeUndefined();
    expect(read({ SECURITY_EMAIL_FROM: '   ' })).toBeUndefined();
  });

  test('a sender, with or without a configuration set', () => {
    expect(read({ SECURITY_EMAIL_FROM: 'no-reply@example.com' })).toEqual({
      from: 'no-reply@example.com',
      configurationSet: undefined,
    });
    expect(
      read({ SECURITY_EMAIL_FROM: 'no-reply@example.com', SES_CONFIGURATION_SET: 'sec_mail-1' }),
    ).toEqual({ from: 'no-reply@example.com', configurationSet: 'sec_mail-1' });
  });

  test.each([
    [
      'a sender that is not an address',
      { SECURITY_EMAIL_FROM: 'Example <no-reply@example.com>' },
      'SECURITY_EMAIL_FROM must be an email address such as no-reply@example.com',
    ],
    [
      'a sender with a line break',
      { SECURITY_EMAIL_FROM: 'a@example.com\nBcc: b@example.com' },
      'SECURITY_EMAIL_FROM must be an email address',
    ],
    [
      'a configuration set with a space',
      { SECURITY_EMAIL_FROM: 'a@example.com', SES_CONFIGURATION_SET: 'my set' },
      'SES_CONFIGURATION_SET must be 1-64 letters, digits, underscores or dashes',
    ],
    [
      'a configuration set too long',
      { SES_CONFIGURATION_SET: 'x'.repeat(65) },
      'SES_CONFIGURATION_SET must be 1-64',
    ],
  ])('%s is refused at cold start, naming the variable', (_what, env, message) => {
    const { emailSettings } = fresh();
    expect(() => readConfig(emailSettings, env)).toThrow(ConfigError);
    expect(() => readConfig(emailSettings, env)).toThrow(message);
  });
});
