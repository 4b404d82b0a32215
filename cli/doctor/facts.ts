/**
 * Everything the checks look at, read once and only read: the pool and its app client
 * (DescribeUserPool, DescribeUserPoolClient), the environment of the function attached to the
 * pool's CreateAuthChallenge trigger (GetFunctionConfiguration), each table (DescribeTable,
 * DescribeTimeToLive, DescribeContinuousBackups), and the account's SMS state
 * (GetSMSSandboxAccountStatus, GetSMSAttributes). A fact that cannot be read is kept as its error, so the check that needs it
 * says so instead of guessing; only a pool or client that cannot be read stops the doctor.
 */
import {
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  type UserPoolClientType,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type TableDescription,
  type TimeToLiveDescription,
} from '@aws-sdk/client-dynamodb';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { GetSMSAttributesCommand, GetSMSSandboxAccountStatusCommand } from '@aws-sdk/client-sns';
import type { DoctorTarget } from './target';

/** A value, or why it could not be read (`name`: the AWS error's name, e.g. ResourceNotFoundException). */
export type Read<T> = { ok: true; value: T } | { ok: false; name: string; error: string };

export interface TableFacts {
  name: string;
  table: Read<TableDescription>;
  ttl: Read<TimeToLiveDescription>;
  /** `PointInTimeRecoveryStatus`: ENABLED or DISABLED. */
  pitr: Read<string>;
}

/**
 * The function the pool's CreateAuthChallenge trigger runs (the ARN in LambdaConfig, as Cognito
 * calls it) and its environment variables, or `attached: false` when no such trigger is set.
 */
export type CodeFunctionFacts =
  | { attached: false }
  | { attached: true; arn: string; variables: Read<Record<string, string>> };

export interface Facts {
  pool: UserPoolType;
  client: UserPoolClientType;
  codeFunction: CodeFunctionFacts;
  tables: { invites: TableFacts; authState: TableFacts };
  sms: { inSandbox: Read<boolean>; attributes: Read<Record<string, string>> };
}

async function read<T>(call: () => Promise<T>, fail: (error: unknown) => Error): Promise<Read<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, name: (error as { name?: string }).name ?? 'Error', error: fail(error).message };
  }
}

export async function gatherFacts(target: DoctorTarget): Promise<Facts> {
  const { cognito, dynamodb, sns, userPoolId, clientId } = target;
  // One after the other: when the pool is missing, that (not its client) is what to say.
  const pool = await cognito
    .send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))
    .catch((error: unknown) => {
      throw target.fail(error, 'cognito', `user pool '${userPoolId}'`);
    });
  const client = await cognito
    .send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }))
    .catch((error: unknown) => {
      throw target.fail(error, 'cognito', `app client '${clientId}' of user pool '${userPoolId}'`);
    });
  if (!pool.UserPool || !client.UserPoolClient) {
    throw target.fail(new Error('the pool or the client came back empty'), 'cognito');
  }
  const tableFacts = async (name: string): Promise<TableFacts> => {
    const fail = (error: unknown) => target.fail(error, 'dynamodb', `table '${name}'`);
    const [table, ttl, pitr] = await Promise.all([
      read(
        async () => (await dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table ?? {},
        fail,
      ),
      read(
        async () =>
          (await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: name }))).TimeToLiveDescription ??
          {},
        fail,
      ),
      read(
        async () =>
          (await dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: name })))
            .ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus ??
          'DISABLED',
        fail,
      ),
    ]);
    return { name, table, ttl, pitr };
  };
  const smsFail = (error: unknown) => target.fail(error, 'sns');
  const [codeFunction, invites, authState, inSandbox, attributes] = await Promise.all([
    codeFunctionFacts(target, pool.UserPool.LambdaConfig?.CreateAuthChallenge),
    tableFacts(target.tables.invites),
    tableFacts(target.tables.authState),
    read(
      async () => (await sns.send(new GetSMSSandboxAccountStatusCommand({}))).IsInSandbox === true,
      smsFail,
    ),
    read(
      async () =>
        (await sns.send(new GetSMSAttributesCommand({ attributes: ['MonthlySpendLimit'] }))).attributes ?? {},
      smsFail,
    ),
  ]);
  return {
    pool: pool.UserPool,
    client: client.UserPoolClient,
    codeFunction,
    tables: { invites, authState },
    sms: { inSandbox, attributes },
  };
}

/** GetFunctionConfiguration of the ARN the trigger names (its version or alias included). */
async function codeFunctionFacts(target: DoctorTarget, arn: string | undefined): Promise<CodeFunctionFacts> {
  if (!arn) return { attached: false };
  const variables = await read(
    async () => {
      const { Environment: environment } = await target.lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: arn }),
      );
      // Lambda could not decrypt the variables (a KMS key it may no longer use): they are unknown.
      if (environment?.Error) {
        const error = new Error(environment.Error.Message ?? 'the variables cannot be read');
        error.name = environment.Error.ErrorCode ?? 'EnvironmentError';
        throw error;
      }
      return environment?.Variables ?? {};
    },
    (error) => target.fail(error, 'lambda', `function '${arn}'`),
  );
  return { attached: true, arn, variables };
}
