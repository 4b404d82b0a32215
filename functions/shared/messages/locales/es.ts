/** Spanish (neutral, formal "usted"). */
import type { Catalog } from '../catalog';
import { esNotices } from './es-notices';

const ignoreIfNotYou = 'Si no lo ha solicitado, puede ignorar este correo. No cambiará nada.';

export const es: Catalog = {
  lang: 'es',
  dir: 'ltr',
  greeting: { named: 'Hola, {{name}}:', anonymous: 'Hola:' },
  linkFallback: 'Si el botón no funciona, abra esta dirección: {{signInUrl}}',
  footer: ['¿Necesita ayuda? Escriba a {{supportEmail}}.', 'Enviado por {{appName}}.'],
  messages: {
    SignUp: {
      email: {
        subject: 'Confirme su correo electrónico para {{appName}}',
        heading: 'Confirme su dirección de correo electrónico',
        blocks: [
          {
            kind: 'text',
            text: 'Gracias por registrarse en {{appName}}. Introduzca este código para confirmar su dirección de correo electrónico:',
          },
          { kind: 'code' },
          {
            kind: 'text',
            text: 'Si no se ha registrado, puede ignorar este correo. No se activará ninguna cuenta.',
          },
        ],
      },
      sms: [
        '{{code}} es su código de confirmación de {{appName}}.',
        '{{code}} es su código de confirmación.',
      ],
    },
    SignUpByLink: {
      email: {
        subject: 'Confirme su correo electrónico para {{appName}}',
        heading: 'Confirme su dirección de correo electrónico',
        blocks: [
          {
            kind: 'text',
            text: 'Gracias por registrarse en {{appName}}. Seleccione este enlace para confirmar su dirección de correo electrónico:',
          },
          { kind: 'code' },
          {
            kind: 'text',
            text: 'Si no se ha registrado, puede ignorar este correo. No se activará ninguna cuenta.',
          },
        ],
      },
      sms: [
        '{{code}} es su código de confirmación de {{appName}}.',
        '{{code}} es su código de confirmación.',
      ],
    },
    AdminCreateUser: {
      email: {
        subject: 'Su invitación a {{appName}}',
        heading: 'Le damos la bienvenida a {{appName}}',
        blocks: [
          { kind: 'text', text: 'Se ha creado una cuenta para usted. Inicie sesión con estos datos:' },
          {
            kind: 'fields',
            items: [
              { label: 'Nombre de usuario', slot: 'username' },
              { label: 'Contraseña temporal', slot: 'code' },
            ],
          },
          { kind: 'signInButton', text: 'Iniciar sesión en {{appName}}' },
          {
            kind: 'text',
            text: 'Al iniciar sesión por primera vez elegirá su propia contraseña. La contraseña temporal caduca a los pocos días; si ya ha caducado, pida una nueva invitación al equipo de administración.',
          },
        ],
      },
      sms: [
        '{{appName}}: usuario {{username}}, contraseña temporal {{code}}. Inicie sesión en {{signInUrl}}',
        '{{appName}}: usuario {{username}}, contraseña temporal {{code}}',
        'Usuario: {{username}} Contraseña: {{code}}',
      ],
    },
    ResendCode: {
      email: {
        subject: 'Su nuevo código de confirmación de {{appName}}',
        heading: 'Su nuevo código',
        blocks: [
          {
            kind: 'text',
            text: 'Ha solicitado un nuevo código para confirmar su dirección de correo electrónico. Introduzca este código:',
          },
          { kind: 'code' },
          { kind: 'text', text: ignoreIfNotYou },
        ],
      },
      sms: [
        '{{code}} es su nuevo código de confirmación de {{appName}}.',
        '{{code}} es su nuevo código de confirmación.',
      ],
    },
    ResendCodeByLink: {
      email: {
        subject: 'Su nuevo enlace de confirmación de {{appName}}',
        heading: 'Su nuevo enlace',
        blocks: [
          {
            kind: 'text',
            text: 'Ha solicitado un nuevo enlace para confirmar su dirección de correo electrónico. Seleccione este enlace:',
          },
          { kind: 'code' },
          { kind: 'text', text: ignoreIfNotYou },
        ],
      },
      sms: [
        '{{code}} es su nuevo código de confirmación de {{appName}}.',
        '{{code}} es su nuevo código de confirmación.',
      ],
    },
    ForgotPassword: {
      email: {
        subject: 'Restablezca su contraseña de {{appName}}',
        heading: 'Restablezca su contraseña',
        blocks: [
          {
            kind: 'text',
            text: 'Hemos recibido una solicitud para restablecer la contraseña de su cuenta de {{appName}}. Introduzca este código para elegir una contraseña nueva:',
          },
          { kind: 'code' },
          {
            kind: 'text',
            text: 'Si no lo ha solicitado, puede ignorar este correo. Su contraseña no cambiará.',
          },
        ],
      },
      sms: [
        '{{code}} es su código para restablecer la contraseña de {{appName}}. ¿No lo ha pedido? Ignore este mensaje.',
        '{{code}} es su código para restablecer la contraseña de {{appName}}.',
        '{{code}} es su código para restablecer la contraseña.',
      ],
    },
    UpdateUserAttribute: {
      email: {
        subject: 'Confirme su nueva dirección de correo para {{appName}}',
        heading: 'Confirme su nueva dirección de correo',
        blocks: [
          {
            kind: 'text',
            text: 'Se ha cambiado la dirección de correo electrónico de su cuenta de {{appName}}. Introduzca este código para confirmarla:',
          },
          { kind: 'code' },
          {
            kind: 'text',
            text: 'Si no ha hecho este cambio, escriba de inmediato a {{supportEmail}}.',
          },
        ],
      },
      sms: [
        '{{code}} es su código de {{appName}} para confirmar su nuevo número de teléfono.',
        '{{code}} confirma su nuevo número de teléfono.',
      ],
    },
    VerifyUserAttribute: {
      email: {
        subject: 'Verifique su dirección de correo para {{appName}}',
        heading: 'Verifique su dirección de correo electrónico',
        blocks: [
          {
            kind: 'text',
            text: 'Introduzca este código para verificar su dirección de correo electrónico en {{appName}}:',
          },
          { kind: 'code' },
          { kind: 'text', text: ignoreIfNotYou },
        ],
      },
      sms: [
        '{{code}} es su código de {{appName}} para verificar este número de teléfono.',
        '{{code}} verifica este número de teléfono.',
      ],
    },
    Authentication: {
      email: {
        subject: 'Su código de inicio de sesión de {{appName}}',
        heading: 'Su código de inicio de sesión',
        blocks: [
          { kind: 'text', text: 'Introduzca este código para terminar de iniciar sesión en {{appName}}:' },
          { kind: 'code' },
          {
            kind: 'text',
            text: 'Si no está iniciando sesión ahora, es posible que alguien conozca su contraseña. Cámbiela y escriba a {{supportEmail}}.',
          },
        ],
      },
      sms: [
        '{{code}} es su código de inicio de sesión de {{appName}}. No lo comparta con nadie.',
        '{{code}} es su código de inicio de sesión. No lo comparta.',
      ],
    },
  },
  otpSms: [
    '{{code}} es su código de inicio de sesión de {{appName}}. Caduca en {{minutes}} min. No lo comparta.',
    '{{code}} es su código de inicio de sesión. Caduca en {{minutes}} min.',
  ],
  phoneChangedSms: [
    'El numero de telefono de {{appName}} se cambio a {{destination}}. Si no fuiste tu, contacta con soporte.',
    'Tu numero de telefono se cambio a {{destination}}. Si no fuiste tu, contacta con soporte.',
  ],
  notices: esNotices,
};
