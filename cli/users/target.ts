/**
 * Where a users command acts and with what: the user pool and the auth-state table (from the
 * flags, the environment, the local stack or the stage), SDK clients with bounded timeouts, and
 * one-line errors naming the service that failed. Also the options and checks several commands
 * share (`--email`, `--reason`, `--by`).
 */
import { userInfo } from 'node:os';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AccountStatusStore } from '#shared/auth-state/account-status';
import { emailOption, type OptionValues } from '../lib/args';
import {
  type AwsEnvironment,
  awsTarget,
  describeAwsError,
  resolveAwsEnvironment,
  resolveTableName,
  stageOption,
} from '../lib/aws';
import { CliError, UsageError } from '../lib/errors';
import type { CommandContext } from '../lib/run';
import { findUser, type PoolUser } from './status';

export const AUTH_STATE_TABLE_VARIABLE = 'AUTH_STATE_TABLE';
export const USER_POOL_ID_VARIABLE = 'USER_POOL_ID';
export const REASON_MAX = 200;

export const userOptions = {
  email: { type: 'string', valueName: 'EMAIL', description: "The user's email address (required)" },
} as const;

/** `--reason`, checked; undefined when it is not given. */
export function optionalReason(options: OptionValues): string | undefined {
  const reason = options.string('reason');
  if (reason !== undefined && (reason.length > REASON_MAX || /\p{Cc}/u.test(reason))) {
    throw new UsageError(`--reason must be at most ${REASON_MAX} characters on one line`);
  }
  return reason;
}

export function reasonOption(options: OptionValues): string {
  return optionalReason(options) ?? 'no reason given';
}

export function operator(options: OptionValues): string {
  const by = options.string('by');
  if (by !== undefined) {
    if (by.length > 100 || /\p{Cc}/u.test(by)) throw new UsageError('--by must be at most 100 characters');
    return by;
  }
  try {
    return `${userInfo().username} (users CLI)`;
  } catch {
    return 'users CLI';
  }
}

/** The pool and the table a command acts on, with its clients. `close()` destroys the clients. */
export interface Target {
  userPoolId: string;
  tableName: string;
  cognito: CognitoIdentityProviderClient;
  /** The document client on the auth-state table's DynamoDB. */
  dynamodb: DynamoDBDocumentClient;
  accounts: AccountStatusStore;
  /** Turns an AWS error into a one-line CLI error naming the service that failed. */
  fail: (error: unknown, service: 'cognito' | 'dynamodb') => CliError;
  close: () => void;
}

/** Resolves the pool and table (`--local`, flags, environment, stage) and opens the clients. */
export async function openTarget(context: CommandContext): Promise<Target> {
  const { options, io } = context;
  const stage = stageOption(options);
  const environment: AwsEnvironment = await resolveAwsEnvironment(
    { local: options.flag('local'), region: options.string('region') },
    io.env,
  );
  const userPoolId =
    options.string('user-pool-id') ?? environment.stack?.userPoolId ?? io.env[USER_POOL_ID_VARIABLE]?.trim();
  if (!userPoolId) {
    throw new UsageError(`no user pool: pass --user-pool-id, set ${USER_POOL_ID_VARIABLE}, or use --local`);
  }
  const tableName = resolveTableName({
    explicit: options.string('table'),
    localName: environment.stack?.tables?.authState,
    envVariable: AUTH_STATE_TABLE_VARIABLE,
    env: io.env,
    stage,
    suffix: 'auth-state',
  });
  const cognitoTarget = awsTarget('cognito', environment);
  const dynamodbTarget = awsTarget('dynamodb', environment);
  const cognito = new CognitoIdentityProviderClient(cognitoTarget.clientOptions);
  const dynamodbClient = new DynamoDBClient(dynamodbTarget.clientOptions);
  const dynamodb = DynamoDBDocumentClient.from(dynamodbClient, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    userPoolId,
    tableName,
    cognito,
    dynamodb,
    accounts: new AccountStatusStore(dynamodb, tableName),
    fail: (error, service) =>
      error instanceof CliError
        ? error
        : service === 'cognito'
          ? describeAwsError(error, cognitoTarget, `user pool '${userPoolId}'`)
          : describeAwsError(error, dynamodbTarget, `table '${tableName}'`),
    close: () => {
      cognito.destroy();
      dynamodbClient.destroy();
    },
  };
}

/** A command's view of one user: the target plus the user found by `--email`. */
export interface Session extends Target {
  user: PoolUser;
}

/**
 * Resolves the target, finds the user named by `--email`, runs `work` and closes the clients.
 * Every AWS failure becomes one line saying which service and where.
 */
export async function withUser<T>(
  context: CommandContext,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const email = emailOption(context.options).raw;
  const target = await openTarget(context);
  try {
    let user: PoolUser;
    try {
      user = await findUser(target.cognito, target.userPoolId, email);
    } catch (error) {
      throw target.fail(error, 'cognito');
    }
    return await work({ ...target, user });
  } finally {
    target.close();
  }
}
