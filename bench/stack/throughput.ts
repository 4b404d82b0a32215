/**
 * Local stack throughput: complete 2FA sign-ins and invite sign-up journeys per second, at
 * concurrency 1 and 8, against a local stack running in a child process (bench/stack/stack-process.ts).
 *
 * - Sign-up journey: SignUp with the invite code in ClientMetadata -> PreSignUp (reads the invite)
 *   -> auto-confirmed -> PostConfirmation (consumes it) -> the answer. When the deployment does not
 *   auto-confirm, the journey goes on to read the email code from the outbox and ConfirmSignUp.
 *   Invites are written to DynamoDB beforehand (an admin's job, not timed).
 * - 2FA sign-in: InitiateAuth CUSTOM_AUTH with SRP_A -> PreAuthentication, Define ->
 *   RespondToAuthChallenge PASSWORD_VERIFIER (SRP verified) -> Define, Create (SMS sent) -> the
 *   code read from the outbox -> RespondToAuthChallenge CUSTOM_CHALLENGE -> Verify, Define -> tokens.
 *   Users get their phone beforehand (AdminUpdateUserAttributes, verified), as Verify sets it
 *   after a first sign-in. Each user signs in `SIGN_INS_PER_USER` time(s), so every sign-in gets a
 *   fresh code and SMS (the stack applies the deployed send limits and resend cooldown).
 *
 * - Remembered devices (bench/stack/devices.ts): users who signed in once come back, register a
 *   device with the SMS code, sign in with it (no SMS), then once without naming it (the SMS code):
 *   SMS per returning sign-in with and without a remembered device.
 *
 * Workers own disjoint users (one user never signs in twice at once). Each phase reports
 * completed/s over its wall time, p50/p99 of one journey, and the CPU both sides used; the stack's
 * peak RSS is its process's maxRSS at the end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { canonicalInviteCode, generateInviteCode } from '#shared/invites/code';
import { newInvite } from '#shared/invites/invite';
import { checkPhone } from '#shared/phone';
import type { StackInfo } from '../../local/stack';
import { type ColdProfile, profileByModule } from '../profile';
import { median, quantile } from '../stats';
import { type CrossCheck, crossCheck } from './cross-check';
import { type DeviceResult, measureRememberedDevices } from './devices';
import { type Outcome, type PhaseResult, signIn, signUp, type User } from './journeys';
import { Wire } from './wire';

const ROOT = join(__dirname, '..', '..');
/**
 * One measured sign-in per user: a second sign-in within RESEND_COOLDOWN_SECONDS would get the
 * code already sent (no new SMS, no Publish), a cheaper journey than the one measured here.
 */
const SIGN_INS_PER_USER = 1;
const SIGN_IN_TRIGGERS = ['DefineAuthChallenge', 'CreateAuthChallenge', 'VerifyAuthChallengeResponse'];

export type { PhaseResult } from './journeys';

export interface StackResult {
  /** Why nothing (or not everything) was measured. */
  notes: string[];
  srp: CrossCheck;
  triggers: Record<string, string>;
  phases: PhaseResult[];
  peakRssBytes: number | undefined;
  /** With --profile-stack: the stack's main-thread CPU over the measured phases, by module. */
  profile?: ColdProfile;
  /** SMS per returning sign-in, with a remembered device and without (bench/stack/devices.ts). */
  devices?: DeviceResult;
}

export interface StackPlan {
  signUps: { c1: number; c8: number };
  signIns: { c1: number; c8: number };
  /** Remembered devices (bench/stack/devices.ts): how many users, and their sign-ins with the device each. */
  devices: { users: number; returning: number };
  log: (line: string) => void;
  /** Run the stack under `node --cpu-prof` and break its main-thread CPU down by module. */
  profile?: boolean;
}

interface Usage {
  cpuMs: number;
  maxRssBytes: number;
  rssBytes: number;
}

class StackProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly info: StackInfo,
    private readonly stderr: () => string,
  ) {}

  static start(profileDir?: string): Promise<StackProcess> {
    const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', ...profile, join(__dirname, 'stack-process.ts')],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the local stack did not start within 90 s\n${stderr}`));
      }, 90_000);
      child.on('message', (message: { type?: string; url?: string; info?: StackInfo }) => {
        if (message.type === 'ready' && message.url && message.info) {
          clearTimeout(timer);
          resolve(new StackProcess(child, message.url, message.info, () => stderr));
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the local stack exited (${code}) before it was ready\n${stderr}`));
      });
    });
  }

  /** Sends `message` and resolves with the first answer of type `answer`. */
  ask<T>(message: object, answer: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: T & { type?: string }) => {
        if (reply.type !== answer) return;
        this.child.off('message', onMessage);
        resolve(reply);
      };
      this.child.on('message', onMessage);
      if (!this.child.send(message)) reject(new Error('the local stack is gone'));
    });
  }

  usage(): Promise<Usage> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: Usage & { type?: string }) => {
        if (message.type !== 'usage') return;
        this.child.off('message', onMessage);
        resolve(message);
      };
      this.child.on('message', onMessage);
      if (!this.child.send({ type: 'usage' })) reject(new Error('the local stack is gone'));
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.send({ type: 'stop' });
    });
  }

  lastErrors(): string {
    return this.stderr();
  }
}

/** Valid US mobile-or-fixed numbers from the 555-01xx range reserved for fiction, checked by our own rules. */
function phoneNumbers(count: number): string[] {
  const areas = [201, 202, 203, 205, 206, 212, 213, 305, 312, 415, 617, 646, 702, 718, 917];
  const phones: string[] = [];
  for (const area of areas) {
    for (let i = 0; i < 100 && phones.length < count; i++) {
      const phone = `+1${area}55501${String(i).padStart(2, '0')}`;
      if (checkPhone(phone, ['US']).ok) phones.push(phone);
    }
  }
  if (phones.length < count) throw new Error(`only ${phones.length} test phone numbers for ${count} users`);
  return phones;
}

async function seedInvites(info: StackInfo, users: User[]): Promise<void> {
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: info.region,
      endpoint: info.endpoints.dynamodb,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  try {
    const now = new Date();
    for (let i = 0; i < users.length; i += 25) {
      const batch = users.slice(i, i + 25).map((user) => ({
        PutRequest: {
          Item: newInvite({
            email: user.email,
            code: canonicalInviteCode(user.inviteCode) ?? user.inviteCode,
            days: 1,
            now,
          }),
        },
      }));
      let request: Record<string, (typeof batch)[number][]> | undefined = { [info.tables.invites]: batch };
      for (let attempt = 0; request && Object.keys(request).length > 0 && attempt < 10; attempt++) {
        const out: { UnprocessedItems?: Record<string, unknown[]> } = await documents.send(
          new BatchWriteCommand({ RequestItems: request }),
        );
        request = out.UnprocessedItems as typeof request;
      }
    }
  } finally {
    documents.destroy();
  }
}

/** Runs each worker's queue sequentially, all workers at once; times every journey. */
async function runPhase(
  journey: PhaseResult['journey'],
  queues: User[][],
  run: (user: User) => Promise<Outcome>,
  stack: StackProcess,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let failed = 0;
  const stackBefore = await stack.usage();
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    queues.map(async (queue) => {
      for (const user of queue) {
        const t0 = process.hrtime.bigint();
        const outcome = await run(user);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (outcome.ok) latencies.push(ms);
        else {
          failed++;
          errors[outcome.error] = (errors[outcome.error] ?? 0) + 1;
        }
      }
    }),
  );
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const stackAfter = await stack.usage();
  return {
    journey,
    concurrency: queues.length,
    completed: latencies.length,
    failed,
    errors,
    seconds: wallMs / 1000,
    perSecond: latencies.length / (wallMs / 1000),
    p50Ms: median(latencies),
    p99Ms: quantile(latencies, 0.99),
    generatorCpuPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    stackCpuPct: ((stackAfter.cpuMs - stackBefore.cpuMs) / wallMs) * 100,
    stackCpuMsPerJourney: (stackAfter.cpuMs - stackBefore.cpuMs) / Math.max(1, latencies.length),
  };
}

/** `count` sign-ups split over `concurrency` workers. */
function signUpQueues(users: User[], concurrency: number): User[][] {
  const queues: User[][] = Array.from({ length: concurrency }, () => []);
  for (const [i, user] of users.entries()) queues[i % concurrency]?.push(user);
  return queues;
}

/** `count` sign-ins over users with budget left, each worker owning its own users. */
function signInQueues(users: User[], count: number, concurrency: number): User[][] {
  const available = users.filter((user) => user.phone && user.signIns < SIGN_INS_PER_USER);
  const owned: User[][] = Array.from({ length: concurrency }, () => []);
  for (const [i, user] of available.entries()) owned[i % concurrency]?.push(user);
  const queues: User[][] = owned.map(() => []);
  for (let w = 0; w < concurrency; w++) {
    const share = Math.floor(count / concurrency) + (w < count % concurrency ? 1 : 0);
    const mine = owned[w] ?? [];
    let cursor = 0;
    while ((queues[w]?.length ?? 0) < share) {
      const candidates = mine.filter((user) => user.signIns < SIGN_INS_PER_USER);
      if (candidates.length === 0) {
        throw new Error(`not enough users for ${count} sign-ins (${SIGN_INS_PER_USER} each)`);
      }
      const user = candidates[cursor++ % candidates.length] as User;
      user.signIns++;
      queues[w]?.push(user);
    }
  }
  return queues;
}

export async function measureStack(plan: StackPlan): Promise<StackResult> {
  const notes: string[] = [];
  const srp = crossCheck();
  const result: StackResult = { notes, srp, triggers: {}, phases: [], peakRssBytes: undefined };
  if (!srp.ok) {
    notes.push(`SRP client disagrees with amazon-cognito-identity-js: ${srp.problems.join('; ')}`);
    return result;
  }
  plan.log(
    `SRP client cross-checked against amazon-cognito-identity-js (one key: ${srp.oursMs.toFixed(1)} ms ours, ${srp.libraryMs.toFixed(0)} ms theirs)`,
  );
  const profileDir = plan.profile ? mkdtempSync(join(tmpdir(), 'cat-stack-profile-')) : undefined;
  const profileFile = profileDir ? join(profileDir, 'stack.cpuprofile') : undefined;
  let profiling = false;
  const stack = await StackProcess.start();
  const wire = new Wire(stack.url, 16);
  try {
    const { info } = stack;
    result.triggers = info.triggers;
    plan.log(`local stack up at ${stack.url}: ${Object.keys(info.triggers).join(', ')}`);
    const warmup = 8;
    const runId = Date.now().toString(36);
    const total = warmup + plan.signUps.c1 + plan.signUps.c8;
    const phones = phoneNumbers(total);
    const users: User[] = Array.from({ length: total }, (_, i) => ({
      email: `bench.${runId}.${i}@example.com`,
      inviteCode: generateInviteCode(),
      phone: phones[i],
      smsSeen: 0,
      signIns: 0,
    }));

    if (!info.triggers.PreSignUp) {
      notes.push('serverless.yml attaches no PreSignUp trigger: sign-up journeys not measured');
      return result;
    }
    await seedInvites(info, users);
    const warmUsers = users.slice(0, warmup);
    const c1Users = users.slice(warmup, warmup + plan.signUps.c1);
    const c8Users = users.slice(warmup + plan.signUps.c1);
    await runPhase('sign-up', signUpQueues(warmUsers, 8), (u) => signUp(wire, info, u), stack);
    if (profileFile) {
      await stack.ask({ type: 'profile-start' }, 'profile-started');
      profiling = true;
    }
    for (const [concurrency, group] of [
      [1, c1Users],
      [8, c8Users],
    ] as const) {
      const phase = await runPhase(
        'sign-up',
        signUpQueues(group, concurrency),
        (u) => signUp(wire, info, u),
        stack,
      );
      result.phases.push(phase);
      plan.log(`sign-up journeys at concurrency ${concurrency}: ${phase.perSecond.toFixed(1)}/s`);
    }

    const missing = SIGN_IN_TRIGGERS.filter((trigger) => !info.triggers[trigger]);
    if (missing.length > 0) {
      notes.push(`serverless.yml attaches no ${missing.join(', ')}: 2FA sign-ins not measured`);
    } else {
      if (!info.triggers.PreAuthentication)
        notes.push('no PreAuthentication trigger attached: sign-ins ran without it');
      // Every signed-up user gets a verified phone, as Verify sets it after a first sign-in.
      const signedUp = users;
      await Promise.all(
        signUpQueues(signedUp, 8).map(async (queue) => {
          for (const user of queue) {
            await wire.call('AdminUpdateUserAttributes', {
              UserPoolId: info.userPoolId,
              Username: user.email,
              UserAttributes: [
                { Name: 'phone_number', Value: user.phone },
                { Name: 'phone_number_verified', Value: 'true' },
              ],
            });
          }
        }),
      );
      await runPhase('sign-in', signInQueues(signedUp, warmup, 8), (u) => signIn(wire, info, u), stack);
      for (const [concurrency, count] of [
        [1, plan.signIns.c1],
        [8, plan.signIns.c8],
      ] as const) {
        const phase = await runPhase(
          'sign-in',
          signInQueues(signedUp, count, concurrency),
          (u) => signIn(wire, info, u),
          stack,
        );
        result.phases.push(phase);
        plan.log(`2FA sign-ins at concurrency ${concurrency}: ${phase.perSecond.toFixed(1)}/s`);
      }
      // Users who signed in once already come back: with a remembered device, and without.
      const returning = signedUp.filter((user) => user.signIns > 0 && user.sub).slice(-plan.devices.users);
      const devices = await measureRememberedDevices({
        wire,
        info,
        users: returning,
        returning: plan.devices.returning,
        runPhase: (journey, queues, run) => runPhase(journey, queues, run, stack),
      });
      result.devices = devices.result;
      result.phases.push(...devices.phases);
      const { withDevice, withoutDevice } = devices.result;
      plan.log(
        `returning sign-ins: ${withDevice.perSignIn.toFixed(2)} SMS each with a remembered device, ` +
          `${withoutDevice.perSignIn.toFixed(2)} without`,
      );
    }
    if (profileFile && profiling) {
      await stack.ask({ type: 'profile-stop', file: profileFile }, 'profile-done');
      profiling = false;
      result.profile = profileByModule(profileFile, ROOT);
    }
    result.peakRssBytes = (await stack.usage()).maxRssBytes;
    return result;
  } catch (error) {
    notes.push(`stack run failed: ${error instanceof Error ? error.message : String(error)}`);
    const stderr = stack.lastErrors().trim();
    if (stderr) notes.push(`stack stderr: ${stderr.split('\n').slice(-5).join(' | ')}`);
    return result;
  } finally {
    wire.close();
    await stack.stop();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  }
}
