/**
 * All user-facing wording lives under functions/shared/messages. The CustomMessage trigger renders
 * Cognito's own messages from here, the create-auth-challenge trigger its SMS, and the triggers
 * their own emails (the EMAIL_OTP code and the security notices, `notices.ts`), with the same
 * language files and the same locale choice.
 *
 * Layout of the module:
 * - `locales/<tag>.ts`: one complete `Catalog` per language; `registry.ts` lists them and picks
 *   one for a user (`resolveLocale`), falling back to English;
 * - `html.ts`: the accessible email layout; `plain-text.ts`: the text part of our own emails;
 *   `text.ts`: escaping, cleaning, shortening;
 * - `branding.ts`: app name, sign-in URL and support address, validated from the environment.
 *
 * Guarantees, each held here and proved by the tests: every placeholder a message needs is in the
 * output exactly as Cognito gave it (never a code of our own), every user-supplied value placed in HTML
 * is escaped, an email stays within 20,000 bytes and an SMS within 140 characters (the app name is
 * shortened, then a shorter wording is used; placeholders are never dropped).
 */
import type { Branding } from './branding';
import type { MessageKind } from './catalog';
import { smsSize, toGsm7 } from './gsm7';
import { type EmailValues, renderEmailHtml } from './html';
import { catalogFor, resolveLocale } from './registry';
import { cleanUserValue, fill, shorten, slotsOf, smsLength, utf8Length } from './text';

export { type Branding, brandingFrom, brandingSettings, DEFAULT_BRANDING } from './branding';
export { type MessageKind, messageKinds } from './catalog';
export {
  type EmailOtpInput,
  formatNoticeTime,
  type RenderedEmail,
  renderEmailOtp,
  renderSecurityNotice,
  type SecurityNoticeInput,
} from './notices';
export { FALLBACK_LOCALE, resolveLocale, supportedLocales } from './registry';

/** Cognito's limits (SMS: characters including the code; email: UTF-8 characters). */
export const SMS_MAX_CHARS = 140;
export const EMAIL_MAX_CHARS = 20_000;
/** A name longer than this (in user-perceived characters) is shortened with an ellipsis. */
export const NAME_MAX_CHARS = 64;
/** The app name is never shortened below this; a shorter wording is used instead. */
const APP_NAME_MIN_CHARS = 8;

export class MessageRenderError extends Error {
  override name = 'MessageRenderError';
}

export interface OtpSmsInput {
  /** The one-time code (or Cognito's placeholder). */
  code: string;
  appName: string;
  /** Minutes until the code expires. */
  validMinutes: number;
  /** BCP 47 tag from the user's `locale` attribute; unknown or absent falls back to English. */
  locale?: string | undefined;
}

/** The SMS that carries a sign-in code, in the user's language, within 140 characters. */
export function renderOtpSms(input: OtpSmsInput): string {
  const catalog = catalogFor(resolveLocale(input.locale));
  return fitSms(
    catalog.otpSms,
    { code: input.code, appName: input.appName, minutes: String(input.validMinutes) },
    ['code'],
  );
}

/**
 * The SMS to the number a phone change replaced: the new number masked, what to do if it was not
 * the user. One part, like the codes.
 */
export function renderPhoneChangedSms(input: {
  appName: string;
  newDestination: string;
  locale?: string | undefined;
}): string {
  const catalog = catalogFor(resolveLocale(input.locale));
  return fitSms(catalog.phoneChangedSms, { appName: input.appName, destination: input.newDestination }, [
    'destination',
  ]);
}

/** Cognito's placeholder strings, exactly as the event carries them. */
export interface Placeholders {
  /** `request.codeParameter`, e.g. `{####}`: the code, or the temporary password for AdminCreateUser. */
  code: string;
  /** `request.usernameParameter`, e.g. `{username}`: AdminCreateUser only. */
  username?: string | null | undefined;
  /** `request.linkParameter`, e.g. `{##Click Here##}`: the link kinds only. */
  link?: string | null | undefined;
}

export interface CustomMessageInput {
  kind: MessageKind;
  /** A locale tag (resolved again here, so a raw attribute value is fine). */
  locale?: string | undefined;
  branding: Branding;
  placeholders: Placeholders;
  /** The user's name as stored (untrusted); cleaned, shortened and escaped here. */
  name?: string | undefined;
}

export interface RenderedCustomMessage {
  locale: string;
  emailSubject: string;
  emailMessage: string;
  smsMessage: string;
}

