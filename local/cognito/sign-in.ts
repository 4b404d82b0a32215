/**
 * The sign-in engine: the rounds of a sign-in as Cognito runs them, after the request has been
 * read (auth-operations.ts reads InitiateAuth, RespondToAuthChallenge and their Admin twins).
 *
 * CUSTOM_AUTH with SRP (amazon-cognito-identity-js `CUSTOM_AUTH`, Amplify `CUSTOM_WITH_SRP`):
 *   InitiateAuth { USERNAME, SRP_A, CHALLENGE_NAME: SRP_A }
 *     -> PreAuthentication -> Define([SRP_A ✓]) says PASSWORD_VERIFIER
 *     -> PASSWORD_VERIFIER challenge (SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP)
 *   RespondToAuthChallenge PASSWORD_VERIFIER (signature checked here; a wrong one fails at once)
 *     -> [NEW_PASSWORD_REQUIRED for a FORCE_CHANGE_PASSWORD user]
 *     -> Define([SRP_A ✓, PASSWORD_VERIFIER ✓]) says CUSTOM_CHALLENGE -> Create -> challenge
 *   RespondToAuthChallenge CUSTOM_CHALLENGE { ANSWER } -> Verify -> Define(... , CUSTOM_CHALLENGE r)
 *     -> tokens, failure, or another round (with a new session).
 * CUSTOM_AUTH without SRP_A starts at Define([]). USER_SRP_AUTH, USER_PASSWORD_AUTH and
 * ADMIN_USER_PASSWORD_AUTH check the password and sign in.
 *
 * Every session is single-use and expires after the client's AuthSessionValidity. Unknown users,
 * when the client has PreventUserExistenceErrors ENABLED, go through the same steps (triggers
 * see `userNotFound: true`, SRP runs against a stable decoy verifier) and fail where a wrong
 * password would.
 */
import { checkAttributes, checkClientWritable } from './attributes';
import type { AuthState, ChallengeResult, Flow } from './auth-state';
import {
  INCORRECT_CREDENTIALS,
  INVALID_SESSION,
  invalidLambdaResponse,
  invalidParameter,
  missingAuthParameter,
  notAuthorized,
  passwordResetRequired,
  USER_DISABLED,
  userNotConfirmed,
  userNotFound,
} from './errors';
import { userAttributesForEvent } from './events';
import { changeAttributes } from './lifecycle';
import { checkPasswordClaim, passwordVerifierChallenge } from './password-round';
import { checkPassword, decoyPasswordCheck, passwordMatches, storePassword } from './passwords';
import { decoyUserName, type Pool, requiredParameter } from './pool';
import { parseClientPublic } from './srp';
import type { UserRecord } from './store';
import type { AuthenticationResult } from './tokens';

// ---- starting a sign-in -----------------------------------------------------------------

/** What InitiateAuth / AdminInitiateAuth hand the engine. */
export interface SignInStart {
  parameters: Record<string, string>;
  /** ClientMetadata of the initiating call: PreAuthentication's `validationData`, nothing else. */
  clientMetadata: Record<string, string> | undefined;
  admin: boolean;
}

export type AuthResponse = Record<string, unknown>;

export async function startCustomAuth(pool: Pool, start: SignInStart): Promise<AuthResponse> {
  const { parameters } = start;
  const login = requiredParameter(parameters, 'USERNAME');
  const withSrp = parameters.SRP_A !== undefined || parameters.CHALLENGE_NAME === 'SRP_A';
  const A = withSrp ? clientPublic(parameters) : undefined;
  if (!pool.triggers.has('DefineAuthChallenge')) {
    throw invalidParameter('Custom auth lambda trigger is not configured for the user pool.');
  }
  const user = await beginSignIn(pool, login, start.clientMetadata);
  // Without a password round nothing else stands between the caller and the challenge.
  if (user && !withSrp) statusGate(user);
  const state: AuthState = {
    flow: 'CUSTOM_AUTH',
    admin: start.admin,
    login,
    userName: user?.userName,
    userIdForSrp: user?.userName ?? decoyUserName(pool, login),
    expected: 'CUSTOM_CHALLENGE',
    entries: withSrp ? [{ challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null }] : [],
    A,
  };
  return defineNext(pool, state, user, undefined);
}

