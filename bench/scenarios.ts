/**
 * What each trigger is timed on: its success path, from the fixture Cognito would send
 * (fixtures/*.json), with the AWS answers that path needs. The answers are built with the
 * project's own domain code (an invite from `newInvite`, a code record hashed with `hashCode`),
 * so they are what the real tables would hold. `check` proves the invocation took the success
 * path: a bench that timed an early rejection would look fast and mean nothing.
 *
 * `variants` are other paths whose AWS calls are counted (not timed), e.g. the group add of
 * PostConfirmation or Verify's first phone proof.
 */
import { INVITE_RECONCILED_SK } from '#shared/auth-state/account-status';
import { CONFIRMED_SK, userPk } from '#shared/auth-state/keys';
import { hashCode } from '#shared/challenge/code';
import { type CodePurpose, newRoundId, privateParameters } from '#shared/challenge/protocol';
import { newRecoverySet, normaliseRecoveryCode, recoveryCodeHash } from '#shared/challenge/recovery-codes';
import { canonicalInviteCode, generateInviteCode } from '#shared/invites/code';
import { normaliseEmail } from '#shared/invites/email';
import { newInvite } from '#shared/invites/invite';
import { createDeviceProof, verifyDeviceProof, verifyRegistration } from './device-scenarios';
import { item, type Prepared, readFixture } from './fixtures';

export type { Json, Prepared } from './fixtures';
export { readFixture } from './fixtures';

export interface Scenario {
  /** The fixture it starts from (fixtures/<name>.json). */
  fixture: string;
  /** One line: which path this is. */
  path: string;
  prepare(): Prepared;
  /** The floor of AWS calls per invocation for this path: the issue's, or the shared contract's. */
  floor: string;
  floorCalls: number;
  variants?: Array<{ label: string; prepare(): Prepared; floorCalls: number }>;
}

function preSignUp(): Prepared {
  const event = readFixture('pre-signup.sign-up');
  const code = generateInviteCode();
  event.request.clientMetadata.inviteCode = code;
  const email = normaliseEmail(event.request.userAttributes.email) ?? '';
  // Stored as the invites CLI stores it: the hash of the canonical code.
  const invite = newInvite({ email, code: canonicalInviteCode(code) ?? code, days: 7, now: new Date() });
  return {
    event,
    responses: { 'dynamodb:GetItem': { Item: item({ ...invite }) } },
    check: (out) => (out?.response?.autoConfirmUser === true ? undefined : 'sign-up not auto-confirmed'),
  };
}

function postConfirmation(group?: string): () => Prepared {
  return () => {
    const event = readFixture('post-confirmation.confirm-sign-up');
    const attributes = event.request.userAttributes;
    const email = normaliseEmail(attributes.email) ?? '';
    const now = new Date();
    const invite = newInvite({ email, code: generateInviteCode(), group, days: 7, now });
    const accepted = {
      ...invite,
      status: 'accepted',
      acceptedBy: attributes.sub,
      acceptedAt: now.toISOString(),
    };
    return {
      event,
      responses: { 'dynamodb:UpdateItem': { Attributes: item(accepted) } },
      check: (out) => (out?.response ? undefined : 'no response'),
    };
  };
}

function preAuthentication(reconciled: boolean): () => Prepared {
  return () => {
    const event = readFixture('pre-authentication');
    const sub = event.request.userAttributes.sub;
    const email = normaliseEmail(event.request.userAttributes.email) ?? '';
    const now = new Date();
    const items = reconciled
      ? [item({ pk: userPk(sub), sk: INVITE_RECONCILED_SK, at: now.toISOString() })]
      : [];
    const invite = newInvite({ email, code: generateInviteCode(), days: 7, now });
    return {
      event,
      responses: {
        'dynamodb:Query': { Items: items, Count: items.length, ScannedCount: items.length },
        'dynamodb:UpdateItem': {
          Attributes: item({ ...invite, status: 'accepted', acceptedBy: sub, acceptedAt: now.toISOString() }),
        },
      },
      check: (out) => (out?.response ? undefined : 'no response'),
    };
  };
}

