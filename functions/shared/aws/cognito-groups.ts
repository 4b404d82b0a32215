/**
 * Adds a user to a group of the pool. Its own module so a trigger can load it lazily
 * (`import('#shared/aws/cognito-groups')`) and the bundle still carries only this one command
 * of the Cognito client, not the whole package.
 */
import { AdminAddUserToGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '#shared/aws/cognito';

export async function addUserToGroup(input: {
  userPoolId: string;
  userName: string;
  group: string;
}): Promise<void> {
  await cognito.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: input.userPoolId,
      Username: input.userName,
      GroupName: input.group,
    }),
  );
}