export async function startSrpAuth(pool: Pool, start: SignInStart): Promise<AuthResponse> {
  const login = requiredParameter(start.parameters, 'USERNAME');
  const A = clientPublic(start.parameters);
  const user = await beginSignIn(pool, login, start.clientMetadata);
  const state: AuthState = {
    flow: 'USER_SRP_AUTH',
    admin: start.admin,
    login,
    userName: user?.userName,
    userIdForSrp: user?.userName ?? decoyUserName(pool, login),
    expected: 'PASSWORD_VERIFIER',
    entries: [],
    A,
  };
  return passwordVerifierChallenge(pool, state, user);
}

/** USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH: the password in clear, checked against the verifier. */
export async function startPasswordAuth(
  pool: Pool,
  start: SignInStart,
  flow: Extract<Flow, 'USER_PASSWORD_AUTH' | 'ADMIN_USER_PASSWORD_AUTH'>,
): Promise<AuthResponse> {
  const login = requiredParameter(start.parameters, 'USERNAME');
  const password = requiredParameter(start.parameters, 'PASSWORD');
  const user = await beginSignIn(pool, login, start.clientMetadata);
  const { poolName } = pool.settings;
  const matches = user?.password
    ? await passwordMatches(poolName, user.userName, user.password, password)
    : await decoyPasswordCheck(poolName, decoyUserName(pool, login), password);
  if (!user || !matches) throw notAuthorized(INCORRECT_CREDENTIALS);
  const state: AuthState = {
    flow,
    admin: start.admin,
    login,
    userName: user.userName,
    userIdForSrp: user.userName,
    expected: 'NEW_PASSWORD_REQUIRED',
    entries: [],
  };
  return afterPassword(pool, state, user, undefined);
}

/** Finds the user (or, with PreventUserExistenceErrors, carries on without one) and runs PreAuthentication. */
async function beginSignIn(
  pool: Pool,
  login: string,
  clientMetadata: Record<string, string> | undefined,
): Promise<UserRecord | undefined> {
  const prevent = pool.settings.client.preventUserExistenceErrors;
  const user = pool.store.find(login);
  if (!user && !prevent) throw userNotFound('User does not exist.');
  if (user && !user.enabled) throw notAuthorized(USER_DISABLED);
  if (pool.triggers.has('PreAuthentication')) {
    await pool.triggers.invoke('PreAuthentication', {
      triggerSource: 'PreAuthentication_Authentication',
      userName: user?.userName ?? login,
      request: {
        userAttributes: user ? userAttributesForEvent(user) : {},
        validationData: clientMetadata ?? null,
        ...(prevent ? { userNotFound: !user } : {}),
      },
      response: {},
    });
  }
  return user;
}

function clientPublic(parameters: Record<string, string>): bigint {
  const A = parseClientPublic(requiredParameter(parameters, 'SRP_A'));
  if (A === undefined) throw invalidParameter('SRP_A is not a valid value');
  return A;
}

/** The states in which a correct password still does not lead on. */
function statusGate(user: UserRecord): void {
  if (user.status === 'UNCONFIRMED') throw userNotConfirmed('User is not confirmed.');
  if (user.status === 'RESET_REQUIRED') throw passwordResetRequired('Password reset required for the user');
}

// ---- answering a round ------------------------------------------------------------------

/** What RespondToAuthChallenge / AdminRespondToAuthChallenge hand the engine. */
export interface SignInAnswer {
  clientId: string;
  challengeName: string;
  session: string | undefined;
  responses: Record<string, string>;
  /** ClientMetadata of the answering call: it reaches the triggers this round causes. */
  clientMetadata: Record<string, string> | undefined;
  admin: boolean;
}

