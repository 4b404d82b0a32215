/**
 * PostConfirmation use-case: consume the user's invite and put them in its group.
 *
 * Cognito may deliver the same event up to three times, and the user is already confirmed when
 * this runs, so every step is idempotent and nothing is done twice:
 * 1. consume the invite for the user's email with one conditional write (pending -> accepted by
 *    this `sub`; a repeat by the same `sub` succeeds again and changes nothing);
 * 2. if the invite names a group, add the user to it. AdminAddUserToGroup is idempotent (adding a
 *    member again changes nothing), so a retry simply adds again: 2 calls in all, no bookkeeping.
 * Another user's attempt on an accepted invite, a revoked invite or no invite at all change
 * nothing and are logged. `PostConfirmation_ConfirmForgotPassword` touches no invite.
 * Failures of DynamoDB or Cognito are thrown so Cognito retries; whatever still fails is picked up
 * by the pre-authentication trigger's reconciliation.
 */
import type { AccountStatusStore } from '#shared/auth-state/account-status';
import { InvalidEventError } from '#shared/errors';
import type { PostConfirmationEvent } from '#shared/events/post-confirmation';
import { normaliseEmail } from '#shared/invites/email';
import type { InviteStore } from '#shared/invites/store';
import { logger, maskEmail } from '#shared/logger';
import { countMetric } from '#shared/metrics';

export interface PostConfirmationDeps {
  store: Pick<InviteStore, 'consume'>;
  /** The confirmation time, for the enrolment grace (docs/two-factor.md, "Safe enrolment"). */
  accounts?: Pick<AccountStatusStore, 'markConfirmed'> | undefined;
  addUserToGroup: (input: { userPoolId: string; userName: string; group: string }) => Promise<void>;
  now: () => Date;
}

export async function postConfirmation(
  event: PostConfirmationEvent,
  deps: PostConfirmationDeps,
): Promise<void> {
  if (event.triggerSource !== 'PostConfirmation_ConfirmSignUp') return;
  const { sub, email: rawEmail } = event.request.userAttributes;
  if (!sub) throw new InvalidEventError('user attribute sub missing');
  const email = normaliseEmail(rawEmail ?? '');
  if (!email) throw new InvalidEventError('user attribute email missing');
  // First, so a failure later (Cognito retries the event) still finds the first time kept.
  await deps.accounts?.markConfirmed(sub, deps.now());
  if (await acceptInvite({ email, sub, userPoolId: event.userPoolId, userName: event.userName }, deps)) {
    countMetric('PostConfirmation', 'InvitesAccepted');
  }
}

/**
 * Shared with the pre-authentication reconciliation: consume and assign the group, idempotently.
 * True when this call accepted the invite (not a repeat of an earlier acceptance): what is counted.
 */
export async function acceptInvite(
  user: { email: string; sub: string; userPoolId: string; userName: string },
  deps: PostConfirmationDeps,
): Promise<boolean> {
  const now = deps.now();
  // A federated user's PreSignUp consumed the invite under the user name (no `sub` yet).
  const result = await deps.store.consume(user.email, user.sub, now, user.userName);
  const email = maskEmail(user.email);
  switch (result.outcome) {
    case 'not_found':
      logger.warn('no invite to consume', { email });
      return false;
    case 'revoked':
      logger.warn('invite was revoked before confirmation; not consumed', { email });
      return false;
    case 'accepted_by_other':
      logger.warn('invite already accepted by another user; nothing changed', { email });
      return false;
    case 'accepted': {
      const { group, acceptedAt } = result.invite;
      logger.info('invite accepted', { email, group });
      if (group) {
        await deps.addUserToGroup({ userPoolId: user.userPoolId, userName: user.userName, group });
        logger.info('user added to group', { group });
      }
      // `acceptedAt` keeps the first acceptance's time: equal to now only for a first acceptance.
      return acceptedAt === now.toISOString();
    }
  }
}
