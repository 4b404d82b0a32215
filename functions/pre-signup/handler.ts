import { dynamodb } from '#shared/aws/dynamodb';
import { readConfig, setting } from '#shared/config';
import { preSignUpEvent } from '#shared/events/pre-signup';
import { InviteStore } from '#shared/invites/store';
import { trigger } from '#shared/trigger';
import { preSignUp } from './pre-signup';

const config = readConfig({
  INVITES_TABLE: setting.required(),
  AUTO_CONFIRM_INVITED_USERS: setting.flag(true),
  EXTERNAL_PROVIDER_ALLOWED_DOMAINS: setting.list(),
  ALLOW_FEDERATED_SIGN_UP: setting.flag(false),
});

const deps = {
  store: new InviteStore(dynamodb, config.INVITES_TABLE),
  autoConfirmInvitedUsers: config.AUTO_CONFIRM_INVITED_USERS,
  externalProviderAllowedDomains: config.EXTERNAL_PROVIDER_ALLOWED_DOMAINS,
  allowFederatedSignUp: config.ALLOW_FEDERATED_SIGN_UP,
  now: () => new Date(),
};

export const handler = trigger('PreSignUp', preSignUpEvent, (event) => preSignUp(event, deps));