export async function answerRound(pool: Pool, answer: SignInAnswer): Promise<AuthResponse> {
  const { responses, clientMetadata } = answer;
  const { id, state } = pool.sessions.check(
    answer.session,
    answer.clientId,
    responses.PASSWORD_CLAIM_SECRET_BLOCK,
  );
  if (state.admin !== answer.admin) throw notAuthorized(INVALID_SESSION);
  if (answer.challengeName !== state.expected) {
    throw invalidParameter(`Invalid challenge name ${answer.challengeName}, expected ${state.expected}`);
  }
  const username = requiredParameter(responses, 'USERNAME');
  // Everything that can be wrong with the request itself is checked before the session is used.
  let newPassword: { password: string; attributes: Record<string, string> } | undefined;
  if (state.expected === 'PASSWORD_VERIFIER') {
    for (const name of ['PASSWORD_CLAIM_SIGNATURE', 'PASSWORD_CLAIM_SECRET_BLOCK', 'TIMESTAMP']) {
      requiredParameter(responses, name);
    }
  } else if (state.expected === 'CUSTOM_CHALLENGE') {
    if (responses.ANSWER === undefined) throw missingAuthParameter('ANSWER');
  } else {
    newPassword = readNewPassword(pool, state, responses);
  }
  pool.sessions.use(id);

  const user = state.userName === undefined ? undefined : pool.store.get(state.userName);
  if (state.userName !== undefined && !user) throw notAuthorized(INCORRECT_CREDENTIALS);
  if (user && !user.enabled) throw notAuthorized(USER_DISABLED);
  if (!sameUser(pool, state, user, username)) throw notAuthorized(INCORRECT_CREDENTIALS);

  switch (state.expected) {
    case 'PASSWORD_VERIFIER':
      return answerPasswordVerifier(pool, state, user, responses, clientMetadata);
    case 'CUSTOM_CHALLENGE':
      return answerCustomChallenge(pool, state, user, responses.ANSWER ?? '', clientMetadata);
    case 'NEW_PASSWORD_REQUIRED':
      return answerNewPassword(pool, state, user, newPassword, clientMetadata);
  }
}

// ---- the custom-auth loop ---------------------------------------------------------------

/** Asks DefineAuthChallenge what comes next and does it. */
async function defineNext(
  pool: Pool,
  state: AuthState,
  user: UserRecord | undefined,
  clientMetadata: Record<string, string> | undefined,
): Promise<AuthResponse> {
  const result = await pool.triggers.invoke('DefineAuthChallenge', {
    triggerSource: 'DefineAuthChallenge_Authentication',
    userName: user?.userName ?? state.login,
    request: {
      userAttributes: user ? userAttributesForEvent(user) : {},
      session: state.entries,
      ...(clientMetadata ? { clientMetadata } : {}),
      ...notFoundFlag(pool, user),
    },
    response: { challengeName: null, issueTokens: null, failAuthentication: null },
  });
  const { challengeName, issueTokens, failAuthentication } = result.response;
  if (failAuthentication === true) throw notAuthorized(INCORRECT_CREDENTIALS);
  if (issueTokens === true) {
    if (!user) throw notAuthorized(INCORRECT_CREDENTIALS);
    return signedIn(pool, user);
  }
  if (challengeName === 'PASSWORD_VERIFIER' || challengeName === 'SRP_A') {
    const passwordDone = state.entries.some((entry) => entry.challengeName === 'PASSWORD_VERIFIER');
    if (state.A === undefined || passwordDone) {
      throw invalidLambdaResponse(`${challengeName} can only follow an InitiateAuth with SRP_A`);
    }
    return passwordVerifierChallenge(pool, state, user);
  }
  if (challengeName === 'CUSTOM_CHALLENGE') return createChallenge(pool, state, user, clientMetadata);
  throw invalidLambdaResponse('Unrecognizable lambda output');
}

