/**
 * People and an operator, in real headless Chromium, against a local stack. The operator invites
 * a person from the console; the person signs up on the example sign-in page with the code, adds a
 * phone, reads the SMS code off the console's outbox (which shows it without a reload), saves the
 * ten recovery codes the page shows and is signed in. Later they change their number (a wrong code
 * and a too-early "send a new code" on the way), then lose their phone and get back in with a
 * recovery code, a new number and a new set of codes. A second person, past the enrolment grace,
 * proves their mailbox first (EMAIL_OTP) and later asks for new recovery codes. The console then
 * shows them as the sign-in's checks see them. A third person remembers this browser at the SMS
 * code and signs in on it with no code, until the device is revoked or forgotten. One browser and
 * one stack, steps in order; a screenshot of each step goes to reports/browser/.
 *
 * The first person's walk sends five codes within the hour, all that SEND_LIMIT_PER_USER_PER_HOUR
 * (5) allows: a step that sends one more needs another person.
 */
import { readFile } from 'node:fs/promises';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page } from 'playwright-core';
import { DeviceStore } from '#shared/auth-state/device-store';
import { CONFIRMED_SK, userPk } from '#shared/auth-state/keys';
import { signIn } from '../../local/client';
import { launchBrowser, type TestBrowser } from '../helpers/browser';
import { acknowledgeRecoveryCodes, startTestStack, type TestStack } from '../helpers/local-stack';

jest.setTimeout(60_000);

let env: TestStack;
let browser: TestBrowser;
/** The operator's tab (never reloaded: the outbox must arrive live) and the people's tab. */
let consolePage: Page;
let app: Page;

const email = 'grace.hopper@example.com';
const password = 'Cobol-Compiler-1959';
/** The first person's numbers: enrolled, changed to, recovered to. */
let phones: [string, string, string];
/** The recovery codes the first person saved at enrolment. */
let savedCodes: string[];

const RECOVERY_CODE = /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/;

beforeAll(async () => {
  [env, browser] = await Promise.all([startTestStack(), launchBrowser()]);
  phones = [env.newPhone(), env.newPhone(), env.newPhone()];
  consolePage = await browser.context.newPage();
  app = await browser.context.newPage();
  for (const page of [consolePage, app]) page.on('pageerror', (error) => pageErrors.push(error.message));
  app.on('console', (message) => appConsole.push(message.text()));
});

/** Errors thrown by the pages' own code: there must be none. */
const pageErrors: string[] = [];
/** Everything the sign-in page wrote to the browser console. */
const appConsole: string[] = [];
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

/** Waits until the page shows a round with this title. */
async function roundTitled(title: string): Promise<void> {
  // Or an error instead (said at once, not after a timeout).
  const round = app.locator('#round-view:not([hidden]) #round-title', { hasText: title });
  await round.or(app.locator('#message:not(:empty)')).first().waitFor();
  expect(await app.textContent('#message')).toBe('');
  expect(await round.textContent()).toBe(title);
}

/** Answers the round on screen and waits until the page has shown what came next. */
async function answerRound(answer: string): Promise<void> {
  await app.fill('#round-answer', answer);
  await submitRound();
}

/** Clicks the round's own button and waits until the answer has been handled. */
async function submitRound(): Promise<void> {
  await app.click('#round-form button[type=submit]');
  // The button is disabled while the answer is on its way, and enabled again once it is handled.
  await app.locator('#round-form button[type=submit]:enabled').waitFor({ state: 'attached' });
}

/** Signs out if signed in, then submits the sign-in form, with the "After the code" choice given. */
async function signInOnPage(who: string, secret: string, after = 'Just sign in'): Promise<void> {
  if (await app.locator('#done-view:not([hidden])').count()) await app.click('#sign-out');
  await app.locator('#sign-in-view:not([hidden])').waitFor();
  await app.fill('#sign-in-form [name=email]', who);
  await app.fill('#sign-in-form [name=password]', secret);
  await app.getByLabel(after).check();
  await app.click('#sign-in-form button[type=submit]');
}

/** The recovery codes the round on screen lists, once it is shown. */
async function recoveryCodesOnScreen(): Promise<string[]> {
  await roundTitled('Save your recovery codes');
  return app.locator('#round-list li').allTextContents();
}

