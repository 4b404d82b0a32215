/**
 * The pool's state: users (with their sign-in names indexed), groups and refresh-token sessions,
 * in memory, optionally kept in one JSON file across restarts.
 *
 * Every check-and-write here is synchronous, so two requests can never both pass a uniqueness
 * check: a sign-up reserves its names before awaiting any trigger and releases them if it fails.
 * File writes are debounced and asynchronous (temporary file + rename).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { JWK } from 'jose';
import type { Attributes } from './attributes';
import type { StoredCode } from './codes';
import { ACCOUNT_EXISTS, aliasExists, groupExists, resourceNotFound, usernameExists } from './errors';
import type { StoredPassword } from './passwords';
import type { PoolSettings } from './settings';

export type UserStatus = 'UNCONFIRMED' | 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' | 'RESET_REQUIRED';

/** What a code was sent for: `signUp`, `forgotPassword`, `verify:email`, `verify:phone_number`. */
export type CodePurpose = 'signUp' | 'forgotPassword' | 'verify:email' | 'verify:phone_number';

export interface UserRecord {
  /** Cognito's `Username`; a UUID (= sub) when the pool signs in by email or phone. */
  userName: string;
  attributes: Attributes;
  /** New values waiting for verification (AttributesRequireVerificationBeforeUpdate). */
  pending: Attributes;
  status: UserStatus;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  password: StoredPassword | undefined;
  codes: Partial<Record<CodePurpose, StoredCode>>;
  groups: string[];
  /** The user's own MFA preferences (mfa-preferences.ts); absent: never set. */
  mfa?: MfaPreferences | undefined;
}

/** Which of Cognito's MFA factors a user enabled, and which one they prefer. */
export interface MfaPreferences {
  sms: boolean;
  softwareToken: boolean;
  /** A software token was associated and verified (stays so when the factor is turned off). */
  softwareTokenAssociated?: boolean;
  preferred?: 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA';
}

export interface GroupRecord {
  groupName: string;
  description?: string | undefined;
  precedence?: number | undefined;
  roleArn?: string | undefined;
  createdAt: number;
  updatedAt: number;
}

/**
 * One refresh token of a sign-in (stored by hash): its `originJti` ties the access tokens to the
 * sign-in. With refresh-token rotation a sign-in has a chain of them; the newest is its current one.
 */
export interface RefreshRecord {
  userName: string;
  clientId: string;
  originJti: string;
  eventId: string;
  authTime: number;
  expiresAt: number;
  revoked: boolean;
  /** When refresh-token rotation replaced this token by a newer one of the same sign-in. */
  replacedAt?: number | undefined;
}

export interface PoolSecrets {
  /** Private RS256 key of the pool, JWK. */
  signingKey?: JWK | undefined;
  /** HMAC key for codes and decoys, base64. */
  hmacKey: string;
}

interface Snapshot {
  version: 1;
  /** Epoch ms the pool was first started (absent in files written before it was kept). */
  createdAt?: number;
  secrets: PoolSecrets;
  users: UserRecord[];
  groups: GroupRecord[];
  refreshTokens: Array<[string, RefreshRecord]>;
}

const SAVE_DELAY_MS = 100;

export class UserStore {
  private readonly users = new Map<string, UserRecord>();
  /** Sign-in name key (`u:`, `e:`, `p:`) -> userName. */
  private readonly logins = new Map<string, string>();
  private readonly reserved = new Set<string>();
  private readonly groups = new Map<string, GroupRecord>();
  private readonly refresh = new Map<string, RefreshRecord>();
  private readonly origins = new Map<string, string>();
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  secrets: PoolSecrets = { hmacKey: randomBytes(32).toString('base64') };
  /** When the pool was first started (epoch ms): its CreationDate. */
  createdAt: number;

  private constructor(
    private readonly settings: PoolSettings,
    private readonly file: string | undefined,
    now: number,
  ) {
    this.createdAt = now;
  }

  /** Opens the store, loading `file` when it exists; `now` is the creation time of a new pool. */
  static async open(settings: PoolSettings, file?: string, now = Date.now()): Promise<UserStore> {
    const store = new UserStore(settings, file, now);
    if (file) await store.load(file);
    return store;
  }

  // ---- users ------------------------------------------------------------------------------

  get(userName: string): UserRecord | undefined {
    const key = this.logins.get(this.usernameKey(userName));
    return key === undefined ? undefined : this.users.get(key);
  }

  /** By userName, or by email / phone number when those are the pool's username attributes. */
  find(login: string): UserRecord | undefined {
    for (const key of this.lookupKeys(login)) {
      const userName = this.logins.get(key);
      if (userName !== undefined) return this.users.get(userName);
    }
    return undefined;
  }

