/**
 * `npm run demo`: the product's story, told and checked step by step against a local stack.
 *
 *   npm run demo                                  # starts its own stack on free ports
 *   npm run demo -- --url http://127.0.0.1:9229   # uses a running `npm start`
 *   npm run demo -- --verbose                     # also shows the triggers' logs
 *
 * Clients are the real ones: the AWS SDK v3 Cognito client for SignUp, amazon-cognito-identity-js
 * for the sign-ins (CUSTOM_AUTH: password by SRP, then the custom challenges), jose for the
 * tokens. SMS codes are read from the stack's outbox, as a user reads their phone. Every step
 * checks what it claims; the process exits 0 only if all of them held.
 */
import { randomBytes, randomInt, webcrypto } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  CognitoIdentityProviderClient,
  ConfirmSignUpCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CognitoUserSession } from 'amazon-cognito-identity-js';
import { canonicalInviteCode, generateInviteCode } from '#shared/invites/code';
import { newInvite } from '#shared/invites/invite';
import { InviteStore } from '#shared/invites/store';
import { invitesProgram } from '../cli/invites/program';
import { runCli } from '../cli/lib/run';
import { errorName, type SignInStep, signIn, userPool } from './client';
import type { OutboxMessage } from './outbox';
import { STACK_PATH, type StackInfo, startStack } from './stack';

/** The numbers reserved for fiction in an allowed country (US): 555-0100 to 555-0199. */
export const DEMO_PHONES: readonly string[] = Array.from({ length: 100 }, (_, i) => `+14155550${100 + i}`);

/**
 * A demo number no earlier telling on this stack has texted (its outbox is empty) and not in
 * `taken`: each telling uses four numbers, and the per-number send limits hold across tellings,
 * so a number reused from an earlier telling could be refused. Numbers are tried in random order;
 * once all 100 have been used, any number not in `taken` (the limits may refuse it).
 */
export async function freshDemoPhone(
  sentTo: (phone: string) => Promise<number>,
  taken: readonly string[] = [],
): Promise<string> {
  const order = [...DEMO_PHONES];
  for (let i = order.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [order[i], order[j]] = [order[j] as string, order[i] as string];
  }
  const candidates = order.filter((phone) => !taken.includes(phone));
  for (const phone of candidates) {
    if ((await sentTo(phone)) === 0) return phone;
  }
  const fallback = candidates[0];
  if (fallback === undefined) throw new Error('every demo number is taken');
  return fallback;
}
export const DEMO_PASSWORD = 'Correct-Horse-Battery-9';

/** A remembered device's key as a browser makes it (WebCrypto, the private key non-extractable). */
interface DeviceKey {
  /** base64url SHA-256 of the SPKI. */
  id: string;
  /** base64url SPKI. */
  publicKey: string;
  sign(text: string): Promise<string>;
}

async function newDeviceKey(): Promise<DeviceKey> {
  const { subtle } = webcrypto;
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const spki = Buffer.from(await subtle.exportKey('spki', pair.publicKey));
  return {
    id: Buffer.from(await subtle.digest('SHA-256', spki)).toString('base64url'),
    publicKey: spki.toString('base64url'),
    sign: async (text) =>
      Buffer.from(
        await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, Buffer.from(text, 'utf8')),
      ).toString('base64url'),
  };
}
const WRONG_CODES_TO_FAIL = 3;

export interface DemoOptions {
  /** A running stack's URL; without it the demo starts (and stops) its own. */
  url?: string;
  verbose?: boolean;
  /** Where the story is written (default: stdout). */
  write?: (text: string) => void;
  /** Colour and symbols for a terminal (default: stdout is a TTY). */
  tty?: boolean;
}

export interface DemoResult {
  ok: boolean;
  /** Steps that held, in order; on failure the failing step is the next one. */
  passed: string[];
  failure?: { step: string; message: string };
}

