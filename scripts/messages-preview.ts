/**
 * `npm run messages:preview`: renders every message (each Cognito source, the link variants, the
 * sign-in code SMS, and our own emails: the EMAIL_OTP code and every security notice) in every
 * language to `.preview/` (gitignored), with an index.html that shows each subject and SMS and
 * links each email (our own emails also as their text part, `.txt`), and prints the index's path.
 *
 * Branding comes from the same variables the trigger reads (APP_NAME, SIGN_IN_URL, SUPPORT_EMAIL),
 * validated the same way, so `APP_NAME=Acme npm run messages:preview` shows your own brand.
 * Placeholders stay as Cognito sends them ({####}, {username}, {##Click Here##}): that is exactly
 * what the trigger returns, and Cognito fills them in afterwards.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SECURITY_EVENTS } from '#shared/auth-state/keys';
import { ConfigError, readConfig } from '#shared/config';
import {
  brandingFrom,
  brandingSettings,
  messageKinds,
  type RenderedEmail,
  renderCustomMessage,
  renderEmailOtp,
  renderOtpSms,
  renderSecurityNotice,
  supportedLocales,
} from '#shared/messages/index';
import { escapeHtml } from '#shared/messages/text';

const PLACEHOLDERS = { code: '{####}', username: '{username}', link: '{##Click Here##}' };
const SAMPLE_NAME = 'Ada';
const OTP_MINUTES = 3;
/** The sample event of every security notice: fictional numbers (shown masked), a fixed time. */
const SAMPLE_EVENT = {
  at: new Date('2025-01-31T12:00:00Z'),
  destination: '+14155550123',
  oldDestination: '+14155550199',
  recoveryCodesLeft: 9,
};

/** Our own emails (sent through SES by the triggers): EMAIL_OTP and one per security event. */
export const OWN_EMAILS = ['EmailOtp', ...SECURITY_EVENTS.map((event) => `SecurityNotice-${event}`)];

export function writePreview(outDir: string, env: Record<string, string | undefined> = process.env): string {
  const branding = brandingFrom(readConfig(brandingSettings, env));
  rmSync(outDir, { recursive: true, force: true });
  const sections: string[] = [];
  for (const locale of supportedLocales) {
    mkdirSync(join(outDir, locale), { recursive: true });
    const rows: string[] = [];
    for (const kind of messageKinds) {
      const message = renderCustomMessage({
        kind,
        locale,
        branding,
        placeholders: PLACEHOLDERS,
        name: SAMPLE_NAME,
      });
      const file = `${locale}/${kind}.html`;
      writeFileSync(join(outDir, file), message.emailMessage);
      rows.push(
        `<tr><th scope="row">${kind}</th><td><a href="${file}">${escapeHtml(message.emailSubject)}</a>` +
          ` <small>(${Buffer.byteLength(message.emailMessage)} bytes)</small></td>` +
          `<td>${escapeHtml(message.smsMessage)} <small>(${message.smsMessage.length} chars)</small></td></tr>`,
      );
    }
    const otp = renderOtpSms({
      code: '123456',
      appName: branding.appName,
      validMinutes: OTP_MINUTES,
      locale,
    });
    rows.push(
      `<tr><th scope="row">Sign-in code (create-auth-challenge)</th><td>-</td>` +
        `<td>${escapeHtml(otp)} <small>(${otp.length} chars)</small></td></tr>`,
    );
    const own: Array<[string, RenderedEmail]> = [
      [
        'EmailOtp',
        renderEmailOtp({ code: '123456', validMinutes: OTP_MINUTES, locale, branding, name: SAMPLE_NAME }),
      ],
      ...SECURITY_EVENTS.map((event): [string, RenderedEmail] => [
        `SecurityNotice-${event}`,
        renderSecurityNotice({ event, locale, branding, name: SAMPLE_NAME, ...SAMPLE_EVENT }),
      ]),
    ];
    for (const [name, email] of own) {
      writeFileSync(join(outDir, locale, `${name}.html`), email.html);
      writeFileSync(join(outDir, locale, `${name}.txt`), email.text);
      rows.push(
        `<tr><th scope="row">${name} <small>(SES)</small></th><td><a href="${locale}/${name}.html">${escapeHtml(email.subject)}</a>` +
          ` <small>(<a href="${locale}/${name}.txt">text</a>)</small></td><td>-</td></tr>`,
      );
    }
    sections.push(
      `<section lang="${locale}"><h2>${locale}</h2>\n<table>\n<thead><tr><th scope="col">Message</th>` +
        `<th scope="col">Email (subject, opens the HTML)</th><th scope="col">SMS</th></tr></thead>\n` +
        `<tbody>\n${rows.join('\n')}\n</tbody></table></section>`,
    );
  }
  const index = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><title>Message preview</title>',
    '<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem}table{border-collapse:collapse;width:100%}',
    'th,td{border:1px solid #d4d4d8;padding:.4rem .6rem;text-align:left;vertical-align:top}small{color:#52525b}</style>',
    '</head>',
    '<body>',
    '<h1>Message preview</h1>',
    `<p>Branding: ${escapeHtml(branding.appName)}, ${escapeHtml(branding.signInUrl)}, ${escapeHtml(branding.supportEmail)}.`,
    ` Sample name: ${SAMPLE_NAME}. Placeholders are shown as Cognito sends them; Cognito replaces them.</p>`,
    ...sections,
    '</body>',
    '</html>',
  ].join('\n');
  const indexPath = join(outDir, 'index.html');
  writeFileSync(indexPath, index);
  return indexPath;
}

if (require.main === module) {
  try {
    const indexPath = writePreview(resolve(__dirname, '..', '.preview'));
    const emails = supportedLocales.length * (messageKinds.length + OWN_EMAILS.length);
    console.log(`Wrote ${emails} emails; open ${indexPath}`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`messages:preview: ${error.message}`);
    process.exitCode = 2;
  }
}