function customMessage(): Prepared {
  const event = readFixture('custom-message.sign-up');
  return {
    event,
    responses: {},
    check: (out) =>
      typeof out?.response?.emailMessage === 'string' && out.response.emailMessage.includes('{####}')
        ? undefined
        : 'no email message with the code placeholder',
  };
}

function defineAuthChallenge(): Prepared {
  const event = readFixture('define-auth-challenge.sms-otp');
  return {
    event,
    responses: {},
    check: (out) =>
      out?.response?.issueTokens === true ? undefined : 'tokens not issued after a right code',
  };
}

function createAuthChallenge(): Prepared {
  const event = readFixture('create-auth-challenge.sms-otp');
  return {
    event,
    // Every write succeeds (the code is claimed, the send limits have room); SNS accepts.
    responses: {},
    check: (out) =>
      out?.response?.publicChallengeParameters?.type === 'SMS_OTP'
        ? undefined
        : 'no SMS_OTP challenge created',
  };
}

/** The round after a RESEND, past the cooldown: the stored code (marked by Verify) is replaced. */
function createAfterResend(): Prepared {
  const event = readFixture('create-auth-challenge.sms-otp-retry');
  const id = String(event.request.session.at(-1).challengeMetadata).split(':')[1];
  const { sub, phone_number: phone } = event.request.userAttributes;
  const now = Date.now();
  return {
    event,
    responses: {
      'dynamodb:GetItem': {
        Item: item({
          pk: `CHALLENGE#${sub}`,
          sk: 'CODE',
          id,
          roundKey: 'the-first-round',
          purpose: 'sign_in',
          phone,
          destination: '+*******0123',
          length: 6,
          ...hashCode('123456'),
          createdAt: now - 60_000,
          expiresAt: now + 120_000,
          ttl: Math.floor(now / 1000) + 3780,
          resendFor: id,
        }),
      },
    },
    check: (out) =>
      String(out?.response?.challengeMetadata).endsWith(':resent') ? undefined : 'no new code after RESEND',
  };
}

function verifyAuthChallenge(
  purpose: CodePurpose,
  answer: 'right' | 'wrong' | 'resend' = 'right',
): () => Prepared {
  return () => {
    const event = readFixture('verify-auth-challenge.sms-otp');
    const { phone_number: phone } = event.request.userAttributes;
    // A number is only ever bound to a user who has no verified phone yet.
    if (purpose === 'verify_phone') delete event.request.userAttributes.phone_number_verified;
    const { id, length } = event.request.privateChallengeParameters;
    // The round as Create built it: the hash of the code the answer carries, unexpired.
    event.request.privateChallengeParameters = privateParameters({
      type: 'SMS_OTP',
      id,
      length: Number(length),
      ...hashCode(event.request.challengeAnswer),
      expiresAt: Date.now() + 170_000,
      purpose,
      ...(purpose === 'verify_phone' ? { phone } : {}),
    });
    if (answer === 'wrong') {
      const digits = event.request.challengeAnswer;
      event.request.challengeAnswer = digits.replace(/\d$/, (d: string) => String((Number(d) + 1) % 10));
    }
    if (answer === 'resend') event.request.challengeAnswer = 'RESEND';
    const expected = answer === 'right';
    return {
      event,
      responses: {},
      check: (out) =>
        out?.response?.answerCorrect === expected ? undefined : `the ${answer} answer was judged wrongly`,
    };
  };
}

/** Create for a user without a phone: the enrolment's first round (the email code, or the number). */
function createEnrolment(withinGrace: boolean): () => Prepared {
  return () => {
    const event = readFixture('create-auth-challenge.phone-required');
    const sub = event.request.userAttributes.sub;
    event.request.userAttributes.email_verified = 'true';
    const items = withinGrace
      ? [item({ pk: userPk(sub), sk: CONFIRMED_SK, at: new Date(Date.now() - 60_000).toISOString() })]
      : [];
    const expected = withinGrace ? 'PHONE_REQUIRED' : 'EMAIL_OTP';
    return {
      event,
      responses: { 'dynamodb:Query': { Items: items, Count: items.length, ScannedCount: items.length } },
      check: (out) =>
        out?.response?.publicChallengeParameters?.type === expected ? undefined : `no ${expected} round`,
    };
  };
}

