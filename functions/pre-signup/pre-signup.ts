/**
 * PreSignUp use-case: only invited emails may sign up.
 *
 * - `PreSignUp_SignUp`: the invite code comes from SignUp's ClientMetadata `inviteCode` (or the
 *   ValidationData entry `inviteCode`). A pending, unexpired invite for the user's email whose code
 *   matches lets the sign-up through, auto-confirmed with the email verified unless configured
 *   otherwise (the code reached that mailbox, which proves it). Every other case gets the same
 *   short message; the reason is logged, the code never is. Nothing is written.
 * - `PreSignUp_AdminCreateUser`: allowed; an admin creating a user is the invitation.
 * - `PreSignUp_ExternalProvider` (a first sign-in through Google, SAML, ...): refused unless the
 *   operator turned federated sign-up on (`ALLOW_FEDERATED_SIGN_UP`). A federated sign-up carries
 *   no invite code, so a pending invite alone must not let someone in: when on, the provider must
 *   vouch for the email (`email_verified` = `true`, mapped from its claim), and the email's domain
 *   must be allow-listed, or the pending, unexpired invite for the email is CONSUMED here (one
 *   conditional write, accepted by the federated user name), so one invite admits one identity.
 *   Federated sign-ins never run the SMS factor (Cognito does not run custom auth for them):
 *   docs/two-factor.md says so plainly.
 */
import { InvalidInvitationError } from '#shared/errors';
import type { PreSignUpEvent } from '#shared/events/pre-signup';
import { canonicalInviteCode } from '#shared/invites/code';
import { emailDomain, normaliseEmail } from '#shared/invites/email';
import { checkInvite, isExpired } from '#shared/invites/invite';
import type { InviteStore } from '#shared/invites/store';
import { logger, maskEmail } from '#shared/logger';
import { countMetric } from '#shared/metrics';

export interface PreSignUpDeps {
  store: Pick<InviteStore, 'get' | 'consume'>;
  autoConfirmInvitedUsers: boolean;
  /** Federated (external provider) sign-up at all; off by default. */
  allowFederatedSignUp: boolean;
  externalProviderAllowedDomains: readonly string[];
  now: () => Date;
}

export const INVITE_CODE_KEY = 'inviteCode';

export async function preSignUp(event: PreSignUpEvent, deps: PreSignUpDeps): Promise<void> {
  switch (event.triggerSource) {
    case 'PreSignUp_AdminCreateUser':
      logger.info('admin-created user allowed');
      return;
    case 'PreSignUp_ExternalProvider':
      return allowExternalProvider(event, deps);
    case 'PreSignUp_SignUp':
      return allowInvitedSignUp(event, deps);
  }
}

async function allowInvitedSignUp(event: PreSignUpEvent, deps: PreSignUpDeps): Promise<void> {
  const email = normaliseEmail(event.request.userAttributes.email ?? '');
  if (!email) throw new InvalidInvitationError('missing_email');
  // `||`, not `??`: an empty ClientMetadata entry must not hide a code sent in ValidationData.
  const submitted =
    event.request.clientMetadata[INVITE_CODE_KEY] || event.request.validationData[INVITE_CODE_KEY];
  if (!submitted) throw new InvalidInvitationError('missing_code');
  const code = canonicalInviteCode(submitted);
  if (!code) throw new InvalidInvitationError('malformed_code');

  const check = checkInvite(await deps.store.get(email), code, deps.now());
  if (!check.ok) throw new InvalidInvitationError(check.reason);

  event.response.autoConfirmUser = deps.autoConfirmInvitedUsers;
  event.response.autoVerifyEmail = deps.autoConfirmInvitedUsers;
  logger.info('invited sign-up allowed', {
    email: maskEmail(email),
    autoConfirm: deps.autoConfirmInvitedUsers,
  });
}

async function allowExternalProvider(event: PreSignUpEvent, deps: PreSignUpDeps): Promise<void> {
  if (!deps.allowFederatedSignUp) throw new InvalidInvitationError('federated_sign_up_off');
  const email = normaliseEmail(event.request.userAttributes.email ?? '');
  if (!email) throw new InvalidInvitationError('missing_email');
  // The invite and the domain are bound to an email the provider vouches for: a provider that
  // lets its users type any address could otherwise claim someone else's invite (and federated
  // sign-ins skip the SMS factor). Map the provider's email_verified claim to the attribute.
  if (event.request.userAttributes.email_verified !== 'true')
    throw new InvalidInvitationError('email_not_verified_by_provider');
  if (deps.externalProviderAllowedDomains.includes(emailDomain(email))) {
    logger.info('external provider sign-up allowed by domain', { email: maskEmail(email) });
    return;
  }
  const invite = await deps.store.get(email);
  if (!invite) throw new InvalidInvitationError('no_invite_for_email');
  // Cognito may run this trigger again for the same identity (a timed-out first call): the invite
  // it already consumed lets it through again; anyone else is refused.
  const retry = invite.status === 'accepted' && invite.acceptedBy === event.userName;
  if (invite.status !== 'pending' && !retry) {
    throw new InvalidInvitationError(invite.status === 'accepted' ? 'already_accepted' : invite.status);
  }
  if (!retry && isExpired(invite, deps.now())) throw new InvalidInvitationError('expired');
  // Single use, as for SignUp: the first federated identity takes it (a retry of the same one
  // passes again), every other is refused.
  const consumed = await deps.store.consume(email, event.userName, deps.now());
  if (consumed.outcome !== 'accepted') throw new InvalidInvitationError(`consume_${consumed.outcome}`);
  logger.info('external provider sign-up allowed by invite; invite consumed', { email: maskEmail(email) });
  // Counted once: a retry by the same identity found it already accepted.
  if (!retry) countMetric('PreSignUp', 'InvitesAccepted');
}
