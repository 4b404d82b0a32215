/**
 * Remember this device (docs/protocol.md, "Remembered devices"): after one SMS code, sign-ins from
 * this device prove it with a signature instead, for as long as the stack remembers it. The key
 * pair is ECDSA P-256 made with WebCrypto (browsers; Node's `globalThis.crypto`), the private key
 * non-extractable: it never leaves the device, and the stack stores only the public key.
 *
 * - Register: with the answer to an SMS code, `ClientMetadata.rememberDevice` (the public key's
 *   SPKI, base64url) and, optionally, `deviceName`. Once signed in, keep the private key, the
 *   device id (base64url SHA-256 of the SPKI) and the user's `sub` from the ID token: the signed
 *   text names the user by `sub`, which the app does not know before a sign-in.
 * - Use: `ClientMetadata.deviceId` with the password (PASSWORD_VERIFIER); the DEVICE_PROOF round's
 *   answer is the signature over `device-proof:<userPoolId>:<sub>:<challenge>`. An expired, revoked
 *   or unknown device gets the SMS code instead: the key is then forgotten (the user may remember
 *   the device again at that code).
 */
import { type Answer, answerRound, type DeviceSide, type RoundParameters, type SignInUi } from './rounds';

/** A WebCrypto `CryptoKey` (the global type of that name in browsers). */
export type DeviceKey = Parameters<typeof crypto.subtle.sign>[1];

/** What the app keeps for one user pool and user (IndexedDB stores the CryptoKey as it is). */
export interface RememberedDevice {
  /** base64url SHA-256 of the public key's SPKI: `ClientMetadata.deviceId`. */
  deviceId: string;
  /** Non-extractable: it can sign, here, and nothing can read it out. */
  privateKey: DeviceKey;
  /** The user's `sub`, from the ID token of the sign-in that remembered the device. */
  sub: string;
  /** The name sent as `deviceName` ('' for none). */
  name: string;
}

/** Where the app keeps the remembered device of one user pool and user (keyed by both). */
export interface DeviceStorage {
  load(): Promise<RememberedDevice | undefined>;
  save(device: RememberedDevice): Promise<void>;
  forget(): Promise<void>;
}

const base64url = (bytes: ArrayBuffer): string =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** A new key pair: the private key (non-extractable), the public key to send and the device id. */
export async function newDeviceKey(): Promise<{
  deviceId: string;
  privateKey: DeviceKey;
  publicKey: string;
}> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const spki = await crypto.subtle.exportKey('spki', pair.publicKey);
  return {
    deviceId: base64url(await crypto.subtle.digest('SHA-256', spki)),
    privateKey: pair.privateKey,
    publicKey: base64url(spki),
  };
}

/** ClientMetadata that asks to remember a device, sent with the answer to an SMS code. */
export const rememberMetadata = (publicKey: string, name: string): Record<string, string> => ({
  rememberDevice: publicKey,
  ...(name ? { deviceName: name } : {}),
});

/** The DEVICE_PROOF answer: ECDSA P-256 / SHA-256, IEEE P1363 as WebCrypto returns it, base64url. */
export async function deviceProof(
  device: RememberedDevice,
  userPoolId: string,
  challenge: string,
): Promise<string> {
  const text = new TextEncoder().encode(`device-proof:${userPoolId}:${device.sub}:${challenge}`);
  return base64url(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, device.privateKey, text));
}

/**
 * The device's part of one sign-in (amplify.ts and sdk-v3.ts use it). Without a storage the app
 * remembers no device: no `deviceId` is sent and nothing is offered.
 */
export class DeviceSignIn implements DeviceSide {
  private offered?: { deviceId: string; privateKey: DeviceKey; publicKey: string; name: string };
  private lastRound?: string;

  private constructor(
    private readonly userPoolId: string,
    private readonly storage: DeviceStorage | undefined,
    /** The device this sign-in names, if any. */
    readonly remembered: RememberedDevice | undefined,
  ) {}

  /** Loads this user's remembered device; none with an intent (an intent never skips the code). */
  static async start(userPoolId: string, storage?: DeviceStorage, intent?: string): Promise<DeviceSignIn> {
    return new DeviceSignIn(userPoolId, storage, intent ? undefined : await storage?.load());
  }

  /** ClientMetadata of the password step (PASSWORD_VERIFIER): the remembered device's id. */
  passwordMetadata(): Record<string, string> {
    return this.remembered ? { deviceId: this.remembered.deviceId } : {};
  }

  /** answerRound (rounds.ts), with this device's proof and offer. */
  answer(parameters: RoundParameters, ui: SignInUi): Promise<Answer> {
    this.onRound(parameters.type);
    return answerRound(parameters, ui, this.storage ? this : undefined);
  }

  /** Each round's type as it comes (answer() does it): the last before the tokens tells how it ended. */
  onRound(type: string | undefined): void {
    this.lastRound = type;
  }

  async proof(challenge: string): Promise<string> {
    if (!this.remembered) throw new Error('DEVICE_PROOF without a remembered device');
    return deviceProof(this.remembered, this.userPoolId, challenge);
  }

  /** One key pair per sign-in, whichever SMS code it goes with. */
  async offer(name: string): Promise<Record<string, string>> {
    this.offered = { ...(this.offered ?? (await newDeviceKey())), name };
    return rememberMetadata(this.offered.publicKey, name);
  }

  /** Tokens came straight after the device's proof: no SMS code was needed. */
  get signedInWithDevice(): boolean {
    return this.remembered !== undefined && this.lastRound === 'DEVICE_PROOF';
  }

  /**
   * Once signed in (`sub`: the ID token's claim): keep the device just remembered, or forget one
   * the stack no longer knows (it was named, yet the SMS code was asked).
   */
  async finish(sub: unknown): Promise<void> {
    if (this.offered && typeof sub === 'string' && sub) {
      const { deviceId, privateKey, name } = this.offered;
      await this.storage?.save({ deviceId, privateKey, sub, name });
    } else if (this.remembered && !this.signedInWithDevice) await this.storage?.forget();
  }
}
