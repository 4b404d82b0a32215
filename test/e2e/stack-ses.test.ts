/**
 * The local stack's SES endpoint (local/ses.ts), over the wire: the unmodified AWS SDK v3
 * SESv2Client and the AWS CLI v1 (`aws sesv2 send-email`) send through it, each email lands in the
 * outbox once per recipient (subject, text part as `body`, HTML part, sender), and a bad request
 * gets SES's error shape, so the SDK raises the exception AWS would.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BadRequestException,
  GetAccountCommand,
  SESv2Client,
  SendEmailCommand,
  type SendEmailCommandInput,
} from '@aws-sdk/client-sesv2';
import { usageText } from '../../local/main';
import { SEND_EMAIL_PATH } from '../../local/ses';
import { startTestStack, type TestStack } from '../helpers/local-stack';

let env: TestStack;
let ses: SESv2Client;

beforeAll(async () => {
  env = await startTestStack();
  ses = new SESv2Client({
    region: env.stack.info.region,
    endpoint: env.stack.info.endpoints.ses,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  ses.destroy();
  await env.stop();
});

let serial = 0;
const address = (name: string) => `${name}.${serial++}.${Date.now().toString(36)}@example.com`;

const simple = (to: string[], overrides: Partial<SendEmailCommandInput> = {}): SendEmailCommandInput => ({
  FromEmailAddress: 'no-reply@example.com',
  Destination: { ToAddresses: to },
  Content: {
    Simple: {
      Subject: { Data: 'Security notice: ü', Charset: 'UTF-8' },
      Body: {
        Text: { Data: 'A phone number was added.', Charset: 'UTF-8' },
        Html: { Data: '<p>A phone number was added.</p>', Charset: 'UTF-8' },
      },
    },
  },
  ...overrides,
});

describe('the stack', () => {
  it('serves SES on its own loopback port, next to SNS, and says so in /_local/stack and the banner', async () => {
    const { endpoints } = env.stack.info;
    expect(new URL(endpoints.ses).hostname).toBe('127.0.0.1');
    expect(new Set(Object.values(endpoints)).size).toBe(5);
    const described = (await (await fetch(`${env.url}/_local/stack`)).json()) as {
      endpoints: { ses: string };
    };
    expect(described.endpoints.ses).toBe(endpoints.ses);
    const banner = usageText(env.stack, undefined, false);
    expect(banner).toContain(`SES (email)   ${endpoints.ses}`);
    expect(banner).toContain(`export AWS_ENDPOINT_URL_SESV2=${endpoints.ses}`);
  });

  it('gives the emailing functions a sender locally (stage local), so security emails are on', () => {
    const senders = Object.fromEntries(
      env.stack.definitions.functions
        .filter((fn) => fn.environment.SECURITY_EMAIL_FROM !== undefined)
        .map((fn) => [fn.key, fn.environment.SECURITY_EMAIL_FROM]),
    );
    expect(senders).toEqual({
      createAuthChallenge: 'no-reply@example.com',
      verifyAuthChallenge: 'no-reply@example.com',
    });
  });
});

describe('SendEmail with the AWS SDK v3', () => {
  it('puts the email in the outbox: sender, recipient, subject, text as the body, and the HTML', async () => {
    const to = address('ada');
    const answer = await ses.send(new SendEmailCommand(simple([to])));
    expect(answer.MessageId).toMatch(/^local-[0-9a-f-]{36}$/);
    const [message, ...more] = await env.outbox({ to, channel: 'email' });
    expect(more).toEqual([]);
    expect(message).toMatchObject({
      channel: 'email',
      to,
      from: 'no-reply@example.com',
      subject: 'Security notice: ü',
      body: 'A phone number was added.',
      html: '<p>A phone number was added.</p>',
    });
  });

  it('delivers one outbox message per recipient (To, Cc and Bcc)', async () => {
    const [to, cc, bcc] = [address('to'), address('cc'), address('bcc')];
    await ses.send(
      new SendEmailCommand(
        simple([to], { Destination: { ToAddresses: [to], CcAddresses: [cc], BccAddresses: [bcc] } }),
      ),
    );
    for (const recipient of [to, cc, bcc]) expect(await env.outbox({ to: recipient })).toHaveLength(1);
  });

  it('an HTML-only email is stored with its HTML as the body too', async () => {
    const to = address('html');
    await ses.send(
      new SendEmailCommand(
        simple([to], {
          Content: { Simple: { Subject: { Data: 'S' }, Body: { Html: { Data: '<p>only HTML</p>' } } } },
        }),
      ),
    );
    expect((await env.outbox({ to }))[0]).toMatchObject({
      body: '<p>only HTML</p>',
      html: '<p>only HTML</p>',
    });
  });

  it.each<[string, Partial<SendEmailCommandInput>, RegExp]>([
    ['no recipient', { Destination: { ToAddresses: [] } }, /at least one recipient/],
    [
      'a malformed recipient',
      { Destination: { ToAddresses: ['not-an-address'] } },
      /Destination\.ToAddresses/,
    ],
    ['no sender', { FromEmailAddress: undefined }, /FromEmailAddress is required/],
    [
      'no subject',
      { Content: { Simple: { Subject: undefined as never, Body: { Text: { Data: 'x' } } } } },
      /Subject is required/,
    ],
    ['no body', { Content: { Simple: { Subject: { Data: 'S' }, Body: {} } } }, /needs Text or Html/],
    [
      'raw content',
      { Content: { Raw: { Data: new TextEncoder().encode('From: a@example.com\r\n\r\nx') } } },
      /Simple content only/,
    ],
    [
      'more than 50 recipients',
      { Destination: { ToAddresses: Array.from({ length: 51 }, (_, i) => `r${i}@example.com`) } },
      /Recipient count exceeds 50/,
    ],
  ])(
    '%s: BadRequestException, as SES raises it, and nothing in the outbox',
    async (_what, overrides, message) => {
      const before = (await env.outbox({ channel: 'email' })).length;
      const error = await ses
        .send(new SendEmailCommand(simple([address('bad')], overrides)))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadRequestException);
      expect(error).toMatchObject({ name: 'BadRequestException', $metadata: { httpStatusCode: 400 } });
      expect((error as Error).message).toMatch(message);
      expect((await env.outbox({ channel: 'email' })).length).toBe(before);
    },
  );

  it('another operation is refused by name (the local SES serves SendEmail only)', async () => {
    await expect(ses.send(new GetAccountCommand({}))).rejects.toMatchObject({
      name: 'UnknownOperationException',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('a body that is not JSON gets SES`s error shape: status, x-amzn-ErrorType, message', async () => {
    const response = await fetch(`${env.stack.info.endpoints.ses}${SEND_EMAIL_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    expect(await response.json()).toEqual({ message: 'The request body is not valid JSON' });
  });
});

describe('aws sesv2 send-email (AWS CLI v1)', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'aws-cli-home-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  function aws(args: string[], extra: Record<string, string> = {}) {
    const environment = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_DEFAULT_REGION: env.stack.info.region,
      ...extra,
    };
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'aws',
        ['sesv2', 'send-email', ...args, '--output', 'json'],
        { env: environment, timeout: 30_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  const content = JSON.stringify({
    Simple: {
      Subject: { Data: 'From the CLI' },
      Body: { Text: { Data: 'Sent with aws sesv2 send-email.' } },
    },
  });

  it('sends through --endpoint-url and through AWS_ENDPOINT_URL_SESV2; a bad request fails with SES`s error', async () => {
    const [viaFlag, viaVariable] = [address('cli-flag'), address('cli-env')];
    const [flag, variable, refused] = await Promise.all([
      aws([
        '--endpoint-url',
        env.stack.info.endpoints.ses,
        '--from-email-address',
        'no-reply@example.com',
        '--destination',
        `ToAddresses=${viaFlag}`,
        '--content',
        content,
      ]),
      aws(
        [
          '--from-email-address',
          'no-reply@example.com',
          '--destination',
          `ToAddresses=${viaVariable}`,
          '--content',
          content,
        ],
        { AWS_ENDPOINT_URL_SESV2: env.stack.info.endpoints.ses },
      ),
      aws(
        [
          '--from-email-address',
          'no-reply@example.com',
          '--destination',
          'ToAddresses=nobody',
          '--content',
          content,
        ],
        { AWS_ENDPOINT_URL_SESV2: env.stack.info.endpoints.ses },
      ),
    ]);
    expect(flag).toMatchObject({ code: 0 });
    expect(JSON.parse(flag.stdout)).toEqual({ MessageId: expect.stringMatching(/^local-/) });
    expect(variable).toMatchObject({ code: 0 });
    for (const to of [viaFlag, viaVariable]) {
      expect(await env.outbox({ to })).toEqual([
        expect.objectContaining({ subject: 'From the CLI', body: 'Sent with aws sesv2 send-email.' }),
      ]);
    }
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(
      /\(BadRequestException\) when calling the SendEmail operation: Invalid email address/,
    );
  }, 60_000);
});
