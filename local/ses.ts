/**
 * An SES-compatible endpoint for the local stack: just enough of Amazon SES API v2 for the emails
 * the triggers and the users CLI send (`SendEmail` with Simple content), which land in the outbox
 * instead of a mailbox, one message per recipient (channel `email`; `body` is the text part, `html`
 * the HTML part, `from` the sender).
 *
 * Wire protocol, as the unmodified AWS SDK v3 SESv2Client (and the AWS CLI's `aws sesv2
 * send-email`) speak it (restJson1): `POST /v2/email/outbound-emails` with a JSON body
 * `{ FromEmailAddress, Destination: { ToAddresses, CcAddresses, BccAddresses }, Content: { Simple:
 * { Subject: { Data, Charset }, Body: { Text, Html } } }, ConfigurationSetName, ... }`, answered
 * with `{ "MessageId": ... }`, or with SES's error shape: the HTTP status, the error's name in the
 * `x-amzn-ErrorType` header and `{ "message": ... }` (the SDK maps the name to its exception class,
 * e.g. `BadRequestException`). https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html
 *
 * Checks mirror SES's own for a Simple message: a sender, 1 to 50 recipients, well-formed
 * addresses, a subject, a text or HTML body, a message within SES's size limit. Raw and templated
 * messages and every other operation are refused clearly: nothing in this project uses them.
 * Identities are not checked (every sender counts as verified) and neither are signatures.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Outbox } from './outbox';
import { listen } from './sns';

export const SEND_EMAIL_PATH = '/v2/email/outbound-emails';
/** SES v2 accepts messages up to 40 MB; the local endpoint reads bodies up to this. */
const MAX_BODY_BYTES = 41 * 1024 * 1024;
const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;
/** SES: at most 50 recipients (To, Cc and Bcc together) per message. */
const MAX_RECIPIENTS = 50;
/** An address as SES takes it: `local@domain`, optionally with a display name `Name <local@domain>`. */
const ADDRESS = /^(?:[^<>\r\n]*<)?([^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)>?$/;

/** One accepted email, as handed to the outbox (once per recipient). */
export interface SentEmail {
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text?: string | undefined;
  html?: string | undefined;
  configurationSet?: string | undefined;
}

/** An error in SES v2's shape: `name` becomes the SDK exception (`BadRequestException`, ...). */
export class SesError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

const bad = (message: string) => new SesError(400, 'BadRequestException', message);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function addresses(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw bad(`${field} must be a list of email addresses`);
  }
  return (value as string[]).map((address) => {
    if (!ADDRESS.test(address.trim())) throw bad(`Invalid email address: ${field} has a malformed address`);
    return address.trim();
  });
}

function content(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || typeof value.Data !== 'string') throw bad(`${field}.Data is required`);
  if (value.Charset !== undefined && typeof value.Charset !== 'string')
    throw bad(`${field}.Charset must be text`);
  return value.Data;
}

/** The JSON body of a SendEmail request -> the accepted email, or an `SesError`. Pure. */
export function parseSendEmail(body: unknown): Omit<SentEmail, 'messageId'> {
  if (!isObject(body)) throw bad('The request body must be a JSON object');
  const from = body.FromEmailAddress;
  if (typeof from !== 'string' || from.trim() === '') throw bad('FromEmailAddress is required');
  if (!ADDRESS.test(from.trim())) throw bad('Invalid email address: FromEmailAddress is malformed');
  const destination = body.Destination;
  if (destination !== undefined && !isObject(destination)) throw bad('Destination must be an object');
  const to = addresses(destination?.ToAddresses, 'Destination.ToAddresses');
  const cc = addresses(destination?.CcAddresses, 'Destination.CcAddresses');
  const bcc = addresses(destination?.BccAddresses, 'Destination.BccAddresses');
  const recipients = to.length + cc.length + bcc.length;
  if (recipients === 0) throw bad('Destination must name at least one recipient');
  if (recipients > MAX_RECIPIENTS) throw bad(`Recipient count exceeds ${MAX_RECIPIENTS}`);

  const message = body.Content;
  if (!isObject(message)) throw bad('Content is required');
  const kinds = ['Simple', 'Raw', 'Template'].filter((kind) => message[kind] !== undefined);
  if (kinds.length !== 1) throw bad('Content must have exactly one of Simple, Raw or Template');
  if (kinds[0] !== 'Simple') throw bad(`The local SES sends Simple content only (got ${kinds[0]})`);
  const simple = message.Simple;
  if (!isObject(simple)) throw bad('Content.Simple must be an object');
  const subject = content(simple.Subject, 'Content.Simple.Subject');
  if (subject === undefined) throw bad('Content.Simple.Subject is required');
  if (!isObject(simple.Body)) throw bad('Content.Simple.Body is required');
  const text = content(simple.Body.Text, 'Content.Simple.Body.Text');
  const html = content(simple.Body.Html, 'Content.Simple.Body.Html');
  if (text === undefined && html === undefined) throw bad('Content.Simple.Body needs Text or Html');
  const size = [subject, text ?? '', html ?? ''].reduce((sum, part) => sum + Buffer.byteLength(part), 0);
  if (size > MAX_MESSAGE_BYTES)
    throw new SesError(400, 'MessageRejected', 'Message length exceeds the limit');
  const configurationSet = body.ConfigurationSetName;
  if (configurationSet !== undefined && typeof configurationSet !== 'string') {
    throw bad('ConfigurationSetName must be text');
  }
  return { from: from.trim(), to, cc, bcc, subject, text, html, configurationSet };
}

export interface LocalSesOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  outbox: Pick<Outbox, 'add'>;
  /** Called for each accepted email. */
  onSend?: (email: SentEmail) => void;
}

export interface LocalSes {
  url: string;
  close(): Promise<void>;
}

export async function startLocalSes(options: LocalSesOptions): Promise<LocalSes> {
  const server = createServer((req, res) => {
    handle(req, res, options).catch((error: unknown) => {
      console.error('local SES:', error);
      if (!res.headersSent)
        sendError(res, new SesError(500, 'InternalServiceErrorException', 'The local SES failed'));
    });
  });
  return listen(server, options.host ?? '127.0.0.1', options.port);
}

async function handle(req: IncomingMessage, res: ServerResponse, options: LocalSesOptions): Promise<void> {
  try {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'POST' || path !== SEND_EMAIL_PATH) {
      throw new SesError(
        404,
        'UnknownOperationException',
        `No operation for ${req.method ?? '?'} ${path} (the local SES serves SendEmail, POST ${SEND_EMAIL_PATH})`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (error) {
      if (error instanceof SesError) throw error;
      throw bad('The request body is not valid JSON');
    }
    const email: SentEmail = { messageId: `local-${randomUUID()}`, ...parseSendEmail(body) };
    for (const to of [...email.to, ...email.cc, ...email.bcc]) {
      options.outbox.add({
        channel: 'email',
        to,
        from: email.from,
        subject: email.subject,
        body: email.text ?? email.html ?? '',
        ...(email.html === undefined ? {} : { html: email.html }),
      });
    }
    options.onSend?.(email);
    sendJson(res, 200, { MessageId: email.messageId });
  } catch (error) {
    if (!(error instanceof SesError)) throw error;
    sendError(res, error);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SesError(413, 'BadRequestException', 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: SesError): void {
  sendJson(res, error.status, { message: error.message }, { 'x-amzn-errortype': error.errorType });
}
