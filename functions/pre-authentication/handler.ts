import { AccountStatusStore, DEFAULT_LOCKOUT, MAX_WINDOW_MINUTES } from '#shared/auth-state/account-status';
import { addUserToGroup } from '#shared/aws/cognito-groups';
import { dynamodb } from '#shared/aws/dynamodb';
import { readConfig, setting } from '#shared/config';
import { preAuthenticationEvent } from '#shared/events/pre-authentication';
import { InviteStore } from '#shared/invites/store';
import { trigger } from '#shared/trigger';
import { acceptInvite } from '../post-confirmation/post-confirmation';
import { type PreAuthenticationDeps, preAuthentication } from './pre-authentication';

const config = readConfig({
  AUTH_STATE_TABLE: setting.required(),
  INVITES_TABLE: setting.required(),
  LOCKOUT_MAX_FAILURES: setting.integer(DEFAULT_LOCKOUT.maxFailures, 1, 100),
  LOCKOUT_WINDOW_MINUTES: setting.integer(DEFAULT_LOCKOUT.windowMinutes, 1, MAX_WINDOW_MINUTES),
});

const invites = new InviteStore(dynamodb, config.INVITES_TABLE);

const deps: PreAuthenticationDeps = {
  accounts: new AccountStatusStore(dynamodb, config.AUTH_STATE_TABLE),
  reconcileInvite: (user) =>
    acceptInvite(user, {
      store: invites,
      addUserToGroup,
      now: () => new Date(),
    }),
  lockout: { maxFailures: config.LOCKOUT_MAX_FAILURES, windowMinutes: config.LOCKOUT_WINDOW_MINUTES },
  now: () => new Date(),
};

export const handler = trigger('PreAuthentication', preAuthenticationEvent, (event) =>
  preAuthentication(event, deps),
);