/** Create after a right sign-in code: a new set of recovery codes (intent new_recovery_codes). */
function createRecoveryCodes(): Prepared {
  const event = readFixture('create-auth-challenge.sms-otp');
  const id = newRoundId();
  event.request.session.push({
    challengeName: 'CUSTOM_CHALLENGE',
    challengeResult: true,
    challengeMetadata: `SMS_OTP:${id}`,
  });
  event.request.clientMetadata = { intent: 'new_recovery_codes' };
  return {
    event,
    responses: {},
    check: (out) =>
      out?.response?.publicChallengeParameters?.type === 'RECOVERY_CODES'
        ? undefined
        : 'no RECOVERY_CODES round',
  };
}

/** Create after the reserved answer RECOVERY: the code read (its `recoveryFor`), a RECOVERY_CODE round. */
function createAfterRecovery(): Prepared {
  const prepared = createAfterResend();
  const code = prepared.responses['dynamodb:GetItem'] as { Item: Record<string, { S?: string }> };
  code.Item.recoveryFor = code.Item.resendFor as { S?: string };
  delete code.Item.resendFor;
  return {
    ...prepared,
    check: (out) =>
      out?.response?.publicChallengeParameters?.type === 'RECOVERY_CODE'
        ? undefined
        : 'no RECOVERY_CODE round',
  };
}

/** Verify of the recovery rounds: a right recovery code (burnt, told), or OK to a new set (stored, told). */
function verifyRecovery(kind: 'code' | 'codes' | 'switch'): () => Prepared {
  return () => {
    const event = readFixture('verify-auth-challenge.sms-otp');
    const { sub } = event.request.userAttributes;
    event.request.userAttributes.email_verified = 'true';
    const set = newRecoverySet(sub, 10);
    const id = newRoundId();
    const responses: Record<string, unknown> = {};
    if (kind === 'code') {
      event.request.privateChallengeParameters = privateParameters({ type: 'RECOVERY_CODE', id });
      event.request.challengeAnswer = set.codes[0];
      const hash = recoveryCodeHash(sub, normaliseRecoveryCode(set.codes[0] as string) as string);
      responses['dynamodb:UpdateItem'] = {
        Attributes: item({ codes: new Set([hash, ...set.hashes.slice(1)]) }),
      };
    } else if (kind === 'codes') {
      event.request.privateChallengeParameters = privateParameters({
        type: 'RECOVERY_CODES',
        id,
        hashes: set.hashes,
      });
      event.request.challengeAnswer = 'OK';
    } else {
      event.request.challengeAnswer = 'RECOVERY';
    }
    const expected = kind !== 'switch';
    return {
      event,
      responses,
      check: (out) =>
        out?.response?.answerCorrect === expected ? undefined : `the ${kind} answer was judged wrongly`,
    };
  };
}

