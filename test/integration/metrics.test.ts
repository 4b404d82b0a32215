/**
 * The metric lines the real triggers write, against DynamoDB Local, driven as Cognito drives them
 * (test/helpers/custom-auth.ts for the custom rounds): which metric each path counts, with which
 * trigger and reason, and that no line holds anything about the user (sub, user name, email,
 * phone number, code). SNS and Cognito's admin API are faked (aws-sdk-client-mock).
 */
import { randomUUID } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminUpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { PublishCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { AccountStatusStore } from '#shared/auth-state/account-status';
import { RecoveryStore } from '#shared/auth-state/recovery-store';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
import { sns } from '#shared/aws/sns';
import { newRecoverySet } from '#shared/challenge/recovery-codes';
import { canonicalInviteCode, generateInviteCode } from '#shared/invites/code';
import { newInvite } from '#shared/invites/invite';
import { InviteStore } from '#shared/invites/store';
import { METRICS, METRICS_NAMESPACE, type MetricName } from '#shared/metric-catalog';
import { handler as postConfirmation } from '../../functions/post-confirmation/handler';
import { handler as preSignUp } from '../../functions/pre-signup/handler';
import { common, confirmedJustNow, newUser, SignIn, type TestUser } from '../helpers/custom-auth';
import { captureLogs } from '../unit/shared/capture-logs';

process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.STAGE = 'integration';

const snsMock = mockClient(sns);
const idp = mockClient(cognito);
const accounts = new AccountStatusStore(dynamodb, 'auth-state-test');
const invites = new InviteStore(dynamodb, 'invites-test');
let outbox: Array<{ to: string; body: string }> = [];
let phoneCounter = 0;
const uniquePhone = () => `+1201556${String((process.pid * 7 + phoneCounter++) % 10_000).padStart(4, '0')}`;
const lastCodeTo = (phone: string) => {
  const body = [...outbox].reverse().find((sms) => sms.to === phone)?.body ?? '';
  return /\b(\d{6})\b/.exec(body)?.[1] ?? '';
};

/** Every user, number and code a test used: none may appear in a metric line. */
const secrets = new Set<string>();

beforeEach(() => {
  outbox = [];
  snsMock.reset();
  idp.reset();
  snsMock.on(PublishCommand).callsFake(async (input) => {
    outbox.push({ to: input.PhoneNumber, body: input.Message });
    const code = /\b(\d{6})\b/.exec(input.Message ?? '')?.[1];
    if (code) secrets.add(code);
    return { MessageId: randomUUID() };
  });
  idp.on(AdminUpdateUserAttributesCommand).resolves({});
  idp.on(AdminAddUserToGroupCommand).resolves({});
});

interface Counted {
  trigger: string;
  metric: string;
  reason?: string;
}
const all: Record<string, unknown>[] = [];

/** Runs `work` and returns what it counted, in order (and keeps every line for the final checks). */
async function counted(work: () => Promise<unknown>): Promise<Counted[]> {
  const logs = captureLogs();
  try {
    await work().catch(() => undefined);
  } finally {
    logs.restore();
  }
  const lines = logs.records().filter((record) => '_aws' in record);
  all.push(...lines);
  return lines.map((line) => {
    const metric = (line._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> })
      .CloudWatchMetrics[0]?.Metrics[0]?.Name as string;
    return { trigger: String(line.trigger), metric, ...(line.reason ? { reason: String(line.reason) } : {}) };
  });
}

function remember(user: TestUser, phone?: string) {
  for (const value of [user.sub, user.userName, user.attributes.email, phone, phone?.slice(-10)]) {
    if (value) secrets.add(value);
  }
}

