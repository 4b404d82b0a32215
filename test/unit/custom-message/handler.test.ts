/**
 * The CustomMessage trigger through its handler, for every source fixture: all three response
 * fields filled from Cognito's placeholders, hostile names escaped, limits held, the user's
 * language chosen (attribute, then clientMetadata, then English), and Cognito's default kept when
 * the event lacks a placeholder.
 */
import type { z } from 'zod';
import type { customMessageEvent } from '#shared/events';
import { DEFAULT_BRANDING } from '#shared/messages/index';
import adminCreateUser from '../../../fixtures/custom-message.admin-create-user.json';
import authentication from '../../../fixtures/custom-message.authentication.json';
import forgotPassword from '../../../fixtures/custom-message.forgot-password.json';
import resendCode from '../../../fixtures/custom-message.resend-code.json';
import signUp from '../../../fixtures/custom-message.sign-up.json';
import updateUserAttribute from '../../../fixtures/custom-message.update-user-attribute.json';
import verifyUserAttribute from '../../../fixtures/custom-message.verify-user-attribute.json';
import { customMessage } from '../../../functions/custom-message/custom-message';
import { handler } from '../../../functions/custom-message/handler';
import { captureLogs } from '../shared/capture-logs';
import { loadIsolated } from '../shared/isolated';

type CustomMessageInput = z.input<typeof customMessageEvent>;

const fixtures: Record<string, CustomMessageInput> = {
  CustomMessage_SignUp: signUp as CustomMessageInput,
  CustomMessage_AdminCreateUser: adminCreateUser as CustomMessageInput,
  CustomMessage_ResendCode: resendCode as CustomMessageInput,
  CustomMessage_ForgotPassword: forgotPassword as CustomMessageInput,
  CustomMessage_UpdateUserAttribute: updateUserAttribute as CustomMessageInput,
  CustomMessage_VerifyUserAttribute: verifyUserAttribute as CustomMessageInput,
  CustomMessage_Authentication: authentication as CustomMessageInput,
};
const sources = Object.keys(fixtures);
const clone = (source: string): CustomMessageInput => structuredClone(fixtures[source] as CustomMessageInput);
const placeholdersOf = (source: string) =>
  source === 'CustomMessage_AdminCreateUser' ? ['{username}', '{####}'] : ['{####}'];

test('there is a fixture for every source, each of its own triggerSource', () => {
  expect(sources).toHaveLength(7);
  for (const source of sources) expect(fixtures[source]?.triggerSource).toBe(source);
});