/** The account was confirmed `minutes` ago, as far as the enrolment grace knows. */
async function confirmedAgo(sub: string, minutes: number): Promise<void> {
  await env.dynamodb.send(
    new UpdateCommand({
      TableName: env.stack.info.tables.authState,
      Key: { pk: userPk(sub), sk: CONFIRMED_SK },
      UpdateExpression: 'SET #at = :at',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':at': new Date(Date.now() - minutes * 60_000).toISOString() },
    }),
  );
}

/** The code in the newest message the stack sent to `to` (for steps outside the browser). */
async function lastCodeTo(to: string): Promise<string> {
  const body = (await env.outbox({ to })).at(-1)?.body ?? '';
  return /\b\d{6}\b/.exec(body)?.[0] ?? 'none';
}

/** None of `codes` is in the page's URL, its storage or what it wrote to the console. */
async function expectNowhereButOnScreen(codes: string[]): Promise<void> {
  // Evaluated in the page (a string: this file is type-checked without the DOM's types).
  const kept = await app.evaluate<{ url: string; local: string; session: string; cookies: string }>(
    `({ url: location.href, local: JSON.stringify({ ...localStorage }),
        session: JSON.stringify({ ...sessionStorage }), cookies: document.cookie })`,
  );
  const places = [kept.url, kept.local, kept.session, kept.cookies, ...appConsole].join('\n');
  for (const code of codes) expect(places).not.toContain(code);
}

