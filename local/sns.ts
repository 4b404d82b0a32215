/**
 * An SNS-compatible endpoint for the local stack: just enough of Amazon SNS for the triggers'
 * direct SMS sends (`Publish` with `PhoneNumber`), which land in the outbox instead of a phone.
 *
 * Wire protocol, as the unmodified AWS SDK v3 SNS client speaks it (awsQuery): a form-encoded POST
 * `Action=Publish&Version=2010-03-31&PhoneNumber=...&Message=...&MessageAttributes.entry.N.Name=...
 * &MessageAttributes.entry.N.Value.DataType=...&MessageAttributes.entry.N.Value.StringValue=...`,
 * answered with a `PublishResponse` XML document, or with SNS's XML `ErrorResponse` (the SDK maps
 * its `Code` to the exception class, e.g. `InvalidParameter` -> `InvalidParameterException`).
 *
 * Checks mirror SNS's own for direct SMS: an E.164 phone number, a non-empty message within
 * SNS's size limit, a known `AWS.SNS.SMS.SMSType`. The account's read-only SMS questions (sandbox
 * status, spend limit) are answered too (sns-account.ts). Topics and other actions are refused
 * clearly: nothing in this project uses them. Signatures are not checked (there are no real
 * credentials).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Outbox } from './outbox';
import { ACCOUNT_ACTIONS, accountAnswer, DEFAULT_SMS_ACCOUNT, type SmsAccount } from './sns-account';

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
/** SNS rejects messages over 256 KB. */
const MAX_MESSAGE_BYTES = 256 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;
const E164 = /^\+[1-9]\d{1,14}$/;
const SMS_TYPES = new Set(['Promotional', 'Transactional']);

/** A message attribute as the SDK sends it. */
export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
}

/** One accepted publish, as handed to the outbox. */
export interface SmsPublish {
  messageId: string;
  phoneNumber: string;
  message: string;
  attributes: Record<string, MessageAttribute>;
}

/** An error in SNS's shape: its `code` becomes the SDK exception (`<code>Exception`). */
export class SnsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

/** The form parameters of a request -> the accepted publish, or an `SnsError`. Pure. */
export function parsePublish(params: URLSearchParams): Omit<SmsPublish, 'messageId'> {
  const action = params.get('Action');
  if (action !== 'Publish') {
    throw new SnsError(
      400,
      'InvalidAction',
      `Could not find operation ${action ?? '(none)'} for version 2010-03-31 (the local SNS serves Publish, ${ACCOUNT_ACTIONS.join(', ')})`,
    );
  }
  if (params.has('TopicArn') || params.has('TargetArn')) {
    throw new SnsError(
      400,
      'InvalidParameter',
      'Invalid parameter: the local SNS sends direct SMS only (PhoneNumber)',
    );
  }
  const phoneNumber = params.get('PhoneNumber');
  if (phoneNumber === null || phoneNumber === '') {
    throw new SnsError(
      400,
      'InvalidParameter',
      'Invalid parameter: PhoneNumber, TopicArn or TargetArn is required',
    );
  }
  if (!E164.test(phoneNumber)) {
    throw new SnsError(
      400,
      'InvalidParameter',
      `Invalid parameter: PhoneNumber Reason: ${phoneNumber} is not valid to publish to`,
    );
  }
  const message = params.get('Message');
  if (message === null || message.trim() === '') {
    throw new SnsError(400, 'InvalidParameter', 'Invalid parameter: Empty message');
  }
  if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES) {
    throw new SnsError(400, 'InvalidParameter', 'Invalid parameter: Message too long');
  }
  const attributes = parseMessageAttributes(params);
  const smsType = attributes['AWS.SNS.SMS.SMSType']?.StringValue;
  if (smsType !== undefined && !SMS_TYPES.has(smsType)) {
    throw new SnsError(
      400,
      'InvalidParameter',
      'Invalid parameter: MessageAttributes Reason: AWS.SNS.SMS.SMSType must be Promotional or Transactional',
    );
  }
  return { phoneNumber, message, attributes };
}

/** `MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue}` -> a map by name. */
function parseMessageAttributes(params: URLSearchParams): Record<string, MessageAttribute> {
  const attributes: Record<string, MessageAttribute> = {};
  for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const name = params.get(`MessageAttributes.entry.${n}.Name`) ?? '';
    const dataType = params.get(`MessageAttributes.entry.${n}.Value.DataType`);
    if (!dataType) {
      throw new SnsError(
        400,
        'InvalidParameter',
        `Invalid parameter: MessageAttributes Reason: the attribute ${name} has no DataType`,
      );
    }
    const value = params.get(`MessageAttributes.entry.${n}.Value.StringValue`);
    attributes[name] = { DataType: dataType, ...(value === null ? {} : { StringValue: value }) };
  }
  return attributes;
}

export function publishResponseXml(messageId: string, requestId: string): string {
  return `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`;
}

export function errorResponseXml(error: SnsError, requestId: string): string {
  return `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${error.type}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface LocalSnsOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  outbox: Pick<Outbox, 'add'>;
  /** Called for each accepted publish (e.g. to count sends). */
  onPublish?: (publish: SmsPublish) => void;
  /** What GetSMSSandboxAccountStatus and GetSMSAttributes answer (default DEFAULT_SMS_ACCOUNT). */
  account?: SmsAccount;
}

export interface LocalSns {
  url: string;
  close(): Promise<void>;
}

export async function startLocalSns(options: LocalSnsOptions): Promise<LocalSns> {
  const server = createServer((req, res) => {
    handle(req, res, options).catch((error: unknown) => {
      const failure = new SnsError(500, 'InternalError', 'The local SNS failed', 'Receiver');
      console.error('local SNS:', error);
      if (!res.headersSent) sendXml(res, failure.status, errorResponseXml(failure, randomUUID()));
    });
  });
  return listen(server, options.host ?? '127.0.0.1', options.port);
}

async function handle(req: IncomingMessage, res: ServerResponse, options: LocalSnsOptions): Promise<void> {
  const requestId = randomUUID();
  try {
    if (req.method !== 'POST') throw new SnsError(405, 'InvalidAction', 'The local SNS accepts POST only');
    const params = new URLSearchParams(await readBody(req));
    const answer = accountAnswer(params, options.account ?? DEFAULT_SMS_ACCOUNT, requestId);
    if (answer !== undefined) return sendXml(res, 200, answer, requestId);
    const publish: SmsPublish = { messageId: randomUUID(), ...parsePublish(params) };
    options.outbox.add({ channel: 'sms', to: publish.phoneNumber, body: publish.message });
    options.onPublish?.(publish);
    sendXml(res, 200, publishResponseXml(publish.messageId, requestId), requestId);
  } catch (error) {
    if (!(error instanceof SnsError)) throw error;
    sendXml(res, error.status, errorResponseXml(error, requestId), requestId);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SnsError(413, 'RequestEntityTooLarge', 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendXml(res: ServerResponse, status: number, xml: string, requestId?: string): void {
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(xml),
    ...(requestId ? { 'x-amzn-requestid': requestId } : {}),
  });
  res.end(xml);
}

/** Listens on host:port and returns the URL and a close() that also drops idle keep-alive sockets. */
export function listen(
  server: Server,
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${address.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeIdleConnections();
          }),
      });
    });
  });
}