async function createChallenge(
  pool: Pool,
  state: AuthState,
  user: UserRecord | undefined,
  clientMetadata: Record<string, string> | undefined,
): Promise<AuthResponse> {
  if (!pool.triggers.has('CreateAuthChallenge') || !pool.triggers.has('VerifyAuthChallengeResponse')) {
    throw invalidLambdaResponse(
      'CUSTOM_CHALLENGE needs the CreateAuthChallenge and VerifyAuthChallengeResponse triggers',
    );
  }
  const result = await pool.triggers.invoke('CreateAuthChallenge', {
    triggerSource: 'CreateAuthChallenge_Authentication',
    userName: user?.userName ?? state.login,
    request: {
      userAttributes: user ? userAttributesForEvent(user) : {},
      challengeName: 'CUSTOM_CHALLENGE',
      session: state.entries,
      ...(clientMetadata ? { clientMetadata } : {}),
      ...notFoundFlag(pool, user),
    },
    response: { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null },
  });
  const response = result.response;
  const next: AuthState = {
    ...state,
    expected: 'CUSTOM_CHALLENGE',
    srp: undefined,
    challenge: {
      privateChallengeParameters: stringParameters(
        response.privateChallengeParameters,
        'privateChallengeParameters',
      ),
      challengeMetadata: typeof response.challengeMetadata === 'string' ? response.challengeMetadata : null,
    },
  };
  const publicParameters = stringParameters(response.publicChallengeParameters, 'publicChallengeParameters');
  return {
    ChallengeName: 'CUSTOM_CHALLENGE',
    Session: pool.sessions.create(next, pool.settings.client.clientId),
    ChallengeParameters: { ...publicParameters, USERNAME: state.userIdForSrp },
  };
}

async function answerCustomChallenge(
  pool: Pool,
  state: AuthState,
  user: UserRecord | undefined,
  answer: string,
  clientMetadata: Record<string, string> | undefined,
): Promise<AuthResponse> {
  const result = await pool.triggers.invoke('VerifyAuthChallengeResponse', {
    triggerSource: 'VerifyAuthChallengeResponse_Authentication',
    userName: user?.userName ?? state.login,
    request: {
      userAttributes: user ? userAttributesForEvent(user) : {},
      privateChallengeParameters: state.challenge?.privateChallengeParameters ?? {},
      challengeAnswer: answer,
      ...(clientMetadata ? { clientMetadata } : {}),
      ...notFoundFlag(pool, user),
    },
    response: { answerCorrect: null },
  });
  const entry: ChallengeResult = {
    challengeName: 'CUSTOM_CHALLENGE',
    challengeResult: result.response.answerCorrect === true,
    challengeMetadata: state.challenge?.challengeMetadata ?? null,
  };
  return defineNext(
    pool,
    { ...state, entries: [...state.entries, entry], challenge: undefined },
    user,
    clientMetadata,
  );
}

// ---- password rounds --------------------------------------------------------------------