/** The ID token the page shows once signed in. */
async function idToken(): Promise<Record<string, unknown>> {
  await app.locator('#done-view:not([hidden])').waitFor();
  return JSON.parse((await app.textContent('#id-token')) ?? '{}');
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

  it('the person signs up with the code, adds a phone, enters the SMS code, saves the ten recovery codes and is signed in', async () => {
    const inviteCode = (await consolePage.locator('#invite-result .code').textContent()) ?? '';
    await app.goto(`${env.url}/_local/ui/sign-in`);
    await app.fill('#sign-up-form [name=email]', email);
    await app.fill('#sign-up-form [name=password]', password);
    await app.fill('#sign-up-form [name=invite]', inviteCode);
    await browser.screenshot(app, '02-sign-up-with-invite');
    await app.click('#sign-up-form button');

    await roundTitled('Add your mobile number');
    await browser.screenshot(app, '03-round-phone-required');
    await answerRound(phones[0]);

    expect(await app.textContent('#round-title')).toBe('Enter the code we texted you');
    expect(await app.textContent('#round-label')).toBe(
      `The 6-digit code sent to +*******${phones[0].slice(-4)}`,
    );
    // A code to a number being added is no sign-in code: nothing to recover.
    expect(await app.isHidden('#recovery')).toBe(true);
    await browser.screenshot(app, '04-round-sms-code');
    const code = await codeFromConsole(phones[0]);
    await browser.screenshot(consolePage, '05-console-outbox-sms');
    await answerRound(code);

    savedCodes = await recoveryCodesOnScreen();
    expect(savedCodes).toHaveLength(10);
    expect(new Set(savedCodes).size).toBe(10);
    for (const saved of savedCodes) expect(saved).toMatch(RECOVERY_CODE);
    expect(await app.isHidden('#round-answer')).toBe(true);
    await browser.screenshot(app, '06-round-recovery-codes');

    // Download: a file made in the page, the ten codes one a line.
    const [download] = await Promise.all([app.waitForEvent('download'), app.click('#download-list')]);
    expect(download.suggestedFilename()).toBe('recovery-codes.txt');
    const lines = (await readFile(await download.path(), 'utf8')).split('\n');
    expect(lines.filter((line) => RECOVERY_CODE.test(line))).toEqual(savedCodes);
    // Copy: the same text on the clipboard (the page asks nothing else of it).
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.url });
    await app.click('#copy-list');
    await app.locator('#round-status', { hasText: 'Copied' }).waitFor();
    const copied = await app.evaluate<string>('navigator.clipboard.readText()');
    expect(copied.split('\n').filter((line) => RECOVERY_CODE.test(line))).toEqual(savedCodes);
    await expectNowhereButOnScreen(savedCodes);

    expect(await app.textContent('#round-form button[type=submit]')).toBe('I have saved these codes');
    await submitRound();
    const token = await idToken();
    expect(token).toMatchObject({
      email,
      phone_number: phones[0],
      phone_number_verified: true,
      token_use: 'id',
    });
    await browser.screenshot(app, '07-signed-in-id-token');
  });

  it('changing the number at sign-in: a wrong password, a wrong code and a too-early "send a new code" each get the right message, then the code, the new number and its code', async () => {
    await signInOnPage(email, 'Not-The-Password-1');
    await app.locator('#message', { hasText: 'Incorrect email, password or code' }).waitFor();
    await browser.screenshot(app, '08-wrong-password');

    await app.fill('#sign-in-form [name=password]', password);
    await app.getByLabel('Change my phone number').check();
    await browser.screenshot(app, '09-sign-in-change-phone');
    await app.click('#sign-in-form button[type=submit]');
    await roundTitled('Enter the code we texted you');
    expect(await app.isVisible('#recovery')).toBe(true);
    // Create has sent the code before the round is shown (or, within the resend cool-down, the
    // code already sent stands): the newest SMS holds it.
    const code = await codeFromConsole(phones[0]);
    await answerRound(code === '000000' ? '111111' : '000000');

    expect(await app.textContent('#round-retry')).toBe(
      'That code is not right. Check the latest text message and try again.',
    );
    expect(await app.textContent('#round-title')).toBe('Enter the code we texted you');
    await browser.screenshot(app, '10-wrong-code-message');

    // "Send a new code" within the resend cool-down: the same round, told when to ask again, and
    // no new SMS; the code already sent still works.
    const smsBefore = (await env.outbox({ to: phones[0] })).length;
    await app.click('#resend');
    await app.locator('#round-retry', { hasText: 'You can ask for a new code in' }).waitFor();
    expect(await app.textContent('#round-title')).toBe('Enter the code we texted you');
    expect(await env.outbox({ to: phones[0] })).toHaveLength(smsBefore);
    await browser.screenshot(app, '11-resend-too-early');
    await answerRound(code);

    // The intent adds the new number and its code after the code to the current one.
    await roundTitled('Add your mobile number');
    await answerRound(phones[1]);
    expect(await app.textContent('#round-label')).toBe(
      `The 6-digit code sent to +*******${phones[1].slice(-4)}`,
    );
    expect(await app.isHidden('#recovery')).toBe(true);
    await answerRound(await codeFromConsole(phones[1]));

    expect(await idToken()).toMatchObject({ email, phone_number: phones[1], phone_number_verified: true });
    await browser.screenshot(app, '12-signed-in-new-number');
  });

  it('a lost phone: "Lost your phone?", a wrong then a saved recovery code, a new number and its code, ten new recovery codes, signed in', async () => {
    await signInOnPage(email, password);
    await roundTitled('Enter the code we texted you');
    await browser.screenshot(app, '13-round-sms-lost-phone');
    await app.click('#recovery');

    await roundTitled('Enter a recovery code');
    expect(await app.textContent('#round-retry')).toBe('');
    expect(await app.textContent('#round-hint')).toContain('XXXX-XXXX-XXXX');
    expect(await app.getAttribute('#round-answer', 'aria-describedby')).toBe('round-hint');
    await browser.screenshot(app, '14-round-recovery-code');
    // A code that is not one of the ten: the same round, with the message for it.
    await answerRound('2222-2222-2222');
    expect(await app.textContent('#round-retry')).toBe(
      'That recovery code is not right. Check it and try again.',
    );
    expect(await app.textContent('#round-title')).toBe('Enter a recovery code');
    await answerRound(savedCodes[3] as string);

    await roundTitled('Add your mobile number');
    await answerRound(phones[2]);
    expect(await app.isHidden('#recovery')).toBe(true);
    await answerRound(await codeFromConsole(phones[2]));

    const newCodes = await recoveryCodesOnScreen();
    expect(newCodes).toHaveLength(10);
    for (const fresh of newCodes) expect(savedCodes).not.toContain(fresh);
    await expectNowhereButOnScreen(newCodes);
    await browser.screenshot(app, '15-round-new-recovery-codes');
    await submitRound();

    expect(await idToken()).toMatchObject({ email, phone_number: phones[2], phone_number_verified: true });
  });

  it('a person enrolled elsewhere asks for new recovery codes on the sign-in form: the SMS code, then a new set', async () => {
    const ada = await env.signUpInvited('ada');
    const phone = env.newPhone();
    const ask = await signIn(env.pool, ada.email, ada.password);
    if (ask.kind !== 'challenge') throw new Error(`expected PHONE_REQUIRED, got ${ask.kind}`);
    const otp = await ask.answer(phone);
    if (otp.kind !== 'challenge') throw new Error(`expected SMS_OTP, got ${otp.kind}`);
    const codes = await otp.answer(await lastCodeTo(phone));
    const first = codes.kind === 'challenge' ? (codes.parameters.codes ?? '').split(' ') : [];
    expect((await acknowledgeRecoveryCodes(codes)).kind).toBe('signedIn');

    await signInOnPage(ada.email, ada.password, 'Get new recovery codes');
    await roundTitled('Enter the code we texted you');
    await answerRound(await codeFromConsole(phone));
    const second = await recoveryCodesOnScreen();
    expect(second).toHaveLength(10);
    for (const fresh of second) expect(first).not.toContain(fresh);
    await browser.screenshot(app, '16-new-recovery-codes-on-request');
    await submitRound();
    expect(await idToken()).toMatchObject({ email: ada.email, phone_number: phone });
  });

  it('past the enrolment grace, the first sign-in proves the mailbox first: the emailed code, then the phone', async () => {
    const lin = await env.signUpInvited('lin');
    await confirmedAgo(lin.sub, 2 * 60);
    const phone = env.newPhone();

    await signInOnPage(lin.email, lin.password);
    await roundTitled('Enter the code we emailed you');
    expect(await app.textContent('#round-label')).toMatch(/^The 6-digit code sent to l\*+@e\*+\.com$/);
    expect(await app.isVisible('#resend')).toBe(true);
    expect(await app.isHidden('#recovery')).toBe(true);
    await browser.screenshot(app, '17-round-email-code');
    await answerRound(await codeFromConsole(lin.email));
    await roundTitled('Add your mobile number');
    await answerRound(phone);
    await answerRound(await codeFromConsole(phone));
    expect(await recoveryCodesOnScreen()).toHaveLength(10);
    await submitRound();
    expect(await idToken()).toMatchObject({ email: lin.email, phone_number: phone });
  });

  it('the console shows the person as the sign-in checks see them, and revokes a pending invite', async () => {
    // Users refresh every 3 seconds and after each message: the newest number shows.
    await consolePage
      .locator('#users tr', { hasText: email })
      .filter({ hasText: new RegExp(`CONFIRMED\\+\\*{7}${phones[2].slice(-4)}allowed`) })
      .waitFor();
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

    // The table refreshes after the revocation (not necessarily before the message shows).
    await pending.filter({ hasText: 'revoked' }).waitFor();
    expect(await pending.textContent()).toContain('revoked');
    await browser.screenshot(consolePage, '18-console-users-and-invites');
  });
});

