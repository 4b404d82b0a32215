/**
 * What the triggers (and the users CLI) use to tell users about their account by email:
 * `recordSecurityEvent` (audit record + notice, best effort), `recordAuditEvent` (the record alone),
 * `sendEmailOtp` (the EMAIL_OTP code,
 * throws), and `securityEventDeps` to build the adapters for one invocation.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type EmailSenderOptions, emailSenderFrom } from '#shared/aws/ses';
import type { Branding } from '#shared/messages/branding';
import type { TriggerName } from '#shared/metric-catalog';
import { SecurityEventStore } from './audit-store';
import type { SecurityEventDeps } from './security-events';

export { type AuditWriter, SecurityEventStore } from './audit-store';
export { type EmailOtpMessage, sendEmailOtp } from './email-otp';
export {
  type NoticeLog,
  type NoticeRecipient,
  noticeRecipient,
  recordAuditEvent,
  recordSecurityEvent,
  type SecurityEvent,
  type SecurityEventDeps,
  type SecurityEventOutcome,
  sendSecurityNotice,
} from './security-events';

/**
 * The adapters of `recordSecurityEvent` for one invocation: the auth-state table and (when a
 * sender is configured) SES, both bound to the invocation's deadline `signal`.
 */
export function securityEventDeps(input: {
  dynamodb: DynamoDBDocumentClient;
  tableName: string;
  email: EmailSenderOptions | undefined;
  branding: Branding;
  trigger?: TriggerName | undefined;
  signal?: AbortSignal | undefined;
}): SecurityEventDeps {
  return {
    audit: new SecurityEventStore(input.dynamodb, input.tableName, input.signal),
    email: emailSenderFrom(input.email, input.signal),
    branding: input.branding,
    trigger: input.trigger,
  };
}
