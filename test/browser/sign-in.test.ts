/**
 * A person and an operator, in real headless Chromium, against a local stack: the operator
 * invites the person from the console; the person signs up on the example sign-in page with the
 * code, adds a phone, reads the SMS code off the console's outbox (which shows it without a
 * reload), and is signed in; later they sign in again, mistype the code and see the right message;
 * the console then shows them as the sign-in's checks see them. One browser and one stack, steps in
 * order; a screenshot of each step goes to reports/browser/.
 */
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../helpers/browser';
import { startTestStack, type TestStack } from '../helpers/local-stack';

jest.setTimeout(60_000);

let env: TestStack;
let browser: TestBrowser;
/** The operator's tab (never reloaded: the outbox must arrive live) and the person's tab. */
let consolePage: Page;
let app: Page;

const email = 'grace.hopper@example.com';
const password = 'Cobol-Compiler-1959';
let phone: string;

beforeAll(async () => {
  [env, browser] = await Promise.all([startTestStack(), launchBrowser()]);
  phone = env.newPhone();
  consolePage = await browser.context.newPage();
  app = await browser.context.newPage();
  for (const page of [consolePage, app]) page.on('pageerror', (error) => pageErrors.push(error.message));
});

/** Errors thrown by the pages' own code: there must be none. */
const pageErrors: string[] = [];
afterEach(() => {
  expect(pageErrors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await env?.stop();
});

/**
 * The code in the newest message to `to` as the console shows it, once the console shows every
 * message the stack has sent to `to` (it arrives there live, the page is never reloaded).
 */
async function codeFromConsole(to: string): Promise<string> {
  const sent = (await env.outbox({ to })).length;
  const messages = consolePage.locator('#outbox li', { hasText: `to ${to}` });
  await messages.nth(sent - 1).waitFor();
  const body = (await messages.first().locator('.body').textContent()) ?? '';
  const code = /\b\d{6}\b/.exec(body)?.[0];
  if (!code) throw new Error(`no code in "${body}"`);
  return code;
}

/** Answers the round on screen and waits until the page has shown what came next. */
async function answerRound(answer: string): Promise<void> {
  await app.fill('#round-answer', answer);
  await app.click('#round-form button[type=submit]');
  // The button is disabled while the answer is on its way, and enabled again once it is handled.
  await app.locator('#round-form button[type=submit]:enabled').waitFor({ state: 'attached' });
}

describe('inviting, signing up and signing in, in a browser', () => {
  it('the operator creates an invite in the console and sees its code once', async () => {
    await consolePage.goto(`${env.url}/_local/ui`);
    await consolePage.locator('#outbox-live', { hasText: 'live' }).waitFor();

    await consolePage.fill('#invite-form [name=email]', email);
    await consolePage.click('#invite-form button');
    const code = consolePage.locator('#invite-result .code');
    await code.waitFor();

    expect(await code.textContent()).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    await expect(consolePage.locator('#invites tr', { hasText: email }).textContent()).resolves.toContain(
      'pending',
    );
    await browser.screenshot(consolePage, '01-console-invite-created');
  });

  it('the person signs up with the code, adds a phone, reads the SMS code in the console and is signed in', async () => {
    const inviteCode = (await consolePage.locator('#invite-result .code').textContent()) ?? '';
    await app.goto(`${env.url}/_local/ui/sign-in`);
    await app.fill('#sign-up-form [name=email]', email);
    await app.fill('#sign-up-form [name=password]', password);
    await app.fill('#sign-up-form [name=invite]', inviteCode);
    await browser.screenshot(app, '02-sign-up-with-invite');
    await app.click('#sign-up-form button');

    await app.locator('#round-view:not([hidden])').waitFor();
    expect(await app.textContent('#round-title')).toBe('Add your mobile number');
    await browser.screenshot(app, '03-round-phone-required');
    await answerRound(phone);

    expect(await app.textContent('#round-title')).toBe('Enter the code we texted you');
    expect(await app.textContent('#round-label')).toBe(`The 6-digit code sent to +*******${phone.slice(-4)}`);
    await browser.screenshot(app, '04-round-sms-code');
    const code = await codeFromConsole(phone);
    await browser.screenshot(consolePage, '05-console-outbox-sms');
    await answerRound(code);

    await app.locator('#done-view:not([hidden])').waitFor();
    const token = JSON.parse((await app.textContent('#id-token')) ?? '{}');
    expect(token).toMatchObject({ email, phone_number: phone, phone_number_verified: true, token_use: 'id' });
    await browser.screenshot(app, '06-signed-in-id-token');
  });

  it('signing in again: a wrong password, a wrong code and a too-early "send a new code" each get the right message, then the code signs in', async () => {
    await app.click('#sign-out');
    await app.locator('#sign-in-view:not([hidden])').waitFor();
    await app.fill('#sign-in-form [name=email]', email);
    await app.fill('#sign-in-form [name=password]', 'Not-The-Password-1');
    await app.click('#sign-in-form button');
    await app.locator('#message', { hasText: 'Incorrect email, password or code' }).waitFor();
    await browser.screenshot(app, '07-wrong-password');

    await app.fill('#sign-in-form [name=password]', password);
    await app.click('#sign-in-form button');
    await app.locator('#round-view:not([hidden])').waitFor();
    expect(await app.textContent('#round-title')).toBe('Enter the code we texted you');
    // Create has sent the code before the round is shown (or, within the resend cool-down, the
    // code already sent stands): the newest SMS holds it.
    const code = await codeFromConsole(phone);
    await answerRound(code === '000000' ? '111111' : '000000');

    expect(await app.textContent('#round-retry')).toBe(
      'That code is not right. Check the latest text message and try again.',
    );
    expect(await app.textContent('#round-title')).toBe('Enter the code we texted you');
    await browser.screenshot(app, '08-wrong-code-message');

    // "Send a new code" within the resend cool-down: the same round, told when to ask again, and
    // no new SMS; the code already sent still signs in.
    const smsBefore = (await env.outbox({ to: phone })).length;
    await app.click('#resend');
    await app.locator('#round-retry', { hasText: 'You can ask for a new code in' }).waitFor();
    expect(await app.textContent('#round-title')).toBe('Enter the code we texted you');
    expect(await env.outbox({ to: phone })).toHaveLength(smsBefore);
    await browser.screenshot(app, '09-resend-too-early');
    await answerRound(code);

    await app.locator('#done-view:not([hidden])').waitFor();
    await browser.screenshot(app, '10-signed-in-again');
  });

  it('the console shows the person as the sign-in checks see them, and revokes a pending invite', async () => {
    const user = consolePage.locator('#users tr', { hasText: email });
    await user.waitFor();
    await expect(user.textContent()).resolves.toMatch(
      new RegExp(`CONFIRMED\\+\\*{7}${phone.slice(-4)}allowed`),
    );
    await expect(consolePage.locator('#invites tr', { hasText: email }).textContent()).resolves.toContain(
      'accepted',
    );

    await consolePage.fill('#invite-form [name=email]', 'not.coming@example.com');
    await consolePage.click('#invite-form button');
    const pending = consolePage.locator('#invites tr', { hasText: 'not.coming@example.com' });
    await pending.locator('button', { hasText: 'Revoke' }).click();
    await consolePage
      .locator('#invite-result', { hasText: 'Revoked the invite for not.coming@example.com.' })
      .waitFor();

    await expect(pending.textContent()).resolves.toContain('revoked');
    await browser.screenshot(consolePage, '10-console-users-and-invites');
  });
});
