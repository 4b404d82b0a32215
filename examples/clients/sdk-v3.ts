/**
 * The whole sign-in with the AWS SDK v3 (InitiateAuth / RespondToAuthChallenge): the password by
 * SRP inside CUSTOM_AUTH, then every round answered through the app's UI (rounds.ts). The SDK has
 * no SRP; the arithmetic comes from amazon-cognito-identity-js's AuthenticationHelper (any SRP-6a
 * implementation for Cognito works). With an app client secret, add SECRET_HASH to the
 * AuthParameters and to every ChallengeResponses.
 */
import { createHmac } from 'node:crypto';
import {
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type RespondToAuthChallengeCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationHelper, DateHelper } from 'amazon-cognito-identity-js';
import BigInteger from 'amazon-cognito-identity-js/lib/BigInteger';
import { answerRound, type Intent, type SignInUi } from './rounds';

export async function signInWithSecondFactor(
  client: CognitoIdentityProviderClient,
  pool: { userPoolId: string; clientId: string },
  username: string,
  password: string,
  ui: SignInUi,
  intent?: Intent,
): Promise<AuthenticationResultType | undefined> {
  const poolName = pool.userPoolId.split('_')[1] as string;
  const srp = new AuthenticationHelper(poolName);
  const srpA: string = await new Promise((resolve, reject) =>
    srp.getLargeAValue((error, a) => (error ? reject(error) : resolve(a.toString(16)))),
  );

  // 1. The password, by SRP, inside CUSTOM_AUTH.
  const start = await client.send(
    new InitiateAuthCommand({
      AuthFlow: 'CUSTOM_AUTH',
      ClientId: pool.clientId,
      AuthParameters: { USERNAME: username, SRP_A: srpA, CHALLENGE_NAME: 'SRP_A' },
    }),
  );
  const p = start.ChallengeParameters ?? {};
  const userId = p.USER_ID_FOR_SRP as string;
  const key: number[] = await new Promise((resolve, reject) =>
    srp.getPasswordAuthenticationKey(
      userId,
      password,
      new BigInteger(p.SRP_B as string, 16),
      new BigInteger(p.SALT as string, 16),
      (error, k) => (error ? reject(error) : resolve(k)),
    ),
  );
  const timestamp = new DateHelper().getNowString();
  const signature = createHmac('sha256', Buffer.from(key))
    .update(
      Buffer.concat([
        Buffer.from(poolName),
        Buffer.from(userId),
        Buffer.from(p.SECRET_BLOCK as string, 'base64'),
        Buffer.from(timestamp),
      ]),
    )
    .digest('base64');
  const clientMetadata = intent ? { intent } : undefined;
  let step: RespondToAuthChallengeCommandOutput = await client.send(
    new RespondToAuthChallengeCommand({
      ClientId: pool.clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      Session: start.Session,
      ChallengeResponses: {
        USERNAME: userId,
        PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK as string,
        PASSWORD_CLAIM_SIGNATURE: signature,
        TIMESTAMP: timestamp,
      },
      ClientMetadata: clientMetadata,
    }),
  );

  // 2. The custom rounds, until Cognito returns tokens (or throws NotAuthorizedException).
  while (step.ChallengeName === 'CUSTOM_CHALLENGE') {
    const answer = await answerRound(step.ChallengeParameters ?? {}, ui);
    step = await client.send(
      new RespondToAuthChallengeCommand({
        ClientId: pool.clientId,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: step.Session,
        ChallengeResponses: { USERNAME: userId, ANSWER: answer },
        ClientMetadata: clientMetadata,
      }),
    );
  }
  return step.AuthenticationResult; // IdToken, AccessToken, RefreshToken
}
