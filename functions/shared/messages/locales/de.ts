/** German (formal "Sie"). */
import type { Catalog } from '../catalog';
import { deNotices } from './de-notices';

const ignoreIfNotYou =
  'Wenn Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren. Es ändert sich nichts.';

export const de: Catalog = {
  lang: 'de',
  dir: 'ltr',
  greeting: { named: 'Hallo {{name}},', anonymous: 'Hallo,' },
  linkFallback: 'Falls die Schaltfläche nicht funktioniert, öffnen Sie diese Adresse: {{signInUrl}}',
  footer: ['Fragen? Schreiben Sie an {{supportEmail}}.', 'Gesendet von {{appName}}.'],
  messages: {
    SignUp: {
      email: {
        subject: 'Bestätigen Sie Ihre E-Mail-Adresse für {{appName}}',
        heading: 'E-Mail-Adresse bestätigen',
        blocks: [
          {
            kind: 'text',
            text: 'Danke für Ihre Registrierung bei {{appName}}. Geben Sie diesen Code ein, um Ihre E-Mail-Adresse zu bestätigen:',
          },
          { kind: 'code' },
          {
            kind: 'text',
            text: 'Wenn Sie sich nicht registriert haben, können Sie diese E-Mail ignorieren. Es wird kein Konto aktiviert.',
          },
        ],
      },
      sms: ['{{code}} ist Ihr Bestätigungscode für {{appName}}.', '{{code}} ist Ihr Bestätigungscode.'],
    },
    SignUpByLink: {
      email: {
        subject: 'Bestätigen Sie Ihre E-Mail-Adresse für {{appName}}',
        heading: 'E-Mail-Adresse bestätigen',
        blocks: [
          {
            kind: 'text',
            text: 'Danke für Ihre Registrierung bei {{appName}}. Wählen Sie diesen Link, um Ihre E-Mail-Adresse zu bestätigen:',
          },
          { kind: 'code' },
          {
            kind: 'text',
            text: 'Wenn Sie sich nicht registriert haben, können Sie diese E-Mail ignorieren. Es wird kein Konto aktiviert.',
          },
        ],
      },
      sms: ['{{code}} ist Ihr Bestätigungscode für {{appName}}.', '{{code}} ist Ihr Bestätigungscode.'],
    },
    AdminCreateUser: {
      email: {
        subject: 'Ihre Einladung zu {{appName}}',
        heading: 'Willkommen bei {{appName}}',
        blocks: [
          {
            kind: 'text',
            text: 'Für Sie wurde ein Konto eingerichtet. Melden Sie sich mit diesen Daten an:',
          },
          {
            kind: 'fields',
            items: [
              { label: 'Benutzername', slot: 'username' },
              { label: 'Vorläufiges Passwort', slot: 'code' },
            ],
          },
          { kind: 'signInButton', text: 'Bei {{appName}} anmelden' },
          {
            kind: 'text',
            text: 'Bei der ersten Anmeldung wählen Sie Ihr eigenes Passwort. Das vorläufige Passwort ist nur einige Tage gültig; ist es abgelaufen, bitten Sie Ihre Administration um eine neue Einladung.',
          },
        ],
      },
      sms: [
        'Willkommen bei {{appName}}! Benutzername: {{username}} Vorläufiges Passwort: {{code}} Anmelden: {{signInUrl}}',
        '{{appName}} Benutzername: {{username}} Vorläufiges Passwort: {{code}}',
        'Benutzername: {{username}} Passwort: {{code}}',
      ],
    },
    ResendCode: {
      email: {
        subject: 'Ihr neuer Bestätigungscode für {{appName}}',
        heading: 'Ihr neuer Code',
        blocks: [
          {
            kind: 'text',
            text: 'Sie haben einen neuen Code zur Bestätigung Ihrer E-Mail-Adresse angefordert. Geben Sie diesen Code ein:',
          },
          { kind: 'code' },
          { kind: 'text', text: ignoreIfNotYou },
        ],
      },
      sms: [
        '{{code}} ist Ihr neuer Bestätigungscode für {{appName}}.',
        '{{code}} ist Ihr neuer Bestätigungscode.',
      ],
    },
    ResendCodeByLink: {
      email: {
        subject: 'Ihr neuer Bestätigungslink für {{appName}}',
        heading: 'Ihr neuer Link',
        blocks: [
          {
            kind: 'text',
            text: 'Sie haben einen neuen Link zur Bestätigung Ihrer E-Mail-Adresse angefordert. Wählen Sie diesen Link:',
          },
          { kind: 'code' },
          { kind: 'text', text: ignoreIfNotYou },
        ],
      },
      sms: [
        '{{code}} ist Ihr neuer Bestätigungscode für {{appName}}.',
        '{{code}} ist Ihr neuer Bestätigungscode.',
      ],
    },
    ForgotPassword: {
      email: {
        subject: 'Passwort für {{appName}} zurücksetzen',
        heading: 'Passwort zurücksetzen',
        blocks: [
          {
            kind: 'text',
            text: 'Wir haben eine Anfrage erhalten, das Passwort Ihres Kontos bei {{appName}} zurückzusetzen. Geben Sie diesen Code ein, um ein neues Passwort festzulegen:',
          },
          { kind: 'code' },
          {
            kind: 'text',
            text: 'Wenn Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren. Ihr Passwort bleibt unverändert.',
          },
        ],
      },
      sms: [
        '{{code}} ist Ihr Code zum Zurücksetzen des Passworts für {{appName}}. Nicht angefordert? Ignorieren Sie diese SMS.',
        '{{code}} ist Ihr Code zum Zurücksetzen des Passworts für {{appName}}.',
        '{{code}} ist Ihr Code zum Zurücksetzen des Passworts.',
      ],
    },
    UpdateUserAttribute: {
      email: {
        subject: 'Bestätigen Sie Ihre neue E-Mail-Adresse für {{appName}}',
        heading: 'Neue E-Mail-Adresse bestätigen',
        blocks: [
          {
            kind: 'text',
            text: 'Die E-Mail-Adresse Ihres Kontos bei {{appName}} wurde geändert. Geben Sie diesen Code ein, um sie zu bestätigen:',
          },
          { kind: 'code' },
          {
            kind: 'text',
            text: 'Wenn Sie diese Änderung nicht vorgenommen haben, schreiben Sie bitte sofort an {{supportEmail}}.',
          },
        ],
      },
      sms: [
        '{{code}} ist Ihr Code für {{appName}} zur Bestätigung Ihrer neuen Telefonnummer.',
        '{{code}} bestätigt Ihre neue Telefonnummer.',
      ],
    },
    VerifyUserAttribute: {
      email: {
        subject: 'Bestätigen Sie Ihre E-Mail-Adresse für {{appName}}',
        heading: 'E-Mail-Adresse bestätigen',
        blocks: [
          {
            kind: 'text',
            text: 'Geben Sie diesen Code ein, um Ihre E-Mail-Adresse für {{appName}} zu bestätigen:',
          },
          { kind: 'code' },
          { kind: 'text', text: ignoreIfNotYou },
        ],
      },
      sms: [
        '{{code}} ist Ihr Code für {{appName}} zur Bestätigung dieser Telefonnummer.',
        '{{code}} bestätigt diese Telefonnummer.',
      ],
    },
    Authentication: {
      email: {
        subject: 'Ihr Anmeldecode für {{appName}}',
        heading: 'Ihr Anmeldecode',
        blocks: [
          {
            kind: 'text',
            text: 'Geben Sie diesen Code ein, um die Anmeldung bei {{appName}} abzuschließen:',
          },
          { kind: 'code' },
          {
            kind: 'text',
            text: 'Wenn Sie sich gerade nicht anmelden, kennt möglicherweise jemand Ihr Passwort. Ändern Sie es und schreiben Sie an {{supportEmail}}.',
          },
        ],
      },
      sms: [
        '{{code}} ist Ihr Anmeldecode für {{appName}}. Geben Sie ihn niemals weiter.',
        '{{code}} ist Ihr Anmeldecode. Geben Sie ihn niemals weiter.',
      ],
    },
  },
  otpSms: [
    '{{code}} ist Ihr Anmeldecode für {{appName}}. Gültig für {{minutes}} Min. Geben Sie ihn niemals weiter.',
    '{{code}} ist Ihr Anmeldecode. Gültig für {{minutes}} Min.',
  ],
  phoneChangedSms: [
    'Ihre {{appName}}-Telefonnummer wurde auf {{destination}} geaendert. Nicht Sie? Wenden Sie sich an den Support.',
    'Ihre Telefonnummer wurde auf {{destination}} geaendert. Nicht Sie? Support kontaktieren.',
  ],
  notices: deNotices,
};
