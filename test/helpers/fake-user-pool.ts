/**
 * A user pool on 127.0.0.1 with just enough of Cognito's AWS JSON 1.1 API for the users CLI
 * (ListUsers with an `email = "..."` filter, AdminGetUser, AdminDeleteUserAttributes,
 * AdminUserGlobalSignOut), recording every request, for the CLI's integration tests against
 * DynamoDB Local. It also serves `GET /_local/stack`, so `--local` can point at it.
 *
 *   const pool = new FakeUserPool('us-east-1_CLITEST01');
 *   await pool.start(() => ({ userPoolId: ..., endpoints: { cognito: pool.url, ... } }));
 *   const user = pool.add({ phone: '+14155550100' });
 *   pool.refuse.add('AdminUserGlobalSignOut');    // refused as a missing IAM permission would be
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUser {
  Username: string;
  sub: string;
  email?: string;
  UserStatus: string;
  Enabled: boolean;
  /** Further attributes (phone_number, phone_number_verified, ...). */
  attributes: Record<string, string>;
}

export class FakeUserPool {
  users: FakeUser[] = [];
  requests: { target: string; body: Record<string, unknown> }[] = [];
  /** Operations answered with NotAuthorizedException (as a missing IAM permission would be). */
  readonly refuse = new Set<string>();
  /** Attributes AdminDeleteUserAttributes answers for but leaves in place (a pool that keeps them). */
  readonly keep = new Set<string>();
  private server: Server | undefined;
  url = '';

  constructor(readonly userPoolId: string) {}

  async start(stack: () => unknown): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res, stack));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }

  /** A user (CONFIRMED, enabled, a fresh sub and email); `phone` adds a verified phone_number. */
  add(
    over: Partial<Omit<FakeUser, 'attributes'>> & {
      phone?: string;
      attributes?: Record<string, string>;
    } = {},
  ): FakeUser {
    const sub = randomUUID();
    const { phone, attributes = {}, ...rest } = over;
    const user: FakeUser = {
      Username: sub,
      sub,
      email: `cli-user-${sub.slice(0, 8)}@example.com`,
      UserStatus: 'CONFIRMED',
      Enabled: true,
      ...rest,
      attributes: { ...(phone ? { phone_number: phone, phone_number_verified: 'true' } : {}), ...attributes },
    };
    this.users.push(user);
    return user;
  }

  /** The operations requested so far, in order. */
  targets(): string[] {
    return this.requests.map((request) => request.target);
  }

  private async handle(req: IncomingMessage, res: ServerResponse, stack: () => unknown): Promise<void> {
    if (req.method === 'GET' && req.url === '/_local/stack')
      return this.send(res, 200, stack(), 'application/json');
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const target = String(req.headers['x-amz-target'] ?? '').replace(
      'AWSCognitoIdentityProviderService.',
      '',
    );
    const body = JSON.parse(raw || '{}') as Record<string, unknown>;
    this.requests.push({ target, body });
    if (body.UserPoolId !== this.userPoolId)
      return this.error(res, 'ResourceNotFoundException', 'User pool does not exist.');
    if (this.refuse.has(target)) return this.error(res, 'NotAuthorizedException', 'Not allowed.');
    const attributes = (u: FakeUser) => [
      { Name: 'sub', Value: u.sub },
      ...(u.email ? [{ Name: 'email', Value: u.email }] : []),
      ...Object.entries(u.attributes).map(([Name, Value]) => ({ Name, Value })),
    ];
    const named = () => this.users.find((u) => u.Username === body.Username);
    switch (target) {
      case 'ListUsers': {
        const match = /^email = "((?:[^"\\]|\\.)*)"$/.exec(String(body.Filter));
        if (!match) return this.error(res, 'InvalidParameterException', 'Invalid filter');
        const wanted = (match[1] ?? '').replace(/\\(.)/g, '$1');
        const found = this.users.filter((u) => u.email === wanted);
        return this.send(res, 200, {
          Users: found.map((u) => ({
            Username: u.Username,
            Attributes: attributes(u),
            UserStatus: u.UserStatus,
            Enabled: u.Enabled,
          })),
        });
      }
      case 'AdminGetUser': {
        const user = named();
        if (!user) return this.error(res, 'UserNotFoundException', 'User does not exist.');
        return this.send(res, 200, {
          Username: user.Username,
          UserAttributes: attributes(user),
          UserStatus: user.UserStatus,
          Enabled: user.Enabled,
        });
      }
      case 'AdminDeleteUserAttributes': {
        const user = named();
        if (!user) return this.error(res, 'UserNotFoundException', 'User does not exist.');
        for (const name of (body.UserAttributeNames as string[] | undefined) ?? []) {
          if (!this.keep.has(name)) delete user.attributes[name];
        }
        return this.send(res, 200, {});
      }
      case 'AdminUserGlobalSignOut':
        if (!named()) return this.error(res, 'UserNotFoundException', 'User does not exist.');
        return this.send(res, 200, {});
      default:
        return this.error(res, 'UnknownOperationException', target);
    }
  }

  private send(res: ServerResponse, status: number, body: unknown, type = 'application/x-amz-json-1.1') {
    res.writeHead(status, { 'content-type': type });
    res.end(JSON.stringify(body));
  }

  private error(res: ServerResponse, type: string, message: string) {
    this.send(res, 400, { __type: type, message });
  }
}