  list(): UserRecord[] {
    return [...this.users.values()];
  }

  /**
   * Claims the sign-in names of a user about to be created; throws UsernameExistsException when
   * one is taken or being claimed. Call the returned function if the creation is abandoned.
   */
  reserve(user: Pick<UserRecord, 'userName' | 'attributes'>): () => void {
    const keys = this.keysOf(user);
    if (keys.some((key) => this.logins.has(key) || this.reserved.has(key))) {
      throw usernameExists(ACCOUNT_EXISTS);
    }
    for (const key of keys) this.reserved.add(key);
    return () => {
      for (const key of keys) this.reserved.delete(key);
    };
  }

  /** Adds a user whose names were reserved. */
  insert(user: UserRecord, release: () => void): void {
    release();
    this.users.set(user.userName, user);
    for (const key of this.keysOf(user)) this.logins.set(key, user.userName);
    this.changed();
  }

  /**
   * Applies attribute changes (an empty value deletes) and re-indexes the sign-in names; throws
   * AliasExistsException and changes nothing if a new email/phone belongs to someone else.
   */
  setAttributes(user: UserRecord, changes: Attributes, now: number): void {
    const next = { ...user.attributes };
    for (const [name, value] of Object.entries(changes)) {
      if (value === '') delete next[name];
      else next[name] = value;
    }
    const before = this.keysOf(user);
    const after = this.keysOf({ userName: user.userName, attributes: next });
    for (const key of after) {
      if (before.includes(key)) continue;
      if (this.reserved.has(key) || (this.logins.has(key) && this.logins.get(key) !== user.userName)) {
        throw aliasExists(ACCOUNT_EXISTS);
      }
    }
    for (const key of before) if (!after.includes(key)) this.logins.delete(key);
    for (const key of after) this.logins.set(key, user.userName);
    user.attributes = next;
    this.touch(user, now);
  }

  /** True when `value` for a sign-in attribute is free (or already this user's). */
  isAvailable(user: UserRecord, name: string, value: string): boolean {
    const key = this.attributeKey(name, value);
    if (key === undefined) return true;
    const owner = this.logins.get(key);
    return !this.reserved.has(key) && (owner === undefined || owner === user.userName);
  }

  /** Records a change made directly on the record. */
  touch(user: UserRecord, now: number): void {
    user.updatedAt = now;
    this.changed();
  }

  delete(user: UserRecord): void {
    for (const key of this.keysOf(user)) this.logins.delete(key);
    this.users.delete(user.userName);
    for (const [hash, record] of this.refresh) {
      if (record.userName === user.userName) this.dropRefresh(hash, record);
    }
    this.changed();
  }

  // ---- groups -----------------------------------------------------------------------------

  createGroup(group: GroupRecord): GroupRecord {
    if (this.groups.has(group.groupName)) {
      throw groupExists(`A group with the name ${group.groupName} already exists.`);
    }
    this.groups.set(group.groupName, group);
    this.changed();
    return group;
  }

  getGroup(name: string): GroupRecord {
    const group = this.groups.get(name);
    if (!group) throw resourceNotFound('Group not found.');
    return group;
  }

  listGroups(): GroupRecord[] {
    return [...this.groups.values()];
  }

  /** Removes the group and every user's membership of it (ResourceNotFoundException if unknown). */
  deleteGroup(name: string, now: number): void {
    this.getGroup(name);
    this.groups.delete(name);
    for (const user of this.users.values()) {
      if (user.groups.includes(name)) {
        user.groups = user.groups.filter((group) => group !== name);
        user.updatedAt = now;
      }
    }
    this.changed();
  }

  addToGroup(user: UserRecord, groupName: string, now: number): void {
    this.getGroup(groupName);
    if (!user.groups.includes(groupName)) user.groups.push(groupName);
    this.touch(user, now);
  }

  removeFromGroup(user: UserRecord, groupName: string, now: number): void {
    this.getGroup(groupName);
    user.groups = user.groups.filter((name) => name !== groupName);
    this.touch(user, now);
  }

  /** The user's groups, lowest precedence first (the order of `cognito:groups`). */
  groupsOf(user: UserRecord): GroupRecord[] {
    return user.groups
      .map((name) => this.groups.get(name))
      .filter((group): group is GroupRecord => group !== undefined)
      .sort(
        (a, b) =>
          (a.precedence ?? Number.MAX_SAFE_INTEGER) - (b.precedence ?? Number.MAX_SAFE_INTEGER) ||
          a.groupName.localeCompare(b.groupName),
      );
  }

