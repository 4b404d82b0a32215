/**
 * The local console in the browser: the outbox, live (server-sent events), the invites with a form
 * to create one and a button to revoke one, and the users as the sign-in's checks see them. It only
 * displays what `/_local/ui/api/*` answers: every rule lives on the server, in the CLIs' modules.
 * Text goes into the page with `textContent`, never as HTML: message bodies and names are data.
 */

interface OutboxMessage {
  channel: 'sms' | 'email';
  to: string;
  subject?: string;
  text: string;
  at: string;
}

interface Invite {
  email: string;
  status: string;
  group?: string;
  expiresAt: string;
}

interface User {
  email: string;
  cognitoStatus?: string;
  enabled?: boolean;
  phone?: string;
  phoneVerified: boolean;
  groups: string[];
  suspended: boolean;
  suspension?: { reason: string; by: string; at: string };
  lockedOutUntil?: string;
  recentFailures: number;
  lockout: { maxFailures: number; windowMinutes: number };
}

const API = '/_local/ui/api';
const REFRESH_MS = 3000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** An element with text (and a class): the only way text reaches the page. */
function element(tag: string, text = '', className = ''): HTMLElement {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) node.className = className;
  return node;
}

function row(cells: Array<string | HTMLElement>): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    if (typeof cell === 'string') td.textContent = cell;
    else td.append(cell);
    tr.append(td);
  }
  return tr;
}

const time = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '');

async function api<T>(path: string, body?: object): Promise<T> {
  const response = await fetch(`${API}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.message ?? `HTTP ${response.status}`);
  return answer as T;
}

// ---- the outbox, live ----------------------------------------------------------------------

function showMessage(message: OutboxMessage): void {
  const item = document.createElement('li');
  const meta = element('div', '', 'meta');
  meta.append(
    element('span', message.channel.toUpperCase(), `badge ${message.channel}`),
    ` to ${message.to} · ${time(message.at)}`,
  );
  item.append(meta);
  if (message.subject) item.append(element('div', message.subject));
  item.append(element('pre', message.text, 'body'));
  $('outbox').prepend(item);
}

function followOutbox(): void {
  const live = $('outbox-live');
  const events = new EventSource(`${API}/outbox/events`);
  events.onopen = () => {
    // A reconnect replays every message: start from an empty list.
    $('outbox').replaceChildren();
    live.textContent = 'live';
    live.className = 'live on';
  };
  events.onmessage = (event) => {
    showMessage(JSON.parse(event.data) as OutboxMessage);
    void refresh();
  };
  events.onerror = () => {
    live.textContent = 'reconnecting…';
    live.className = 'live';
  };
}

// ---- invites --------------------------------------------------------------------------------

/** What each table shows now: a table is drawn again only when its data changed. */
const shownData = new Map<string, string>();
function changed(table: string, data: unknown): boolean {
  const json = JSON.stringify(data);
  if (shownData.get(table) === json) return false;
  shownData.set(table, json);
  return true;
}

async function showInvites(): Promise<void> {
  const invites = await api<Invite[]>('/invites');
  if (!changed('invites', invites)) return;
  $('invites').replaceChildren(
    ...invites.map((invite) => {
      const revoke = element('button', 'Revoke', 'secondary');
      revoke.hidden = invite.status !== 'pending';
      revoke.addEventListener('click', () => void revokeInvite(invite.email));
      return row([invite.email, invite.status, invite.group ?? '', time(invite.expiresAt), revoke]);
    }),
  );
}

async function createInvite(form: HTMLFormElement): Promise<void> {
  const result = $('invite-result');
  const fields = new FormData(form);
  try {
    const created = await api<{ email: string; code: string; replaced?: string }>('/invites', {
      email: fields.get('email'),
      group: fields.get('group'),
      days: fields.get('days'),
    });
    result.replaceChildren(
      `Invite for ${created.email}${created.replaced ? ` (replaces the ${created.replaced} one)` : ''}: `,
      element('span', created.code, 'code'),
      ' (shown only now)',
    );
    result.className = '';
    form.reset();
  } catch (error) {
    result.textContent = (error as Error).message;
    result.className = 'error';
  }
  await showInvites();
}

async function revokeInvite(email: string): Promise<void> {
  const result = $('invite-result');
  try {
    await api('/invites/revoke', { email });
    result.textContent = `Revoked the invite for ${email}.`;
    result.className = '';
  } catch (error) {
    result.textContent = (error as Error).message;
    result.className = 'error';
  }
  await showInvites();
}

// ---- users ------------------------------------------------------------------------------------

function signInCell(user: User): HTMLElement {
  if (user.suspended) {
    return element('span', `suspended: ${user.suspension?.reason ?? ''}`, 'denied');
  }
  if (user.lockedOutUntil) return element('span', `locked out until ${time(user.lockedOutUntil)}`, 'denied');
  return element('span', 'allowed', 'allowed');
}

async function showUsers(): Promise<void> {
  const users = await api<User[]>('/users');
  if (!changed('users', users)) return;
  $('users').replaceChildren(
    ...users.map((user) =>
      row([
        user.email,
        `${user.cognitoStatus ?? '?'}${user.enabled === false ? ' (disabled)' : ''}`,
        user.phone ? `${user.phone}${user.phoneVerified ? '' : ' (unverified)'}` : '—',
        user.groups.join(', '),
        signInCell(user),
        `${user.recentFailures} of ${user.lockout.maxFailures} in ${user.lockout.windowMinutes} min`,
      ]),
    ),
  );
}

// ---- start ----------------------------------------------------------------------------------

let refreshing: Promise<void> | undefined;
/** Users and invites again (one refresh at a time). */
function refresh(): Promise<void> {
  refreshing ??= Promise.all([showUsers(), showInvites()])
    .then(() => undefined)
    .catch(() => undefined)
    .finally(() => {
      refreshing = undefined;
    });
  return refreshing;
}

async function start(): Promise<void> {
  const stack = await fetch('/_local/stack').then((response) => response.json());
  $('stack').textContent = `User pool ${stack.userPoolId} · app client ${stack.clientId} · ${stack.region}`;
  $<HTMLFormElement>('invite-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void createInvite(event.target as HTMLFormElement);
  });
  followOutbox();
  await refresh();
  setInterval(() => void refresh(), REFRESH_MS);
}

void start();
