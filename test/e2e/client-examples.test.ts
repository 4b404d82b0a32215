/**
 * The client code the README shows (examples/clients) runs against a local stack as written: the
 * SDK v3 version (InitiateAuth / RespondToAuthChallenge with SRP) and the Amplify v6 version, each
 * driven by a scripted UI that reads codes from the stack's outbox as a user reads their phone or
 * mailbox. Every round type, reserved answer and intent of docs/protocol.md goes through them, and
 * a remembered device: registered at the SMS code, then signing in with no SMS, until revoked.
 */
import { Amplify } from 'aws-amplify';
import { signOut } from 'aws-amplify/auth';
import { ConsoleLogger } from 'aws-amplify/utils';
import { DeviceStore } from '#shared/auth-state/device-store';
import { signInWithSecondFactor as amplifySignIn } from '../../examples/clients/amplify';
import type { DeviceStorage, RememberedDevice } from '../../examples/clients/device';
import type { Intent, SignInUi } from '../../examples/clients/rounds';
import { signInWithSecondFactor as sdkSignIn } from '../../examples/clients/sdk-v3';
import { PASSWORD, startTestStack, type TestStack } from '../helpers/local-stack';

let env: TestStack;

beforeAll(async () => {
  env = await startTestStack();
  ConsoleLogger.LOG_LEVEL = 'ERROR';
  Amplify.configure({
    Auth: {
      Cognito: { userPoolId: env.userPoolId, userPoolClientId: env.clientId, userPoolEndpoint: env.url },
    },
  });
});
afterAll(() => env.stop());

/** A user at a keyboard: types the newest code sent to the number or address shown, and so on. */
class ScriptedUser implements SignInUi {
  readonly seen: string[] = [];
  savedCodes: string[] = [];
  /** What the user answers to each code round, in order ('code' = the code received). */
  codeAnswers: string[] = [];
  /** Numbers typed at PHONE_REQUIRED, in order. */
  phones: string[] = [];
  recoveryCodes: string[] = [];
  /** Ticks "Remember this device" at each SMS code with this name; undefined: leaves it unticked. */
  rememberAs?: string;

  constructor(
    readonly email: string,
    public currentPhone?: string,
  ) {}

  async code(round: { channel: 'SMS' | 'EMAIL'; destination: string; length: number; retryAfter?: number }) {
    this.seen.push(`${round.channel}${round.retryAfter ? ' (retryAfter)' : ''}`);
    const planned = this.codeAnswers.shift() ?? 'code';
    if (planned !== 'code') return planned;
    const to = round.channel === 'EMAIL' ? this.email : this.currentPhone;
    if (round.channel === 'SMS') expect(round.destination.slice(-4)).toBe(this.currentPhone?.slice(-4));
    const body = (await env.outbox({ to: to as string })).at(-1)?.body ?? '';
    return new RegExp(`\\b\\d{${round.length}}\\b`).exec(body)?.[0] ?? 'none';
  }

  async phone() {
    this.seen.push('PHONE');
    this.currentPhone = this.phones.shift();
    return this.currentPhone ?? 'none';
  }

  async recoveryCode() {
    this.seen.push('RECOVERY_CODE');
    return this.recoveryCodes.shift() ?? 'none';
  }

  async saveRecoveryCodes(codes: string[]) {
    this.seen.push('RECOVERY_CODES');
    expect(codes).toHaveLength(10);
    this.savedCodes = codes;
  }

  async rememberDevice() {
    this.seen.push(`REMEMBER? ${this.rememberAs === undefined ? 'no' : 'yes'}`);
    return this.rememberAs;
  }
}

/** The app's storage of one user's remembered device, in memory (a browser app: IndexedDB). */
class MemoryDevices implements DeviceStorage {
  device: RememberedDevice | undefined;
  async load() {
    return this.device;
  }
  async save(device: RememberedDevice) {
    this.device = device;
  }
  async forget() {
    this.device = undefined;
  }
}

const devicesOnStack = () => new DeviceStore(env.dynamodb, env.stack.info.tables.authState);

/**
 * The device walk for one client: enrol (box unticked), remember the device at the SMS code, sign
 * in with it (no SMS: the phone's outbox unchanged), then, revoked on the stack, the SMS code is
 * back and the app forgets the key. Four SMS in all (SEND_LIMIT_PER_USER_PER_HOUR is 5). `signIn` resolves with whether the device stood in for the code.
 */
