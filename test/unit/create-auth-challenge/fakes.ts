/**
 * CreateAuthChallenge's use-case with its ports faked (deps.ts): every store, sender and clock is a
 * jest.fn the test scripts and then reads. The handler tests (handler.test.ts) cover the adapters'
 * calls; these cover what the use-case decides.
 */
import type { AccountRecords } from '#shared/auth-state/account-status';
import type { CodeRecord, DecoyState, IssueResult, ReusePolicy } from '#shared/auth-state/challenge-store';
import type { NamedCounter } from '#shared/auth-state/send-limits';
import { hashCode } from '#shared/challenge/code';
import type { SessionEntry } from '#shared/challenge/session';
import type { CreateAuthChallengeEvent } from '#shared/events/create-auth-challenge';
import type {
  CreateDeps,
  CreateSettings,
} from '../../../functions/create-auth-challenge/create-auth-challenge';

export const SUB = '8f3c2b1a-5d4e-4f60-9a7b-1c2d3e4f5a6b';
export const EMAIL = 'ada.lovelace@example.com';
export const PHONE = '+12015550123';
export const NEW_PHONE = '+447400123456';
/** A fixed clock: every time in these tests is relative to it. */
export const NOW = new Date('2030-03-04T05:06:07.000Z');
export const minutesBefore = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

export const SETTINGS: CreateSettings = {
  codeLength: 6,
  codeTtlSeconds: 180,
  resendCooldownSeconds: 30,
  perUserPerHour: 5,
  perPhonePerDay: 10,
  unprovenPerPhonePerDay: 3,
  unprovenPerUserPerDay: 5,
  maxCodeAttempts: 3,
  maxResends: 2,
  lockout: { maxFailures: 5, windowMinutes: 15 },
  allowedCountries: ['US', 'CA', 'GB'],
  appName: 'Example',
};

export interface EventInput {
  session: SessionEntry[];
  /** Replaces the default attributes (a user with a verified email and no phone). */
  attributes?: Record<string, string>;
  userNotFound?: boolean;
  clientMetadata?: Record<string, string>;
}

/** A user with a verified email and no phone. */
export const enrolling = (): Record<string, string> => ({
  sub: SUB,
  email: EMAIL,
  email_verified: 'true',
  'cognito:user_status': 'CONFIRMED',
});
/** A user whose phone is verified. */
export const withPhone = (): Record<string, string> => ({
  ...enrolling(),
  phone_number: PHONE,
  phone_number_verified: 'true',
});

export function createEvent(input: EventInput): CreateAuthChallengeEvent {
  return {
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_EXAMPLE1',
    userName: input.userNotFound ? 'nobody@example.com' : SUB,
    callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'unit' },
    triggerSource: 'CreateAuthChallenge_Authentication',
    request: {
      userAttributes: input.userNotFound ? {} : (input.attributes ?? enrolling()),
      challengeName: 'CUSTOM_CHALLENGE',
      session: structuredClone(input.session),
      userNotFound: input.userNotFound ?? false,
      ...(input.clientMetadata ? { clientMetadata: input.clientMetadata } : {}),
    },
    response: { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null },
  } as CreateAuthChallengeEvent;
}

/** A stored code as `issueCode` wrote it (a sign-in code for `123456` unless told otherwise). */
export function storedCode(overrides: Partial<CodeRecord> = {}): CodeRecord {
  const now = NOW.getTime();
  return {
    pk: `CHALLENGE#${SUB}`,
    sk: 'CODE',
    id: 'a'.repeat(32),
    roundKey: 'an-earlier-round',
    purpose: 'sign_in',
    phone: PHONE,
    destination: '+*******0123',
    length: 6,
    ...hashCode('123456'),
    createdAt: now - 60_000,
    expiresAt: now + 120_000,
    ttl: Math.ceil(now / 1000) + 3900,
    ...overrides,
  };
}

export interface Issued {
  record: CodeRecord;
  policy: ReusePolicy;
  counters: readonly NamedCounter[];
}

export interface Fakes {
  deps: CreateDeps;
  /** What `issueCode` was asked to store, in order. */
  issued: Issued[];
  email: { send: jest.Mock };
  sms: { send: jest.Mock };
  release: jest.Mock;
  accounts: { read: jest.Mock };
  challenges: {
    getCode: jest.Mock;
    issueCode: jest.Mock;
    getPhoneCandidate: jest.Mock;
    decoyState: jest.Mock;
  };
  takeUnit: jest.Mock;
  pause: jest.Mock;
}

export interface FakeInput {
  records?: Partial<AccountRecords>;
  code?: CodeRecord | undefined;
  candidate?: string | undefined;
  decoy?: Partial<DecoyState>;
  issue?: IssueResult;
  /** `null`: no email sender configured. */
  email?: null;
  settings?: Partial<CreateSettings>;
}

export function fakes(input: FakeInput = {}): Fakes {
  const issued: Issued[] = [];
  const email = { send: jest.fn(async () => undefined) };
  const sms = { send: jest.fn(async () => undefined) };
  const release = jest.fn(async () => undefined);
  const accounts = { read: jest.fn(async () => ({ failures: [], ...input.records })) };
  const challenges = {
    getCode: jest.fn(async () => input.code),
    issueCode: jest.fn(
      async (_sub: string, record: CodeRecord, policy: ReusePolicy, counters: readonly NamedCounter[]) => {
        issued.push({ record, policy, counters });
        return input.issue ?? ({ outcome: 'claimed' } as IssueResult);
      },
    ),
    getPhoneCandidate: jest.fn(async () => input.candidate),
    decoyState: jest.fn(async () => ({ digits: '4821', ...input.decoy })),
  };
  const takeUnit = jest.fn(async () => true);
  const pause = jest.fn(async () => undefined);
  const deps: CreateDeps = {
    accounts,
    challenges,
    cleanup: () => ({ releaseCode: release }),
    sendLimits: { takeUnit },
    sms,
    ...(input.email === null ? {} : { email }),
    settings: { ...SETTINGS, ...input.settings },
    now: () => new Date(NOW),
    pauseLikeASend: pause,
  };
  return { deps, issued, email, sms, release, accounts, challenges, takeUnit, pause };
}

/** The code a fake sender was given (the email's `code`, or the digits in the SMS text). */
export const emailedCode = (f: Fakes): string | undefined =>
  (f.email.send.mock.calls[0]?.[0] as { code?: string } | undefined)?.code;
export const textedCode = (f: Fakes): string | undefined =>
  /\b(\d{6})\b/.exec(String((f.sms.send.mock.calls[0]?.[0] as { message?: string })?.message))?.[1];

/** Nothing left the use-case: no code stored, no SMS, no email. */
export function expectNothingSent(f: Fakes): void {
  expect(f.challenges.issueCode).not.toHaveBeenCalled();
  expect(f.sms.send).not.toHaveBeenCalled();
  expect(f.email.send).not.toHaveBeenCalled();
}
