/**
 * The Cognito port of Verify: make a proven number the user's verified phone; at the end of a
 * recovery, sign the user out everywhere (refresh tokens revoked).
 */
import {
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { DependencyError } from '#shared/challenge/errors';

export interface PhoneWriter {
  /** Sets `phone_number` and `phone_number_verified = true` in one call (idempotent). */
  setVerifiedPhone(input: { userPoolId: string; userName: string; phone: string }): Promise<void>;
  /** AdminUserGlobalSignOut: every refresh token the user holds is revoked (idempotent). */
  signOutEverywhere(input: { userPoolId: string; userName: string }): Promise<void>;
}

export function cognitoPhoneWriter(client: CognitoIdentityProviderClient, signal?: AbortSignal): PhoneWriter {
  return {
    async setVerifiedPhone({ userPoolId, userName, phone }) {
      try {
        await client.send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId: userPoolId,
            Username: userName,
            UserAttributes: [
              { Name: 'phone_number', Value: phone },
              // Verified in the same call: Cognito then sends no verification message of its own.
              { Name: 'phone_number_verified', Value: 'true' },
            ],
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        throw new DependencyError('Cognito', 'AdminUpdateUserAttributes', error);
      }
    },
    async signOutEverywhere({ userPoolId, userName }) {
      try {
        await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: userName }), {
          abortSignal: signal,
        });
      } catch (error) {
        throw new DependencyError('Cognito', 'AdminUserGlobalSignOut', error);
      }
    },
  };
}
