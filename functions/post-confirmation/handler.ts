import { AccountStatusStore } from '#shared/auth-state/account-status';
import { DeviceStore } from '#shared/auth-state/device-store';
import { addUserToGroup } from '#shared/aws/cognito-groups';
import { dynamodb } from '#shared/aws/dynamodb';
import { readConfig, setting } from '#shared/config';
import { postConfirmationEvent } from '#shared/events/post-confirmation';
import { InviteStore } from '#shared/invites/store';
import { SecurityEventStore } from '#shared/notices/audit-store';
import { trigger } from '#shared/trigger';
import { type PostConfirmationDeps, postConfirmation } from './post-confirmation';

const config = readConfig({ INVITES_TABLE: setting.required(), AUTH_STATE_TABLE: setting.required() });

const deps: PostConfirmationDeps = {
  store: new InviteStore(dynamodb, config.INVITES_TABLE),
  accounts: new AccountStatusStore(dynamodb, config.AUTH_STATE_TABLE),
  addUserToGroup,
  devices: new DeviceStore(dynamodb, config.AUTH_STATE_TABLE),
  audit: new SecurityEventStore(dynamodb, config.AUTH_STATE_TABLE),
  now: () => new Date(),
};

export const handler = trigger('PostConfirmation', postConfirmationEvent, (event) =>
  postConfirmation(event, deps),
);