describe('the custom sign-in counts what happens', () => {
  test('a sign-in: the code sent, a wrong code, then the right one', async () => {
    const phone = uniquePhone();
    const user = newUser(phone);
    remember(user, phone);
    let signIn: SignIn | undefined;
    expect(await counted(async () => (signIn = await SignIn.start(user)))).toEqual([
      { trigger: 'CreateAuthChallenge', metric: 'CodesSent', reason: 'sign_in' },
    ]);
    expect(await counted(() => (signIn as SignIn).answer('000000'))).toEqual([
      { trigger: 'VerifyAuthChallengeResponse', metric: 'AnswersRejected', reason: 'wrong_code' },
    ]);
    // The retry of that Verify by Cognito counts nothing more.
    expect(await counted(() => (signIn as SignIn).retryVerify())).toEqual([]);
    expect(await counted(() => (signIn as SignIn).answer(lastCodeTo(phone)))).toEqual([
      { trigger: 'VerifyAuthChallengeResponse', metric: 'SignInsCompleted' },
    ]);
    expect(signIn?.outcome).toBe('tokens');
    // Cognito retrying the right answer's Verify: right again, the sign-in not counted twice.
    let retried: boolean | undefined;
    expect(await counted(async () => (retried = await (signIn as SignIn).retryVerify()))).toEqual([]);
    expect(retried).toBe(true);
  });

  test('an enrolment, then a recovery: enrolled, codes set, a recovery code used, the phone changed', async () => {
    const user = newUser();
    await confirmedJustNow(user.sub);
    const phone = uniquePhone();
    remember(user, phone);
    let signIn = undefined as unknown as SignIn;
    await counted(async () => (signIn = await SignIn.start(user)));
    expect(await counted(() => signIn.answer('+33612345678'))).toEqual([
      { trigger: 'VerifyAuthChallengeResponse', metric: 'AnswersRejected', reason: 'invalid_phone' },
    ]);
    expect(await counted(() => signIn.answer(phone))).toEqual([
      { trigger: 'CreateAuthChallenge', metric: 'CodesSent', reason: 'verify_phone' },
    ]);
    expect(await counted(() => signIn.answer(lastCodeTo(phone)))).toEqual([
      { trigger: 'VerifyAuthChallengeResponse', metric: 'PhonesEnrolled' },
      { trigger: 'VerifyAuthChallengeResponse', metric: 'SignInsCompleted' },
    ]);
    const codes = (signIn.round?.publicParameters.codes ?? '').split(' ');
    for (const code of codes) secrets.add(code);
    expect(await counted(() => signIn.answer('OK'))).toEqual([
      { trigger: 'VerifyAuthChallengeResponse', metric: 'RecoveryCodeSets' },
    ]);
    expect(signIn.outcome).toBe('tokens');
    // What AdminUpdateUserAttributes did (the fake only answers): later events carry the phone.
    expect(idp.commandCalls(AdminUpdateUserAttributesCommand)).toHaveLength(1);
    Object.assign(user.attributes, { phone_number: phone, phone_number_verified: 'true' });

    // The phone is lost: RECOVERY, a right recovery code, a new number proven, new codes.
    const newPhone = uniquePhone();
    remember(user, newPhone);
    let recovery = undefined as unknown as SignIn;
    await counted(async () => (recovery = await SignIn.start(user)));
    expect(await counted(() => recovery.answer('RECOVERY'))).toEqual([]);
    expect(recovery.round?.publicParameters.type).toBe('RECOVERY_CODE');
    expect(await counted(() => recovery.answer(codes[0] as string))).toEqual([
      { trigger: 'VerifyAuthChallengeResponse', metric: 'RecoveryCodesUsed' },
    ]);
    expect(await counted(() => recovery.answer(newPhone))).toEqual([
      { trigger: 'CreateAuthChallenge', metric: 'CodesSent', reason: 'replace_phone' },
    ]);
    expect(await counted(() => recovery.answer(lastCodeTo(newPhone)))).toEqual([
      { trigger: 'VerifyAuthChallengeResponse', metric: 'PhoneChanges' },
      { trigger: 'VerifyAuthChallengeResponse', metric: 'SignInsCompleted' },
    ]);
    expect(await counted(() => recovery.answer('ok'))).toEqual([
      { trigger: 'VerifyAuthChallengeResponse', metric: 'RecoveryCodeSets' },
    ]);
    expect(recovery.outcome).toBe('tokens');
  });

  test('a wrong recovery code is a rejected answer (wrong_recovery_code); RECOVERY itself counts nothing', async () => {
    const phone = uniquePhone();
    const user = newUser(phone);
    remember(user, phone);
    const set = newRecoverySet(user.sub, 10);
    await new RecoveryStore(dynamodb, 'auth-state-test').replaceSet(user.sub, {
      hashes: set.hashes,
      nonce: randomUUID().replaceAll('-', ''),
      now: Date.now(),
    });
    let signIn = undefined as unknown as SignIn;
    await counted(async () => (signIn = await SignIn.start(user)));
    expect(await counted(() => signIn.answer('RECOVERY'))).toEqual([]);
    const wrong = 'ZZZZ-ZZZZ-ZZZZ';
    secrets.add(wrong);
    expect(await counted(() => signIn.answer(wrong))).toEqual([
      { trigger: 'VerifyAuthChallengeResponse', metric: 'AnswersRejected', reason: 'wrong_recovery_code' },
    ]);
    // Cognito retrying that Verify counts nothing more.
    expect(await counted(() => signIn.retryVerify())).toEqual([]);
  });

  /** A sign-in with intent new_recovery_codes, up to the acknowledged set (what it counts, checked). */
  async function newSetAcknowledged(): Promise<SignIn> {
    const phone = uniquePhone();
    const user = newUser(phone);
    remember(user, phone);
    let signIn = undefined as unknown as SignIn;
    await counted(async () => (signIn = await SignIn.start(user)));
    expect(await counted(() => signIn.answer(lastCodeTo(phone), { intent: 'new_recovery_codes' }))).toEqual([
      { trigger: 'VerifyAuthChallengeResponse', metric: 'SignInsCompleted' },
    ]);
    expect(signIn.round?.publicParameters.type).toBe('RECOVERY_CODES');
    for (const code of (signIn.round?.publicParameters.codes ?? '').split(' ')) secrets.add(code);
    expect(await counted(() => signIn.answer('OK'))).toEqual([
      { trigger: 'VerifyAuthChallengeResponse', metric: 'RecoveryCodeSets' },
    ]);
    expect(signIn.outcome).toBe('tokens');
    return signIn;
  }

  test('intent new_recovery_codes: the sign-in code, then a new set acknowledged', async () => {
    await newSetAcknowledged();
  });

  // Failed before cd3b504: the retry counted the set (and sent recovery_codes_new) again.
  test('Cognito retrying the Verify of the acknowledgement counts the set once', async () => {
    const signIn = await newSetAcknowledged();
    expect(await counted(() => signIn.retryVerify())).toEqual([]);
  });

  test('three wrong codes: Define fails the sign-in, and says why', async () => {
    const phone = uniquePhone();
    const user = newUser(phone);
    remember(user, phone);
    let signIn = undefined as unknown as SignIn;
    await counted(async () => (signIn = await SignIn.start(user)));
    await counted(() => signIn.answer('000001'));
    await counted(() => signIn.answer('000002'));
    expect(await counted(() => signIn.answer('000003'))).toEqual([
      { trigger: 'VerifyAuthChallengeResponse', metric: 'AnswersRejected', reason: 'wrong_code' },
      { trigger: 'DefineAuthChallenge', metric: 'SignInsFailed', reason: 'too_many_wrong_codes' },
    ]);
    expect(signIn.outcome).toBe('failed');
  });

  test('a suspended user is refused after the password: a refusal, and a suspension denied', async () => {
    const phone = uniquePhone();
    const user = newUser(phone);
    remember(user, phone);
    await accounts.suspend(user.sub, { reason: 'test', at: new Date().toISOString(), by: 'test' });
    expect(await counted(() => SignIn.start(user))).toEqual([
      { trigger: 'CreateAuthChallenge', metric: 'Refusals', reason: 'SignInNotAllowedError' },
      { trigger: 'CreateAuthChallenge', metric: 'SuspensionsDenied' },
    ]);
  });

  test('SNS refusing the SMS: a dependency failure of SNS', async () => {
    const phone = uniquePhone();
    const user = newUser(phone);
    remember(user, phone);
    snsMock
      .on(PublishCommand)
      .rejects(
        Object.assign(new Error(`Invalid parameter: ${phone}`), { name: 'InvalidParameterException' }),
      );
    expect(await counted(() => SignIn.start(user))).toEqual([
      { trigger: 'CreateAuthChallenge', metric: 'DependencyFailures', reason: 'sns' },
    ]);
  });
});

