/**
 * What the doctor checks: which pool and app client (the running local stack's, the ones given,
 * or the stage's found by name), which tables and functions they should use, and the clients to
 * read them with. Every call the doctor makes is a read.
 */
import {
  CognitoIdentityProviderClient,
  ListUserPoolClientsCommand,
  type ListUserPoolClientsCommandOutput,
  ListUserPoolsCommand,
  type ListUserPoolsCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
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

export const SERVICE = 'cognito-auth-triggers';

/** Each trigger and the key of its function in serverless.yml (`cognito-auth-triggers-<stage>-<key>`). */
export const TRIGGER_FUNCTIONS = {
  PreSignUp: 'preSignUp',
  PostConfirmation: 'postConfirmation',
  PreAuthentication: 'preAuthentication',
  CustomMessage: 'customMessage',
  DefineAuthChallenge: 'defineAuthChallenge',
  CreateAuthChallenge: 'createAuthChallenge',
  VerifyAuthChallengeResponse: 'verifyAuthChallenge',
} as const;
export type TriggerName = keyof typeof TRIGGER_FUNCTIONS;

/**
 * OTP_TTL_SECONDS's default and range, as createAuthChallenge reads it (its settings.ts, serverless.yml
 * `otpTtlSeconds`): the range of `--otp-ttl-seconds` and `$OTP_TTL_SECONDS`, and the value used when
 * the deployed function cannot be read and neither is given.
 */
export const OTP_TTL = { fallback: 180, min: 30, max: 900 };

/** A code lifetime the doctor was given or fell back to, and where it came from (for the findings). */
export interface GivenOtpTtl {
  seconds: number;
  /** `from --otp-ttl-seconds`, `from $OTP_TTL_SECONDS`, `from the doctor's default`. */
  source: string;
}

export interface DoctorTarget {
  userPoolId: string;
  clientId: string;
  stage: string;
  /** Where the calls go, for the report: an endpoint or `AWS <region>`. */
  where: string;
  tables: { invites: string; authState: string };
  /** Trigger -> the function name that must be attached to it. */
  functions: Record<TriggerName, string>;
  /**
   * `override`: `--otp-ttl-seconds`, used instead of what the deployed CreateAuthChallenge runs
   * with; `fallback`: `$OTP_TTL_SECONDS` or the default, used when that function cannot be read.
   */
  otpTtl: { override: GivenOtpTtl | undefined; fallback: GivenOtpTtl };
  cognito: CognitoIdentityProviderClient;
  dynamodb: DynamoDBClient;
  sns: SNSClient;
  lambda: LambdaClient;
  fail: (error: unknown, service: 'cognito' | 'dynamodb' | 'sns' | 'lambda', resource?: string) => CliError;
  close: () => void;
}

export async function resolveTarget(context: CommandContext): Promise<DoctorTarget> {
  const { options, io } = context;
  const fallback = otpTtlFromEnv(io.env.OTP_TTL_SECONDS);
  const override = options.string('otp-ttl-seconds')
    ? {
        seconds: options.integer('otp-ttl-seconds', OTP_TTL),
        source: 'from --otp-ttl-seconds',
      }
    : undefined;
  const local = options.flag('local');
  const givenPool = options.string('pool-id');
  const givenClient = options.string('client-id');
  if (local && (givenPool || givenClient)) {
    throw new UsageError('--local checks the local stack`s pool: leave out --pool-id and --client-id');
  }
  if (Boolean(givenPool) !== Boolean(givenClient)) {
    throw new UsageError('--pool-id and --client-id go together (an app client belongs to one pool)');
  }
  const environment: AwsEnvironment = await resolveAwsEnvironment(
    { local, region: options.string('region') },
    io.env,
  );
  const stack = environment.stack;
  const stage = stack ? (stack.stage ?? 'local') : stageOption(options);
  const targets = {
    cognito: awsTarget('cognito', environment),
    dynamodb: awsTarget('dynamodb', environment),
    sns: awsTarget('sns', environment),
    lambda: awsTarget('lambda', environment),
  };
  const cognito = new CognitoIdentityProviderClient(targets.cognito.clientOptions);
  const dynamodb = new DynamoDBClient(targets.dynamodb.clientOptions);
  const sns = new SNSClient(targets.sns.clientOptions);
  const lambda = new LambdaClient(targets.lambda.clientOptions);
  const close = () => {
    cognito.destroy();
    dynamodb.destroy();
    sns.destroy();
    lambda.destroy();
  };
  const fail: DoctorTarget['fail'] = (error, service, resource) =>
    error instanceof CliError ? error : describeAwsError(error, targets[service], resource);
  try {
    const ids = stack
      ? { userPoolId: stack.userPoolId, clientId: stack.clientId }
      : givenPool && givenClient
        ? { userPoolId: givenPool, clientId: givenClient }
        : await findStagePool(cognito, stage).catch((error: unknown) => {
            throw fail(error, 'cognito');
          });
    const table = (envVariable: string, suffix: string, explicit: string | undefined, localName?: string) =>
      resolveTableName({ explicit, localName, envVariable, env: io.env, stage, suffix });
    const functions = Object.fromEntries(
      Object.entries(TRIGGER_FUNCTIONS).map(([trigger, key]) => [
        trigger,
        stack?.triggers?.[trigger] ?? `${SERVICE}-${stage}-${key}`,
      ]),
    ) as Record<TriggerName, string>;
    return {
      ...ids,
      stage,
      where: targets.cognito.where,
      tables: {
        invites: table('INVITES_TABLE', 'invites', options.string('invites-table'), stack?.tables?.invites),
        authState: table(
          'AUTH_STATE_TABLE',
          'auth-state',
          options.string('auth-state-table'),
          stack?.tables?.authState,
        ),
      },
      functions,
      otpTtl: { override, fallback },
      cognito,
      dynamodb,
      sns,
      lambda,
      fail,
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}

function otpTtlFromEnv(raw: string | undefined): GivenOtpTtl {
  if (raw === undefined || raw.trim() === '')
    return { seconds: OTP_TTL.fallback, source: "from the doctor's default" };
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isInteger(value) || value < OTP_TTL.min || value > OTP_TTL.max) {
    throw new UsageError(
      `OTP_TTL_SECONDS must be a whole number from ${OTP_TTL.min} to ${OTP_TTL.max} (got '${raw}')`,
    );
  }
  return { seconds: value, source: 'from $OTP_TTL_SECONDS' };
}

/** The stage's pool (`cognito-auth-triggers-<stage>`) and app client (`...-app`), found by name. */
async function findStagePool(
  cognito: CognitoIdentityProviderClient,
  stage: string,
): Promise<{ userPoolId: string; clientId: string }> {
  const poolName = `${SERVICE}-${stage}`;
  const pools: string[] = [];
  let token: string | undefined;
  do {
    const page: ListUserPoolsCommandOutput = await cognito.send(
      new ListUserPoolsCommand({ MaxResults: 60, NextToken: token }),
    );
    for (const pool of page.UserPools ?? []) if (pool.Name === poolName && pool.Id) pools.push(pool.Id);
    token = page.NextToken;
  } while (token);
  if (pools.length !== 1) {
    throw new CliError(
      pools.length === 0
        ? `no user pool named ${poolName}: deploy the stage, or name the pool with --pool-id and --client-id`
        : `${pools.length} user pools are named ${poolName}: name one with --pool-id and --client-id`,
    );
  }
  const userPoolId = pools[0] as string;
  const clientName = `${poolName}-app`;
  const clients: string[] = [];
  token = undefined;
  do {
    const page: ListUserPoolClientsCommandOutput = await cognito.send(
      new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60, NextToken: token }),
    );
    for (const client of page.UserPoolClients ?? []) {
      if (client.ClientName === clientName && client.ClientId) clients.push(client.ClientId);
    }
    token = page.NextToken;
  } while (token);
  if (clients.length !== 1) {
    throw new CliError(
      `${clients.length === 0 ? 'no' : clients.length} app client${clients.length === 1 ? '' : 's'} named ${clientName} in ${userPoolId}: name one with --pool-id and --client-id`,
    );
  }
  return { userPoolId, clientId: clients[0] as string };
}
