/**
 * The one structured JSON logger every trigger shares (Powertools Logger).
 *
 * Rules: never log a whole event, an invite code, an OTP code, a password, a token or a full
 * phone number. Log reasons and identifiers (the Cognito `userName`/`sub`, masked destinations).
 * The level comes from `POWERTOOLS_LOG_LEVEL` (default INFO); the service name from
 * `POWERTOOLS_SERVICE_NAME`.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'cognito-auth-triggers',
});

/** `ada@example.com` -> `a***@example.com`: enough to correlate, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
