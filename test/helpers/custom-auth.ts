/**
 * Cognito's CUSTOM_AUTH loop one round at a time, with the real Define, Create and Verify handlers
 * (their state in the test DynamoDB engine), for tests that interleave sign-ins or repeat an
 * invocation the way Cognito's retries do:
 *
 *   const a = await SignIn.start(user);        // SRP_A, PASSWORD_VERIFIER, then the first round
 *   await SignIn.start(user, { deviceId })     // with the PASSWORD_VERIFIER call's ClientMetadata
 *   a.round?.publicParameters.type             // 'SMS_OTP'
 *   await a.answer('000000');                  // Verify, then Define, then Create of the next round
 *   await a.answer('123456', { intent: 'change_phone' }) // with the call's ClientMetadata
 *   await a.retryVerify();                     // the last Verify event again, as Cognito retries it
 *   a.outcome                                  // 'challenge' | 'tokens' | 'failed'
 *
 * A trigger that rejects makes `start`/`answer` reject with its message, as Cognito would show it
 * to the client. SNS and Cognito's admin API are the caller's to fake: nothing here calls AWS.
 */
import { randomUUID } from 'node:crypto';
import type { SessionEntry } from '#shared/challenge/session';
import { handler as createHandler } from '../../functions/create-auth-challenge/handler';
import { handler as defineHandler } from '../../functions/define-auth-challenge/handler';
import { handler as verifyHandler } from '../../functions/verify-auth-challenge/handler';

export interface TestUser {
  sub: string;
  userName: string;
  attributes: Record<string, string>;
}

/** A fresh user (own sub, email); with a phone, that number is on file and verified. */
export function newUser(phone?: string): TestUser {
  const sub = randomUUID();
  const attributes: Record<string, string> = { sub, email: `${sub}@example.com`, email_verified: 'true' };
  if (phone) Object.assign(attributes, { phone_number: phone, phone_number_verified: 'true' });
  return { sub, userName: sub, attributes };
}

export function common(user: TestUser) {
  return {
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_INTEGRATION',
    userName: user.userName,
    callerContext: { awsSdkVersion: 'aws-sdk-js-3', clientId: 'integration' },
  };
}

const PASSWORD_ROUNDS: SessionEntry[] = [
  { challengeName: 'SRP_A', challengeResult: true, challengeMetadata: null },
  { challengeName: 'PASSWORD_VERIFIER', challengeResult: true, challengeMetadata: null },
];

export interface Round {
  publicParameters: Record<string, string>;
  privateParameters: Record<string, string>;
  metadata: string;
}

type VerifyEvent = Parameters<typeof verifyHandler>[0];

export class SignIn {
  readonly session: SessionEntry[] = [];
  outcome: 'challenge' | 'tokens' | 'failed' = 'challenge';
  /** The round the client is asked to answer (while `outcome` is 'challenge'). */
  round: Round | undefined;
  private lastVerify: VerifyEvent | undefined;

  private constructor(readonly user: TestUser) {}

  /**
   * The password rounds (as after a correct SRP) and the first custom round. `clientMetadata` is the
   * PASSWORD_VERIFIER call's (e.g. a remembered device's `deviceId`): it reaches the Define and
   * Create of the first custom round.
   */
  static async start(user: TestUser, clientMetadata?: Record<string, string>): Promise<SignIn> {
    const signIn = new SignIn(user);
    signIn.session.push(structuredClone(PASSWORD_ROUNDS[0] as SessionEntry));
    const first = (await signIn.define()).response;
    if (first.challengeName !== 'PASSWORD_VERIFIER')
      throw new Error(`Define answered SRP_A with ${JSON.stringify(first)}`);
    signIn.session.push(structuredClone(PASSWORD_ROUNDS[1] as SessionEntry));
    await signIn.next(clientMetadata);
    return signIn;
  }

  /**
   * Answers the current round; Verify's verdict goes into the session, then the next round.
   * `clientMetadata` is the RespondToAuthChallenge call's: Cognito passes it to the Verify, Define
   * and Create that call causes (never to a later call's).
   */
  async answer(text: string, clientMetadata?: Record<string, string>): Promise<boolean> {
    const round = this.round;
    if (this.outcome !== 'challenge' || !round) throw new Error(`no round to answer (${this.outcome})`);
    this.lastVerify = {
      ...common(this.user),
      triggerSource: 'VerifyAuthChallengeResponse_Authentication',
      request: {
        userAttributes: { ...this.user.attributes },
        privateChallengeParameters: { ...round.privateParameters },
        challengeAnswer: text,
        ...(clientMetadata ? { clientMetadata } : {}),
      },
      response: {},
    } as VerifyEvent;
    const correct = await this.verifyAgain();
    this.session.push({
      challengeName: 'CUSTOM_CHALLENGE',
      challengeResult: correct,
      challengeMetadata: round.metadata,
    });
    this.round = undefined;
    await this.next(clientMetadata);
    return correct;
  }

  /** The last Verify invocation again, the very same event: what Cognito does after a timeout. */
  async retryVerify(): Promise<boolean> {
    if (!this.lastVerify) throw new Error('no Verify to retry');
    return this.verifyAgain();
  }

  private async verifyAgain(): Promise<boolean> {
    const result = await verifyHandler(structuredClone(this.lastVerify as VerifyEvent));
    return result.response.answerCorrect === true;
  }

  private define(clientMetadata?: Record<string, string>) {
    return defineHandler({
      ...common(this.user),
      triggerSource: 'DefineAuthChallenge_Authentication',
      request: {
        userAttributes: { ...this.user.attributes },
        session: structuredClone(this.session),
        ...(clientMetadata ? { clientMetadata } : {}),
      },
      response: {},
    });
  }

  private async next(clientMetadata?: Record<string, string>): Promise<void> {
    const decision = (await this.define(clientMetadata)).response;
    if (decision.issueTokens) {
      this.outcome = 'tokens';
      return;
    }
    if (decision.failAuthentication) {
      this.outcome = 'failed';
      return;
    }
    if (decision.challengeName !== 'CUSTOM_CHALLENGE')
      throw new Error(`Define answered with ${JSON.stringify(decision)}`);
    const created = (
      await createHandler({
        ...common(this.user),
        triggerSource: 'CreateAuthChallenge_Authentication',
        request: {
          userAttributes: { ...this.user.attributes },
          challengeName: 'CUSTOM_CHALLENGE',
          session: structuredClone(this.session),
          ...(clientMetadata ? { clientMetadata } : {}),
        },
        response: {},
      })
    ).response;
    this.round = {
      publicParameters: created.publicChallengeParameters ?? {},
      privateParameters: created.privateChallengeParameters ?? {},
      metadata: created.challengeMetadata ?? '',
    };
  }
}

/**
 * The sign-up was confirmed just now (what PostConfirmation records): a first enrolment is within
 * the grace and goes straight to PHONE_REQUIRED. Without it, it starts with an EMAIL_OTP round.
 */
export async function confirmedJustNow(sub: string): Promise<void> {
  const { AccountStatusStore } = await import('#shared/auth-state/account-status');
  const { dynamodb } = await import('#shared/aws/dynamodb');
  await new AccountStatusStore(dynamodb, process.env.AUTH_STATE_TABLE ?? 'auth-state-test').markConfirmed(
    sub,
    new Date(),
  );
}
