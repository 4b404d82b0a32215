/**
 * The sign-in operations as requests: InitiateAuth and RespondToAuthChallenge (the app client's),
 * AdminInitiateAuth and AdminRespondToAuthChallenge (a server's, IAM-authorised in AWS), and
 * GetTokensFromRefreshToken. Each reads its request, checks that the app client allows the flow,
 * and hands over to the sign-in engine (sign-in.ts) or the token service; the admin twins run the
 * very same rounds and triggers.
 *
 * API reference: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html
 * and .../API_GetTokensFromRefreshToken.html, .../API_RefreshTokenRotationType.html.
 */
import { invalidParameter } from './errors';
import {
  checkClient,
  checkPool,
  type Input,
  type Operation,
  type Pool,
  required,
  requiredParameter,
  stringMap,
} from './pool';
import {
  type AuthResponse,
  answerRound,
  type SignInStart,
  startCustomAuth,
  startPasswordAuth,
  startSrpAuth,
} from './sign-in';

const NOT_SUPPORTED = 'Initiate Auth method not supported.';

export const initiateAuth: Operation = async (pool, input) => {
  const clientId = checkClient(pool, input);
  const flow = required(input, 'AuthFlow');
  const start = readStart(input, false);
  switch (flow) {
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      return refreshTokenAuth(pool, flow, start, clientId);
    case 'CUSTOM_AUTH':
      allow(pool, 'ALLOW_CUSTOM_AUTH', 'CUSTOM_AUTH flow not enabled for this client');
      return startCustomAuth(pool, start);
    case 'USER_SRP_AUTH':
      allow(pool, 'ALLOW_USER_SRP_AUTH', 'USER_SRP_AUTH is not enabled for the client.');
      return startSrpAuth(pool, start);
    case 'USER_PASSWORD_AUTH':
      allow(pool, 'ALLOW_USER_PASSWORD_AUTH', 'USER_PASSWORD_AUTH flow not enabled for this client');
      return startPasswordAuth(pool, start, 'USER_PASSWORD_AUTH');
    case 'ADMIN_USER_PASSWORD_AUTH':
    case 'ADMIN_NO_SRP_AUTH':
    case 'USER_AUTH':
      throw invalidParameter(NOT_SUPPORTED);
    default:
      throw invalidParameter(
        `1 validation error detected: Value '${flow}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, USER_PASSWORD_AUTH]`,
      );
  }
};

/**
 * AdminInitiateAuth: the server-side start of a sign-in. The same flows and triggers as
 * InitiateAuth, except that the password may come in clear with ADMIN_USER_PASSWORD_AUTH (its
 * legacy name ADMIN_NO_SRP_AUTH) when the client allows it, and USER_PASSWORD_AUTH is not offered.
 */
export const adminInitiateAuth: Operation = async (pool, input) => {
  checkPool(pool, input);
  const clientId = checkClient(pool, input);
  const flow = required(input, 'AuthFlow');
  const start = readStart(input, true);
  switch (flow) {
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      return refreshTokenAuth(pool, flow, start, clientId);
    case 'CUSTOM_AUTH':
      allow(pool, 'ALLOW_CUSTOM_AUTH', 'CUSTOM_AUTH flow not enabled for this client');
      return startCustomAuth(pool, start);
    case 'USER_SRP_AUTH':
      allow(pool, 'ALLOW_USER_SRP_AUTH', 'USER_SRP_AUTH is not enabled for the client.');
      return startSrpAuth(pool, start);
    case 'ADMIN_USER_PASSWORD_AUTH':
    case 'ADMIN_NO_SRP_AUTH':
      allow(pool, 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'Auth flow not enabled for this client');
      return startPasswordAuth(pool, start, 'ADMIN_USER_PASSWORD_AUTH');
    case 'USER_PASSWORD_AUTH':
    case 'USER_AUTH':
      throw invalidParameter(NOT_SUPPORTED);
    default:
      throw invalidParameter(
        `1 validation error detected: Value '${flow}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, ADMIN_USER_PASSWORD_AUTH]`,
      );
  }
};

export const respondToAuthChallenge: Operation = async (pool, input) =>
  answerRound(pool, readAnswer(pool, input, false));

/** AdminRespondToAuthChallenge: answers a round of a sign-in AdminInitiateAuth started (only those). */
export const adminRespondToAuthChallenge: Operation = async (pool, input) => {
  checkPool(pool, input);
  return answerRound(pool, readAnswer(pool, input, true));
};

/**
 * GetTokensFromRefreshToken: new ID and access tokens; with the client's RefreshTokenRotation
 * ENABLED also a new refresh token, the submitted one then working only for the retry grace period.
 */
export const getTokensFromRefreshToken: Operation = async (pool, input) => {
  const clientId = checkClient(pool, input);
  const token = required(input, 'RefreshToken');
  // Checked for shape only: Cognito passes it to PreTokenGeneration, which the local pool does not run.
  stringMap(input, 'ClientMetadata');
  const rotation = pool.settings.client.refreshTokenRotation;
  return {
    AuthenticationResult: rotation.enabled
      ? await pool.tokens.rotate(token, clientId, rotation.retryGracePeriodSeconds)
      : await pool.tokens.refresh(token, clientId),
  };
};

/** REFRESH_TOKEN_AUTH: refused when the client rotates refresh tokens (those go through GetTokensFromRefreshToken). */
async function refreshTokenAuth(
  pool: Pool,
  flow: string,
  start: SignInStart,
  clientId: string,
): Promise<AuthResponse> {
  const { client } = pool.settings;
  if (!client.explicitAuthFlows.has('ALLOW_REFRESH_TOKEN_AUTH') || client.refreshTokenRotation.enabled) {
    throw invalidParameter(`${flow} flow not enabled for this client`);
  }
  const token = requiredParameter(start.parameters, 'REFRESH_TOKEN');
  return { ChallengeParameters: {}, AuthenticationResult: await pool.tokens.refresh(token, clientId) };
}

function allow(pool: Pool, flow: string, message: string): void {
  if (!pool.settings.client.explicitAuthFlows.has(flow)) throw invalidParameter(message);
}

function readStart(input: Input, admin: boolean): SignInStart {
  return {
    parameters: stringMap(input, 'AuthParameters') ?? {},
    clientMetadata: stringMap(input, 'ClientMetadata'),
    admin,
  };
}

function readAnswer(pool: Pool, input: Input, admin: boolean) {
  return {
    clientId: checkClient(pool, input),
    challengeName: required(input, 'ChallengeName'),
    session: typeof input.Session === 'string' && input.Session !== '' ? input.Session : undefined,
    responses: stringMap(input, 'ChallengeResponses') ?? {},
    clientMetadata: stringMap(input, 'ClientMetadata'),
    admin,
  };
}
