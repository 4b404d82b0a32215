/**
 * PreAuthentication use-case: may this user start signing in?
 *
 * 1. `userNotFound` (app client with PreventUserExistenceErrors): answer exactly as for a known
 *    user who passes, without any lookup, so neither the answer nor a stored trace tells whether
 *    the user exists.
 * 2. ONE strongly consistent Query of the user's auth-state partition gives the suspension, the
 *    failures inside the lockout window and the reconciliation mark.
 * 3. Deny a suspended user; deny a locked-out user (`lockoutState`) until the window passes.
 *    Every denial has the same short message; the reason is logged.
 * 4. Reconcile (only for a user who passes): if the mark `INVITE#RECONCILED` is absent, consume
 *    the user's invite with PostConfirmation's own `acceptInvite` (one conditional write; an
 *    invite already accepted by this user passes again unchanged; the idempotent group add is made
 *    again) and then set the mark. So a lost PostConfirmation is repaired at the next sign-in, and
 *    the cost is paid once per user: every later sign-in sees the mark in the Query it makes
 *    anyway and does no extra call.
 *
 * Any failure of DynamoDB or Cognito fails the sign-in with the generic message (fail closed:
 * without the Query we cannot know the user is not suspended; without the reconciliation the
 * user's tokens would lack the invite's group). Cognito's caller may simply try again.
 */
import {
  type AccountRecords,
  type AccountStatusStore,
  accountDecision,
  type LockoutPolicy,
} from '#shared/auth-state/account-status';
import { InvalidEventError, UserFacingError } from '#shared/errors';
import type { PreAuthenticationEvent } from '#shared/events/pre-authentication';
import { normaliseEmail } from '#shared/invites/email';
import { logger } from '#shared/logger';

export const SIGN_IN_NOT_ALLOWED_MESSAGE = 'Sign-in is not allowed right now';

/** Any denial of a sign-in: one message for every cause, the cause only in `reason`. */
export class SignInNotAllowedError extends UserFacingError {
  override name = 'SignInNotAllowedError';
  constructor(reason: string) {
    super(SIGN_IN_NOT_ALLOWED_MESSAGE, reason);
  }
}

export interface ReconcileInput {
  email: string;
  sub: string;
  userPoolId: string;
  userName: string;
}

export interface PreAuthenticationDeps {
  accounts: Pick<AccountStatusStore, 'read' | 'markInviteReconciled'>;
  /** Consume the invite and assign its group, idempotently (PostConfirmation's `acceptInvite`). */
  reconcileInvite: (user: ReconcileInput) => Promise<void>;
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

  const decision = accountDecision(records, now, deps.lockout);
  if (!decision.allow) {
    if (decision.reason === 'locked_out') {
      logger.warn('sign-in denied: locked out', {
        failures: decision.lockout.counted,
        lockedUntil: decision.lockout.lockedUntil.toISOString(),
      });
    } else {
      logger.warn('sign-in denied: suspended');
    }
    throw new SignInNotAllowedError(decision.reason);
  }

  await reconcileOnce(event, sub, records, deps, now);
  logger.info('sign-in allowed', { failures: decision.lockout.counted });
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
  await deps.reconcileInvite({ email, sub, userPoolId: event.userPoolId, userName: event.userName });
  await deps.accounts.markInviteReconciled(sub, now);
  logger.info('invite reconciled');
}
