/** English: the fallback language. Every other language file mirrors this one. */
import type { Catalog } from '../catalog';
import { enNotices } from './en-notices';

const ignoreIfNotYou = 'If you did not ask for this, you can ignore this email. Nothing will change.';

export const en: Catalog = {
  lang: 'en',
  dir: 'ltr',
  greeting: { named: 'Hello {{name}},', anonymous: 'Hello,' },
  linkFallback: 'If the button does not work, open this address: {{signInUrl}}',
  footer: ['Need help? Write to {{supportEmail}}.', 'Sent by {{appName}}.'],
  messages: {
    SignUp: {
      email: {
        subject: 'Confirm your email for {{appName}}',
        heading: 'Confirm your email address',
        blocks: [
          {
            kind: 'text',
            text: 'Thanks for signing up for {{appName}}. Enter this code to confirm your email address:',
          },
          { kind: 'code' },
          {
            kind: 'text',
            text: 'If you did not sign up, you can ignore this email. No account will be activated.',
          },
        ],
      },
      sms: ['{{code}} is your {{appName}} confirmation code.', '{{code}} is your confirmation code.'],
    },
    SignUpByLink: {
      email: {
        subject: 'Confirm your email for {{appName}}',
        heading: 'Confirm your email address',
        blocks: [
          {
            kind: 'text',
            text: 'Thanks for signing up for {{appName}}. Select this link to confirm your email address:',
          },
          { kind: 'code' },
          {
            kind: 'text',
            text: 'If you did not sign up, you can ignore this email. No account will be activated.',
          },
        ],
      },
      sms: ['{{code}} is your {{appName}} confirmation code.', '{{code}} is your confirmation code.'],
    },
    AdminCreateUser: {
      email: {
        subject: 'You are invited to {{appName}}',
        heading: 'Welcome to {{appName}}',
        blocks: [
          { kind: 'text', text: 'An account has been created for you. Sign in with these details:' },
          {
            kind: 'fields',
            items: [
              { label: 'Username', slot: 'username' },
              { label: 'Temporary password', slot: 'code' },
            ],
          },
          { kind: 'signInButton', text: 'Sign in to {{appName}}' },
          {
            kind: 'text',
            text: 'You will choose your own password when you first sign in. The temporary password expires after a few days; if it has, ask your administrator for a new invitation.',
          },
        ],
      },
      sms: [
        'Welcome to {{appName}}! Username: {{username}} Temporary password: {{code}} Sign in: {{signInUrl}}',
        '{{appName}} username: {{username}} Temporary password: {{code}}',
        'Username: {{username}} Password: {{code}}',
      ],
    },
    ResendCode: {
      email: {
        subject: 'Your new {{appName}} confirmation code',
        heading: 'Here is your new code',
        blocks: [
          {
            kind: 'text',
            text: 'You asked for a new code to confirm your email address. Enter this code:',
          },
          { kind: 'code' },
          { kind: 'text', text: ignoreIfNotYou },
        ],
      },
      sms: ['{{code}} is your new {{appName}} confirmation code.', '{{code}} is your new confirmation code.'],
    },
    ResendCodeByLink: {
      email: {
        subject: 'Your new {{appName}} confirmation link',
        heading: 'Here is your new link',
        blocks: [
          {
            kind: 'text',
            text: 'You asked for a new link to confirm your email address. Select this link:',
          },
          { kind: 'code' },
          { kind: 'text', text: ignoreIfNotYou },
        ],
      },
      sms: ['{{code}} is your new {{appName}} confirmation code.', '{{code}} is your new confirmation code.'],
    },
    ForgotPassword: {
      email: {
        subject: 'Reset your {{appName}} password',
        heading: 'Reset your password',
        blocks: [
          {
            kind: 'text',
            text: 'We received a request to reset the password of your {{appName}} account. Enter this code to choose a new password:',
          },
          { kind: 'code' },
          {
            kind: 'text',
            text: 'If you did not ask for this, you can ignore this email. Your password stays the same.',
          },
        ],
      },
      sms: [
        '{{code}} is your {{appName}} password reset code. Did not ask for it? Ignore this message.',
        '{{code}} is your {{appName}} password reset code.',
        '{{code}} is your password reset code.',
      ],
    },
    UpdateUserAttribute: {
      email: {
        subject: 'Confirm your new email address for {{appName}}',
        heading: 'Confirm your new email address',
        blocks: [
          {
            kind: 'text',
            text: 'The email address of your {{appName}} account was changed. Enter this code to confirm it:',
          },
          { kind: 'code' },
          {
            kind: 'text',
            text: 'If you did not make this change, write to {{supportEmail}} right away.',
          },
        ],
      },
      sms: [
        '{{code}} is your {{appName}} code to confirm your new phone number.',
        '{{code}} confirms your new phone number.',
      ],
    },
    VerifyUserAttribute: {
      email: {
        subject: 'Verify your email address for {{appName}}',
        heading: 'Verify your email address',
        blocks: [
          { kind: 'text', text: 'Enter this code to verify your email address for {{appName}}:' },
          { kind: 'code' },
          { kind: 'text', text: ignoreIfNotYou },
        ],
      },
      sms: [
        '{{code}} is your {{appName}} code to verify this phone number.',
        '{{code}} verifies this phone number.',
      ],
    },
    Authentication: {
      email: {
        subject: 'Your {{appName}} sign-in code',
        heading: 'Your sign-in code',
        blocks: [
          { kind: 'text', text: 'Enter this code to finish signing in to {{appName}}:' },
          { kind: 'code' },
          {
            kind: 'text',
            text: 'If you are not signing in right now, someone may know your password. Change it and write to {{supportEmail}}.',
          },
        ],
      },
      sms: [
        '{{code}} is your {{appName}} sign-in code. Never share it.',
        '{{code}} is your sign-in code. Never share it.',
      ],
    },
  },
  otpSms: [
    '{{code}} is your {{appName}} sign-in code. It expires in {{minutes}} min. Never share it.',
    '{{code}} is your sign-in code. It expires in {{minutes}} min.',
  ],
  phoneChangedSms: [
    'Your {{appName}} phone number was changed to {{destination}}. Not you? Contact support now.',
    'Your phone number was changed to {{destination}}. Not you? Contact support.',
  ],
  notices: enNotices,
};
