/**
 * What one sign-in remembers between two rounds (the state behind a `Session` token): plain data,
 * read by the sign-in engine (sign-in.ts) and kept by the session store (auth-sessions.ts).
 */

/** One entry of the `session` list Define, Create and Verify see. */
export interface ChallengeResult {
  challengeName: 'SRP_A' | 'PASSWORD_VERIFIER' | 'CUSTOM_CHALLENGE';
  challengeResult: boolean;
  challengeMetadata: string | null;
}

export type Flow = 'CUSTOM_AUTH' | 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'ADMIN_USER_PASSWORD_AUTH';
export type Expected = 'PASSWORD_VERIFIER' | 'CUSTOM_CHALLENGE' | 'NEW_PASSWORD_REQUIRED';

export interface AuthState {
  flow: Flow;
  /** Started by AdminInitiateAuth: only AdminRespondToAuthChallenge may answer it (and the reverse). */
  admin: boolean;
  /** The USERNAME given to InitiateAuth. */
  login: string;
  /** The user's userName; `undefined` for an unknown user (PreventUserExistenceErrors). */
  userName: string | undefined;
  /** The username Cognito hands back (USER_ID_FOR_SRP / USERNAME): userName, or a decoy. */
  userIdForSrp: string;
  expected: Expected;
  entries: ChallengeResult[];
  A?: bigint | undefined;
  srp?: { b: bigint; B: bigint; verifier: string; secretBlock: string } | undefined;
  challenge?:
    | { privateChallengeParameters: Record<string, string>; challengeMetadata: string | null }
    | undefined;
}