describe('invites', () => {
  const signUpEvent = (email: string, code?: string) => ({
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_INTEGRATION',
    userName: randomUUID(),
    callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'integration' },
    triggerSource: 'PreSignUp_SignUp',
    request: {
      userAttributes: { email },
      validationData: null,
      clientMetadata: code ? { inviteCode: code } : {},
    },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  });

  test('a sign-up refused for its invite, by reason', async () => {
    const email = `metrics-${randomUUID()}@example.com`;
    secrets.add(email);
    expect(await counted(() => preSignUp(signUpEvent(email) as never))).toEqual([
      { trigger: 'PreSignUp', metric: 'Refusals', reason: 'InvalidInvitationError' },
      { trigger: 'PreSignUp', metric: 'InvitesRefused', reason: 'missing_code' },
    ]);
    const wrong = generateInviteCode();
    secrets.add(wrong);
    expect((await counted(() => preSignUp(signUpEvent(email, wrong) as never)))[1]).toEqual({
      trigger: 'PreSignUp',
      metric: 'InvitesRefused',
      reason: 'no_invite_for_email',
    });
  });

  test('an invite accepted at confirmation is counted once, not again on a retry', async () => {
    const email = `metrics-${randomUUID()}@example.com`;
    const code = generateInviteCode();
    secrets.add(email);
    secrets.add(code);
    await invites.put(newInvite({ email, code: canonicalInviteCode(code) ?? '', days: 7, now: new Date() }));
    const user = newUser();
    remember(user);
    const event = {
      ...common(user),
      triggerSource: 'PostConfirmation_ConfirmSignUp',
      request: { userAttributes: { sub: user.sub, email } },
      response: {},
    };
    expect(await counted(() => postConfirmation(structuredClone(event) as never))).toEqual([
      { trigger: 'PostConfirmation', metric: 'InvitesAccepted' },
    ]);
    expect(await counted(() => postConfirmation(structuredClone(event) as never))).toEqual([]);
  });
});