/** A broken expectation: the step's claim did not hold. */
class DemoFailure extends Error {}

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new DemoFailure(message);
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const tty = options.tty ?? process.stdout.isTTY === true;
  const paint = (code: string) => (text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
  const bold = paint('1');
  const dim = paint('2');
  const green = paint('32');
  const red = paint('31');
  const cyan = paint('36');
  const say = (text = '') => write(`${text}\n`);
  const detail = (text: string) => say(`     ${text}`);
  const check = (text: string) => say(`     ${green('✓')} ${text}`);

  const ownStack = options.url
    ? undefined
    : await startStack({ port: 0, printOutbox: false, logLevel: options.verbose ? undefined : 'SILENT' });
  const url = options.url ?? (ownStack?.url as string);
  const result: DemoResult = { ok: false, passed: [] };
  const cleanups: Array<() => void> = [];
  try {
    const info = ownStack?.info ?? (await stackAt(url));
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const cognito = new CognitoIdentityProviderClient({ region: info.region, endpoint: url, credentials });
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: info.region, endpoint: info.endpoints.dynamodb, credentials }),
    );
    cleanups.push(
      () => cognito.destroy(),
      () => documents.destroy(),
    );
    const invites = new InviteStore(documents, info.tables.invites);
    const pool = userPool({ userPoolId: info.userPoolId, clientId: info.clientId, endpoint: url });
    const outbox = (to: string) =>
      fetchJson<OutboxMessage[]>(`${url}/_local/outbox?to=${encodeURIComponent(to)}`);
    const nextSms = async (to: string, seen: number): Promise<OutboxMessage> => {
      const deadline = Date.now() + 5000;
      for (;;) {
        const message = (await outbox(to))[seen];
        if (message) return message;
        expect(Date.now() < deadline, `no SMS reached ${to}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    const codeFrom = (sms: OutboxMessage, length: number): string => {
      const match = new RegExp(`\\b(\\d{${length}})\\b`).exec(sms.body);
      expect(match, `the SMS carries no ${length}-digit code: "${sms.body}"`);
      return match[1] as string;
    };
    const showSms = (sms: OutboxMessage) => detail(`${cyan('📱')} SMS to ${sms.to}: ${dim(`"${sms.body}"`)}`);

    const email = `ada.${randomBytes(3).toString('hex')}@example.com`;
    /** Ada's first number, drawn when she first signs in. */
    let phone = '';
    let inviteCode = '';
    let firstSession: CognitoUserSession | undefined;
    /** Ada's sub (from SignUp; a real app keeps it from the ID token, next to the device key). */
    let sub = '';
    /** Ada's laptop, once she asks to remember it. */
    let laptop: DeviceKey | undefined;
    let recoveryCodes: string[] = [];
    /** Ada's number now (she changes it, then loses the phone). */
    let current = '';
    const otherPhone = (...taken: string[]) => freshDemoPhone(async (to) => (await outbox(to)).length, taken);

    const steps: Array<[string, () => Promise<void>]> = [
      [
        `An admin invites ${email}`,
        async () => {
          detail(dim(`$ npm run invites -- create --email ${email} --local`));
          inviteCode = await createInviteWithCli(url, email);
          const stored = await invites.get(email);
          expect(stored?.status === 'pending', 'the invite is not stored as pending');
          expect(
            !JSON.stringify(stored).includes(inviteCode.replace(/-/g, '')),
            'the code is stored in clear',
          );
          check(`invite code ${inviteCode} (only its SHA-256 hash is stored; it expires in 7 days)`);
        },
      ],
      [
        'Ada signs up with the invite (SDK v3 SignUp, ClientMetadata.inviteCode)',
        async () => {
          const wrong = generateInviteCode();
          const refused = await signUp(cognito, info.clientId, email, wrong).then(
            () => undefined,
            (error: unknown) => error as Error,
          );
          expect(refused, 'a sign-up with a wrong invite code was accepted');
          check(`a wrong code is refused: ${errorName(refused)}: ${refused.message}`);
          const answer = await signUp(cognito, info.clientId, email, inviteCode);
          expect(answer.UserSub, 'SignUp returned no UserSub');
          if (!answer.UserConfirmed) {
            const mail = (await outbox(email)).at(-1);
            expect(mail, 'no confirmation email reached the outbox');
            const code = /\b(\d{6})\b/.exec(mail.body)?.[1];
            expect(code, 'the confirmation email carries no code');
            await cognito.send(
              new ConfirmSignUpCommand({ ClientId: info.clientId, Username: email, ConfirmationCode: code }),
            );
            check('confirmed with the code from the email');
          }
          sub = answer.UserSub;
          check(`signed up and confirmed (sub ${answer.UserSub})`);
        },
      ],
      [
        'First sign-in: password by SRP, then a phone number, then the SMS code',
        async () => {
          let step = await signIn(pool, email, DEMO_PASSWORD);
          expect(step.kind === 'challenge', `expected a challenge after the password, got ${describe(step)}`);
          expect(
            step.parameters.type === 'PHONE_REQUIRED',
            `expected PHONE_REQUIRED, got ${JSON.stringify(step.parameters)}`,
          );
          check(
            'password proven by SRP (it never left the client); the pool asks for a phone: PHONE_REQUIRED',
          );
          phone = await otherPhone();
          current = phone;
          const before = (await outbox(phone)).length;
          detail(`Ada answers with ${phone}`);
          step = await step.answer(phone);
          expect(step.kind === 'challenge', `expected the SMS challenge, got ${describe(step)}`);
          expect(
            step.parameters.type === 'SMS_OTP',
            `expected SMS_OTP, got ${JSON.stringify(step.parameters)}`,
          );
          const { destination, length } = step.parameters;
          expect(
            destination && !destination.includes(phone.slice(2, -2)),
            `destination is not masked: ${destination}`,
          );
          const codeLength = Number(length);
          expect(Number.isInteger(codeLength) && codeLength >= 4, `bad code length ${length}`);
          check(`SMS_OTP challenge: a ${codeLength}-digit code was sent to ${destination}`);
          const sms = await nextSms(phone, before);
          showSms(sms);
          step = await step.answer(codeFrom(sms, codeLength));
          expect(
            step.kind === 'challenge' && step.parameters.type === 'RECOVERY_CODES',
            `expected RECOVERY_CODES after the right code, got ${describe(step)}`,
          );
          recoveryCodes = (step.parameters.codes ?? '').split(' ');
          expect(recoveryCodes.length === 10, `expected 10 recovery codes, got ${recoveryCodes.length}`);
          check(
            `the number is proven and bound; RECOVERY_CODES shows ten one-time codes: ${recoveryCodes[0]} …`,
          );
          detail('Ada saves them and answers OK (only their hashes are stored)');
          step = await step.answer('OK');
          expect(step.kind === 'signedIn', `expected tokens after OK, got ${describe(step)}`);
          firstSession = step.session;
          check('ID, access and refresh tokens issued');
        },
      ],
      [
        "The tokens verify against the pool's JWKS (jose)",
        async () => {
          expect(firstSession, 'no session from the first sign-in');
          const { createRemoteJWKSet, jwtVerify } = await import('jose');
          const jwks = createRemoteJWKSet(new URL(`${url}/${info.userPoolId}/.well-known/jwks.json`));
          const id = await jwtVerify(firstSession.getIdToken().getJwtToken(), jwks, {
            audience: info.clientId,
          });
          expect(id.protectedHeader.alg === 'RS256', `ID token alg ${id.protectedHeader.alg}`);
          expect(id.payload.token_use === 'id', 'ID token token_use is not id');
          expect(
            String(id.payload.iss).endsWith(`/${info.userPoolId}`),
            `unexpected issuer ${id.payload.iss}`,
          );
          expect(id.payload.email === email, 'ID token email differs');
          expect(id.payload.phone_number === phone, 'ID token has no phone_number');
          expect(id.payload.phone_number_verified === true, 'phone_number_verified is not true');
          check(
            `ID token: RS256, iss ${id.payload.iss}, aud = client, email, phone_number ${phone} (verified)`,
          );
          const access = await jwtVerify(firstSession.getAccessToken().getJwtToken(), jwks);
          expect(access.payload.token_use === 'access', 'access token token_use is not access');
          expect(access.payload.client_id === info.clientId, 'access token client_id differs');
          check(`access token: RS256, token_use access, client_id ${info.clientId}`);
        },
      ],
      [
        'Second sign-in: straight to the SMS code (and a RESEND too early)',
        async () => {
          const before = (await outbox(phone)).length;
          let step = await signIn(pool, email, DEMO_PASSWORD);
          expect(step.kind === 'challenge', `expected a challenge, got ${describe(step)}`);
          expect(
            step.parameters.type === 'SMS_OTP',
            `expected SMS_OTP, got ${JSON.stringify(step.parameters)}`,
          );
          check(`no phone question this time: SMS_OTP to ${step.parameters.destination}`);
          const sms = await nextSms(phone, before);
          showSms(sms);
          detail('Ada taps "Send a new code" at once (the reserved answer RESEND)');
          step = await step.answer('RESEND');
          expect(
            step.kind === 'challenge' && step.parameters.type === 'SMS_OTP',
            `expected SMS_OTP again, got ${describe(step)}`,
          );
          const wait = Number(step.parameters.retryAfter);
          expect(wait > 0, `expected retryAfter (the code is seconds old), got ${describe(step)}`);
          check(
            `too early for a new code: the same round with retryAfter ${wait} s; nothing sent, nothing counted`,
          );
          laptop = await newDeviceKey();
          detail(
            'she ticks "Remember this device": a P-256 key pair, the private key never leaves the laptop',
          );
          step = await step.answer(codeFrom(sms, Number(step.parameters.length)), {
            rememberDevice: laptop.publicKey,
            deviceName: 'Ada’s laptop',
          });
          expect(step.kind === 'signedIn', `expected tokens, got ${describe(step)}`);
          check(
            'the code already sent still works: signed in, and the laptop is remembered (only its public key is stored)',
          );
        },
      ],
      [
        'Third sign-in on the remembered laptop: a device proof instead of the SMS code',
        async () => {
          expect(laptop, 'no device was remembered');
          const device = laptop;
          const before = (await outbox(phone)).length;
          let step = await signIn(pool, email, DEMO_PASSWORD, 'CUSTOM_AUTH', { deviceId: device.id });
          expect(
            step.kind === 'challenge' && step.parameters.type === 'DEVICE_PROOF',
            `expected DEVICE_PROOF, got ${describe(step)}`,
          );
          const challenge = step.parameters.challenge ?? '';
          check(
            `DEVICE_PROOF: the laptop signs a fresh challenge (${challenge.slice(0, 12)}…) for this pool and user`,
          );
          step = await step.answer(await device.sign(`device-proof:${info.userPoolId}:${sub}:${challenge}`));
          expect(step.kind === 'signedIn', `expected tokens, got ${describe(step)}`);
          expect((await outbox(phone)).length === before, 'an SMS was sent to a remembered device');
          check('signed in with no SMS sent (the outbox is unchanged)');
        },
      ],
      [
        'Ada changes her number (ClientMetadata.intent = change_phone)',
        async () => {
          const next = await otherPhone(phone);
          const intent = { intent: 'change_phone' };
          const before = (await outbox(current)).length;
          let step = await signIn(pool, email, DEMO_PASSWORD);
          expect(step.kind === 'challenge', `expected SMS_OTP, got ${describe(step)}`);
          const sms = await nextSms(current, before);
          step = await step.answer(codeFrom(sms, Number(step.parameters.length)), intent);
          expect(
            step.kind === 'challenge' && step.parameters.type === 'PHONE_REQUIRED',
            `expected PHONE_REQUIRED after the code to the current number, got ${describe(step)}`,
          );
          check('the code to the current number first; then PHONE_REQUIRED for the new one');
          const newBefore = (await outbox(next)).length;
          step = await step.answer(next, intent);
          expect(
            step.kind === 'challenge' && step.parameters.type === 'SMS_OTP',
            `expected SMS_OTP, got ${describe(step)}`,
          );
          const proof = await nextSms(next, newBefore);
          showSms(proof);
          step = await step.answer(codeFrom(proof, Number(step.parameters.length)), intent);
          expect(step.kind === 'signedIn', `expected tokens, got ${describe(step)}`);
          const notice = await nextSms(current, before + 1);
          showSms(notice);
          expect(!notice.body.includes(next), 'the notice to the old number carries the new number in full');
          check(`the number is ${next} now, only after its code; the old number was told`);
          current = next;
        },
      ],
      [
        'Bea lost her phone: RECOVERY, a recovery code, then a new number',
        async () => {
          // A second person (each account may be texted 5 codes an hour; Ada has had hers).
          const bea = `bea.${randomBytes(3).toString('hex')}@example.com`;
          const beaCode = generateInviteCode();
          await invites.put(
            newInvite({
              email: bea,
              code: canonicalInviteCode(beaCode) ?? beaCode,
              days: 7,
              now: new Date(),
            }),
          );
          await signUp(cognito, info.clientId, bea, beaCode);
          const lost = await otherPhone(phone, current);
          let step = await signIn(pool, bea, DEMO_PASSWORD);
          expect(step.kind === 'challenge', `expected PHONE_REQUIRED, got ${describe(step)}`);
          step = await step.answer(lost);
          expect(step.kind === 'challenge', `expected SMS_OTP, got ${describe(step)}`);
          step = await step.answer(codeFrom(await nextSms(lost, 0), Number(step.parameters.length)));
          expect(
            step.kind === 'challenge' && step.parameters.type === 'RECOVERY_CODES',
            `expected RECOVERY_CODES, got ${describe(step)}`,
          );
          const saved = (step.parameters.codes ?? '').split(' ');
          step = await step.answer('OK');
          expect(step.kind === 'signedIn', `expected tokens, got ${describe(step)}`);
          check(
            `${bea} signed up, enrolled ${lost} and saved her ten recovery codes; then the phone is lost`,
          );

          const next = await otherPhone(phone, current, lost);
          step = await signIn(pool, bea, DEMO_PASSWORD);
          expect(
            step.kind === 'challenge' && step.parameters.type === 'SMS_OTP',
            `expected SMS_OTP, got ${describe(step)}`,
          );
          step = await step.answer('RECOVERY');
          expect(
            step.kind === 'challenge' && step.parameters.type === 'RECOVERY_CODE',
            `expected RECOVERY_CODE, got ${describe(step)}`,
          );
          check('RECOVERY instead of the code: RECOVERY_CODE (never counted as a wrong code)');
          const used = saved[0] as string;
          step = await step.answer(used);
          expect(
            step.kind === 'challenge' && step.parameters.type === 'PHONE_REQUIRED',
            `expected PHONE_REQUIRED after the recovery code, got ${describe(step)}`,
          );
          check(`recovery code ${used} accepted and burnt; a new number must be proven before tokens`);
          step = await step.answer(next);
          expect(
            step.kind === 'challenge' && step.parameters.type === 'SMS_OTP',
            `expected SMS_OTP, got ${describe(step)}`,
          );
          step = await step.answer(codeFrom(await nextSms(next, 0), Number(step.parameters.length)));
          expect(
            step.kind === 'challenge' && step.parameters.type === 'RECOVERY_CODES',
            `expected a new set of recovery codes, got ${describe(step)}`,
          );
          step = await step.answer('OK');
          expect(step.kind === 'signedIn', `expected tokens, got ${describe(step)}`);
          check(`new number ${next} proven; a new set of recovery codes replaces the old; signed in`);

          let again = await signIn(pool, bea, DEMO_PASSWORD);
          expect(again.kind === 'challenge', `expected SMS_OTP, got ${describe(again)}`);
          again = await again.answer('RECOVERY');
          expect(again.kind === 'challenge', `expected RECOVERY_CODE, got ${describe(again)}`);
          again = await again.answer(used);
          expect(
            again.kind === 'challenge' && again.parameters.type === 'RECOVERY_CODE',
            `the used recovery code was accepted again: ${describe(again)}`,
          );
          check('the same recovery code a second time: refused (a wrong answer, counted)');
          const notices = (
            await fetchJson<OutboxMessage[]>(
              `${url}/_local/outbox?to=${encodeURIComponent(bea)}&channel=email`,
            )
          )
            .map((mail) => mail.subject ?? '')
            .filter((subject) => subject.startsWith('Security notice'));
          for (const subject of notices) detail(`${cyan('✉')} email to ${bea}: ${dim(`"${subject}"`)}`);
          expect(notices.length >= 5, `expected 5 security emails to ${bea}, got ${notices.length}`);
          check('every phone bound or changed, recovery code used and new set of codes was emailed to her');
        },
      ],
      [
        'The invite cannot be used again',
        async () => {
          const again = await signUp(cognito, info.clientId, email, inviteCode).then(
            () => undefined,
            (error: unknown) => error as Error,
          );
          expect(again, 'a second sign-up with the same invite was accepted');
          check(`the same email and code again: ${errorName(again)}: ${again.message}`);
          const other = `eve.${randomBytes(3).toString('hex')}@example.com`;
          const stolen = await signUp(cognito, info.clientId, other, inviteCode).then(
            () => undefined,
            (error: unknown) => error as Error,
          );
          expect(stolen, 'another email signed up with the invite');
          check(`the code from another email (${other}): ${errorName(stolen)}: ${stolen.message}`);
          const stored = await invites.get(email);
          expect(stored?.status === 'accepted', `the invite is ${stored?.status}, not accepted`);
          check(`the invite is recorded as accepted at ${stored.acceptedAt} by ${stored.acceptedBy}`);
        },
      ],
      [
        `${WRONG_CODES_TO_FAIL} wrong codes fail the sign-in`,
        async () => {
          const phone = current;
          const before = (await outbox(phone)).length;
          let step = await signIn(pool, email, DEMO_PASSWORD);
          expect(
            step.kind === 'challenge' && step.parameters.type === 'SMS_OTP',
            `expected SMS_OTP, got ${describe(step)}`,
          );
          // Create has sent its SMS before the challenge reaches us. Within the resend cooldown
          // the code of the previous sign-in is reused: then no new SMS, and that one is in force.
          const sent = await outbox(phone);
          const sms = sent.at(-1);
          expect(sms, `no SMS reached ${phone}`);
          if (sent.length === before) check('the code sent moments ago is reused: no second SMS');
          const right = codeFrom(sms, Number(step.parameters.length));
          const wrong =
            right === '0'.repeat(right.length) ? '1'.repeat(right.length) : '0'.repeat(right.length);
          for (let attempt = 1; attempt <= WRONG_CODES_TO_FAIL; attempt++) {
            expect(
              step.kind === 'challenge',
              `attempt ${attempt}: expected a challenge, got ${describe(step)}`,
            );
            step = await step.answer(wrong);
            if (attempt < WRONG_CODES_TO_FAIL) {
              expect(
                step.kind === 'challenge' && step.parameters.type === 'SMS_OTP',
                `after wrong code ${attempt}: expected another try, got ${describe(step)}`,
              );
              check(`wrong code ${attempt}: try again`);
            }
          }
          expect(
            step.kind === 'failed',
            `after ${WRONG_CODES_TO_FAIL} wrong codes: expected a failure, got ${describe(step)}`,
          );
          expect(
            errorName(step.error) === 'NotAuthorizedException',
            `expected NotAuthorizedException, got ${errorName(step.error)}`,
          );
          check(
            `wrong code ${WRONG_CODES_TO_FAIL}: ${errorName(step.error)}: ${step.error.message}; no tokens`,
          );
        },
      ],
    ];

    say();
    say(bold('Cognito Auth Triggers: the story, checked step by step'));
    say(dim(`user pool ${info.userPoolId} at ${url}${ownStack ? ' (a stack of its own)' : ''}`));
    for (const [index, [title, run]] of steps.entries()) {
      say();
      say(bold(`${index + 1}/${steps.length}  ${title}`));
      try {
        await run();
        result.passed.push(title);
      } catch (error) {
        const message =
          error instanceof DemoFailure ? error.message : `${errorName(error)}: ${(error as Error).message}`;
        say(`     ${red('✗')} ${message}`);
        result.failure = { step: title, message };
        say();
        say(red(bold(`The demo failed at step ${index + 1}: ${title}`)));
        return result;
      }
    }
    result.ok = true;
    say();
    say(green(bold(`All ${steps.length} steps behaved as they should.`)));
    return result;
  } finally {
    for (const cleanup of cleanups) cleanup();
    await ownStack?.close();
  }
}

/**
 * `npm run invites -- create --email EMAIL --local --json`, run in-process: the very code path an
 * admin uses, finding the stack through its `/_local/stack` (PORT tells it which port).
 */
async function createInviteWithCli(url: string, email: string): Promise<string> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(invitesProgram, ['create', '--email', email, '--local', '--json'], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { PORT: new URL(url).port },
    now: () => new Date(),
  });
  expect(status === 0, `the invites CLI failed (${status}): ${stderr.trim()}`);
  const { code } = JSON.parse(stdout) as { code?: string };
  expect(typeof code === 'string' && code.length > 0, 'the invites CLI printed no code');
  return code;
}

function signUp(cognito: CognitoIdentityProviderClient, clientId: string, email: string, inviteCode: string) {
  return cognito.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: email,
      Password: DEMO_PASSWORD,
      UserAttributes: [{ Name: 'email', Value: email }],
      ClientMetadata: { inviteCode },
    }),
  );
}

function describe(step: SignInStep): string {
  if (step.kind === 'challenge') return `challenge ${JSON.stringify(step.parameters)}`;
  if (step.kind === 'failed') return `failure ${errorName(step.error)}: ${step.error.message}`;
  return 'tokens';
}

/** The stack's `/_local/stack`; an error that says which address did not answer as a stack. */
async function stackAt(url: string): Promise<StackInfo> {
  try {
    return await fetchJson<StackInfo>(`${url}${STACK_PATH}`);
  } catch (error) {
    throw new Error(
      `no local stack answers at ${url} (GET ${STACK_PATH}: ${errorName(error)}: ${(error as Error).message})`,
    );
  }
}

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { url: { type: 'string' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log('Usage: npm run demo -- [--url http://127.0.0.1:9229] [--verbose]');
    return;
  }
  const result = await runDemo({ url: values.url, verbose: values.verbose });
  process.exitCode = result.ok ? 0 : 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error('The demo could not run:', error);
    process.exitCode = 1;
  });
}
