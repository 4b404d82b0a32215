import { randomInt } from 'node:crypto';
import { AccountStatusStore } from '#shared/auth-state/account-status';
import { ChallengeStore } from '#shared/auth-state/challenge-store';
import { lockoutSettings } from '#shared/auth-state/lockout-settings';
import { SendLimits } from '#shared/auth-state/send-limits';
import { dynamodb } from '#shared/aws/dynamodb';
import { emailSenderFrom, emailSenderOptions, emailSettings } from '#shared/aws/ses';
import { snsSmsSender } from '#shared/aws/sms';
import { sns } from '#shared/aws/sns';
import { CLEANUP_GRACE_MS, sleep, TRIGGER_BUDGET_MS, withDeadline } from '#shared/challenge/deadline';
import { attemptSettings, deviceSettings, resendSettings } from '#shared/challenge/settings';
import { readConfig, setting } from '#shared/config';
import { createAuthChallengeEvent } from '#shared/events/create-auth-challenge';
import { brandingFrom, brandingSettings } from '#shared/messages/index';
import { sendEmailOtp } from '#shared/notices/email-otp';
import { allowedCountriesSetting } from '#shared/phone';
import { trigger } from '#shared/trigger';
import { type CreateDeps, createAuthChallenge } from './create-auth-challenge';
import {
  checkCodeTimings,
  codeSettings,
  deliverySettings,
  enrolmentSettings,
  sendLimitSettings,
} from './settings';

const config = readConfig({
  AUTH_STATE_TABLE: setting.required(),
  ...codeSettings,
  ...sendLimitSettings,
  ...deliverySettings,
  ...allowedCountriesSetting,
  ...attemptSettings,
  ...resendSettings,
  ...lockoutSettings,
  ...enrolmentSettings,
  ...deviceSettings,
  ...brandingSettings,
  ...emailSettings,
});
checkCodeTimings(config);

const settings = {
  codeLength: config.OTP_LENGTH,
  codeTtlSeconds: config.OTP_TTL_SECONDS,
  resendCooldownSeconds: config.RESEND_COOLDOWN_SECONDS,
  perUserPerHour: config.SEND_LIMIT_PER_USER_PER_HOUR,
  perPhonePerDay: config.SEND_LIMIT_PER_PHONE_PER_DAY,
  unprovenPerPhonePerDay: config.SEND_LIMIT_UNPROVEN_PER_PHONE_PER_DAY,
  unprovenPerUserPerDay: config.SEND_LIMIT_UNPROVEN_PER_USER_PER_DAY,
  maxCodeAttempts: config.MAX_CODE_ATTEMPTS,
  maxResends: config.MAX_RESENDS,
  lockout: { maxFailures: config.LOCKOUT_MAX_FAILURES, windowMinutes: config.LOCKOUT_WINDOW_MINUTES },
  allowedCountries: config.ALLOWED_COUNTRIES,
  appName: config.APP_NAME,
  enrolmentEmailProof: config.ENROLMENT_EMAIL_PROOF,
  enrolmentGraceMinutes: config.ENROLMENT_GRACE_MINUTES,
  rememberDeviceDays: config.REMEMBER_DEVICE_DAYS,
};
/** EMAIL_OTP codes go out through SES from SECURITY_EMAIL_FROM; unset, no EMAIL_OTP round exists. */
const emailOptions = emailSenderOptions(config);
const branding = brandingFrom(config);

const smsOptions = {
  senderId: config.SMS_SENDER_ID,
  originationNumber: config.SMS_ORIGINATION_NUMBER,
  maxPriceUsd: config.SMS_MAX_PRICE_USD,
};

/** Rough time of the real path's calls (a DynamoDB transaction and an SNS Publish). */
const DECOY_PAUSE_MS = { min: 80, max: 200 };

/** Adapters are cheap objects: built per invocation so every call carries this invocation's deadline. */
function deps(signal: AbortSignal): CreateDeps {
  return {
    accounts: new AccountStatusStore(dynamodb, config.AUTH_STATE_TABLE, signal),
    challenges: new ChallengeStore(dynamodb, config.AUTH_STATE_TABLE, signal),
    cleanup: () =>
      new ChallengeStore(dynamodb, config.AUTH_STATE_TABLE, AbortSignal.timeout(CLEANUP_GRACE_MS - 50)),
    sendLimits: new SendLimits(dynamodb, config.AUTH_STATE_TABLE, signal),
    sms: snsSmsSender(sns, smsOptions, signal),
    email: emailCodes(signal),
    settings,
    now: () => new Date(),
    pauseLikeASend: () => sleep(randomInt(DECOY_PAUSE_MS.min, DECOY_PAUSE_MS.max), signal),
  };
}

function emailCodes(signal: AbortSignal): CreateDeps['email'] {
  const sender = emailSenderFrom(emailOptions, signal);
  if (!sender) return undefined;
  return { send: (message) => sendEmailOtp(sender, { ...message, branding }) };
}

export const handler = trigger('CreateAuthChallenge', createAuthChallengeEvent, (event) =>
  withDeadline(TRIGGER_BUDGET_MS, (signal) => createAuthChallenge(event, deps(signal)), CLEANUP_GRACE_MS),
);
