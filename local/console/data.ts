/**
 * What the local console shows and does, through the modules the CLIs use: users as the users
 * CLI sees them (cli/users/status.ts: the same AccountStatusStore and lockout rules as the
 * triggers that enforce them after the password), invites created, listed and revoked as the invites CLI does
 * (cli/invites/actions.ts, the InviteStore of the triggers). Nothing here decides a rule itself.
 *
 * The AWS SDK clients point at the stack's own services, with throw-away credentials.
 */
import {
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AccountStatusStore, type LockoutPolicy } from '#shared/auth-state/account-status';
import { maskPhone } from '#shared/challenge/mask';
import { InviteAlreadyAcceptedError, InviteNotFoundError, InviteStore } from '#shared/invites/store';
import {
  createInvite,
  type InviteView,
  inviteRequest,
  inviteView,
  listInvites,
} from '../../cli/invites/actions';
import { emailOption, OptionValues } from '../../cli/lib/args';
import { CliError } from '../../cli/lib/errors';
import { listPoolUsers, type UserStatusView, userStatus } from '../../cli/users/status';

export interface ConsoleStack {
  region: string;
  userPoolId: string;
  endpoints: { cognito: string; dynamodb: string };
  tables: { invites: string; authState: string };
}

/** One row of the console's users table. */
export interface ConsoleUser extends UserStatusView {
  /** `+*******0123`, as the sign-in challenge shows it; undefined without a phone. */
  phone: string | undefined;
  phoneVerified: boolean;
  groups: string[];
}

/** A request the console refuses, with the CLI's own message and an HTTP status. */
export class ConsoleError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export class ConsoleData {
  private readonly cognito: CognitoIdentityProviderClient;
  private readonly dynamodb: DynamoDBClient;
  private readonly invites: InviteStore;
  private readonly accounts: AccountStatusStore;

  constructor(
    private readonly stack: ConsoleStack,
    private readonly lockout: LockoutPolicy,
  ) {
    this.cognito = new CognitoIdentityProviderClient({
      region: stack.region,
      endpoint: stack.endpoints.cognito,
      credentials,
    });
    this.dynamodb = new DynamoDBClient({
      region: stack.region,
      endpoint: stack.endpoints.dynamodb,
      credentials,
    });
    const documents = DynamoDBDocumentClient.from(this.dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.invites = new InviteStore(documents, stack.tables.invites);
    this.accounts = new AccountStatusStore(documents, stack.tables.authState);
  }

  /** Every user: Cognito status, masked phone, groups, and whether a sign-in would be let through now. */
  async users(now: Date): Promise<ConsoleUser[]> {
    const users = await listPoolUsers(this.cognito, this.stack.userPoolId);
    return Promise.all(
      users.map(async (user) => {
        const [status, groups] = await Promise.all([
          userStatus(this.accounts, user, now, this.lockout),
          this.cognito.send(
            new AdminListGroupsForUserCommand({ UserPoolId: this.stack.userPoolId, Username: user.username }),
          ),
        ]);
        const phone = user.attributes.phone_number;
        return {
          ...status,
          phone: phone ? maskPhone(phone) : undefined,
          phoneVerified: user.attributes.phone_number_verified === 'true',
          groups: (groups.Groups ?? []).map((group) => group.GroupName ?? ''),
        };
      }),
    );
  }

  invitesList(now: Date): Promise<InviteView[]> {
    return listInvites(this.invites, now);
  }

  /** `{ email, group?, days? }` -> the new invite and its code (shown once, as by `invites create`). */
  async createInvite(body: Record<string, unknown>, now: Date) {
    const request = checked(() =>
      inviteRequest(
        new OptionValues({ email: text(body.email), group: text(body.group), days: text(body.days) }),
      ),
    );
    const { invite, code, replaced } = await storeCall(() => createInvite(this.invites, request, now));
    return { ...inviteView(invite, now), code, replaced };
  }

  /** `{ email }` -> the revoked invite, as `invites revoke` does it. */
  async revokeInvite(body: Record<string, unknown>, now: Date) {
    const { email } = checked(() => emailOption(new OptionValues({ email: text(body.email) })));
    const result = await storeCall(() => this.invites.revoke(email, now));
    return { ...inviteView(result.invite, now), outcome: result.outcome };
  }

  close(): void {
    this.cognito.destroy();
    this.dynamodb.destroy();
  }
}

/** A form field as the CLI would get it: a string, or absent when empty. */
function text(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value : String(value);
}

/** The CLI's UsageError (what the operator typed is wrong) becomes a 400 with its message. */
function checked<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof CliError) throw new ConsoleError(error.message, 400);
    throw error;
  }
}

/** The store's refusals become 404 / 409 with their message, as the CLI prints them. */
async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof InviteNotFoundError) throw new ConsoleError(error.message, 404);
    if (error instanceof InviteAlreadyAcceptedError) throw new ConsoleError(error.message, 409);
    throw error;
  }
}
