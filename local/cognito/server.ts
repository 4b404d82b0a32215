/**
 * The HTTP face of the pool: Cognito's wire protocol (POST /, AWS JSON 1.1,
 * `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`, errors as
 * `{ "__type", "message" }` with `x-amzn-ErrorType`), the JWKS and OpenID configuration under
 * `/<userPoolId>/.well-known/`, CORS for browser apps, and the caller's extra routes first.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  adminConfirmSignUp,
  adminCreateUser,
  adminDeleteUser,
  adminDeleteUserAttributes,
  adminDisableUser,
  adminEnableUser,
  adminGetUser,
  adminResetUserPassword,
  adminSetUserPassword,
  adminUpdateUserAttributes,
  adminUserGlobalSignOut,
  listUsers,
} from './admin-operations';
import {
  adminInitiateAuth,
  adminRespondToAuthChallenge,
  getTokensFromRefreshToken,
  initiateAuth,
  respondToAuthChallenge,
} from './auth-operations';
import { CognitoError } from './errors';
import {
  adminAddUserToGroup,
  adminListGroupsForUser,
  adminRemoveUserFromGroup,
  createGroup,
  deleteGroup,
  getGroup,
  listGroups,
  listUsersInGroup,
} from './group-operations';
import { adminSetUserMfaPreference } from './mfa-preferences';
import type { Operation, Pool } from './pool';
import {
  describeUserPool,
  describeUserPoolClient,
  listUserPoolClients,
  listUserPools,
} from './pool-operations';
import {
  changePassword,
  confirmForgotPassword,
  confirmSignUp,
  forgotPassword,
  getUser,
  getUserAttributeVerificationCode,
  globalSignOut,
  resendConfirmationCode,
  revokeToken,
  signUp,
  updateUserAttributes,
  verifyUserAttribute,
} from './user-operations';

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const MAX_BODY_BYTES = 1_048_576;

/** Every operation the local pool serves, by its X-Amz-Target name (docs/local-cognito.md lists them). */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  // The app client's operations (no IAM in AWS either)
  SignUp: signUp,
  ConfirmSignUp: confirmSignUp,
  ResendConfirmationCode: resendConfirmationCode,
  InitiateAuth: initiateAuth,
  RespondToAuthChallenge: respondToAuthChallenge,
  GetTokensFromRefreshToken: getTokensFromRefreshToken,
  ForgotPassword: forgotPassword,
  ConfirmForgotPassword: confirmForgotPassword,
  ChangePassword: changePassword,
  GetUser: getUser,
  UpdateUserAttributes: updateUserAttributes,
  GetUserAttributeVerificationCode: getUserAttributeVerificationCode,
  VerifyUserAttribute: verifyUserAttribute,
  GlobalSignOut: globalSignOut,
  RevokeToken: revokeToken,
  // Administrator operations (IAM-authorised in AWS; not checked here)
  AdminInitiateAuth: adminInitiateAuth,
  AdminRespondToAuthChallenge: adminRespondToAuthChallenge,
  AdminCreateUser: adminCreateUser,
  AdminGetUser: adminGetUser,
  AdminSetUserMFAPreference: adminSetUserMfaPreference,
  AdminUpdateUserAttributes: adminUpdateUserAttributes,
  AdminDeleteUserAttributes: adminDeleteUserAttributes,
  AdminConfirmSignUp: adminConfirmSignUp,
  AdminSetUserPassword: adminSetUserPassword,
  AdminResetUserPassword: adminResetUserPassword,
  AdminDisableUser: adminDisableUser,
  AdminEnableUser: adminEnableUser,
  AdminDeleteUser: adminDeleteUser,
  AdminUserGlobalSignOut: adminUserGlobalSignOut,
  ListUsers: listUsers,
  AdminAddUserToGroup: adminAddUserToGroup,
  AdminRemoveUserFromGroup: adminRemoveUserFromGroup,
  AdminListGroupsForUser: adminListGroupsForUser,
  CreateGroup: createGroup,
  GetGroup: getGroup,
  ListGroups: listGroups,
  DeleteGroup: deleteGroup,
  ListUsersInGroup: listUsersInGroup,
  DescribeUserPool: describeUserPool,
  DescribeUserPoolClient: describeUserPoolClient,
  ListUserPools: listUserPools,
  ListUserPoolClients: listUserPoolClients,
};

export interface RequestHandlerOptions {
  pool: Promise<Pool>;
  issuer: () => string;
  routes?: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
}

export function requestHandler(options: RequestHandlerOptions) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res, options).catch((error: unknown) => {
      console.error('local user pool: request failed', error);
      if (!res.headersSent) sendError(res, new CognitoError('InternalErrorException', 'Internal error', 500));
      else res.end();
    });
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: RequestHandlerOptions,
): Promise<void> {
  if (options.routes?.(req, res)) return;
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader(
    'Access-Control-Expose-Headers',
    'x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date',
  );
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'GET,POST,OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? '*');
    res.setHeader('Access-Control-Max-Age', '600');
    res.writeHead(204).end();
    return;
  }
  const pool = await options.pool;
  const path = (req.url ?? '/').split('?')[0];
  const base = `/${pool.settings.userPoolId}/.well-known`;
  if (req.method === 'GET' && path === `${base}/jwks.json`) {
    sendJson(res, 200, pool.tokens.jwks(), 'application/json');
    return;
  }
  if (req.method === 'GET' && path === `${base}/openid-configuration`) {
    sendJson(res, 200, openIdConfiguration(options.issuer()), 'application/json');
    return;
  }
  if (req.method !== 'POST' || path !== '/') {
    sendJson(res, 404, { message: 'Not found' }, 'application/json');
    return;
  }
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.startsWith(TARGET_PREFIX)
    ? OPERATIONS[target.slice(TARGET_PREFIX.length)]
    : undefined;
  if (!operation) {
    await readBody(req).catch(() => undefined);
    sendError(res, new CognitoError('UnknownOperationException', `Unknown operation ${target}`));
    return;
  }
  let input: unknown;
  try {
    const body = await readBody(req);
    input = body.length === 0 ? {} : JSON.parse(body);
  } catch (error) {
    sendError(
      res,
      error instanceof CognitoError
        ? error
        : new CognitoError('SerializationException', 'Malformed JSON request body'),
    );
    return;
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    sendError(res, new CognitoError('SerializationException', 'The request body must be a JSON object'));
    return;
  }
  try {
    sendJson(res, 200, await operation(pool, input as Record<string, unknown>));
  } catch (error) {
    if (!(error instanceof CognitoError)) throw error;
    sendError(res, error);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new CognitoError('SerializationException', 'Request body too large', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  type = 'application/x-amz-json-1.1',
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(payload),
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(payload);
}

function sendError(res: ServerResponse, error: CognitoError): void {
  res.setHeader('x-amzn-ErrorType', `${error.type}:`);
  sendJson(res, error.status, { __type: error.type, message: error.message });
}

function openIdConfiguration(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    id_token_signing_alg_values_supported: ['RS256'],
    subject_types_supported: ['public'],
    response_types_supported: ['code', 'token'],
    scopes_supported: ['openid', 'email', 'phone', 'profile'],
  };
}
