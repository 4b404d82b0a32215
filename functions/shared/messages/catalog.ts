/**
 * The shape every language file fills in. A language is one `Catalog` object: TypeScript refuses
 * a file that misses a message, so a new language cannot ship half-translated.
 *
 * Templates are plain text with `{{slot}}` markers. Slots:
 * - `appName`, `signInUrl`, `supportEmail`: branding from configuration;
 * - `name`: the user's name (cleaned and shortened; only in the greeting);
 * - `code`, `username`, `link`: Cognito's placeholders (`{####}`, `{username}`, `{##...##}`),
 *   inserted exactly as Cognito sent them; Cognito replaces them after the trigger returns;
 * - `minutes`: validity of a sign-in code (OTP SMS and the EMAIL_OTP email).
 * Our own emails (`notices`: sent by the triggers through SES, not by Cognito) add `time` (when it
 * happened, UTC), `destination` / `oldDestination` (masked phone numbers), `codesLeft`,
 * `deviceName` (a remembered device's name, cleaned like `name`) and `devicesRevoked` (a count);
 * their `code` is a real code, escaped like every other value.
 * Nothing in a template is HTML: the renderer escapes literal text and values alike.
 */
import type { SecurityEventKind } from '#shared/auth-state/keys';

/** One message per Cognito source, plus link variants of the two sign-up confirmations. */
export const messageKinds = [
  'SignUp',
  'SignUpByLink',
  'AdminCreateUser',
  'ResendCode',
  'ResendCodeByLink',
  'ForgotPassword',
  'UpdateUserAttribute',
  'VerifyUserAttribute',
  'Authentication',
] as const;
export type MessageKind = (typeof messageKinds)[number];

/** A piece of an email body, in reading order. */
export type Block =
  /** A paragraph of text. */
  | { kind: 'text'; text: string }
  /** The code (or verification link) placeholder, shown large on its own line. */
  | { kind: 'code' }
  /** Label/value pairs whose values are placeholders, e.g. username and temporary password. */
  | { kind: 'fields'; items: ReadonlyArray<{ label: string; slot: 'username' | 'code' }> }
  /** A link to the sign-in page, styled as a button, followed by the address in plain text. */
  | { kind: 'signInButton'; text: string }
  /**
   * Label/value pairs whose values are templates (`{{destination}}`, `{{time}}`): the facts of a
   * security notice. A row whose value has only empty slots is left out.
   */
  | { kind: 'facts'; items: ReadonlyArray<{ label: string; value: string }> };

export interface EmailCopy {
  /** Plain text (not HTML); keep it under about 70 characters. */
  subject: string;
  heading: string;
  blocks: readonly Block[];
}

export interface MessageCopy {
  email: EmailCopy;
  /**
   * SMS variants, richest first. The renderer sends the first that fits in 140 characters
   * (shortening the app name if that is enough); each must contain every placeholder slot of
   * its message (`{{code}}`, plus `{{username}}` for AdminCreateUser).
   */
  sms: readonly [string, ...string[]];
}

export interface Catalog {
  /** BCP 47 tag written to `<html lang>`. */
  lang: string;
  dir: 'ltr' | 'rtl';
  greeting: { named: string; anonymous: string };
  /** Shown under a sign-in button: the address, for readers whose client hides buttons. */
  linkFallback: string;
  footer: readonly string[];
  messages: Readonly<Record<MessageKind, MessageCopy>>;
  /** The SMS of the custom-auth sign-in code (create-auth-challenge); slots code, appName, minutes. */
  otpSms: readonly [string, ...string[]];
  /** To the number a phone change replaced: `{{appName}}`, `{{destination}}` (the new one, masked). */
  phoneChangedSms: readonly [string, ...string[]];
  /** The emails the triggers send themselves, through SES (messages/notices.ts). */
  notices: NoticeCatalog;
}

/** Our own emails, in one language (`locales/<tag>-notices.ts`). */
export interface NoticeCatalog {
  /** The EMAIL_OTP round's email: slots appName, code, minutes, supportEmail, signInUrl. */
  emailOtp: EmailCopy;
  /**
   * One security notice per event (auth-state/keys.ts `SECURITY_EVENTS`): what happened, its facts
   * (masked numbers, the time), and what to do if it was not the user. Subjects name the app only.
   */
  security: Readonly<Record<SecurityEventKind, EmailCopy>>;
}
