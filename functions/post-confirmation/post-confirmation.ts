/**
 * PostConfirmation use-case: consume the user's invite and put them in its group; after a password
 * reset, revoke the user's remembered devices.
 *
 * Cognito may deliver the same event up to three times, and the user is already confirmed when
 * this runs, so every step is idempotent and nothing is done twice:
 * 1. consume the invite for the user's email with one conditional write (pending -> accepted by
 *    this `sub`; a repeat by the same `sub` succeeds again and changes nothing);
 * 2. if the invite names a group, add the user to it. AdminAddUserToGroup is idempotent (adding a
 *    member again changes nothing), so a retry simply adds again: 2 calls in all, no bookkeeping.
 * Another user's attempt on an accepted invite, a revoked invite or no invite at all change
 * nothing and are logged. Failures of DynamoDB or Cognito are thrown so Cognito retries; whatever
 * still fails is picked up by the pre-authentication trigger's reconciliation.
 *
 * `PostConfirmation_ConfirmForgotPassword` (ConfirmForgotPassword: a new password set with the
 * emailed code) touches no invite. It revokes every remembered device of the user, so that a new
 * password is never paired with a device proven before it (docs/protocol.md, "Remembered
 * devices"), the record first:
 * 1. ONE Query lists the user's devices (DeviceStore.list); none: nothing else happens;
 * 2. a `devices_revoked` audit record (ONE conditional PutItem: `by` user, `cause`
 *    password_reset, how many), best effort: a failed write is logged and counted, and the
 *    revocation goes on. No email: the user has just been sent Cognito's reset code for this very
 *    event, and PostConfirmation sends no email of its own;
 * 3. ONE DeleteItem per device (DeviceStore.revoke), thrown on failure: the caller then sees an
 *    error although the password is changed (Cognito set it before this trigger), and an operator
 *    finishes with `users devices revoke --all`. A retry lists what is left and records again.
 */
import type { AccountStatusStore } from '#shared/auth-state/account-status';
import type { DeviceStore } from '#shared/auth-state/device-store';
import { InvalidEventError } from '#shared/errors';
import type { PostConfirmationEvent } from '#shared/events/post-confirmation';
import { normaliseEmail } from '#shared/invites/email';
import type { InviteStore } from '#shared/invites/store';
import { logger, maskEmail } from '#shared/logger';
import { countMetric } from '#shared/metrics';
import { recordAuditEvent } from '#shared/notices/audit-event';
import type { SecurityEventStore } from '#shared/notices/audit-store';

export interface PostConfirmationDeps {
  store: Pick<InviteStore, 'consume'>;
  /** The confirmation time, for the enrolment grace (docs/two-factor.md, "Safe enrolment"). */
  accounts?: Pick<AccountStatusStore, 'markConfirmed'> | undefined;
  addUserToGroup: (input: { userPoolId: string; userName: string; group: string }) => Promise<void>;
  /** The user's remembered devices, revoked by a password reset. */
  devices: Pick<DeviceStore, 'list' | 'revoke'>;
  /** The audit trail (the `devices_revoked` record of a password reset). */
  audit: Pick<SecurityEventStore, 'put'>;
  now: () => Date;
}

/** What the invite's acceptance needs (shared with the pre-authentication reconciliation). */
export type AcceptInviteDeps = Pick<PostConfirmationDeps, 'store' | 'addUserToGroup' | 'now'>;

export async function postConfirmation(
  event: PostConfirmationEvent,
  deps: PostConfirmationDeps,
): Promise<void> {
  const { sub, email: rawEmail } = event.request.userAttributes;
  if (event.triggerSource === 'PostConfirmation_ConfirmForgotPassword') {
    if (!sub) throw new InvalidEventError('user attribute sub missing');
    await revokeDevicesAfterPasswordReset(sub, deps);
    return;
  }
  if (event.triggerSource !== 'PostConfirmation_ConfirmSignUp') return;
  if (!sub) throw new InvalidEventError('user attribute sub missing');
  const email = normaliseEmail(rawEmail ?? '');
  if (!email) throw new InvalidEventError('user attribute email missing');
  // First, so a failure later (Cognito retries the event) still finds the first time kept.
  await deps.accounts?.markConfirmed(sub, deps.now());
  if (await acceptInvite({ email, sub, userPoolId: event.userPoolId, userName: event.userName }, deps)) {
    countMetric('PostConfirmation', 'InvitesAccepted');
  }
}

/** A password reset: the devices listed, recorded, then revoked (see the opening comment). */
async function revokeDevicesAfterPasswordReset(sub: string, deps: PostConfirmationDeps): Promise<void> {
  const devices = await deps.devices.list(sub);
  if (devices.length === 0) {
    logger.info('password reset; no remembered devices to revoke');
    return;
  }
  await recordAuditEvent({ audit: deps.audit, trigger: 'PostConfirmation', now: deps.now }, sub, {
    action: 'devices_revoked',
    by: 'user',
    cause: 'password_reset',
    devicesRevoked: devices.length,
  });
  const revoked = await deps.devices.revoke(
    sub,
    devices.map((device) => device.id),
  );
  countMetric('PostConfirmation', 'DeviceRevocations', 'password_reset');
  logger.info('password reset; remembered devices revoked', { revoked: revoked.length });
}

/**
 * Shared with the pre-authentication reconciliation: consume and assign the group, idempotently.
 * True when this call accepted the invite (not a repeat of an earlier acceptance): what is counted.
 */
export async function acceptInvite(
  user: { email: string; sub: string; userPoolId: string; userName: string },
  deps: AcceptInviteDeps,
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