describe('every line written above', () => {
  test('is a metric of the catalog, in its namespace, from a trigger that emits it, with its dimensions only', () => {
    expect(all.length).toBeGreaterThan(15);
    for (const line of all) {
      const aws = line._aws as {
        CloudWatchMetrics: Array<{
          Namespace: string;
          Dimensions: string[][];
          Metrics: Array<{ Name: string }>;
        }>;
      };
      const [group] = aws.CloudWatchMetrics;
      const name = group?.Metrics[0]?.Name as MetricName;
      const definition = METRICS[name];
      expect({ name, known: definition !== undefined }).toEqual({ name, known: true });
      expect(group?.Namespace).toBe(METRICS_NAMESPACE);
      expect((definition.emittedBy as readonly string[]).includes(String(line.trigger))).toBe(true);
      const keys = Object.keys(line)
        .filter((key) => key !== '_aws' && key !== name)
        .sort();
      expect(keys).toEqual(
        'reasons' in definition ? ['reason', 'service', 'stage', 'trigger'] : ['service', 'stage', 'trigger'],
      );
      expect(line).toMatchObject({ service: 'cognito-auth-triggers', stage: 'integration' });
    }
  });

  test('holds nothing about a user: no sub, user name, email, phone number or code', () => {
    const text = JSON.stringify(all);
    const leaked = [...secrets].filter((secret) => text.includes(secret));
    expect(leaked).toEqual([]);
    expect(secrets.size).toBeGreaterThan(10);
  });
});
