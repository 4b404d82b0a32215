/**
 * Branding settings: app name, sign-in page and support address. Read once at cold start by the
 * triggers that send messages (`readConfig(brandingSettings)`); a bad value fails the deployment's
 * first invocation with the variable's name, instead of mailing users a broken link.
 */
import * as z from 'zod/mini';

export interface Branding {
  /** Shown in every message; at most 40 characters so SMS texts keep room for their content. */
  appName: string;
  /** Linked from the invitation email (`https://`; `http://` only for localhost). */
  signInUrl: string;
  /** Shown in every email footer as a mailto link. */
  supportEmail: string;
}

export const DEFAULT_BRANDING: Branding = {
  appName: 'Example App',
  signInUrl: 'https://example.com/sign-in',
  supportEmail: 'support@example.com',
};

export const APP_NAME_MAX = 40;

function isSignInUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export const brandingSettings = {
  APP_NAME: z._default(
    z.string({ error: 'must be text' }).check(
      z.trim(),
      z.minLength(1, { error: 'must not be empty' }),
      z.maxLength(APP_NAME_MAX, { error: `must be at most ${APP_NAME_MAX} characters` }),
      z.refine((value: string) => !/[\p{Cc}{}]/u.test(value), {
        error: 'must not contain control characters or braces',
      }),
    ),
    DEFAULT_BRANDING.appName,
  ),
  SIGN_IN_URL: z._default(
    z
      .string({ error: 'must be text' })
      .check(
        z.trim(),
        z.maxLength(200, { error: 'must be at most 200 characters' }),
        z.refine(isSignInUrl, { error: 'must be an https:// URL (http:// only for localhost)' }),
      ),
    DEFAULT_BRANDING.signInUrl,
  ),
  SUPPORT_EMAIL: z._default(
    z
      .email({ error: 'must be an email address' })
      .check(z.maxLength(254, { error: 'must be at most 254 characters' })),
    DEFAULT_BRANDING.supportEmail,
  ),
};

export function brandingFrom(config: {
  APP_NAME: string;
  SIGN_IN_URL: string;
  SUPPORT_EMAIL: string;
}): Branding {
  return { appName: config.APP_NAME, signInUrl: config.SIGN_IN_URL, supportEmail: config.SUPPORT_EMAIL };
}