/** PASSWORD_VERIFIER answered: the claim is checked, then the flow goes on after the password. */
async function answerPasswordVerifier(
  pool: Pool,
  state: AuthState,
  user: UserRecord | undefined,
  responses: Record<string, string>,
  clientMetadata: Record<string, string> | undefined,
): Promise<AuthResponse> {
  await checkPasswordClaim(pool, state, responses);
  if (!user) throw notAuthorized(INCORRECT_CREDENTIALS);
  const next: AuthState = {
    ...state,
    srp: undefined,
    entries:
      state.flow === 'CUSTOM_AUTH'
        ? [
            ...state.entries,
            { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
          ]
        : state.entries,
  };
  return afterPassword(pool, next, user, clientMetadata);
}

/** After a correct password: status checks, a forced password change, then the flow's next step. */
async function afterPassword(
  pool: Pool,
  state: AuthState,
  user: UserRecord,
  clientMetadata: Record<string, string> | undefined,
): Promise<AuthResponse> {
  statusGate(user);
  if (user.status === 'FORCE_CHANGE_PASSWORD') {
    const validityMs = pool.settings.passwordPolicy.temporaryPasswordValidityDays * 86_400_000;
    if (user.password && pool.now() > user.password.setAt + validityMs) {
      throw notAuthorized('Temporary password has expired and must be reset by an administrator.');
    }
    return newPasswordChallenge(pool, state, user);
  }
  if (state.flow === 'CUSTOM_AUTH') return defineNext(pool, state, user, clientMetadata);
  return signedIn(pool, user);
}

function newPasswordChallenge(pool: Pool, state: AuthState, user: UserRecord): AuthResponse {
  const { sub: _sub, ...attributes } = user.attributes;
  const missing = [...pool.settings.schema]
    .filter(([name, definition]) => definition.required && !user.attributes[name])
    .map(([name]) => `userAttributes.${name}`);
  const next: AuthState = {
    ...state,
    expected: 'NEW_PASSWORD_REQUIRED',
    srp: undefined,
    challenge: undefined,
  };
  return {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: pool.sessions.create(next, pool.settings.client.clientId),
    ChallengeParameters: {
      USER_ID_FOR_SRP: user.userName,
      requiredAttributes: JSON.stringify(missing),
      userAttributes: JSON.stringify(attributes),
    },
  };
}

/** NEW_PASSWORD and changed `userAttributes.*`, validated before the session is used. */
function readNewPassword(
  pool: Pool,
  state: AuthState,
  responses: Record<string, string>,
): { password: string; attributes: Record<string, string> } {
  const password = requiredParameter(responses, 'NEW_PASSWORD');
  checkPassword(password, pool.settings.passwordPolicy);
  const user = state.userName === undefined ? undefined : pool.store.get(state.userName);
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(responses)) {
    if (!key.startsWith('userAttributes.')) continue;
    const name = key.slice('userAttributes.'.length);
    if (user?.attributes[name] !== value) attributes[name] = value;
  }
  checkClientWritable(attributes, pool.settings, false);
  checkAttributes(attributes, pool.settings);
  for (const [name, definition] of pool.settings.schema) {
    if (definition.required && !(attributes[name] ?? user?.attributes[name])) {
      throw invalidParameter(
        `Attributes did not conform to the schema: ${name}: The attribute ${name} is required`,
      );
    }
  }
  return { password, attributes };
}

async function answerNewPassword(
  pool: Pool,
  state: AuthState,
  user: UserRecord | undefined,
  change: { password: string; attributes: Record<string, string> } | undefined,
  clientMetadata: Record<string, string> | undefined,
): Promise<AuthResponse> {
  if (!user || !change) throw notAuthorized(INCORRECT_CREDENTIALS);
  const now = pool.now();
  const password = await storePassword(pool.settings.poolName, user.userName, change.password, {
    now,
    temporary: false,
  });
  user.password = password;
  user.status = 'CONFIRMED';
  pool.store.touch(user, now);
  // Attributes given with the new password follow the usual rules (a new email gets a code).
  await changeAttributes(pool, user, change.attributes, { admin: false, clientMetadata });
  if (state.flow === 'CUSTOM_AUTH') return defineNext(pool, state, user, clientMetadata);
  return signedIn(pool, user);
}

// ---- helpers ----------------------------------------------------------------------------

async function signedIn(
  pool: Pool,
  user: UserRecord,
): Promise<{ ChallengeParameters: object; AuthenticationResult: AuthenticationResult }> {
  return {
    ChallengeParameters: {},
    AuthenticationResult: await pool.tokens.signIn(user, pool.settings.client.clientId),
  };
}

/** The USERNAME of a response must name the session's user (by userName or sign-in name). */
function sameUser(pool: Pool, state: AuthState, user: UserRecord | undefined, username: string): boolean {
  if (user) return pool.store.find(username)?.userName === user.userName;
  return username === state.userIdForSrp || username.toLowerCase() === state.login.toLowerCase();
}

function notFoundFlag(pool: Pool, user: UserRecord | undefined): { userNotFound?: boolean } {
  return pool.settings.client.preventUserExistenceErrors ? { userNotFound: !user } : {};
}

/** Challenge parameters must be a map of strings (Cognito's Map<String, String>). */
function stringParameters(value: unknown, field: string): Record<string, string> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidLambdaResponse(`${field} must be a map`);
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw invalidLambdaResponse(`${field}.${key} must be a string`);
    result[key] = item;
  }
  return result;
}