  // ---- refresh-token sessions -------------------------------------------------------------

  addRefresh(hash: string, record: RefreshRecord): void {
    this.refresh.set(hash, record);
    this.origins.set(record.originJti, hash);
    this.changed();
  }

  getRefresh(hash: string): RefreshRecord | undefined {
    return this.refresh.get(hash);
  }

  /** An access or ID token is good only while the sign-in it came from (its current refresh token) is on. */
  isOriginActive(originJti: string, now: number): boolean {
    const hash = this.origins.get(originJti);
    const record = hash === undefined ? undefined : this.refresh.get(hash);
    return record !== undefined && !record.revoked && record.expiresAt > now;
  }

  revokeOrigin(originJti: string): void {
    const hash = this.origins.get(originJti);
    const record = hash === undefined ? undefined : this.refresh.get(hash);
    if (record) record.revoked = true;
    this.changed();
  }

  /** GlobalSignOut, AdminUserGlobalSignOut, AdminDisableUser: every sign-in of the user ends. */
  revokeUser(userName: string): void {
    for (const record of this.refresh.values()) {
      if (record.userName === userName) record.revoked = true;
    }
    this.changed();
  }

  /** Forgets refresh sessions that can no longer be used. */
  prune(now: number): void {
    let removed = false;
    for (const [hash, record] of this.refresh) {
      if (record.expiresAt <= now) {
        this.dropRefresh(hash, record);
        removed = true;
      }
    }
    if (removed) this.changed();
  }

  // ---- persistence ------------------------------------------------------------------------

  /** Writes pending changes now (no-op without a file). */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      this.saving = this.saving.then(() => this.write());
    }
    await this.saving;
  }

  /** Marks the state as changed; with a file, schedules a write. */
  changed(): void {
    if (!this.file || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saving = this.saving.then(() => this.write());
    }, SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  private async write(): Promise<void> {
    if (!this.file) return;
    const snapshot: Snapshot = {
      version: 1,
      createdAt: this.createdAt,
      secrets: this.secrets,
      users: this.list(),
      groups: this.listGroups(),
      refreshTokens: [...this.refresh.entries()],
    };
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(temporary, JSON.stringify(snapshot), { mode: 0o600 });
      await rename(temporary, this.file);
    } catch (error) {
      console.error(`local user pool: could not save ${this.file}: ${(error as Error).message}`);
    }
  }

  private async load(file: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const snapshot = JSON.parse(text) as Snapshot;
    if (snapshot.version !== 1)
      throw new Error(`${file}: unknown snapshot version ${String(snapshot.version)}`);
    this.secrets = snapshot.secrets;
    if (typeof snapshot.createdAt === 'number') this.createdAt = snapshot.createdAt;
    for (const user of snapshot.users) {
      // Files from before the verifier served clear-password checks also hold a scrypt hash.
      if (user.password) delete (user.password as { hash?: unknown }).hash;
      this.users.set(user.userName, user);
      for (const key of this.keysOf(user)) this.logins.set(key, user.userName);
    }
    for (const group of snapshot.groups) this.groups.set(group.groupName, group);
    for (const [hash, record] of snapshot.refreshTokens) {
      this.refresh.set(hash, record);
      this.origins.set(record.originJti, hash);
    }
  }

  // ---- sign-in name keys ------------------------------------------------------------------

  private dropRefresh(hash: string, record: RefreshRecord): void {
    this.refresh.delete(hash);
    if (this.origins.get(record.originJti) === hash) this.origins.delete(record.originJti);
  }

  private keysOf(user: Pick<UserRecord, 'userName' | 'attributes'>): string[] {
    const keys = [this.usernameKey(user.userName)];
    for (const name of this.settings.usernameAttributes) {
      const value = user.attributes[name];
      const key = value ? this.attributeKey(name, value) : undefined;
      if (key) keys.push(key);
    }
    return keys;
  }

  private lookupKeys(login: string): string[] {
    const keys = [this.usernameKey(login)];
    for (const name of this.settings.usernameAttributes) {
      const key = this.attributeKey(name, login);
      if (key) keys.push(key);
    }
    return keys;
  }

  private attributeKey(name: string, value: string): string | undefined {
    if (!(this.settings.usernameAttributes as readonly string[]).includes(name)) return undefined;
    if (name === 'email') return `e:${this.settings.caseSensitive ? value : value.toLowerCase()}`;
    if (name === 'phone_number') return `p:${value}`;
    return undefined;
  }

  private usernameKey(userName: string): string {
    return `u:${this.settings.caseSensitive ? userName : userName.toLowerCase()}`;
  }
}
