/**
 * Every metric the triggers emit, in one table: the code emits only these names (a metric name is
 * typed against this table), and the alarms and the dashboard (resources/alarms.yml,
 * resources/dashboard.yml) may name only these; a package test checks both ways. What each means to
 * an operator, and what to do about it: docs/operations.md.
 *
 * Plain data, no imports: the package test and the docs read it without loading any trigger.
 *
 * Dimensions are low-cardinality by construction: `service` (Powertools' own), `stage`, `trigger`
 * (the Cognito trigger that counted it) and, for a metric that lists `reasons`, `reason`: one of
 * those values (a value that starts with a listed one and `_`, such as `consume_revoked`, counts as
 * it), or `other` for anything else; so nothing a user typed, no user and no phone number can ever
 * become a dimension. Each datum is emitted with two dimension sets, without and with `reason`, so
 * an alarm reads the total and the dashboard the breakdown.
 */

/** The CloudWatch namespace of every metric of the suite. */
export const METRICS_NAMESPACE = 'CognitoAuthTriggers';

/** A `reason` that is not in a metric's list is emitted as this. */
export const OTHER_REASON = 'other';

export type TriggerName =
  | 'PreSignUp'
  | 'PostConfirmation'
  | 'PreAuthentication'
  | 'CustomMessage'
  | 'DefineAuthChallenge'
  | 'CreateAuthChallenge'
  | 'VerifyAuthChallengeResponse';

export const ALL_TRIGGERS: readonly TriggerName[] = [
  'PreSignUp',
  'PostConfirmation',
  'PreAuthentication',
  'CustomMessage',
  'DefineAuthChallenge',
  'CreateAuthChallenge',
  'VerifyAuthChallengeResponse',
];

export interface MetricDefinition {
  /** One line for the docs and the dashboard. */
  about: string;
  /** The triggers that emit it. Empty: reserved for a feature that has not landed yet. */
  emittedBy: readonly TriggerName[];
  /** The values of its `reason` dimension; absent: the metric has no reason. */
  reasons?: readonly string[];
}

export const METRICS = {
  SignInsCompleted: {
    about: 'A right SMS code was accepted: the second factor is proven (tokens, or the steps its path adds)',
    emittedBy: ['VerifyAuthChallengeResponse'],
  },
  SignInsFailed: {
    about: 'Define failed a sign-in (reason: why; protocol breaches other than these are `other`)',
    emittedBy: ['DefineAuthChallenge'],
    reasons: [
      'srp_failed',
      'wrong_password',
      'new_password_failed',
      'too_many_wrong_codes',
      'too_many_phone_attempts',
      'too_many_rounds',
      'user_not_found',
      'phone_path_for_verified_user',
      'foreign_challenge',
      'unknown_intent',
      'too_many_resends',
    ],
  },
  CodesSent: {
    about: 'A code went out, SMS through SNS or email through SES (reason: what it is for)',
    emittedBy: ['CreateAuthChallenge'],
    reasons: ['sign_in', 'verify_phone', 'replace_phone', 'email_proof'],
  },
  SendsRefused: {
    about: 'A send limit refused to send a code; nothing was sent (reason: the limit)',
    emittedBy: ['CreateAuthChallenge'],
    reasons: ['user', 'phone', 'unproven_phone', 'unproven_user', 'resends'],
  },
  AnswersRejected: {
    about: 'A wrong answer, counted once per round toward the lockout (reason: as the failure record)',
    emittedBy: ['VerifyAuthChallengeResponse'],
    reasons: [
      'wrong_code',
      'expired_code',
      'dead_code',
      'invalid_phone',
      'wrong_recovery_code',
      'wrong_device_proof',
    ],
  },
  PhonesEnrolled: {
    about: 'A user proved a first phone number with its code and it became their verified phone_number',
    emittedBy: ['VerifyAuthChallengeResponse'],
  },
  PhoneChanges: {
    about: 'A user replaced a verified phone number (intent change_phone, or after a recovery code)',
    emittedBy: ['VerifyAuthChallengeResponse'],
  },
  DeviceProofs: {
    about: 'A remembered device proved a sign-in instead of an SMS code (one SMS saved)',
    emittedBy: ['VerifyAuthChallengeResponse'],
  },
  DevicesRemembered: {
    about: 'A user asked to remember a device with a right SMS code and it was stored',
    emittedBy: ['VerifyAuthChallengeResponse'],
  },
  DeviceRevocations: {
    about:
      "A user's remembered devices were revoked by their own account event, once per event (reason: a password reset, a recovery code)",
    emittedBy: ['PostConfirmation', 'VerifyAuthChallengeResponse'],
    reasons: ['password_reset', 'recovery_code_used'],
  },
  RecoveryCodesUsed: {
    about: 'A user proved a sign-in with a recovery code instead of an SMS code',
    emittedBy: ['VerifyAuthChallengeResponse'],
  },
  RecoveryCodeSets: {
    about: 'A user acknowledged a new set of recovery codes (first enrolment, recovery, or on request)',
    emittedBy: ['VerifyAuthChallengeResponse'],
  },
  LockoutsStarted: {
    about: 'A wrong answer brought a user to the lockout limit (the locked_out notice is sent)',
    emittedBy: ['VerifyAuthChallengeResponse'],
  },
  Lockouts: {
    about: 'A sign-in was refused after the password because the user is locked out',
    emittedBy: ['CreateAuthChallenge', 'VerifyAuthChallengeResponse'],
  },
  SuspensionsDenied: {
    about: 'A sign-in was refused after the password because an operator suspended the user',
    emittedBy: ['CreateAuthChallenge', 'VerifyAuthChallengeResponse'],
  },
  InvitesAccepted: {
    about:
      'An invite was consumed (PostConfirmation, the reconciliation, or a federated sign-up in PreSignUp)',
    emittedBy: ['PreSignUp', 'PostConfirmation', 'PreAuthentication'],
  },
  InvitesRefused: {
    about: 'A sign-up was refused for its invite (reason: why)',
    emittedBy: ['PreSignUp'],
    reasons: [
      'missing_email',
      'missing_code',
      'malformed_code',
      'no_invite_for_email',
      'code_mismatch',
      'expired',
      'revoked',
      'already_accepted',
      'federated_sign_up_off',
      'email_not_verified_by_provider',
      'consume',
    ],
  },
  Refusals: {
    about: 'A trigger refused a request on purpose (every such refusal is also a Lambda error)',
    emittedBy: ALL_TRIGGERS,
    reasons: [
      'InvalidInvitationError',
      'InvalidEventError',
      'SignInNotAllowedError',
      'SendLimitError',
      'ChallengeExpiredError',
      'SmsUnavailableError',
      'EmailUnavailableError',
    ],
  },
  SecurityNoticesSent: {
    about:
      "A security notice went to the user's verified email through SES (reason: the event; a failed send counts as DependencyFailures ses)",
    emittedBy: ['VerifyAuthChallengeResponse'],
    // SECURITY_EVENTS of functions/shared/auth-state/keys.ts (a unit test keeps them equal).
    reasons: [
      'phone_bound',
      'phone_changed',
      'phone_reset',
      'recovery_code_used',
      'recovery_codes_new',
      'locked_out',
      'suspended',
      'device_remembered',
      'devices_revoked',
    ],
  },
  DependencyFailures: {
    about: 'A call to AWS failed, or the invocation ran out of its time budget (reason: which)',
    emittedBy: ALL_TRIGGERS,
    reasons: ['dynamodb', 'sns', 'ses', 'cognito', 'deadline'],
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;
