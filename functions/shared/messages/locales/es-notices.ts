/** Spanish (formal "usted", as es.ts): our own emails (EMAIL_OTP and the security notices). */
import type { NoticeCatalog } from '../catalog';

const when = { label: 'Cuándo', value: '{{time}}' };
const notYou =
  'Si no fue usted, restablezca su contraseña ahora en {{signInUrl}} y escriba a {{supportEmail}}.';

export const esNotices: NoticeCatalog = {
  emailOtp: {
    subject: 'Su código de inicio de sesión de {{appName}}',
    heading: 'Su código de inicio de sesión',
    blocks: [
      {
        kind: 'text',
        text: 'Introduzca este código para terminar de iniciar sesión en {{appName}}. Caduca en {{minutes}} minutos.',
      },
      { kind: 'code' },
      {
        kind: 'text',
        text: 'No comparta nunca este código. Si no está iniciando sesión ahora, alguien conoce su contraseña: restablézcala en {{signInUrl}} y escriba a {{supportEmail}}.',
      },
    ],
  },
  security: {
    phone_bound: {
      subject: 'Aviso de seguridad: se añadió un número de teléfono a su cuenta de {{appName}}',
      heading: 'Se añadió un número de teléfono',
      blocks: [
        {
          kind: 'text',
          text: 'Los códigos de inicio de sesión de su cuenta de {{appName}} llegan ahora a este número.',
        },
        { kind: 'facts', items: [{ label: 'Número de teléfono', value: '{{destination}}' }, when] },
        { kind: 'text', text: notYou },
      ],
    },
    phone_changed: {
      subject: 'Aviso de seguridad: se cambió el número de teléfono de su cuenta de {{appName}}',
      heading: 'Se cambió su número de teléfono',
      blocks: [
        {
          kind: 'text',
          text: 'Los códigos de inicio de sesión de su cuenta de {{appName}} llegan ahora a un número nuevo.',
        },
        {
          kind: 'facts',
          items: [
            { label: 'Número nuevo', value: '{{destination}}' },
            { label: 'Número anterior', value: '{{oldDestination}}' },
            when,
          ],
        },
        { kind: 'text', text: notYou },
      ],
    },
    phone_reset: {
      subject: 'Aviso de seguridad: se eliminó el número de teléfono de su cuenta de {{appName}}',
      heading: 'Se eliminó su número de teléfono',
      blocks: [
        {
          kind: 'text',
          text: 'Un administrador eliminó el número de teléfono, los códigos de recuperación y los dispositivos recordados de su cuenta de {{appName}}. La próxima vez que inicie sesión, configurará un teléfono de nuevo.',
        },
        { kind: 'facts', items: [{ label: 'Número eliminado', value: '{{oldDestination}}' }, when] },
        { kind: 'text', text: 'Si no lo pidió usted, escriba a {{supportEmail}}.' },
      ],
    },
    recovery_code_used: {
      subject: 'Aviso de seguridad: se usó un código de recuperación de su cuenta de {{appName}}',
      heading: 'Se usó un código de recuperación',
      blocks: [
        {
          kind: 'text',
          text: 'Alguien inició sesión en su cuenta de {{appName}} con uno de sus códigos de recuperación en lugar de un código enviado a su teléfono. Ese código de recuperación ya no funciona.',
        },
        {
          kind: 'facts',
          items: [{ label: 'Códigos de recuperación restantes', value: '{{codesLeft}}' }, when],
        },
        { kind: 'text', text: notYou },
      ],
    },
    recovery_codes_new: {
      subject: 'Aviso de seguridad: nuevos códigos de recuperación para su cuenta de {{appName}}',
      heading: 'Se crearon nuevos códigos de recuperación',
      blocks: [
        {
          kind: 'text',
          text: 'Se creó un nuevo juego de códigos de recuperación para su cuenta de {{appName}}. Los códigos anteriores ya no funcionan.',
        },
        { kind: 'facts', items: [when] },
        { kind: 'text', text: notYou },
      ],
    },
    locked_out: {
      subject: 'Aviso de seguridad: el inicio de sesión en su cuenta de {{appName}} está en pausa',
      heading: 'Inicio de sesión en pausa tras códigos incorrectos',
      blocks: [
        {
          kind: 'text',
          text: 'Tras varios códigos incorrectos, el inicio de sesión en su cuenta de {{appName}} queda en pausa durante un tiempo. Volverá a funcionar por sí solo.',
        },
        { kind: 'facts', items: [when] },
        {
          kind: 'text',
          text: 'Solo quien conoce su contraseña llega hasta el código. Si no fue usted, restablezca su contraseña en {{signInUrl}} y escriba a {{supportEmail}}.',
        },
      ],
    },
    suspended: {
      subject: 'Aviso de seguridad: su cuenta de {{appName}} fue suspendida',
      heading: 'Su cuenta fue suspendida',
      blocks: [
        {
          kind: 'text',
          text: 'Un administrador suspendió su cuenta de {{appName}} y eliminó sus dispositivos recordados. No podrá iniciar sesión hasta que se levante la suspensión.',
        },
        { kind: 'facts', items: [when] },
        { kind: 'text', text: 'Si cree que es un error, escriba a {{supportEmail}}.' },
      ],
    },
    device_remembered: {
      subject: 'Aviso de seguridad: se recordó un dispositivo para su cuenta de {{appName}}',
      heading: 'Se recordó un dispositivo',
      blocks: [
        {
          kind: 'text',
          text: 'Un dispositivo puede ahora iniciar sesión en su cuenta de {{appName}} solo con su contraseña, sin un código enviado a su teléfono, mientras siga recordado.',
        },
        { kind: 'facts', items: [{ label: 'Dispositivo', value: '{{deviceName}}' }, when] },
        {
          kind: 'text',
          text: 'Si no fue usted, restablezca su contraseña ahora en {{signInUrl}} (así todos los dispositivos recordados vuelven a pedir un código) y escriba a {{supportEmail}}.',
        },
      ],
    },
    devices_revoked: {
      subject: 'Aviso de seguridad: se eliminaron dispositivos recordados de su cuenta de {{appName}}',
      heading: 'Se eliminaron dispositivos recordados',
      blocks: [
        {
          kind: 'text',
          text: 'Se eliminaron dispositivos recordados de su cuenta de {{appName}}. En ellos, el próximo inicio de sesión volverá a pedir un código enviado a su teléfono.',
        },
        {
          kind: 'facts',
          items: [
            { label: 'Dispositivos eliminados', value: '{{devicesRevoked}}' },
            { label: 'Dispositivo', value: '{{deviceName}}' },
            when,
          ],
        },
        { kind: 'text', text: 'Si no lo esperaba, escriba a {{supportEmail}}.' },
      ],
    },
  },
};
