/**
 * The client code the README shows (examples/clients) runs against a local stack as written: the
 * SDK v3 version (InitiateAuth / RespondToAuthChallenge with SRP) and the Amplify v6 version, each
 * driven by a scripted UI that reads codes from the stack's outbox as a user reads their phone or
 * mailbox. Every round type, reserved answer and intent of docs/protocol.md goes through them.
 */
import { Amplify } from 'aws-amplify';
import { signOut } from 'aws-amplify/auth';
import { ConsoleLogger } from 'aws-amplify/utils';
import { signInWithSecondFactor as amplifySignIn } from '../../examples/clients/amplify';
import type { SignInUi } from '../../examples/clients/rounds';
import { signInWithSecondFactor as sdkSignIn } from '../../examples/clients/sdk-v3';
import { startTestStack, type TestStack } from '../helpers/local-stack';

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
    expect(enrolled?.IdToken).toBeDefined();
    expect(user.seen).toEqual(['PHONE', 'SMS', 'RECOVERY_CODES']);

    // A wrong code, then the right one.
    user.seen.length = 0;
    user.codeAnswers = ['000000', 'code'];
    expect((await sdkSignIn(env.cognito, pool(), email, password, user))?.AccessToken).toBeDefined();
    expect(user.seen).toEqual(['SMS', 'SMS']);

    // intent change_phone: the code to the current number, then the new number proven.
    user.seen.length = 0;
    const second = env.newPhone();
    user.phones = [second];
    await sdkSignIn(env.cognito, pool(), email, password, user, 'change_phone');
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
    await sdkSignIn(env.cognito, pool(), email, password, user, 'new_recovery_codes');
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
    await amplifySignIn(email, password, user, 'change_phone');
    expect(user.seen).toEqual(['SMS', 'PHONE', 'SMS']);
    await signOut();
  });
});
