/**
 * The load generator's journeys over the wire (bench/stack/wire.ts): an invited sign-up, and a 2FA
 * sign-in (SRP, then the custom round: the SMS code read from the outbox, or, for a user whose
 * device is remembered, the device's signature over the DEVICE_PROOF challenge).
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import type { StackInfo } from '../../local/stack';
import { claimSignature, cognitoTimestamp, newEphemeral, passwordKey } from './srp-client';
import type { Wire } from './wire';

export const PASSWORD = 'Bench-Horse-Battery-9';

export interface User {
  email: string;
  inviteCode: string;
  /** Cognito's `sub`, from the SignUp answer (the device signs it). */
  sub?: string;
  phone?: string;
  smsSeen: number;
  signIns: number;
}

/** What a measured phase runs, each journey complete (tokens, or the sign-up confirmed). */
export type Journey =
  | 'sign-up'
  | 'sign-in'
  /** The SMS code answered with rememberDevice: the device is remembered. */
  | 'sign-in, registers a device'
  /** The remembered device's proof instead of the SMS code. */
  | 'sign-in, remembered device'
  /** The same users again, not naming their device: the SMS code. */
  | 'sign-in, device not named';

/** One measured phase: its journeys' rate, latency and the CPU both sides used. */
export interface PhaseResult {
  journey: Journey;
  concurrency: number;
  completed: number;
  failed: number;
  /** Failure name -> count. */
  errors: Record<string, number>;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU used over the phase, in % of one core. */
  generatorCpuPct: number;
  stackCpuPct: number;
  /** The stack's CPU time per completed journey (all its threads): the cost, whatever the load. */
  stackCpuMsPerJourney: number;
}

export type Outcome = { ok: true } | { ok: false; error: string };

function failure(error: unknown): Outcome {
  return { ok: false, error: error instanceof Error ? error.name : String(error) };
}

interface OutboxMessage {
  channel: string;
  to: string;
  body: string;
}

export async function signUp(wire: Wire, info: StackInfo, user: User): Promise<Outcome> {
  try {
    const answer = await wire.call<{ UserConfirmed?: boolean; UserSub?: string }>('SignUp', {
      ClientId: info.clientId,
      Username: user.email,
      Password: PASSWORD,
      UserAttributes: [{ Name: 'email', Value: user.email }],
      ClientMetadata: { inviteCode: user.inviteCode },
    });
    if (!answer.UserSub) return { ok: false, error: 'NoUserSub' };
    user.sub = answer.UserSub;
    if (!answer.UserConfirmed) {
      const mail = (
        await wire.getJson<OutboxMessage[]>(`/_local/outbox?to=${encodeURIComponent(user.email)}`)
      ).at(-1);
      const code = mail && /\b(\d{6})\b/.exec(mail.body)?.[1];
      if (!code) return { ok: false, error: 'NoConfirmationCode' };
      await wire.call('ConfirmSignUp', {
        ClientId: info.clientId,
        Username: user.email,
        ConfirmationCode: code,
      });
    }
    return { ok: true };
  } catch (error) {
    return failure(error);
  }
}

/** A device's ECDSA P-256 key pair, as an app keeps it (docs/protocol.md, "Remembered devices"). */
export interface BenchDevice {
  /** base64url SHA-256 of the SPKI, as the app computes it (the stack's Create reads it). */
  id: string;
  /** base64url SPKI. */
  spki: string;
  /** base64url P1363 signature of the text. */
  sign(text: string): string;
}

export function newBenchDevice(): BenchDevice {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    id: createHash('sha256').update(der).digest('base64url'),
    spki: der.toString('base64url'),
    sign: (text) =>
      sign('sha256', Buffer.from(text, 'utf8'), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString(
        'base64url',
      ),
  };
}

export interface SignInOptions {
  /** Asks to remember this device with the right SMS code (ClientMetadata.rememberDevice). */
  remember?: BenchDevice;
  /** Names this remembered device with the password (ClientMetadata.deviceId); it signs the proof. */
  device?: BenchDevice;
}

interface ChallengeAnswer {
  ChallengeName?: string;
  Session?: string;
  ChallengeParameters?: Record<string, string>;
  AuthenticationResult?: { IdToken?: string };
}

