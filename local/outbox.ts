/**
 * The local outbox: where every SMS and email of the local stack ends up instead of a phone or a
 * mailbox. Three producers feed it: the SNS-compatible endpoint (the triggers' sign-in codes), the
 * SES-compatible endpoint (the emails the triggers and the users CLI send themselves: security
 * notices, EMAIL_OTP codes) and the local user pool (the messages Cognito itself sends, rendered by
 * the CustomMessage trigger).
 *
 * Messages are kept in memory, newest last, and served as JSON by `GET /_local/outbox` so tests,
 * the demo and the CLIs can read a code the way a user reads their phone. Each message is also
 * printed on the console as it arrives, in colour when the console is a terminal.
 *
 * Full phone numbers and codes are shown here on purpose: this is the local stand-in for the
 * user's phone, never a log that leaves the machine.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Channel = 'sms' | 'email';

export interface OutboxMessage {
  channel: Channel;
  /** E.164 phone number for SMS, email address for email. */
  to: string;
  /** Email subject; absent for SMS. */
  subject?: string;
  /**
   * The SMS text; the email's body: the HTML of the pool's own emails, the text part of an email
   * sent through the local SES (its HTML part is `html`).
   */
  body: string;
  /** The HTML part of an email sent through the local SES. */
  html?: string;
  /** The sender of an email sent through the local SES. */
  from?: string;
  /** ISO-8601 time the message was handed over. */
  at: string;
}

export interface OutboxOptions {
  /** Print each message on the console as it arrives (default true). */
  print?: boolean;
  /** Where to print (default process.stdout). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /**
   * How many messages to keep; the oldest are dropped beyond it so a long benchmark cannot grow
   * memory without bound (default 10,000).
   */
  limit?: number;
  now?: () => Date;
}

export const OUTBOX_PATH = '/_local/outbox';
const DEFAULT_LIMIT = 10_000;

export class Outbox {
  private readonly messages: OutboxMessage[] = [];
  /** The same messages by recipient, oldest first: a reader polls for one phone or address. */
  private readonly byRecipient = new Map<string, OutboxMessage[]>();
  private readonly print: boolean;
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly limit: number;
  private readonly now: () => Date;
  private readonly listeners = new Set<(message: OutboxMessage) => void>();

  constructor(options: OutboxOptions = {}) {
    this.print = options.print ?? true;
    this.stream = options.stream ?? process.stdout;
    this.limit = options.limit ?? DEFAULT_LIMIT;
    this.now = options.now ?? (() => new Date());
  }

  /** Keeps a message (and prints it). Returns the stored copy. */
  add(message: {
    channel: Channel;
    to: string;
    subject?: string | undefined;
    body: string;
    html?: string | undefined;
    from?: string | undefined;
  }): OutboxMessage {
    const stored: OutboxMessage = {
      channel: message.channel,
      to: message.to,
      ...(message.from === undefined ? {} : { from: message.from }),
      ...(message.subject === undefined ? {} : { subject: message.subject }),
      body: message.body,
      ...(message.html === undefined ? {} : { html: message.html }),
      at: this.now().toISOString(),
    };
    this.messages.push(stored);
    const mine = this.byRecipient.get(stored.to);
    if (mine) mine.push(stored);
    else this.byRecipient.set(stored.to, [stored]);
    while (this.messages.length > this.limit) this.drop(this.messages.shift() as OutboxMessage);
    if (this.print) this.stream.write(formatMessage(stored, this.stream.isTTY === true));
    for (const listener of this.listeners) listener({ ...stored });
    return stored;
  }

  /** Calls `listener` with every message added from now on (the console's live view); returns the unsubscribe. */
  subscribe(listener: (message: OutboxMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Messages, newest last, optionally only those for one recipient and/or channel. */
  list(filter: { to?: string | undefined; channel?: Channel | undefined } = {}): OutboxMessage[] {
    const candidates = filter.to === undefined ? this.messages : (this.byRecipient.get(filter.to) ?? []);
    return candidates.filter((m) => (filter.channel ?? m.channel) === m.channel).map((m) => ({ ...m }));
  }

  clear(): void {
    this.messages.length = 0;
    this.byRecipient.clear();
  }

  /** Forgets the oldest message (it is also the oldest of its recipient). */
  private drop(oldest: OutboxMessage): void {
    const mine = this.byRecipient.get(oldest.to);
    mine?.shift();
    if (mine?.length === 0) this.byRecipient.delete(oldest.to);
  }

  /**
   * `GET /_local/outbox[?to=...&channel=sms|email]` -> JSON array, newest last.
   * `DELETE /_local/outbox` empties it. Returns false for any other path.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== OUTBOX_PATH) return false;
    if (req.method === 'GET') {
      const channel = url.searchParams.get('channel');
      if (channel !== null && channel !== 'sms' && channel !== 'email') {
        sendJson(res, 400, { message: 'channel must be sms or email' });
        return true;
      }
      sendJson(
        res,
        200,
        this.list({ to: url.searchParams.get('to') ?? undefined, channel: channel ?? undefined }),
      );
    } else if (req.method === 'DELETE') {
      this.clear();
      res.writeHead(204).end();
    } else {
      res.writeHead(405, { allow: 'GET, DELETE' }).end();
    }
    return true;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const colour = {
  sms: (text: string) => `\x1b[1;36m${text}\x1b[0m`,
  email: (text: string) => `\x1b[1;35m${text}\x1b[0m`,
  dim: (text: string) => `\x1b[2m${text}\x1b[0m`,
};

/** A readable block for one message: a header line, the subject for email, the body indented. */
export function formatMessage(message: OutboxMessage, tty: boolean): string {
  const time = message.at.slice(11, 19);
  const label = message.channel === 'sms' ? `SMS to ${message.to}` : `Email to ${message.to}`;
  const header = `📨 ${label}  ${time}`;
  const lines = [tty ? colour[message.channel](header) : header];
  if (message.subject !== undefined) lines.push(`   Subject: ${message.subject}`);
  const body = message.channel === 'email' ? readableEmailBody(message.body) : message.body;
  for (const line of body.split('\n')) lines.push(tty ? colour.dim('   │ ') + line : `   | ${line}`);
  return `${lines.join('\n')}\n`;
}

/** Emails may be HTML: show the text a reader would see, not the markup. */
export function readableEmailBody(body: string): string {
  if (!/<[a-z][\s\S]*>/i.test(body)) return body;
  return body
    .replace(/<(head|style|script)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|h[1-6]|li|tr)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .split('\n')
    .map((line) => line.trim())
    .filter((line, i, all) => line.length > 0 || (i > 0 && (all[i - 1] ?? '').length > 0))
    .join('\n')
    .trim();
}
