/**
 * The SecurityNotices port (notices.ts) on the real services: the audit record and the email
 * through #shared/notices (DynamoDB, then SES when a sender is set), and the SMS to the old number
 * through SNS. Best effort, like the port says: nothing here throws. The SES client is loaded at
 * the first email (#shared/aws/ses), the SNS client at the first SMS.
 */
import { dynamodb } from '#shared/aws/dynamodb';
import type { EmailSenderOptions } from '#shared/aws/ses';
import { snsSmsSender } from '#shared/aws/sms';
import { DependencyError } from '#shared/challenge/errors';
import { logger } from '#shared/logger';
import type { Branding } from '#shared/messages/branding';
import { renderPhoneChangedSms } from '#shared/messages/index';
import { countFailure } from '#shared/metrics';
import {
  recordAuditEvent,
  recordSecurityEvent,
  type SecurityEvent,
  securityEventDeps,
} from '#shared/notices/index';
import type { SecurityEventInput, SecurityNotices } from './notices';

export function securityNotices(input: {
  tableName: string;
  email: EmailSenderOptions | undefined;
  branding: Branding;
  signal: AbortSignal;
}): SecurityNotices {
  const deps = () =>
    securityEventDeps({
      dynamodb,
      tableName: input.tableName,
      email: input.email,
      branding: input.branding,
      trigger: 'VerifyAuthChallengeResponse',
      signal: input.signal,
    });
  return {
    async record(sub, event, target) {
      await recordSecurityEvent(deps(), sub, toRecord(event), {
        email: target.email,
        emailVerified: target.emailVerified,
        locale: target.locale,
      });
    },
    async audit(sub, event) {
      await recordAuditEvent(deps(), sub, toRecord(event));
    },
    async tellOldNumber({ phone, newDestination, locale }) {
      try {
        // The SNS client is made at the first SMS: nearly no sign-in changes a phone.
        const { sns } = await import('#shared/aws/sns');
        const message = renderPhoneChangedSms({ appName: input.branding.appName, newDestination, locale });
        await snsSmsSender(sns, {}, input.signal).send({ phone, message });
        logger.info('the old number was told of the change');
      } catch (error) {
        // The change is made; the email notice still goes. Only the name travels (SNS quotes numbers).
        countFailure('VerifyAuthChallengeResponse', error);
        logger.warn('could not tell the old number', {
          error: error instanceof DependencyError ? error.message : (error as Error).name,
        });
      }
    },
  };
}

function toRecord(event: SecurityEventInput): SecurityEvent {
  return {
    action: event.kind,
    by: event.by,
    destination: event.destination,
    oldDestination: event.oldDestination,
    recoveryCodesLeft: event.recoveryCodesLeft,
    deviceId: event.deviceId,
    deviceName: event.deviceName,
    devicesRevoked: event.devicesRevoked,
    cause: event.cause,
  };
}