/**
 * SRP, then the custom round. With `options.device` the round must be DEVICE_PROOF (no SMS);
 * otherwise it must be SMS_OTP with a new SMS in the outbox.
 */
export async function signIn(
  wire: Wire,
  info: StackInfo,
  user: User,
  options: SignInOptions = {},
): Promise<Outcome> {
  const poolName = info.userPoolId.split('_')[1] ?? '';
  try {
    const ephemeral = newEphemeral();
    const first = await wire.call<ChallengeAnswer>('InitiateAuth', {
      AuthFlow: 'CUSTOM_AUTH',
      ClientId: info.clientId,
      AuthParameters: { USERNAME: user.email, SRP_A: ephemeral.A.toString(16), CHALLENGE_NAME: 'SRP_A' },
    });
    const params = first.ChallengeParameters ?? {};
    if (first.ChallengeName !== 'PASSWORD_VERIFIER') return { ok: false, error: `Got${first.ChallengeName}` };
    const userIdForSrp = params.USER_ID_FOR_SRP ?? '';
    const key = passwordKey({
      poolName,
      userIdForSrp,
      password: PASSWORD,
      saltHex: params.SALT ?? '',
      srpBHex: params.SRP_B ?? '',
      ephemeral,
    });
    const timestamp = cognitoTimestamp(new Date());
    const secretBlock = params.SECRET_BLOCK ?? '';
    const second = await wire.call<ChallengeAnswer>('RespondToAuthChallenge', {
      ChallengeName: 'PASSWORD_VERIFIER',
      ClientId: info.clientId,
      Session: first.Session,
      ChallengeResponses: {
        USERNAME: userIdForSrp,
        PASSWORD_CLAIM_SECRET_BLOCK: secretBlock,
        TIMESTAMP: timestamp,
        PASSWORD_CLAIM_SIGNATURE: claimSignature(key, poolName, userIdForSrp, secretBlock, timestamp),
      },
      ...(options.device ? { ClientMetadata: { deviceId: options.device.id } } : {}),
    });
    const challenge = second.ChallengeParameters ?? {};
    const expected = options.device ? 'DEVICE_PROOF' : 'SMS_OTP';
    if (second.ChallengeName !== 'CUSTOM_CHALLENGE' || challenge.type !== expected) {
      return { ok: false, error: `Got${second.ChallengeName ?? 'Nothing'}:${challenge.type ?? ''}` };
    }
    let answer: string;
    if (options.device) {
      answer = options.device.sign(
        `device-proof:${info.userPoolId}:${user.sub ?? ''}:${challenge.challenge ?? ''}`,
      );
    } else {
      // The user reads the SMS: the newest message to their phone, which must be a new one.
      const sms = await wire.getJson<OutboxMessage[]>(
        `/_local/outbox?to=${encodeURIComponent(user.phone ?? '')}&channel=sms`,
      );
      if (sms.length <= user.smsSeen) return { ok: false, error: 'NoNewSms' };
      user.smsSeen = sms.length;
      const length = Number(challenge.length ?? 6);
      const code = new RegExp(`\\b(\\d{${length}})\\b`).exec(sms.at(-1)?.body ?? '')?.[1];
      if (!code) return { ok: false, error: 'NoCodeInSms' };
      answer = code;
    }
    const third = await wire.call<ChallengeAnswer>('RespondToAuthChallenge', {
      ChallengeName: 'CUSTOM_CHALLENGE',
      ClientId: info.clientId,
      Session: second.Session,
      ChallengeResponses: { USERNAME: userIdForSrp, ANSWER: answer },
      ...(options.remember ? { ClientMetadata: { rememberDevice: options.remember.spki } } : {}),
    });
    if (!third.AuthenticationResult?.IdToken)
      return { ok: false, error: `Got${third.ChallengeName ?? 'NoTokens'}` };
    return { ok: true };
  } catch (error) {
    return failure(error);
  }
}

/** SMS messages the outbox holds for the user's phone. */
export async function smsCount(wire: Wire, user: User): Promise<number> {
  const sms = await wire.getJson<OutboxMessage[]>(
    `/_local/outbox?to=${encodeURIComponent(user.phone ?? '')}&channel=sms`,
  );
  return sms.length;
}
