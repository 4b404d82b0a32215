/**
 * CustomMessage use-case: Cognito's messages in our wording, branding and the user's language.
 *
 * For every source it fills `emailSubject`, `emailMessage` (HTML) and `smsMessage`; Cognito picks
 * the channel. Codes, temporary passwords, usernames and verification links are Cognito's
 * placeholders from the event, inserted as given: this trigger never sees or invents a code.
 * The language is the user's `locale` attribute, else `clientMetadata.locale`, else English.
 *
 * If a placeholder the message needs is missing from the event, the response is left empty and
 * Cognito sends its default message: a plain message is better than none, and a message without
 * its code would be rejected by Cognito anyway.
 */
import type { CustomMessageEvent, CustomMessageSource } from '#shared/events/custom-message';
import { logger } from '#shared/logger';
import {
  type Branding,
  type MessageKind,
  MessageRenderError,
  renderCustomMessage,
  resolveLocale,
} from '#shared/messages/index';

/** How the user pool verifies email addresses at sign-up (its `DefaultEmailOption`). */
export type EmailVerificationStyle = 'code' | 'link';

export interface CustomMessageDeps {
  branding: Branding;
  emailVerification: EmailVerificationStyle;
}

const kinds: Record<CustomMessageSource, MessageKind> = {
  CustomMessage_SignUp: 'SignUp',
  CustomMessage_AdminCreateUser: 'AdminCreateUser',
  CustomMessage_ResendCode: 'ResendCode',
  CustomMessage_ForgotPassword: 'ForgotPassword',
  CustomMessage_UpdateUserAttribute: 'UpdateUserAttribute',
  CustomMessage_VerifyUserAttribute: 'VerifyUserAttribute',
  CustomMessage_Authentication: 'Authentication',
};

/** The message for a source; sign-up confirmations use the link wording when the pool sends links. */
export function messageKindFor(
  source: CustomMessageSource,
  emailVerification: EmailVerificationStyle,
  hasLink: boolean,
): MessageKind {
  const kind = kinds[source];
  if (emailVerification !== 'link' || !hasLink) return kind;
  if (kind === 'SignUp') return 'SignUpByLink';
  if (kind === 'ResendCode') return 'ResendCodeByLink';
  return kind;
}

export async function customMessage(event: CustomMessageEvent, deps: CustomMessageDeps): Promise<void> {
  const { request } = event;
  const code = request.codeParameter;
  if (!code) {
    logger.warn('no code placeholder in the event; Cognito default message used');
    return;
  }
  const kind = messageKindFor(event.triggerSource, deps.emailVerification, Boolean(request.linkParameter));
  const attributes = request.userAttributes;
  const locale = resolveLocale(attributes.locale, request.clientMetadata.locale);
  try {
    const rendered = renderCustomMessage({
      kind,
      locale,
      branding: deps.branding,
      placeholders: { code, username: request.usernameParameter, link: request.linkParameter },
      name: attributes.given_name ?? attributes.name,
    });
    event.response.emailSubject = rendered.emailSubject;
    event.response.emailMessage = rendered.emailMessage;
    event.response.smsMessage = rendered.smsMessage;
    logger.info('message rendered', {
      kind,
      locale: rendered.locale,
      emailChars: rendered.emailMessage.length,
      smsChars: rendered.smsMessage.length,
    });
  } catch (error) {
    if (!(error instanceof MessageRenderError)) throw error;
    logger.error('message not rendered; Cognito default message used', { kind, reason: error.message });
  }
}
