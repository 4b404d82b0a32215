/**
 * The pool's tokens as Cognito issues them: RS256 ID and access JWTs with Cognito's claims,
 * verifiable with the JWKS the server publishes at `/<userPoolId>/.well-known/jwks.json`, and
 * opaque refresh tokens kept (hashed) in the store. Every token of one sign-in carries the same
 * `origin_jti`, which is what revocation (GlobalSignOut, RevokeToken) switches off.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { Attributes } from './attributes';
import { notAuthorized, refreshTokenReuse, USER_DISABLED } from './errors';
import type { PoolSettings } from './settings';
import type { RefreshRecord, UserRecord, UserStore } from './store';

export interface AuthenticationResult {
  AccessToken: string;
  IdToken: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
  RefreshToken?: string;
}

export interface AccessClaims extends JWTPayload {
  sub: string;
  username: string;
  client_id: string;
  origin_jti: string;
  token_use: 'access';
}

/** Attributes that are never put in an ID token (`sub` goes in separately). */
const NOT_IN_ID_TOKEN = new Set(['sub']);
const BOOLEAN_CLAIMS = new Set(['email_verified', 'phone_number_verified']);

export class TokenService {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    private readonly publicJwk: JWK,
    private readonly settings: PoolSettings,
    private readonly store: UserStore,
    private readonly issuer: string,
    private readonly now: () => number,
  ) {}

  /** Uses the store's signing key, creating (and storing) one on first start. */
  static async create(
    settings: PoolSettings,
    store: UserStore,
    issuer: string,
    now: () => number,
  ): Promise<TokenService> {
    let jwk = store.secrets.signingKey;
    if (!jwk) {
      const pair = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
      jwk = { ...(await exportJWK(pair.privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
      store.secrets.signingKey = jwk;
      store.changed();
    }
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
    const privateKey = (await importJWK(jwk, 'RS256')) as CryptoKey;
    const publicKey = (await importJWK(publicJwk, 'RS256')) as CryptoKey;
    return new TokenService(privateKey, publicKey, publicJwk, settings, store, issuer, now);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** A new sign-in: ID, access and refresh tokens, with a fresh `origin_jti`. */
  async signIn(user: UserRecord, clientId: string): Promise<AuthenticationResult> {
    const now = this.now();
    const record: RefreshRecord = {
      userName: user.userName,
      clientId,
      originJti: randomUUID(),
      eventId: randomUUID(),
      authTime: Math.floor(now / 1000),
      expiresAt: now + this.settings.client.refreshTokenValiditySeconds * 1000,
      revoked: false,
    };
    const refreshToken = randomBytes(96).toString('base64url');
    this.store.addRefresh(refreshHash(refreshToken), record);
    return { ...(await this.issue(user, record)), RefreshToken: refreshToken };
  }

  /**
   * New ID and access tokens of the same sign-in (same `origin_jti` and `auth_time`), for
   * REFRESH_TOKEN_AUTH and for GetTokensFromRefreshToken without rotation: no new refresh token.
   */
  async refresh(refreshToken: string, clientId: string): Promise<AuthenticationResult> {
    const { record, user } = this.usable(refreshToken, clientId);
    return this.issue(user, record);
  }

  /**
   * GetTokensFromRefreshToken with refresh-token rotation ENABLED: new ID, access and refresh
   * tokens of the same sign-in; the submitted refresh token stops working once `graceSeconds`
   * have passed since it was first rotated out (RefreshTokenReuseException after that).
   */
  async rotate(refreshToken: string, clientId: string, graceSeconds: number): Promise<AuthenticationResult> {
    const now = this.now();
    const { record, user } = this.usable(refreshToken, clientId, graceSeconds);
    const next: RefreshRecord = {
      ...record,
      eventId: randomUUID(),
      expiresAt: now + this.settings.client.refreshTokenValiditySeconds * 1000,
      replacedAt: undefined,
    };
    record.replacedAt ??= now;
    const token = randomBytes(96).toString('base64url');
    this.store.addRefresh(refreshHash(token), next);
    return { ...(await this.issue(user, next)), RefreshToken: token };
  }

  /** The refresh token's sign-in and user, if the token may be used now; NotAuthorizedException otherwise. */
  private usable(
    refreshToken: string,
    clientId: string,
    graceSeconds = 0,
  ): { record: RefreshRecord; user: UserRecord } {
    const now = this.now();
    const record = this.store.getRefresh(refreshHash(refreshToken));
    if (!record || record.clientId !== clientId) throw notAuthorized('Invalid Refresh Token');
    if (record.revoked) throw notAuthorized('Refresh Token has been revoked');
    if (record.expiresAt <= now) throw notAuthorized('Refresh Token has expired');
    // A rotated-out token inside its grace period: the sign-in it belongs to must still be on.
    if (!this.store.isOriginActive(record.originJti, now))
      throw notAuthorized('Refresh Token has been revoked');
    if (record.replacedAt !== undefined && now > record.replacedAt + graceSeconds * 1000) {
      throw refreshTokenReuse('Refresh Token has already been used');
    }
    const user = this.store.get(record.userName);
    if (!user) throw notAuthorized('Invalid Refresh Token');
    if (!user.enabled) throw notAuthorized(USER_DISABLED);
    return { record, user };
  }

  /** RevokeToken: ends the sign-in the refresh token belongs to. */
  revoke(refreshToken: string, clientId: string): void {
    const record = this.store.getRefresh(refreshHash(refreshToken));
    if (!record || record.clientId !== clientId) return;
    this.store.revokeOrigin(record.originJti);
  }

  /**
   * Checks an access token the way Cognito's user APIs do (GetUser, ChangePassword, ...):
   * signature, issuer, expiry, `token_use`, and that its sign-in was not revoked.
   */
  async verifyAccessToken(token: unknown): Promise<AccessClaims> {
    if (typeof token !== 'string' || token.length === 0) throw notAuthorized('Invalid Access Token');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey, {
        issuer: this.issuer,
        algorithms: ['RS256'],
        currentDate: new Date(this.now()),
        clockTolerance: 0,
      }));
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_JWT_EXPIRED')
        throw notAuthorized('Access Token has expired');
      throw notAuthorized('Invalid Access Token');
    }
    const claims = payload as AccessClaims;
    if (claims.token_use !== 'access' || claims.client_id !== this.settings.client.clientId) {
      throw notAuthorized('Invalid Access Token');
    }
    if (!this.store.isOriginActive(claims.origin_jti, this.now())) {
      throw notAuthorized('Access Token has been revoked');
    }
    return claims;
  }

  private async issue(user: UserRecord, record: RefreshRecord): Promise<AuthenticationResult> {
    const now = Math.floor(this.now() / 1000);
    const { client } = this.settings;
    const groups = this.store.groupsOf(user).map((group) => group.groupName);
    const sub = user.attributes.sub ?? user.userName;
    const common = {
      sub,
      ...(groups.length > 0 ? { 'cognito:groups': groups } : {}),
      iss: this.issuer,
      origin_jti: record.originJti,
      event_id: record.eventId,
      auth_time: record.authTime,
      iat: now,
    };
    const idClaims = {
      ...common,
      ...idTokenAttributes(user.attributes),
      'cognito:username': user.userName,
      aud: client.clientId,
      token_use: 'id',
      exp: now + client.idTokenValiditySeconds,
      jti: randomUUID(),
    };
    const accessClaims = {
      ...common,
      client_id: client.clientId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      exp: now + client.accessTokenValiditySeconds,
      jti: randomUUID(),
      username: user.userName,
    };
    const [IdToken, AccessToken] = await Promise.all([this.sign(idClaims), this.sign(accessClaims)]);
    return { AccessToken, IdToken, ExpiresIn: client.accessTokenValiditySeconds, TokenType: 'Bearer' };
  }

  private sign(claims: JWTPayload): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.publicJwk.kid ?? '' })
      .sign(this.privateKey);
  }
}

/** The user's attributes as ID-token claims: verification flags as booleans, the rest as strings. */
function idTokenAttributes(attributes: Attributes): Record<string, string | boolean> {
  const claims: Record<string, string | boolean> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (NOT_IN_ID_TOKEN.has(name)) continue;
    claims[name] = BOOLEAN_CLAIMS.has(name) ? value === 'true' : value;
  }
  return claims;
}

function refreshHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
