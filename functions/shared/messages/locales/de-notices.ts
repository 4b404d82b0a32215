/** German (formal "Sie", as de.ts): our own emails (EMAIL_OTP and the security notices). */
import type { NoticeCatalog } from '../catalog';

const when = { label: 'Zeitpunkt', value: '{{time}}' };
const notYou =
  'Falls Sie das nicht waren, setzen Sie Ihr Passwort jetzt unter {{signInUrl}} zurück und schreiben Sie an {{supportEmail}}.';

export const deNotices: NoticeCatalog = {
  emailOtp: {
    subject: 'Ihr Anmeldecode für {{appName}}',
    heading: 'Ihr Anmeldecode',
    blocks: [
      {
        kind: 'text',
        text: 'Geben Sie diesen Code ein, um die Anmeldung bei {{appName}} abzuschließen. Er läuft in {{minutes}} Minuten ab.',
      },
      { kind: 'code' },
      {
        kind: 'text',
        text: 'Geben Sie diesen Code niemals weiter. Falls Sie sich gerade nicht anmelden, kennt jemand Ihr Passwort: Setzen Sie es unter {{signInUrl}} zurück und schreiben Sie an {{supportEmail}}.',
      },
    ],
  },
  security: {
    phone_bound: {
      subject: 'Sicherheitshinweis: Ihrem {{appName}}-Konto wurde eine Telefonnummer hinzugefügt',
      heading: 'Eine Telefonnummer wurde hinzugefügt',
      blocks: [
        {
          kind: 'text',
          text: 'Die Anmeldecodes für Ihr {{appName}}-Konto gehen jetzt an diese Telefonnummer.',
        },
        { kind: 'facts', items: [{ label: 'Telefonnummer', value: '{{destination}}' }, when] },
        { kind: 'text', text: notYou },
      ],
    },
    phone_changed: {
      subject: 'Sicherheitshinweis: Die Telefonnummer Ihres {{appName}}-Kontos wurde geändert',
      heading: 'Ihre Telefonnummer wurde geändert',
      blocks: [
        {
          kind: 'text',
          text: 'Die Anmeldecodes für Ihr {{appName}}-Konto gehen jetzt an eine neue Telefonnummer.',
        },
        {
          kind: 'facts',
          items: [
            { label: 'Neue Nummer', value: '{{destination}}' },
            { label: 'Bisherige Nummer', value: '{{oldDestination}}' },
            when,
          ],
        },
        { kind: 'text', text: notYou },
      ],
    },
    phone_reset: {
      subject: 'Sicherheitshinweis: Die Telefonnummer Ihres {{appName}}-Kontos wurde entfernt',
      heading: 'Ihre Telefonnummer wurde entfernt',
      blocks: [
        {
          kind: 'text',
          text: 'Ein Administrator hat die Telefonnummer, die Wiederherstellungscodes und die gemerkten Geräte Ihres {{appName}}-Kontos entfernt. Bei der nächsten Anmeldung richten Sie erneut ein Telefon ein.',
        },
        { kind: 'facts', items: [{ label: 'Entfernte Nummer', value: '{{oldDestination}}' }, when] },
        {
          kind: 'text',
          text: 'Falls Sie das nicht veranlasst haben, schreiben Sie an {{supportEmail}}.',
        },
      ],
    },
    recovery_code_used: {
      subject: 'Sicherheitshinweis: Für Ihr {{appName}}-Konto wurde ein Wiederherstellungscode verwendet',
      heading: 'Ein Wiederherstellungscode wurde verwendet',
      blocks: [
        {
          kind: 'text',
          text: 'Jemand hat sich bei Ihrem {{appName}}-Konto mit einem Ihrer Wiederherstellungscodes statt mit einem Code an Ihr Telefon angemeldet. Dieser Wiederherstellungscode gilt nicht mehr.',
        },
        {
          kind: 'facts',
          items: [{ label: 'Verbleibende Wiederherstellungscodes', value: '{{codesLeft}}' }, when],
        },
        { kind: 'text', text: notYou },
      ],
    },
    recovery_codes_new: {
      subject: 'Sicherheitshinweis: Neue Wiederherstellungscodes für Ihr {{appName}}-Konto',
      heading: 'Neue Wiederherstellungscodes wurden erstellt',
      blocks: [
        {
          kind: 'text',
          text: 'Für Ihr {{appName}}-Konto wurden neue Wiederherstellungscodes erstellt. Die bisherigen Codes gelten nicht mehr.',
        },
        { kind: 'facts', items: [when] },
        { kind: 'text', text: notYou },
      ],
    },
    locked_out: {
      subject: 'Sicherheitshinweis: Die Anmeldung bei Ihrem {{appName}}-Konto ist pausiert',
      heading: 'Anmeldung nach falschen Codes pausiert',
      blocks: [
        {
          kind: 'text',
          text: 'Nach mehreren falschen Codes ist die Anmeldung bei Ihrem {{appName}}-Konto für eine Weile pausiert. Sie funktioniert danach von selbst wieder.',
        },
        { kind: 'facts', items: [when] },
        {
          kind: 'text',
          text: 'Bis zum Code kommt nur, wer Ihr Passwort kennt. Falls Sie das nicht waren, setzen Sie Ihr Passwort unter {{signInUrl}} zurück und schreiben Sie an {{supportEmail}}.',
        },
      ],
    },
    suspended: {
      subject: 'Sicherheitshinweis: Ihr {{appName}}-Konto wurde gesperrt',
      heading: 'Ihr Konto wurde gesperrt',
      blocks: [
        {
          kind: 'text',
          text: 'Ein Administrator hat Ihr {{appName}}-Konto gesperrt und seine gemerkten Geräte entfernt. Sie können sich erst wieder anmelden, wenn die Sperre aufgehoben ist.',
        },
        { kind: 'facts', items: [when] },
        { kind: 'text', text: 'Falls Sie das für einen Irrtum halten, schreiben Sie an {{supportEmail}}.' },
      ],
    },
    device_remembered: {
      subject: 'Sicherheitshinweis: Für Ihr {{appName}}-Konto wurde ein Gerät gemerkt',
      heading: 'Ein Gerät wurde gemerkt',
      blocks: [
        {
          kind: 'text',
          text: 'Ein Gerät kann sich jetzt allein mit Ihrem Passwort bei Ihrem {{appName}}-Konto anmelden, ohne Code an Ihr Telefon, solange es gemerkt ist.',
        },
        { kind: 'facts', items: [{ label: 'Gerät', value: '{{deviceName}}' }, when] },
        {
          kind: 'text',
          text: 'Falls Sie das nicht waren, setzen Sie Ihr Passwort jetzt unter {{signInUrl}} zurück (danach verlangt jedes gemerkte Gerät wieder einen Code) und schreiben Sie an {{supportEmail}}.',
        },
      ],
    },
    devices_revoked: {
      subject: 'Sicherheitshinweis: Gemerkte Geräte Ihres {{appName}}-Kontos wurden entfernt',
      heading: 'Gemerkte Geräte wurden entfernt',
      blocks: [
        {
          kind: 'text',
          text: 'Für Ihr {{appName}}-Konto gemerkte Geräte wurden entfernt. Auf diesen Geräten verlangt die nächste Anmeldung wieder einen Code an Ihr Telefon.',
        },
        {
          kind: 'facts',
          items: [
            { label: 'Entfernte Geräte', value: '{{devicesRevoked}}' },
            { label: 'Gerät', value: '{{deviceName}}' },
            when,
          ],
        },
        { kind: 'text', text: 'Falls Sie das nicht erwartet haben, schreiben Sie an {{supportEmail}}.' },
      ],
    },
  },
};
