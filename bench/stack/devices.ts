/**
 * What a remembered device saves (issue 15), on the local stack: SMS per returning sign-in with and
 * without a remembered device. Users who have signed in once already (with an SMS code) sign in:
 *   1. once with the SMS code, asking to remember a new device (ClientMetadata.rememberDevice);
 *   2. `returning` times with that device (deviceId with the password, then its signature over the
 *      DEVICE_PROOF challenge): the phase timed at concurrency 8;
 *   3. once more without naming the device: the SMS code again.
 * SMS are counted in the stack's outbox, per user, before and after each phase (not timed).
 */
import type { StackInfo } from '../../local/stack';
import {
  type BenchDevice,
  type Journey,
  newBenchDevice,
  type Outcome,
  type PhaseResult,
  signIn,
  smsCount,
  type User,
} from './journeys';
import type { Wire } from './wire';

export interface SmsPerSignIn {
  signIns: number;
  failed: number;
  /** SMS the outbox received for these users over the phase. */
  sms: number;
  /** sms / completed sign-ins. */
  perSignIn: number;
}

export interface DeviceResult {
  users: number;
  registration: SmsPerSignIn;
  withDevice: SmsPerSignIn;
  withoutDevice: SmsPerSignIn;
}

export type RunPhase = (
  journey: Journey,
  queues: User[][],
  run: (user: User) => Promise<Outcome>,
) => Promise<PhaseResult>;

const CONCURRENCY = 8;

/** `users` over CONCURRENCY workers, each signing its own users in `rounds` times, in turn. */
function queues(users: User[], rounds: number): User[][] {
  const owned: User[][] = Array.from({ length: CONCURRENCY }, () => []);
  for (const [i, user] of users.entries()) owned[i % CONCURRENCY]?.push(user);
  return owned.map((mine) => Array.from({ length: rounds }, () => mine).flat());
}

export async function measureRememberedDevices(input: {
  wire: Wire;
  info: StackInfo;
  users: User[];
  returning: number;
  runPhase: RunPhase;
}): Promise<{ result: DeviceResult; phases: PhaseResult[] }> {
  const { wire, info, users, runPhase } = input;
  const devices = new Map<User, BenchDevice>(users.map((user) => [user, newBenchDevice()]));
  const deviceOf = (user: User) => devices.get(user) as BenchDevice;
  const smsNow = async () =>
    (await Promise.all(users.map((user) => smsCount(wire, user)))).reduce((a, b) => a + b, 0);

  const measured = async (journey: Journey, rounds: number, run: (user: User) => Promise<Outcome>) => {
    const before = await smsNow();
    const phase = await runPhase(journey, queues(users, rounds), run);
    const sms = (await smsNow()) - before;
    const count: SmsPerSignIn = {
      signIns: phase.completed,
      failed: phase.failed,
      sms,
      perSignIn: sms / Math.max(1, phase.completed),
    };
    return { phase, count };
  };

  const registration = await measured('sign-in, registers a device', 1, (user) =>
    signIn(wire, info, user, { remember: deviceOf(user) }),
  );
  const withDevice = await measured('sign-in, remembered device', input.returning, (user) =>
    signIn(wire, info, user, { device: deviceOf(user) }),
  );
  const withoutDevice = await measured('sign-in, device not named', 1, (user) => signIn(wire, info, user));
  return {
    result: {
      users: users.length,
      registration: registration.count,
      withDevice: withDevice.count,
      withoutDevice: withoutDevice.count,
    },
    phases: [registration.phase, withDevice.phase, withoutDevice.phase],
  };
}
