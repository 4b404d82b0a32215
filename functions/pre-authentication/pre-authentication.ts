/**
 * PreAuthentication use-case: settle the user's invite before the first sign-in goes on.
 *
 * It does NOT deny suspended or locked-out users any more. Cognito runs this trigger before the
 * password is checked, so anything it answers, a stranger hears: a "not allowed" here told anyone
 * who typed an email that the account exists and is locked or suspended. Those users are refused
 * by Create and Verify instead, after the password was proven (docs/two-factor.md, "Threat
 * model"); with a wrong password they fail exactly like everyone else, with Cognito's own
 * NotAuthorizedException.
 *
 * 1. `userNotFound` (app client with PreventUserExistenceErrors): nothing to do, no lookup.
 * 2. ONE strongly consistent Query of the user's auth-state partition: the reconciliation mark
 *    (and the lockout count, logged so that operators see a locked user's attempt).
 * 3. Reconcile: if the mark `INVITE#RECONCILED` is absent, consume the user's invite with
 *    PostConfirmation's own `acceptInvite` (one conditional write; an invite already accepted by
 *    this user passes again unchanged; the idempotent group add is made again) and then set the
 *    mark. So a lost PostConfirmation is repaired at the next sign-in, and the cost is paid once
 *    per user: every later sign-in sees the mark in the Query it makes anyway.
 *
 * Any failure of DynamoDB or Cognito fails the sign-in with the generic message (without the
 * reconciliation the user's tokens would lack the invite's group). Cognito's caller may simply try
 * again. That message is the same for every account, so it reveals nothing either.
 */
import {
  type AccountRecords,
  type AccountStatusStore,
  accountDecision,
  type LockoutPolicy,
} from '#shared/auth-state/account-status';
import { InvalidEventError } from '#shared/errors';
import type { PreAuthenticationEvent } from '#shared/events/pre-authentication';
import { normaliseEmail } from '#shared/invites/email';
import { logger } from '#shared/logger';
import { countMetric } from '#shared/metrics';

/** Kept for callers of the old location: the message Create and Verify deny with. */
export { SIGN_IN_NOT_ALLOWED_MESSAGE } from '#shared/challenge/errors';

export interface ReconcileInput {
  email: string;
  sub: string;
  userPoolId: string;
  userName: string;
}

export interface PreAuthenticationDeps {
  accounts: Pick<AccountStatusStore, 'read' | 'markInviteReconciled'>;
  /**
   * Consume the invite and assign its group, idempotently (PostConfirmation's `acceptInvite`);
   * resolves to true when this call accepted it.
   */
  reconcileInvite: (user: ReconcileInput) => Promise<unknown>;
  lockout: LockoutPolicy;
  now: () => Date;
}

/** Statuses in which a user is not (yet) confirmed, so no invite may be consumed for them. */
const NOT_CONFIRMED = new Set(['UNCONFIRMED', 'FORCE_CHANGE_PASSWORD']);

export async function preAuthentication(
  event: PreAuthenticationEvent,
  deps: PreAuthenticationDeps,
): Promise<void> {
  if (event.request.userNotFound) {
    logger.info('sign-in attempt for an unknown user passed on');
    return;
  }
  const { sub } = event.request.userAttributes;
  if (!sub) throw new InvalidEventError('user attribute sub missing');

  const now = deps.now();
  const since = new Date(now.getTime() - deps.lockout.windowMinutes * 60_000);
  const records = await deps.accounts.read(sub, since);

  // No denial here (see above): the state is only logged, for operators.
  const decision = accountDecision(records, now, deps.lockout);
  await reconcileOnce(event, sub, records, deps, now);
  logger.info('sign-in started', {
    failures: decision.lockout.counted,
    ...(decision.allow ? {} : { deniedAfterPassword: decision.reason }),
  });
}

async function reconcileOnce(
  event: PreAuthenticationEvent,
  sub: string,
  records: AccountRecords,
  deps: PreAuthenticationDeps,
  now: Date,
): Promise<void> {
  if (records.inviteReconciledAt !== undefined) return;
  const attributes = event.request.userAttributes;
  const status = attributes['cognito:user_status'];
  if (status && NOT_CONFIRMED.has(status)) return;
  const email = normaliseEmail(attributes.email ?? '');
  if (!email) return;
  const accepted = await deps.reconcileInvite({
    email,
    sub,
    userPoolId: event.userPoolId,
    userName: event.userName,
  });
  if (accepted === true) countMetric('PreAuthentication', 'InvitesAccepted');
  await deps.accounts.markInviteReconciled(sub, now);
  logger.info('invite reconciled');
}