describe('remembering this device', () => {
  /** Enrolled outside the browser (one SMS); the steps below send four more, the hour's limit. */
  let mei: { email: string; password: string; sub: string };
  let phone: string;
  const devicesOnStack = () => new DeviceStore(env.dynamodb, env.stack.info.tables.authState);

  /** This browser's device for mei as IndexedDB holds it, and whether its private key can be exported. */
  const storedDevice = () =>
    app.evaluate<{
      deviceId: string;
      sub: string;
      name: string;
      type: string;
      extractable: boolean;
      exported: string;
    } | null>(`(async () => {
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open('remembered-devices', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('devices');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const value = await new Promise((resolve, reject) => {
        const get = db.transaction('devices').objectStore('devices').get(${JSON.stringify(`${env.userPoolId}/${mei.email.toLowerCase()}`)});
        get.onsuccess = () => resolve(get.result);
        get.onerror = () => reject(get.error);
      });
      db.close();
      if (!value) return null;
      const exported = await crypto.subtle.exportKey('pkcs8', value.privateKey).then(() => 'exported', (error) => error.name);
      const { deviceId, sub, name, privateKey } = value;
      return { deviceId, sub, name, type: privateKey.type, extractable: privateKey.extractable, exported };
    })()`);

  /** Signs mei in on the page up to the SMS code. */
  async function toTheCode(): Promise<void> {
    await signInOnPage(mei.email, mei.password);
    await roundTitled('Enter the code we texted you');
  }

  it('"Remember this device" at the SMS code, with a name: the key stays in this browser, non-extractable; the stack keeps its public key', async () => {
    mei = await env.signUpInvited('mei');
    phone = env.newPhone();
    const ask = await signIn(env.pool, mei.email, mei.password);
    if (ask.kind !== 'challenge') throw new Error(`expected PHONE_REQUIRED, got ${ask.kind}`);
    const otp = await ask.answer(phone);
    if (otp.kind !== 'challenge') throw new Error(`expected SMS_OTP, got ${otp.kind}`);
    expect((await acknowledgeRecoveryCodes(await otp.answer(await lastCodeTo(phone)))).kind).toBe('signedIn');

    await toTheCode();
    expect(await app.isVisible('#remember-device')).toBe(true);
    expect(await app.isHidden('#device-name')).toBe(true);
    await app.getByLabel('Remember this device').check();
    await app.getByLabel('Device name (optional)').fill('Mei’s laptop');
    await browser.screenshot(app, '19-remember-this-device');
    await answerRound(await codeFromConsole(phone));

    expect(await idToken()).toMatchObject({ sub: mei.sub });
    expect(await app.textContent('#device-status')).toBe(
      'This device is remembered as “Mei’s laptop”: next time, no code.',
    );
    const stored = await storedDevice();
    expect(stored).toEqual({
      deviceId: expect.stringMatching(/^[\w-]{43}$/),
      sub: mei.sub,
      name: 'Mei’s laptop',
      type: 'private',
      extractable: false,
      exported: 'InvalidAccessError',
    });
    const onStack = await devicesOnStack().list(mei.sub);
    expect(onStack.map(({ id, name }) => ({ id, name }))).toEqual([
      { id: stored?.deviceId, name: 'Mei’s laptop' },
    ]);
  });

  it('the next sign-in needs no code: the page answers DEVICE_PROOF itself and says so; no SMS is sent', async () => {
    const sent = (await env.outbox({ to: phone })).length;
    await signInOnPage(mei.email, mei.password);
    expect(await idToken()).toMatchObject({ sub: mei.sub, phone_number: phone });
    expect(await app.textContent('#device-status')).toBe('Signed in with this device: no code needed.');
    expect(await env.outbox({ to: phone })).toHaveLength(sent);
    await browser.screenshot(app, '20-signed-in-with-this-device');
  });

  it('revoked on the stack: the SMS code is back and the page says why, signs in with it and forgets the key', async () => {
    await devicesOnStack().revoke(mei.sub, 'all');
    await toTheCode();
    expect(await app.textContent('#round-note')).toBe(
      'This device is no longer remembered, so we texted you a code. You can remember it again below.',
    );
    await browser.screenshot(app, '21-device-revoked-sms-code');
    await answerRound(await codeFromConsole(phone));
    expect(await idToken()).toMatchObject({ sub: mei.sub });
    expect(await app.textContent('#device-status')).toBe(
      'This device is not remembered: each sign-in asks for a code.',
    );
    expect(await app.isHidden('#forget-device')).toBe(true);
    expect(await storedDevice()).toBeNull();
  });

  it('"Forget this device" deletes the key from this browser: the next sign-in names no device and gets the code', async () => {
    await toTheCode();
    await app.getByLabel('Remember this device').check();
    await answerRound(await codeFromConsole(phone));
    expect(await idToken()).toMatchObject({ sub: mei.sub });
    expect(await app.textContent('#device-status')).toBe('This device is remembered: next time, no code.');
    const remembered = await storedDevice();
    expect(remembered).not.toBeNull();

    await app.click('#forget-device');
    await app.locator('#device-status', { hasText: 'This device is not remembered' }).waitFor();
    expect(await storedDevice()).toBeNull();
    // The stack's record stays until it expires unused (or is revoked); nothing here can prove it.
    expect((await devicesOnStack().list(mei.sub)).map(({ id }) => id)).toEqual([remembered?.deviceId]);

    const sent = (await env.outbox({ to: phone })).length;
    await toTheCode();
    expect(await app.textContent('#round-note')).toBe('');
    expect(await env.outbox({ to: phone })).toHaveLength(sent + 1);
    await answerRound(await codeFromConsole(phone));
    expect(await idToken()).toMatchObject({ sub: mei.sub });
  });
});
