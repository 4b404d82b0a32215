/**
 * The messages Cognito itself sends (confirmation codes, password-reset codes, invitations,
 * attribute verification): the CustomMessage trigger may rewrite them, the pool's templates
 * (or Cognito's defaults) fill in what it leaves null, then the placeholders are replaced and the
 * message is handed to `deliver`. The trigger only ever sees the placeholders, never the code.
 */
import { maskDestination } from './attributes';
import { invalidLambdaResponse } from './errors';
import { userAttributesForEvent } from './events';
import type { PoolSettings } from './settings';
import type { UserRecord } from './store';
import type { TriggerRunner } from './triggers';

export type MessageSource =
  | 'SignUp'
  | 'ResendCode'
  | 'ForgotPassword'
  | 'AdminCreateUser'
  | 'UpdateUserAttribute'
  | 'VerifyUserAttribute';

export interface OutgoingMessage {
  channel: 'sms' | 'email';
  to: string;
  subject?: string;
  body: string;
}

export interface CodeDeliveryDetails {
  Destination: string;
  DeliveryMedium: 'SMS' | 'EMAIL';
  AttributeName: 'email' | 'phone_number';
}

export const CODE_PLACEHOLDER = '{####}';
export const USERNAME_PLACEHOLDER = '{username}';
const SMS_LIMIT = 140;
const EMAIL_LIMIT = 20_000;

export interface SendInput {
  channel: 'sms' | 'email';
  code: string;
  /** The username shown in an invitation (AdminCreateUser). */
  username?: string;
  clientMetadata?: Record<string, string> | undefined;
}

export class Messenger {
  constructor(
    private readonly settings: PoolSettings,
    private readonly triggers: TriggerRunner,
    private readonly deliver: (message: OutgoingMessage) => void,
  ) {}

  /** Where a code for `user` goes on `channel`, as CodeDeliveryDetails; `undefined` if no address. */
  destination(user: UserRecord, channel: 'sms' | 'email'): CodeDeliveryDetails | undefined {
    const attribute = channel === 'sms' ? 'phone_number' : 'email';
    const to = user.pending[attribute] ?? user.attributes[attribute];
    if (!to) return undefined;
    return {
      Destination: maskDestination(channel, to),
      DeliveryMedium: channel === 'sms' ? 'SMS' : 'EMAIL',
      AttributeName: attribute,
    };
  }

  async send(source: MessageSource, user: UserRecord, input: SendInput): Promise<CodeDeliveryDetails> {
    const attribute = input.channel === 'sms' ? 'phone_number' : 'email';
    const to = user.pending[attribute] ?? user.attributes[attribute];
    if (!to) throw new Error(`user has no ${attribute} to send to`);
    const invitation = source === 'AdminCreateUser';
    const custom = await this.customMessage(source, user, input);
    const defaults = this.settings.messages;
    const checked = (text: string | undefined, limit: number): string | undefined => {
      if (text === undefined) return undefined;
      const missing = [CODE_PLACEHOLDER, ...(invitation ? [USERNAME_PLACEHOLDER] : [])].filter(
        (placeholder) => !text.includes(placeholder),
      );
      if (missing.length > 0) {
        throw invalidLambdaResponse(
          `CustomMessage ${input.channel} message must contain ${missing.join(' and ')}`,
        );
      }
      if (text.length > limit)
        throw invalidLambdaResponse(`CustomMessage ${input.channel} message is too long`);
      return text;
    };
    const fill = (text: string) =>
      text
        .replaceAll(CODE_PLACEHOLDER, input.code)
        .replaceAll(USERNAME_PLACEHOLDER, input.username ?? user.userName);
    if (input.channel === 'sms') {
      const template =
        checked(custom.smsMessage, SMS_LIMIT) ??
        (invitation ? defaults.inviteSmsMessage : defaults.smsMessage);
      this.deliver({ channel: 'sms', to, body: fill(template) });
    } else {
      const template =
        checked(custom.emailMessage, EMAIL_LIMIT) ??
        (invitation ? defaults.inviteEmailMessage : defaults.emailMessage);
      const subject =
        custom.emailSubject ?? (invitation ? defaults.inviteEmailSubject : defaults.emailSubject);
      this.deliver({ channel: 'email', to, subject, body: fill(template) });
    }
    return this.destination(user, input.channel) as CodeDeliveryDetails;
  }

  private async customMessage(
    source: MessageSource,
    user: UserRecord,
    input: SendInput,
  ): Promise<{ smsMessage?: string; emailMessage?: string; emailSubject?: string }> {
    if (!this.triggers.has('CustomMessage')) return {};
    const result = await this.triggers.invoke('CustomMessage', {
      triggerSource: `CustomMessage_${source}`,
      userName: user.userName,
      request: {
        userAttributes: userAttributesForEvent(user),
        codeParameter: CODE_PLACEHOLDER,
        linkParameter: '{##Click Here##}',
        usernameParameter: source === 'AdminCreateUser' ? USERNAME_PLACEHOLDER : null,
        ...(input.clientMetadata ? { clientMetadata: input.clientMetadata } : {}),
      },
      response: { smsMessage: null, emailMessage: null, emailSubject: null },
    });
    const response = result.response;
    const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
    return {
      smsMessage: text(response.smsMessage),
      emailMessage: text(response.emailMessage),
      emailSubject: text(response.emailSubject),
    };
  }
}
