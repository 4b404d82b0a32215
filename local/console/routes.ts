/**
 * The local console and the example sign-in page, served by the stack under `/_local/ui`:
 *
 *   GET  /_local/ui                      the console (outbox, users, invites)
 *   GET  /_local/ui/sign-in              the example sign-in page (examples/sign-in)
 *   GET  /_local/ui/{console,sign-in}.js their bundled code; /_local/ui/style.css their style
 *   GET  /_local/ui/api/outbox/events    the outbox as server-sent events: every message so far, then each new one
 *   GET  /_local/ui/api/users            users as the users CLI sees them
 *   GET  /_local/ui/api/invites          invites as `invites list` shows them
 *   POST /_local/ui/api/invites          { email, group?, days? }: `invites create` (the code, once)
 *   POST /_local/ui/api/invites/revoke   { email }: `invites revoke`
 *
 * Every path checks guard.ts first (loopback only, the stack's own Host, same-origin changes).
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { type Outbox, type OutboxMessage, readableEmailBody } from '../outbox';
import { bundle } from './bundle';
import { type ConsoleData, ConsoleError, type ConsoleStack } from './data';
import { refusal } from './guard';

export const UI_PATH = '/_local/ui';
const MAX_BODY_BYTES = 16_384;
const HEARTBEAT_MS = 25_000;

const PAGES: Record<string, string> = {
  [UI_PATH]: join(__dirname, 'page', 'console.html'),
  [`${UI_PATH}/`]: join(__dirname, 'page', 'console.html'),
  [`${UI_PATH}/sign-in`]: join(__dirname, '..', '..', 'examples', 'sign-in', 'index.html'),
};
const STYLE = join(__dirname, 'page', 'style.css');

export interface ConsoleOptions {
  /** The stack's port (the Host header must name it). */
  port: number;
  outbox: Outbox;
  /** The stack's services; undefined while it is still starting. */
  stack: () => ConsoleStack | undefined;
  data: () => ConsoleData | undefined;
  now?: () => Date;
}

/** The `/_local/ui` routes: returns true when it answered the request. */
export function consoleRoutes(
  options: ConsoleOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== UI_PATH && !path.startsWith(`${UI_PATH}/`)) return false;
    const refused = refusal(req, options.port);
    if (refused) {
      send(res, 403, 'text/plain; charset=utf-8', refused);
      return true;
    }
    answer(req, res, path, options).catch((error: unknown) => {
      if (error instanceof ConsoleError) {
        sendJson(res, error.status, { message: error.message });
        return;
      }
      console.error('local console: request failed', error);
      if (!res.headersSent)
        sendJson(res, 500, { message: 'The local console could not do that; see the stack output.' });
      else res.end();
    });
    return true;
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, path: string, options: ConsoleOptions) {
  const now = options.now?.() ?? new Date();
  const stack = options.stack();
  const page = PAGES[path];
  if (req.method === 'GET' && page) {
    const cognito = stack?.endpoints.cognito ?? '';
    send(res, 200, 'text/html; charset=utf-8', await readFile(page, 'utf8'), {
      'content-security-policy': `default-src 'self'; connect-src 'self' ${cognito}; img-src 'self' data:; frame-ancestors 'none'`,
    });
    return;
  }
  if (req.method === 'GET' && path === `${UI_PATH}/style.css`) {
    send(res, 200, 'text/css; charset=utf-8', await readFile(STYLE, 'utf8'));
    return;
  }
  if (req.method === 'GET' && (path === `${UI_PATH}/console.js` || path === `${UI_PATH}/sign-in.js`)) {
    send(
      res,
      200,
      'text/javascript; charset=utf-8',
      await bundle(path.endsWith('console.js') ? 'console' : 'signIn'),
    );
    return;
  }
  if (req.method === 'GET' && path === `${UI_PATH}/api/outbox/events`) {
    streamOutbox(req, res, options.outbox);
    return;
  }
  const data = options.data();
  if (!data) {
    sendJson(res, 503, { message: 'The local stack is still starting.' });
    return;
  }
  const route = `${req.method} ${path.slice(UI_PATH.length)}`;
  switch (route) {
    case 'GET /api/users':
      sendJson(res, 200, await data.users(now));
      return;
    case 'GET /api/invites':
      sendJson(res, 200, await data.invitesList(now));
      return;
    case 'POST /api/invites':
      sendJson(res, 201, await data.createInvite(await readJson(req), now));
      return;
    case 'POST /api/invites/revoke':
      sendJson(res, 200, await data.revokeInvite(await readJson(req), now));
      return;
    default:
      sendJson(res, 404, { message: 'Not found' });
  }
}

/** An outbox message as the page shows it: an email's text rather than its HTML. */
function shown(message: OutboxMessage) {
  return { ...message, text: message.channel === 'email' ? readableEmailBody(message.body) : message.body };
}

function streamOutbox(req: IncomingMessage, res: ServerResponse, outbox: Outbox): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  // Headers go out now (not with the first message), so the page knows it is connected.
  res.flushHeaders();
  const write = (message: OutboxMessage) => res.write(`data: ${JSON.stringify(shown(message))}\n\n`);
  for (const message of outbox.list()) write(message);
  const unsubscribe = outbox.subscribe(write);
  const heartbeat = setInterval(() => res.write(': still here\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  req.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new ConsoleError('Send JSON (Content-Type: application/json).', 415);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ConsoleError('The request is too large.', 413);
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ConsoleError('The request is not valid JSON.', 400);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ConsoleError('Send a JSON object.', 400);
  }
  return body as Record<string, unknown>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    ...headers,
  });
  res.end(body);
}