/** Which placeholders each channel of a kind must carry. */
export function requiredPlaceholders(
  kind: MessageKind,
  placeholders: Placeholders,
): { email: string[]; sms: string[] } {
  const byLink = kind === 'SignUpByLink' || kind === 'ResendCodeByLink';
  const username = kind === 'AdminCreateUser' ? [placeholders.username ?? ''] : [];
  return {
    email: [...username, byLink ? (placeholders.link ?? '') : placeholders.code],
    sms: [...username, placeholders.code],
  };
}

/**
 * Subject, HTML body and SMS text of one Cognito message. Throws `MessageRenderError` when a
 * placeholder the kind needs is missing (the caller then leaves Cognito's default message).
 */
export function renderCustomMessage(input: CustomMessageInput): RenderedCustomMessage {
  const locale = resolveLocale(input.locale);
  const catalog = catalogFor(locale);
  const copy = catalog.messages[input.kind];
  const required = requiredPlaceholders(input.kind, input.placeholders);
  for (const placeholder of [...required.email, ...required.sms]) {
    if (!placeholder) throw new MessageRenderError(`placeholder missing for ${input.kind}`);
  }
  const { branding, placeholders } = input;
  const byLink = input.kind === 'SignUpByLink' || input.kind === 'ResendCodeByLink';
  const values: EmailValues = {
    appName: branding.appName,
    signInUrl: branding.signInUrl,
    supportEmail: branding.supportEmail,
    name: cleanUserValue(input.name ?? '', NAME_MAX_CHARS),
    code: placeholders.code,
    username: placeholders.username ?? '',
    link: placeholders.link ?? '',
    verification: byLink ? (placeholders.link ?? '') : placeholders.code,
  };

  let emailMessage = renderEmailHtml(catalog, copy.email, values);
  // Unreachable with the bounded name and validated branding; kept so the limit holds regardless.
  if (utf8Length(emailMessage) > EMAIL_MAX_CHARS) {
    emailMessage = renderEmailHtml(catalog, copy.email, { ...values, name: '' });
  }
  if (utf8Length(emailMessage) > EMAIL_MAX_CHARS) throw new MessageRenderError('email exceeds its limit');

  const smsMessage = fitSms(
    copy.sms,
    {
      code: placeholders.code,
      username: placeholders.username ?? '',
      appName: branding.appName,
      signInUrl: branding.signInUrl,
    },
    input.kind === 'AdminCreateUser' ? ['username', 'code'] : ['code'],
  );

  for (const placeholder of required.email) {
    if (!emailMessage.includes(placeholder)) throw new MessageRenderError(`email lost a placeholder`);
  }
  for (const placeholder of required.sms) {
    if (!smsMessage.includes(placeholder)) throw new MessageRenderError(`sms lost a placeholder`);
  }
  return {
    locale,
    emailSubject: fill(copy.email.subject, { appName: branding.appName }),
    emailMessage,
    smsMessage,
  };
}

/**
 * The SMS text: every variant in GSM-7 form where letters allow (`toGsm7`: one SMS part holds 160
 * GSM-7 characters but only 70 UCS-2 ones). In order of preference: a variant with the full app
 * name (or none) in 140 characters AND one SMS part; then one with the app name shortened (never
 * below 8 characters) in one part; only then the same two in 140 characters, which may go out as
 * two UCS-2 parts (an app name with characters GSM-7 lacks). If nothing fits (only possible with
 * absurd placeholders), the placeholders alone: a placeholder is never dropped.
 */
function fitSms(
  variants: readonly string[],
  values: Readonly<Record<string, string>>,
  required: readonly string[],
): string {
  const oneSegment = (text: string) => smsLength(text) <= SMS_MAX_CHARS && smsSize(text).segments === 1;
  const withinLimit = (text: string) => smsLength(text) <= SMS_MAX_CHARS;
  const appName = values.appName ?? '';
  for (const fits of [oneSegment, withinLimit]) {
    for (const template of variants) {
      const text = toGsm7(fill(template, values));
      if (fits(text)) return text;
    }
    for (const template of variants) {
      const uses = slotsOf(template).filter((slot) => slot === 'appName').length;
      if (uses === 0) continue;
      const without = smsLength(toGsm7(fill(template, { ...values, appName: '' })));
      for (let room = Math.floor((SMS_MAX_CHARS - without) / uses); room >= APP_NAME_MIN_CHARS; room--) {
        const shortened = toGsm7(fill(template, { ...values, appName: shorten(appName, room) }));
        if (fits(shortened)) return shortened;
      }
    }
  }
  return required.map((slot) => values[slot] ?? '').join(' ');
}