async function rememberedDeviceWalk(
  prefix: string,
  signIn: (user: ScriptedUser, devices: DeviceStorage, intent?: Intent) => Promise<boolean>,
) {
  const { email, sub } = await env.signUpInvited(prefix);
  const phone = env.newPhone();
  const user = new ScriptedUser(email);
  user.phones = [phone];
  const devices = new MemoryDevices();
  expect(await signIn(user, devices)).toBe(false);
  expect(user.seen).toEqual(['PHONE', 'SMS', 'REMEMBER? no', 'RECOVERY_CODES']);
  expect(devices.device).toBeUndefined();

  // Register: the box ticked at the SMS code.
  user.seen.length = 0;
  user.rememberAs = 'Work laptop';
  expect(await signIn(user, devices)).toBe(false);
  expect(user.seen).toEqual(['SMS', 'REMEMBER? yes']);
  const kept = devices.device as RememberedDevice;
  expect(kept).toMatchObject({ sub, name: 'Work laptop', deviceId: expect.stringMatching(/^[\w-]{43}$/) });
  expect(kept.privateKey).toMatchObject({ type: 'private', extractable: false });
  expect((await devicesOnStack().list(sub)).map(({ id, name }) => ({ id, name }))).toEqual([
    { id: kept.deviceId, name: 'Work laptop' },
  ]);

  // Use: the device's proof instead of the code; no SMS sent.
  user.seen.length = 0;
  user.rememberAs = undefined;
  const sent = (await env.outbox({ to: phone })).length;
  expect(await signIn(user, devices)).toBe(true);
  expect(user.seen).toEqual([]);
  expect(await env.outbox({ to: phone })).toHaveLength(sent);
  expect(devices.device).toBe(kept);

  // An intent never skips the code: the device is not named, and stays remembered.
  user.seen.length = 0;
  expect(await signIn(user, devices, 'new_recovery_codes')).toBe(false);
  expect(user.seen).toEqual(['SMS', 'REMEMBER? no', 'RECOVERY_CODES']);
  expect(devices.device).toBe(kept);

  // Revoked: the SMS code as if no device were named; the app forgets the key.
  await devicesOnStack().revoke(sub, 'all');
  user.seen.length = 0;
  expect(await signIn(user, devices)).toBe(false);
  expect(user.seen).toEqual(['SMS', 'REMEMBER? no']);
  expect(await env.outbox({ to: phone })).toHaveLength(sent + 2);
  expect(devices.device).toBeUndefined();
}

describe('the SDK v3 client of the README', () => {
  const pool = () => ({ userPoolId: env.userPoolId, clientId: env.clientId });

  // SEND_LIMIT_PER_USER_PER_HOUR is 5: two users share the walk.
  it('enrols, signs in after a wrong code, changes the number', async () => {
    const { email, password } = await env.signUpInvited('sdk');
    const user = new ScriptedUser(email);
    const first = env.newPhone();
    user.phones = [first];
    const enrolled = await sdkSignIn(env.cognito, pool(), email, password, user);
    expect(enrolled.tokens?.IdToken).toBeDefined();
    expect(user.seen).toEqual(['PHONE', 'SMS', 'RECOVERY_CODES']);

    // A wrong code, then the right one.
    user.seen.length = 0;
    user.codeAnswers = ['000000', 'code'];
    expect((await sdkSignIn(env.cognito, pool(), email, password, user)).tokens?.AccessToken).toBeDefined();
    expect(user.seen).toEqual(['SMS', 'SMS']);

    // intent change_phone: the code to the current number, then the new number proven.
    user.seen.length = 0;
    const second = env.newPhone();
    user.phones = [second];
    await sdkSignIn(env.cognito, pool(), email, password, user, { intent: 'change_phone' });
    expect(user.seen).toEqual(['SMS', 'PHONE', 'SMS']);
    expect(user.currentPhone).toBe(second);
  });

  it('asks for new recovery codes, then recovers a lost phone with one of them', async () => {
    const { email, password } = await env.signUpInvited('sdk-recovery');
    const user = new ScriptedUser(email);
    user.phones = [env.newPhone()];
    await sdkSignIn(env.cognito, pool(), email, password, user);

    // intent new_recovery_codes: a new set after the code.
    user.seen.length = 0;
    const oldCodes = user.savedCodes;
    await sdkSignIn(env.cognito, pool(), email, password, user, { intent: 'new_recovery_codes' });
    expect(user.seen).toEqual(['SMS', 'RECOVERY_CODES']);
    expect(user.savedCodes).not.toEqual(oldCodes);

    // The phone is lost: RECOVERY, a recovery code, a new number, new codes.
    user.seen.length = 0;
    const third = env.newPhone();
    user.codeAnswers = ['RECOVERY'];
    user.recoveryCodes = [user.savedCodes[2] as string];
    user.phones = [third];
    await sdkSignIn(env.cognito, pool(), email, password, user);
    expect(user.seen).toEqual(['SMS', 'RECOVERY_CODE', 'PHONE', 'SMS', 'RECOVERY_CODES']);
  });

  it('remembers the device at the SMS code, then signs in with its proof and no SMS; revoked, the SMS code is back', async () => {
    await rememberedDeviceWalk('sdk-device', async (user, devices, intent) => {
      const signedIn = await sdkSignIn(env.cognito, pool(), user.email, PASSWORD, user, { devices, intent });
      expect(signedIn.tokens?.IdToken).toBeDefined();
      return signedIn.signedInWithDevice;
    });
  });
});

describe('the Amplify v6 client of the README', () => {
  it('enrols with RESEND along the way, then changes the number with the intent', async () => {
    const { email, password } = await env.signUpInvited('amplify-example');
    const user = new ScriptedUser(email);
    user.phones = [env.newPhone()];
    // RESEND seconds after the code was sent: the same round with retryAfter; the code still works.
    user.codeAnswers = ['RESEND', 'code'];
    await amplifySignIn(email, password, user);
    expect(user.seen).toEqual(['PHONE', 'SMS', 'SMS (retryAfter)', 'RECOVERY_CODES']);
    await signOut();

    user.seen.length = 0;
    const next = env.newPhone();
    user.phones = [next];
    await amplifySignIn(email, password, user, { intent: 'change_phone' });
    expect(user.seen).toEqual(['SMS', 'PHONE', 'SMS']);
    await signOut();
  });

  it('remembers the device at the SMS code, then signs in with its proof and no SMS; revoked, the SMS code is back', async () => {
    await rememberedDeviceWalk('amplify-device', async (user, devices, intent) => {
      try {
        return await amplifySignIn(user.email, PASSWORD, user, { devices, intent });
      } finally {
        await signOut();
      }
    });
  });
});
