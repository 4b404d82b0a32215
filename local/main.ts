/**
 * `npm start`: runs the local stack until Ctrl-C and prints how to use it.
 *
 *   npm start                              # pool on :9229, DynamoDB :9230, SNS :9231, SES :9232, Lambda :9233, in memory
 *   PORT=9300 npm start                    # pool on :9300, DynamoDB :9301, SNS :9302, SES :9303, Lambda :9304
 *   npm start -- --persist .local-data     # keep users and tables across restarts
 *   npm start -- --log-level DEBUG         # more of the triggers' own logs
 *   npm start -- --log-format json         # their raw JSON lines, as CloudWatch shows them
 *
 * Options: --port N (or PORT), --dynamodb-port N, --sns-port N, --ses-port N, --lambda-port N, --persist DIR,
 * --stage NAME, --region NAME, --param name=value (repeatable), --log-level LEVEL, --log-format compact|json,
 * --no-print-outbox.
 */
import { parseArgs } from 'node:util';
import { compactTriggerLogs } from './log-view';
import { DEFAULT_PORT, type Stack, type StackOptions, startStack } from './stack';

const USAGE = `Usage: npm start -- [--port N] [--dynamodb-port N] [--sns-port N] [--ses-port N] [--lambda-port N]
                    [--persist DIR] [--stage NAME] [--region NAME] [--param name=value]... [--log-level LEVEL]
                    [--log-format compact|json] [--no-print-outbox]`;

export interface MainOptions extends StackOptions {
  /** `compact` (default): one short line per trigger log entry; `json`: the raw lines. */
  logFormat: 'compact' | 'json';
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): MainOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'dynamodb-port': { type: 'string' },
      'sns-port': { type: 'string' },
      'ses-port': { type: 'string' },
      'lambda-port': { type: 'string' },
      persist: { type: 'string' },
      stage: { type: 'string' },
      region: { type: 'string' },
      param: { type: 'string', multiple: true },
      'log-level': { type: 'string' },
      'log-format': { type: 'string' },
      'no-print-outbox': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const logFormat = values['log-format'] ?? 'compact';
  if (logFormat !== 'compact' && logFormat !== 'json')
    throw new Error(`--log-format must be compact or json, got "${logFormat}"`);
  const params: Record<string, string> = {};
  for (const pair of values.param ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--param expects name=value, got "${pair}"`);
    params[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return {
    port: portOption('--port / PORT', values.port ?? env.PORT) ?? DEFAULT_PORT,
    dynamodbPort: portOption('--dynamodb-port', values['dynamodb-port']),
    snsPort: portOption('--sns-port', values['sns-port']),
    sesPort: portOption('--ses-port', values['ses-port']),
    lambdaPort: portOption('--lambda-port', values['lambda-port']),
    persistDir: values.persist,
    stage: values.stage,
    region: values.region,
    params,
    logLevel: values['log-level'],
    printOutbox: !values['no-print-outbox'],
    logFormat,
  };
}

function portOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name} must be a port number, got "${value}"`);
  return port;
}

/** The banner: what runs where, and how to talk to it. */
export function usageText(stack: Stack, persistDir: string | undefined, tty: boolean): string {
  const { info } = stack;
  const bold = (text: string) => (tty ? `\x1b[1m${text}\x1b[0m` : text);
  const dim = (text: string) => (tty ? `\x1b[2m${text}\x1b[0m` : text);
  const cognito = info.endpoints.cognito;
  const triggers = Object.entries(info.triggers)
    .map(([trigger, fn]) => `${trigger} -> ${fn}`)
    .join('\n                ');
  return `
${bold('Cognito Auth Triggers: local stack')} ${dim(`(stage ${info.stage}, region ${info.region})`)}

  User pool     ${info.userPoolId}   ${cognito}
  App client    ${info.clientId}
  DynamoDB      ${info.endpoints.dynamodb}   tables ${info.tables.invites}, ${info.tables.authState}
  SNS (SMS)     ${info.endpoints.sns}   every SMS goes to the outbox below
  SES (email)   ${info.endpoints.ses}   security notices and EMAIL_OTP codes go to the outbox too
  Lambda        ${info.endpoints.lambda}   GetFunctionConfiguration: each function's environment (npm run doctor -- --local)
  Triggers      ${triggers}
  Console       ${cognito}/_local/ui   (outbox live, users, invites)
  Sign-in page  ${cognito}/_local/ui/sign-in   (the example app: sign up with an invite, sign in)
  Stack info    GET ${cognito}/_local/stack
  Outbox        GET ${cognito}/_local/outbox   (SMS and email, newest last; also printed here)
  JWKS          ${cognito}/${info.userPoolId}/.well-known/jwks.json
  Data          ${persistDir ? `kept in ${persistDir}` : 'in memory (npm start -- --persist DIR keeps it)'}${
    stack.definitions.unsupportedTriggers.length > 0
      ? `\n  Not run here  ${stack.definitions.unsupportedTriggers.join(', ')} (attached in serverless.yml; the local pool does not call them)`
      : ''
  }

${bold('Try it')}
  npm run invites -- create --email ada@example.com --local
  npm run demo -- --url ${cognito}

${bold('AWS CLI')} ${dim('(any credentials; nothing leaves this machine)')}
  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local
  export AWS_REGION=${info.region} AWS_DEFAULT_REGION=${info.region}   ${dim('# CLI v1 reads AWS_DEFAULT_REGION')}
  export AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=${cognito}
  export AWS_ENDPOINT_URL_DYNAMODB=${info.endpoints.dynamodb}
  export AWS_ENDPOINT_URL_SESV2=${info.endpoints.ses}
  export AWS_ENDPOINT_URL_LAMBDA=${info.endpoints.lambda}
  aws cognito-idp sign-up --client-id ${info.clientId} --username ada@example.com \\
    --password 'Correct-Horse-9' --client-metadata inviteCode=<code from the invite>
  aws cognito-idp list-users --user-pool-id ${info.userPoolId}
  aws dynamodb scan --table-name ${info.tables.invites}
  aws lambda get-function-configuration --function-name ${info.triggers.CreateAuthChallenge ?? '<function name>'}

${bold('AWS SDK v3 / amazon-cognito-identity-js')}
  new CognitoIdentityProviderClient({ region: '${info.region}', endpoint: '${cognito}' })
  new CognitoUserPool({ UserPoolId: '${info.userPoolId}', ClientId: '${info.clientId}', endpoint: '${cognito}' })
  ${dim("(sign in with authenticationFlowType 'CUSTOM_AUTH': password by SRP, then the SMS code)")}

Ctrl-C stops the stack.
`;
}

async function main(): Promise<void> {
  let options: MainOptions;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (options.logFormat === 'compact') {
    // Powertools writes INFO/DEBUG to stdout and WARN/ERROR to stderr.
    compactTriggerLogs(process.stdout);
    compactTriggerLogs(process.stderr);
  }
  let stack: Stack;
  try {
    stack = await startStack(options);
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { port?: number };
    if (err.code === 'EADDRINUSE') {
      console.error(
        `Port ${err.port ?? ''} is already in use: is another stack running? Stop it, or pick ports with PORT=... (or --port, --dynamodb-port, --sns-port, --ses-port, --lambda-port).`,
      );
    } else {
      console.error('The local stack could not start:', err.message);
    }
    process.exit(1);
  }
  console.log(usageText(stack, options.persistDir, process.stdout.isTTY === true));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error('Stopping now.');
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping the local stack...`);
    stack.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Error while stopping:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) void main();
