/**
 * The `Session` tokens of a sign-in between rounds: opaque, bound to one app client, valid for
 * the client's AuthSessionValidity and good for exactly one answer. A used session is remembered
 * until it would have expired, so a replay gets Cognito's "can only be used once" rather than a
 * generic error. `check` validates without using; `use` must follow synchronously.
 */
import { randomBytes } from 'node:crypto';
import { INVALID_SESSION, notAuthorized, SESSION_EXPIRED, SESSION_USED } from './errors';

interface Entry<T> {
  state: T;
  clientId: string;
  expiresAt: number;
  used: boolean;
}

const SWEEP_EVERY = 256;

export class SessionStore<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly aliases = new Map<string, string>();
  private created = 0;

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number,
  ) {}

  /** Starts a session; `alias` is a second name it can be found by (the SRP secret block). */
  create(state: T, clientId: string, alias?: string): string {
    if (++this.created % SWEEP_EVERY === 0) this.sweep();
    const id = randomBytes(96).toString('base64');
    this.entries.set(id, { state, clientId, expiresAt: this.now() + this.lifetimeMs, used: false });
    if (alias !== undefined) this.aliases.set(alias, id);
    return id;
  }

  /** The session's state if it can be answered now; NotAuthorizedException otherwise. */
  check(id: string | undefined, clientId: string, alias?: string): { id: string; state: T } {
    const key = id ?? (alias === undefined ? undefined : this.aliases.get(alias));
    const entry = key === undefined ? undefined : this.entries.get(key);
    if (key === undefined || !entry || entry.clientId !== clientId) throw notAuthorized(INVALID_SESSION);
    if (entry.used) throw notAuthorized(SESSION_USED);
    if (this.now() >= entry.expiresAt) throw notAuthorized(SESSION_EXPIRED);
    return { id: key, state: entry.state };
  }

  /** Marks a checked session used; from now on it only answers "can only be used once". */
  use(id: string): void {
    const entry = this.entries.get(id);
    if (entry) entry.used = true;
  }

  /** Drops sessions past their expiry (used ones included). */
  sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) {
      if (now >= entry.expiresAt) this.entries.delete(id);
    }
    for (const [alias, id] of this.aliases) {
      if (!this.entries.has(id)) this.aliases.delete(alias);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
