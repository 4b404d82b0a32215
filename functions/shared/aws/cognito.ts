/** The Cognito user-pool admin client, created once per Lambda instance. */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { clientOptions } from '#shared/aws/client-options';

export const cognito = new CognitoIdentityProviderClient(clientOptions);