/** Keyed by the Cognito trigger a function is attached to. */
export const SCENARIOS: Record<string, Scenario> = {
  PreSignUp: {
    fixture: 'pre-signup.sign-up',
    path: 'invited sign-up allowed',
    prepare: preSignUp,
    floor: '1: read the invite (issue)',
    floorCalls: 1,
  },
  CustomMessage: {
    fixture: 'custom-message.sign-up',
    path: 'sign-up code email rendered',
    prepare: customMessage,
    floor: '0 (nothing to call)',
    floorCalls: 0,
  },
  PostConfirmation: {
    fixture: 'post-confirmation.confirm-sign-up',
    path: 'invite consumed (no group)',
    prepare: postConfirmation(),
    floor:
      '2: the confirmation time (enrolment grace, issue 12) + one conditional write; + group add when the invite names one',
    floorCalls: 2,
    variants: [{ label: 'invite names a group', prepare: postConfirmation('beta-testers'), floorCalls: 3 }],
  },
  PreAuthentication: {
    fixture: 'pre-authentication',
    path: 'sign-in allowed (invite already reconciled)',
    prepare: preAuthentication(true),
    floor: '1: one Query of the user partition (shared contract)',
    floorCalls: 1,
    variants: [
      {
        label: "user's first sign-in (reconciles the invite)",
        prepare: preAuthentication(false),
        floorCalls: 3,
      },
    ],
  },
  DefineAuthChallenge: {
    fixture: 'define-auth-challenge.sms-otp',
    path: 'right code -> tokens',
    prepare: defineAuthChallenge,
    floor: '0 (issue)',
    floorCalls: 0,
  },
  CreateAuthChallenge: {
    fixture: 'create-auth-challenge.sms-otp',
    path: 'code sent to the phone on file',
    prepare: createAuthChallenge,
    floor: '3: the lockout read + one state write + one SNS publish (issue 10)',
    floorCalls: 3,
    variants: [
      {
        label: 'new code after RESEND (the code read, then as the first send)',
        prepare: createAfterResend,
        floorCalls: 4,
      },
      {
        label: 'first enrolment within the grace: PHONE_REQUIRED (the status read only)',
        prepare: createEnrolment(true),
        floorCalls: 1,
      },
      {
        label: 'first enrolment after the grace: EMAIL_OTP (status read, claim, SES SendEmail)',
        prepare: createEnrolment(false),
        floorCalls: 3,
      },
      {
        label: 'RECOVERY_CODE round after RECOVERY (status read, the code read)',
        prepare: createAfterRecovery,
        floorCalls: 2,
      },
      {
        label: 'RECOVERY_CODES round (status read; the set goes in the private parameters)',
        prepare: createRecoveryCodes,
        floorCalls: 1,
      },
      {
        label:
          'DEVICE_PROOF round for a remembered device (the status read, which holds the devices; no SMS)',
        prepare: createDeviceProof,
        floorCalls: 1,
      },
    ],
  },
  VerifyAuthChallengeResponse: {
    fixture: 'verify-auth-challenge.sms-otp',
    path: 'right sign-in code',
    prepare: verifyAuthChallenge('sign_in'),
    floor:
      '2: the lockout read + the answer recorded on the code (issue 10); the rarer paths below add what they must tell',
    floorCalls: 2,
    variants: [
      {
        label: 'first phone proof (+ the phone bound, its audit record and security email)',
        prepare: verifyAuthChallenge('verify_phone'),
        floorCalls: 5,
      },
      {
        label: 'RECOVERY (a request on the code; no failure, no attempt)',
        prepare: verifyRecovery('switch'),
        floorCalls: 2,
      },
      {
        label: 'right recovery code (burnt with one update; audit record, security email)',
        prepare: verifyRecovery('code'),
        floorCalls: 4,
      },
      {
        label: 'OK to new recovery codes (one put; audit record, security email)',
        prepare: verifyRecovery('codes'),
        floorCalls: 4,
      },
      {
        label: 'wrong code (counted on the code, failure recorded)',
        prepare: verifyAuthChallenge('sign_in', 'wrong'),
        floorCalls: 2,
      },
      {
        label: 'RESEND (a request on the code; no failure, no attempt)',
        prepare: verifyAuthChallenge('sign_in', 'resend'),
        floorCalls: 2,
      },
      {
        label: 'right device proof (status read with the device, one conditional update)',
        prepare: verifyDeviceProof('right'),
        floorCalls: 2,
      },
      {
        label: 'wrong device proof (as a wrong code: counted, failure recorded)',
        prepare: verifyDeviceProof('wrong'),
        floorCalls: 2,
      },
      {
        label:
          'right sign-in code with rememberDevice (the right code + one put of the device; audit record, security email)',
        prepare: verifyRegistration(verifyAuthChallenge('sign_in')),
        floorCalls: 5,
      },
    ],
  },
};

/** Total calls and the per-operation breakdown, e.g. `3 (dynamodb:UpdateItem x2, sns:Publish)`. */
export function describeCalls(counts: Record<string, number>): { total: number; detail: string } {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const detail = entries.map(([op, n]) => (n > 1 ? `${op} x${n}` : op)).join(', ');
  return { total, detail };
}
