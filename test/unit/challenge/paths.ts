/**
 * Every path of the protocol (session.ts) walked right, step by step: the custom round answered,
 * then what Define and Create must do next. Shared by the path and intent tests.
 */
import type { Intent } from '#shared/challenge/protocol';
import type { RoundPlan, SessionEntry, SignInUser } from '#shared/challenge/session';
import {
  CODE_ID,
  code,
  EMAIL_ID,
  email,
  NEW_CODE_ID,
  PHONE_ID,
  phone,
  recoveryCode,
  recoveryCodes,
  UNVERIFIED,
  VERIFIED,
} from './sessions';

/** One step of a walk: the round answered (and a wrong answer to it), then what comes next. */
export interface Step {
  right: SessionEntry;
  /** A failed answer to the same round, and the plan that follows it. */
  wrong: { entry: SessionEntry; plan: RoundPlan };
  /** After `right`: the next round's plan, or tokens. */
  next: RoundPlan | 'tokens';
}

export interface Walk {
  name: string;
  /** The user as Define sees them at the start. */
  user: SignInUser;
  /** The intent passed on the call that answers the sign-in code (undefined: none). */
  intent: Intent | 'unknown' | undefined;
  first: RoundPlan;
  steps: Step[];
}

const smsToProfile: RoundPlan = { kind: 'send_code', phoneFrom: 'profile', deviceMayProve: true };
const repeatSms = (codeRoundId: string): RoundPlan => ({
  kind: 'repeat_code',
  channel: 'SMS_OTP',
  codeRoundId,
  resends: 0,
});
const askPhone = (purpose: 'verify_phone' | 'replace_phone'): RoundPlan => ({ kind: 'ask_phone', purpose });
const smsToNew = (purpose: 'verify_phone' | 'replace_phone'): RoundPlan => ({
  kind: 'send_code',
  phoneFrom: 'phone_round',
  phoneRoundId: PHONE_ID,
  purpose,
});
const showCodes: RoundPlan = { kind: 'recovery_codes' };

const signInCode = (next: RoundPlan | 'tokens'): Step => ({
  right: code(true),
  wrong: { entry: code(false), plan: repeatSms(CODE_ID) },
  next,
});
const number = (purpose: 'verify_phone' | 'replace_phone'): Step => ({
  right: phone(true),
  wrong: { entry: phone(false), plan: askPhone(purpose) },
  next: smsToNew(purpose),
});
const newNumberCode = (next: RoundPlan | 'tokens'): Step => ({
  right: code(true, NEW_CODE_ID),
  wrong: { entry: code(false, NEW_CODE_ID), plan: repeatSms(NEW_CODE_ID) },
  next,
});
const codesShown: Step = {
  right: recoveryCodes(true),
  wrong: { entry: recoveryCodes(false), plan: showCodes },
  next: 'tokens',
};

export const WALKS: Walk[] = [
  { name: 'sign-in', user: VERIFIED, intent: undefined, first: smsToProfile, steps: [signInCode('tokens')] },
  {
    name: 'change phone',
    user: VERIFIED,
    intent: 'change_phone',
    first: smsToProfile,
    steps: [signInCode(askPhone('replace_phone')), number('replace_phone'), newNumberCode('tokens')],
  },
  {
    name: 'new recovery codes',
    user: VERIFIED,
    intent: 'new_recovery_codes',
    first: smsToProfile,
    steps: [signInCode(showCodes), codesShown],
  },
  {
    name: 'recovery',
    user: VERIFIED,
    intent: undefined,
    first: smsToProfile,
    steps: [
      // The failed SMS round answered RECOVERY (Verify marks the code; Create's plan is repeat_code).
      {
        right: code(false),
        wrong: { entry: code(false), plan: repeatSms(CODE_ID) },
        next: repeatSms(CODE_ID),
      },
      {
        right: recoveryCode(true),
        wrong: { entry: recoveryCode(false), plan: { kind: 'ask_recovery_code' } },
        next: askPhone('replace_phone'),
      },
      number('replace_phone'),
      newNumberCode(showCodes),
      codesShown,
    ],
  },
  {
    name: 'enrolment',
    user: UNVERIFIED,
    intent: undefined,
    first: { kind: 'start_enrolment' },
    steps: [number('verify_phone'), newNumberCode(showCodes), codesShown],
  },
  {
    name: 'enrolment with an email proof',
    user: UNVERIFIED,
    intent: undefined,
    first: { kind: 'start_enrolment' },
    steps: [
      {
        right: email(true),
        wrong: {
          entry: email(false),
          plan: { kind: 'repeat_code', channel: 'EMAIL_OTP', codeRoundId: EMAIL_ID, resends: 0 },
        },
        next: askPhone('verify_phone'),
      },
      number('verify_phone'),
      newNumberCode(showCodes),
      codesShown,
    ],
  },
];

/** The custom rounds of a walk's first `n` steps answered right. */
export const rightRounds = (walk: Walk, n = walk.steps.length): SessionEntry[] =>
  walk.steps.slice(0, n).map((step) => step.right);

/** Every prefix of a walk: the rounds so far and what comes next. */
export function prefixes(walk: Walk): { rounds: SessionEntry[]; next: RoundPlan | 'tokens' }[] {
  return [
    { rounds: [], next: walk.first },
    ...walk.steps.map((step, index) => ({ rounds: rightRounds(walk, index + 1), next: step.next })),
  ];
}

export const isEnrolment = (walk: Walk): boolean => walk.user === UNVERIFIED;
