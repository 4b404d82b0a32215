/**
 * Adds a user to a group of the pool: the one Cognito command PostConfirmation and
 * PreAuthentication bundle. Imported statically on purpose: behind a dynamic `import()` esbuild
 * cannot tree-shake the client package and the bundle grows by ~70 KB of unused commands, which
 * costs more to compile at every cold start than constructing the client does (measured).
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
