/**
 * What the invites CLI does, apart from the command line: the checks on what an operator asks
 * for and the store calls that carry it out. The local console (local/console) calls these too,
 * so an invite made in either place follows the same rules.
 */
import { generateInviteCode } from '#shared/invites/code';
import {
  DEFAULT_INVITE_DAYS,
  effectiveStatus,
  type Invite,
  type InviteStatus,
  MAX_INVITE_DAYS,
  newInvite,
} from '#shared/invites/invite';
import { InviteAlreadyAcceptedError, type InviteStore } from '#shared/invites/store';
import { emailOption, type OptionValues } from '../lib/args';
import { UsageError } from '../lib/errors';

export const STATUSES = ['pending', 'accepted', 'revoked', 'expired'] as const;
export type ShownStatus = InviteStatus | 'expired';

/** What the CLI shows of an invite: never the code hash or the TTL; the status as a reader sees it. */
export interface InviteView {
  email: string;
  status: ShownStatus;
  group?: string | undefined;
  createdAt: string;
  expiresAt: string;
  acceptedAt?: string | undefined;
  acceptedBy?: string | undefined;
  revokedAt?: string | undefined;
}

export function inviteView(invite: Invite, now: Date): InviteView {
  return {
    email: invite.email,
    status: effectiveStatus(invite, now),
    group: invite.group,
    createdAt: invite.createdAt,
    expiresAt: invite.expiresAt,
    acceptedAt: invite.acceptedAt,
    acceptedBy: invite.acceptedBy,
    revokedAt: invite.revokedAt,
  };
}

/** Cognito group names: 1-128 letters, marks, symbols, digits or punctuation (no spaces). */
function groupOption(options: OptionValues): string | undefined {
  const group = options.string('group');
  if (group !== undefined && !/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u.test(group)) {
    throw new UsageError(
      `--group must be a Cognito group name: 1-128 characters, no spaces (got '${group}')`,
    );
  }
  return group;
}

/** What `create` is asked for: `--email` (required), `--group`, `--days` (1-90, default 7), checked. */
export interface InviteRequest {
  email: string;
  group: string | undefined;
  days: number;
}

export function inviteRequest(options: OptionValues): InviteRequest {
  return {
    email: emailOption(options).email,
    group: groupOption(options),
    days: options.integer('days', { min: 1, max: MAX_INVITE_DAYS, fallback: DEFAULT_INVITE_DAYS }),
  };
}

/**
 * Creates the invite for an email, replacing a pending, expired or revoked one (its code stops
 * working); an accepted invite is never replaced (InviteAlreadyAcceptedError). Returns the new
 * code, which exists only here: the store keeps its hash.
 */
export async function createInvite(
  store: InviteStore,
  request: InviteRequest,
  now: Date,
): Promise<{ invite: Invite; code: string; replaced: ShownStatus | undefined }> {
  const code = generateInviteCode();
  const invite = newInvite({ ...request, code: code.replaceAll('-', ''), now });
  const existing = await store.get(request.email);
  if (existing?.status === 'accepted') throw new InviteAlreadyAcceptedError(request.email, 'replaced');
  await store.put(invite);
  return { invite, code, replaced: existing ? effectiveStatus(existing, now) : undefined };
}

/** Every invite, oldest first, as a reader sees it; only those with `status` when given. */
export async function listInvites(
  store: InviteStore,
  now: Date,
  status?: ShownStatus,
): Promise<InviteView[]> {
  return (await store.list())
    .map((invite) => inviteView(invite, now))
    .filter((invite) => !status || invite.status === status);
}
