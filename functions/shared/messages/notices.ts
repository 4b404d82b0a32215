/**
 * Our own emails: the ones the triggers send themselves through SES (#shared/aws/ses), not the
 * messages Cognito sends. Two families, each returned as subject, text part and HTML part:
 *
 * - `renderEmailOtp`: the EMAIL_OTP round's sign-in code;
 * - `renderSecurityNotice`: one short notice per security event (auth-state/keys.ts
 *   `SECURITY_EVENTS`): what happened, the masked phone number(s), when (UTC), and what to do if
 *   it was not the user (the branding's sign-in page and support address).
 *
 * Guarantees, proved by test/unit/messages/notices.test.ts and escaping.test.ts: every value is
 * escaped in the HTML (the code too: here it is a real code, not a Cognito placeholder); a phone
 * number is never shown whole, whatever the caller passes (`maskPhone` again, which leaves a
 * masked number as it is); the name, and a device's name (the app's words, untrusted), are cleaned
 * and shortened as in Cognito's messages (at most 64 characters); the subject is one line of plain
 * text.
 */
import type { SecurityEventKind } from '#shared/auth-state/keys';
import { maskPhone } from '#shared/challenge/mask';
import type { Branding } from './branding';
import type { EmailCopy } from './catalog';
import { renderOwnEmailHtml } from './html';
import { renderEmailText } from './plain-text';
import { catalogFor, resolveLocale } from './registry';
import { cleanUserValue, fill } from './text';

/** As in Cognito's messages (index.ts NAME_MAX_CHARS). */
const NAME_MAX_CHARS = 64;

export interface RenderedEmail {
  /** The language used (the user's, else English). */
  locale: string;
  subject: string;
  text: string;
  html: string;
}

export interface EmailOtpInput {
  /** The one-time code (digits). */
  code: string;
  /** Minutes until the code expires. */
  validMinutes: number;
  /** BCP 47 tag from the user's `locale` attribute; unknown or absent falls back to English. */
  locale?: string | undefined;
  branding: Branding;
  /** The user's name as stored (untrusted): cleaned, shortened, escaped. */
  name?: string | undefined;
}

export interface SecurityNoticeInput {
  event: SecurityEventKind;
  /** When it happened (shown in UTC). */
  at: Date;
  locale?: string | undefined;
  branding: Branding;
  name?: string | undefined;
  /** The phone number concerned (the new one for phone_changed): full or masked, shown masked. */
  destination?: string | undefined;
  /** phone_changed: the number it replaced (shown masked). */
  oldDestination?: string | undefined;
  /** recovery_code_used: how many codes are left. */
  recoveryCodesLeft?: number | undefined;
  /** device_remembered / devices_revoked: the device's name as the app gave it (untrusted). */
  deviceName?: string | undefined;
  /** devices_revoked: how many. */
  devicesRevoked?: number | undefined;
}

/** `2025-01-31 12:00 UTC`: the same in every language, never the reader's (unknown) time zone. */
export function formatNoticeTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The email of an EMAIL_OTP round: the code, how long it lasts, and never to share it. */
export function renderEmailOtp(input: EmailOtpInput): RenderedEmail {
  return render(input.locale, (catalog) => catalog.notices.emailOtp, {
    ...brandingValues(input.branding),
    name: cleanUserValue(input.name ?? '', NAME_MAX_CHARS),
    code: input.code,
    verification: input.code,
    minutes: String(input.validMinutes),
  });
}

/** The notice of one security event, in the user's language. */
export function renderSecurityNotice(input: SecurityNoticeInput): RenderedEmail {
  return render(input.locale, (catalog) => catalog.notices.security[input.event], {
    ...brandingValues(input.branding),
    name: cleanUserValue(input.name ?? '', NAME_MAX_CHARS),
    time: formatNoticeTime(input.at),
    destination: masked(input.destination),
    oldDestination: masked(input.oldDestination),
    codesLeft: input.recoveryCodesLeft === undefined ? '' : String(input.recoveryCodesLeft),
    deviceName: cleanUserValue(input.deviceName ?? '', NAME_MAX_CHARS),
    devicesRevoked: input.devicesRevoked === undefined ? '' : String(input.devicesRevoked),
  });
}

function brandingValues(branding: Branding) {
  return { appName: branding.appName, signInUrl: branding.signInUrl, supportEmail: branding.supportEmail };
}

/** A phone number as every message shows it: `+*******1234`; empty stays empty. */
function masked(phone: string | undefined): string {
  return phone ? maskPhone(phone) : '';
}

function render(
  requested: string | undefined,
  copyOf: (catalog: ReturnType<typeof catalogFor>) => EmailCopy,
  values: Record<string, string>,
): RenderedEmail {
  const locale = resolveLocale(requested);
  const catalog = catalogFor(locale);
  const copy = copyOf(catalog);
  return {
    locale,
    // One line of plain text: a header, so no control character (no line break) may reach it.
    subject: fill(copy.subject, values)
      .replace(/\p{Cc}+/gu, ' ')
      .trim(),
    text: renderEmailText(catalog, copy, values),
    html: renderOwnEmailHtml(catalog, copy, values),
  };
}
