/**
 * The security notices Verify gives (docs/two-factor.md, "Security emails"): a port, so the
 * use-case stays free of SES and SNS. Every notice is best effort: the adapter logs and counts a
 * failure and never throws, because the event it tells of has already happened and a sign-in must
 * not fail for want of an email.
 */
import type { DeviceRevocationCause, SecurityEventKind } from '#shared/auth-state/keys';

export interface SecurityEventInput {
  kind: SecurityEventKind;
  /** `user` (the user's own sign-in) or `system` (a trigger's decision, such as a lockout). */
  by: 'user' | 'system';
  destination?: string | undefined;
  oldDestination?: string | undefined;
  recoveryCodesLeft?: number | undefined;
  deviceId?: string | undefined;
  /** The name the app gave the device (untrusted; the renderer cleans and escapes it). */
  deviceName?: string | undefined;
  devicesRevoked?: number | undefined;
  cause?: DeviceRevocationCause | undefined;
}

/** Whom to tell: the user's attributes as this event carries them. */
export interface NoticeTarget {
  email?: string | undefined;
  emailVerified: boolean;
  locale?: string | undefined;
}

export interface SecurityNotices {
  /** The audit record (ONE PutItem) and, when a sender is set and the email verified, the email. */
  record(sub: string, event: SecurityEventInput, target: NoticeTarget): Promise<void>;
  /**
   * The audit record alone (ONE PutItem), for an event the user is told of by another notice of
   * the same answer (devices revoked by a recovery code: `recovery_code_used` tells).
   */
  audit(sub: string, event: SecurityEventInput): Promise<void>;
  /** An SMS to the number that was the user's until now, telling of the change (best effort). */
  tellOldNumber(input: { phone: string; newDestination: string; locale?: string | undefined }): Promise<void>;
}

export function noticeTarget(userAttributes: Record<string, string>): NoticeTarget {
  return {
    email: userAttributes.email,
    emailVerified: userAttributes.email_verified === 'true',
    locale: userAttributes.locale,
  };
}