describe.each(sources)('%s', (source) => {
  test('fills subject, HTML email and SMS with Cognito placeholders, within limits', async () => {
    const result = await handler(clone(source));
    const { emailSubject, emailMessage, smsMessage } = result.response;
    expect(emailSubject).toContain(DEFAULT_BRANDING.appName);
    expect(emailMessage).toMatch(/^<!DOCTYPE html>\n<html lang="en"/);
    for (const placeholder of placeholdersOf(source)) {
      expect(emailMessage).toContain(placeholder);
      expect(smsMessage).toContain(placeholder);
    }
    expect(emailMessage).toContain('Hello Ada,');
    expect(Buffer.byteLength(emailMessage ?? '', 'utf8')).toBeLessThanOrEqual(20_000);
    expect(smsMessage?.length).toBeLessThanOrEqual(140);
  });

  test.each([
    ['<script>', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['quotes', `O'Brien "the" <b>`, 'O&#39;Brien &quot;the&quot; &lt;b&gt;'],
    ['unicode', 'Zoë 李 👩‍💻', 'Zoë 李 👩‍💻'],
    ['10,000 characters', 'x'.repeat(10_000), `${'x'.repeat(63)}…`],
  ])('a %s name is escaped and shortened in the email, absent from the SMS', async (_what, name, shown) => {
    const event = clone(source);
    event.request.userAttributes.given_name = name;
    const { emailMessage, smsMessage } = (await handler(event)).response;
    expect(emailMessage).toContain(`Hello ${shown},`);
    expect(emailMessage).not.toMatch(/<script|<b>/);
    expect(Buffer.byteLength(emailMessage ?? '', 'utf8')).toBeLessThanOrEqual(20_000);
    expect(smsMessage?.length).toBeLessThanOrEqual(140);
    expect(smsMessage).not.toContain(name.slice(0, 5));
    for (const placeholder of placeholdersOf(source)) {
      expect(emailMessage).toContain(placeholder);
      expect(smsMessage).toContain(placeholder);
    }
  });

  test.each([
    ['the locale attribute', { locale: 'de-DE' }, {}, 'de'],
    ['clientMetadata when the attribute is absent', {}, { locale: 'es' }, 'es'],
    ['the attribute over clientMetadata', { locale: 'es' }, { locale: 'de' }, 'es'],
    [
      'clientMetadata when the attribute names no supported language',
      { locale: 'fr' },
      { locale: 'de' },
      'de',
    ],
    ['English when neither names a supported language', { locale: 'pt-BR' }, { locale: 'ja' }, 'en'],
    ['English when nothing is given', {}, {}, 'en'],
  ])('language: %s', async (_what, attributes, metadata, expected) => {
    const event = clone(source);
    delete event.request.userAttributes.locale;
    Object.assign(event.request.userAttributes, attributes);
    event.request.clientMetadata = metadata;
    const { emailMessage } = (await handler(event)).response;
    expect(emailMessage).toContain(`<html lang="${expected}"`);
  });

  test('without a code placeholder the response is left for Cognito defaults', async () => {
    const event = clone(source);
    event.request.codeParameter = null;
    const { response } = await handler(event);
    expect(response).toEqual({ smsMessage: null, emailMessage: null, emailSubject: null });
  });
});

test('AdminCreateUser without a username placeholder keeps Cognito default (never an invitation without it)', async () => {
  const event = clone('CustomMessage_AdminCreateUser');
  event.request.usernameParameter = null;
  const { response } = await handler(event);
  expect(response.emailMessage).toBeNull();
  expect(response.smsMessage).toBeNull();
});

test('the invitation carries a sign-in link', async () => {
  const { emailMessage, smsMessage } = (await handler(clone('CustomMessage_AdminCreateUser'))).response;
  expect(emailMessage).toContain(`href="${DEFAULT_BRANDING.signInUrl}"`);
  expect(smsMessage).toContain(DEFAULT_BRANDING.signInUrl);
});

test('unknown fields of the event travel through untouched', async () => {
  const event = { ...clone('CustomMessage_SignUp'), somethingNew: { a: 1 } };
  const result = (await handler(event)) as typeof event;
  expect(result.somethingNew).toEqual({ a: 1 });
});

test('an unknown triggerSource is refused with the generic invalid-request message', async () => {
  const event = { ...clone('CustomMessage_SignUp'), triggerSource: 'CustomMessage_Other' };
  await expect(handler(event as never)).rejects.toThrow('The request could not be processed');
});

describe('link verification (EMAIL_VERIFICATION_STYLE=link)', () => {
  const deps = { branding: DEFAULT_BRANDING, emailVerification: 'link' as const };
  const run = async (source: string, link: string | null) => {
    const event = clone(source);
    event.request.linkParameter = link;
    // The use-case works on the parsed event; the fixture already has that shape.
    await customMessage(event as never, deps);
    return event.response;
  };

  test.each(['CustomMessage_SignUp', 'CustomMessage_ResendCode'])(
    '%s: the email carries the link placeholder, the SMS the code',
    async (source) => {
      const response = await run(source, '{##Verify Email##}');
      expect(response.emailMessage).toContain('{##Verify Email##}');
      expect(response.emailMessage).not.toContain('{####}');
      expect(response.smsMessage).toContain('{####}');
    },
  );

  test('other sources keep the code even when a link placeholder is present', async () => {
    const response = await run('CustomMessage_ForgotPassword', '{##Verify Email##}');
    expect(response.emailMessage).toContain('{####}');
    expect(response.emailMessage).not.toContain('{##Verify Email##}');
  });

  test('without a link placeholder the code wording is used', async () => {
    const response = await run('CustomMessage_SignUp', null);
    expect(response.emailMessage).toContain('{####}');
  });

  test('in code mode (the default) the link placeholder is never used', async () => {
    const { emailMessage } = (await handler(clone('CustomMessage_SignUp'))).response;
    expect(emailMessage).not.toContain('{##Click Here##}');
  });
});

describe('configuration', () => {
  const load = (env: Record<string, string | undefined>) =>
    loadIsolated(env, () => require('../../../functions/custom-message/handler'));

  test.each([
    ['APP_NAME', { APP_NAME: 'x'.repeat(41) }, 'APP_NAME must be at most 40 characters'],
    ['APP_NAME', { APP_NAME: 'Brand {####}' }, 'APP_NAME must not contain control characters or braces'],
    ['SIGN_IN_URL', { SIGN_IN_URL: 'http://example.com/' }, 'SIGN_IN_URL must be an https:// URL'],
    ['SIGN_IN_URL', { SIGN_IN_URL: 'javascript:alert(1)' }, 'SIGN_IN_URL must be an https:// URL'],
    ['SUPPORT_EMAIL', { SUPPORT_EMAIL: 'not-an-address' }, 'SUPPORT_EMAIL must be an email address'],
    [
      'EMAIL_VERIFICATION_STYLE',
      { EMAIL_VERIFICATION_STYLE: 'both' },
      'EMAIL_VERIFICATION_STYLE must be code or link',
    ],
  ])('a bad %s fails at load with its name', (_name, env, message) => {
    // The isolated registry has its own ConfigError class, so match the message.
    expect(() => load(env)).toThrow(`Invalid configuration: ${message}`);
  });

  test('configured branding is used', async () => {
    const { handler: branded } = load({
      APP_NAME: 'Acme',
      SIGN_IN_URL: 'http://localhost:3000/login',
      SUPPORT_EMAIL: 'help@acme.example',
    }) as typeof import('../../../functions/custom-message/handler');
    const { emailSubject, emailMessage } = (await branded(clone('CustomMessage_AdminCreateUser'))).response;
    expect(emailSubject).toBe('You are invited to Acme');
    expect(emailMessage).toContain('href="http://localhost:3000/login"');
    expect(emailMessage).toContain('mailto:help@acme.example');
  });
});

test('logs the kind and language, never the name or the message', async () => {
  const { handler: logged, logger } = loadIsolated({ POWERTOOLS_LOG_LEVEL: 'DEBUG' }, () => ({
    handler: (
      require('../../../functions/custom-message/handler') as typeof import('../../../functions/custom-message/handler')
    ).handler,
    logger: (require('#shared/logger') as typeof import('#shared/logger')).logger,
  }));
  const logs = captureLogs(logger);
  try {
    const event = clone('CustomMessage_ForgotPassword');
    event.request.userAttributes.given_name = 'Zebedee';
    await logged(event);
  } finally {
    logs.restore();
  }
  const records = logs.records();
  expect(records).toContainEqual(
    expect.objectContaining({ message: 'message rendered', kind: 'ForgotPassword', locale: 'en' }),
  );
  expect(logs.text()).not.toContain('Zebedee');
  expect(logs.text()).not.toContain('{####}');
});
