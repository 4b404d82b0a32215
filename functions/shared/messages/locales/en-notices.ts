/** English: our own emails (EMAIL_OTP and the security notices). Every other language mirrors this. */
import type { NoticeCatalog } from '../catalog';

const when = { label: 'When', value: '{{time}}' };
const notYou = 'If this was not you, reset your password at {{signInUrl}} now and write to {{supportEmail}}.';

export const enNotices: NoticeCatalog = {
  emailOtp: {
    subject: 'Your {{appName}} sign-in code',
    heading: 'Your sign-in code',
    blocks: [
      {
        kind: 'text',
        text: 'Enter this code to finish signing in to {{appName}}. It expires in {{minutes}} minutes.',
      },
      { kind: 'code' },
      {
        kind: 'text',
        text: 'Never share this code. If you are not signing in right now, someone knows your password: reset it at {{signInUrl}} and write to {{supportEmail}}.',
      },
    ],
  },
  security: {
    phone_bound: {
      subject: 'Security notice: a phone number was added to your {{appName}} account',
      heading: 'A phone number was added',
      blocks: [
        { kind: 'text', text: 'Sign-in codes for your {{appName}} account now go to this phone number.' },
        { kind: 'facts', items: [{ label: 'Phone number', value: '{{destination}}' }, when] },
        { kind: 'text', text: notYou },
      ],
    },
    phone_changed: {
      subject: 'Security notice: the phone number of your {{appName}} account was changed',
      heading: 'Your phone number was changed',
      blocks: [
        { kind: 'text', text: 'Sign-in codes for your {{appName}} account now go to a new phone number.' },
        {
          kind: 'facts',
          items: [
            { label: 'New number', value: '{{destination}}' },
            { label: 'Previous number', value: '{{oldDestination}}' },
            when,
          ],
        },
        { kind: 'text', text: notYou },
      ],
    },
    phone_reset: {
      subject: 'Security notice: the phone number of your {{appName}} account was removed',
      heading: 'Your phone number was removed',
      blocks: [
        {
          kind: 'text',
          text: 'An administrator removed the phone number, the recovery codes and the remembered devices of your {{appName}} account. The next time you sign in, you will set up a phone again.',
        },
        { kind: 'facts', items: [{ label: 'Removed number', value: '{{oldDestination}}' }, when] },
        { kind: 'text', text: 'If you did not ask for this, write to {{supportEmail}}.' },
      ],
    },
    recovery_code_used: {
      subject: 'Security notice: a recovery code was used for your {{appName}} account',
      heading: 'A recovery code was used',
      blocks: [
        {
          kind: 'text',
          text: 'Someone signed in to your {{appName}} account with one of your recovery codes instead of a code sent to your phone. That recovery code no longer works.',
        },
        { kind: 'facts', items: [{ label: 'Recovery codes left', value: '{{codesLeft}}' }, when] },
        { kind: 'text', text: notYou },
      ],
    },
    recovery_codes_new: {
      subject: 'Security notice: new recovery codes for your {{appName}} account',
      heading: 'New recovery codes were created',
      blocks: [
        {
          kind: 'text',
          text: 'A new set of recovery codes was created for your {{appName}} account. The previous codes no longer work.',
        },
        { kind: 'facts', items: [when] },
        { kind: 'text', text: notYou },
      ],
    },
    locked_out: {
      subject: 'Security notice: sign-in to your {{appName}} account is paused',
      heading: 'Sign-in paused after wrong codes',
      blocks: [
        {
          kind: 'text',
          text: 'After several wrong codes, signing in to your {{appName}} account is paused for a while. It works again on its own.',
        },
        { kind: 'facts', items: [when] },
        {
          kind: 'text',
          text: 'Only someone who knows your password gets as far as the code. If this was not you, reset your password at {{signInUrl}} and write to {{supportEmail}}.',
        },
      ],
    },
    suspended: {
      subject: 'Security notice: your {{appName}} account was suspended',
      heading: 'Your account was suspended',
      blocks: [
        {
          kind: 'text',
          text: 'An administrator suspended your {{appName}} account and removed its remembered devices. You cannot sign in until the suspension is lifted.',
        },
        { kind: 'facts', items: [when] },
        { kind: 'text', text: 'If you think this is a mistake, write to {{supportEmail}}.' },
      ],
    },
    device_remembered: {
      subject: 'Security notice: a device was remembered for your {{appName}} account',
      heading: 'A device was remembered',
      blocks: [
        {
          kind: 'text',
          text: 'A device can now sign in to your {{appName}} account with your password alone, without a code sent to your phone, for as long as it is remembered.',
        },
        { kind: 'facts', items: [{ label: 'Device', value: '{{deviceName}}' }, when] },
        {
          kind: 'text',
          text: 'If this was not you, reset your password at {{signInUrl}} now (that makes every remembered device ask for a code again) and write to {{supportEmail}}.',
        },
      ],
    },
    devices_revoked: {
      subject: 'Security notice: remembered devices of your {{appName}} account were removed',
      heading: 'Remembered devices were removed',
      blocks: [
        {
          kind: 'text',
          text: 'Devices remembered for your {{appName}} account were removed. On them, the next sign-in asks for a code sent to your phone again.',
        },
        {
          kind: 'facts',
          items: [
            { label: 'Devices removed', value: '{{devicesRevoked}}' },
            { label: 'Device', value: '{{deviceName}}' },
            when,
          ],
        },
        { kind: 'text', text: 'If you did not expect this, write to {{supportEmail}}.' },
      ],
    },
  },
};
