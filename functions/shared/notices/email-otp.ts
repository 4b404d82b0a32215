/**
 * The EMAIL_OTP round's email: the code rendered in the user's language (#shared/messages
 * `renderEmailOtp`) and sent with the function's EmailSender. Unlike a security notice this is
 * the round itself: a failure is thrown (a `DependencyError` from the sender) for the caller to
 * handle as it handles a failed SMS.
 */
import type { EmailSender } from '#shared/aws/ses';
import type { Branding } from '#shared/messages/branding';
import { renderEmailOtp } from '#shared/messages/notices';

export interface EmailOtpMessage {
  /** The verified address the code goes to. */
  to: string;
  code: string;
  validMinutes: number;
  locale?: string | undefined;
  name?: string | undefined;
  branding: Branding;
}

export async function sendEmailOtp(sender: EmailSender, message: EmailOtpMessage): Promise<void> {
  const { to, ...input } = message;
  const rendered = renderEmailOtp(input);
  await sender.send({ to, subject: rendered.subject, text: rendered.text, html: rendered.html });
}
