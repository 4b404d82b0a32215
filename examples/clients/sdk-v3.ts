/**
 * The whole sign-in with the AWS SDK v3 (InitiateAuth / RespondToAuthChallenge): the password by
 * SRP inside CUSTOM_AUTH, then every round answered through the app's UI (rounds.ts). The SDK has
 * no SRP; the arithmetic comes from amazon-cognito-identity-js's AuthenticationHelper (any SRP-6a
 * implementation for Cognito works). With an app client secret, add SECRET_HASH to the
 * AuthParameters and to every ChallengeResponses. With `devices` (device.ts), the remembered
 * device's `deviceId` goes with PASSWORD_VERIFIER, its proof answers DEVICE_PROOF, and a device
 * remembered at an SMS code is kept.
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
import { DeviceSignIn, type DeviceStorage } from './device';
import type { Intent, SignInUi } from './rounds';

export async function signInWithSecondFactor(
  client: CognitoIdentityProviderClient,
  pool: { userPoolId: string; clientId: string },
  username: string,
  password: string,
  ui: SignInUi,
  options: { intent?: Intent; devices?: DeviceStorage } = {},
): Promise<{ tokens?: AuthenticationResultType; signedInWithDevice: boolean }> {
  const device = await DeviceSignIn.start(pool.userPoolId, options.devices, options.intent);
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
  const metadata: Record<string, string> = options.intent ? { intent: options.intent } : {};
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
      ClientMetadata: { ...metadata, ...device.passwordMetadata() },
    }),
  );

  // 2. The custom rounds, until Cognito returns tokens (or throws NotAuthorizedException).
  while (step.ChallengeName === 'CUSTOM_CHALLENGE') {
    const { answer, clientMetadata } = await device.answer(step.ChallengeParameters ?? {}, ui);
    step = await client.send(
      new RespondToAuthChallengeCommand({
        ClientId: pool.clientId,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: step.Session,
        ChallengeResponses: { USERNAME: userId, ANSWER: answer },
        ClientMetadata: { ...metadata, ...clientMetadata },
      }),
    );
  }
  const tokens = step.AuthenticationResult; // IdToken, AccessToken, RefreshToken
  // The ID token came straight from Cognito: its `sub` is read, not checked (it only names the user
  // in the text a device signs).
  const payload = tokens?.IdToken?.split('.')[1];
  if (payload) await device.finish(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).sub);
  return { ...(tokens ? { tokens } : {}), signedInWithDevice: device.signedInWithDevice };
}
