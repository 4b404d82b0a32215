import { randomBytes } from 'node:crypto';
import { AccountStatusStore } from '#shared/auth-state/account-status';
import { ChallengeStore } from '#shared/auth-state/challenge-store';
import { DeviceStore } from '#shared/auth-state/device-store';
import { lockoutSettings } from '#shared/auth-state/lockout-settings';
import { RecoveryStore } from '#shared/auth-state/recovery-store';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
import { emailSenderOptions, emailSettings } from '#shared/aws/ses';
import { TRIGGER_BUDGET_MS, withDeadline } from '#shared/challenge/deadline';
import { attemptSettings, deviceSettings } from '#shared/challenge/settings';
import { readConfig, setting } from '#shared/config';
import { verifyAuthChallengeEvent } from '#shared/events/verify-auth-challenge';
import { brandingFrom, brandingSettings } from '#shared/messages/index';
import { allowedCountriesSetting } from '#shared/phone';
import { trigger } from '#shared/trigger';
import { cognitoPhoneWriter } from './cognito';
import { securityNotices } from './notices-adapter';
import { type VerifyDeps, verifyAuthChallenge } from './verify-auth-challenge';

const config = readConfig({
  AUTH_STATE_TABLE: setting.required(),
  ...allowedCountriesSetting,
  ...attemptSettings,
  ...deviceSettings,
  ...lockoutSettings,
  ...brandingSettings,
  ...emailSettings,
});
const emailOptions = emailSenderOptions(config);
const branding = brandingFrom(config);

const settings = {
  allowedCountries: config.ALLOWED_COUNTRIES,
  maxCodeAttempts: config.MAX_CODE_ATTEMPTS,
  lockout: { maxFailures: config.LOCKOUT_MAX_FAILURES, windowMinutes: config.LOCKOUT_WINDOW_MINUTES },
  rememberDeviceDays: config.REMEMBER_DEVICE_DAYS,
  maxRememberedDevices: config.MAX_REMEMBERED_DEVICES,
};

/** Adapters are cheap objects: built per invocation so every call carries this invocation's deadline. */
function deps(signal: AbortSignal): VerifyDeps {
  return {
    accounts: new AccountStatusStore(dynamodb, config.AUTH_STATE_TABLE, signal),
    challenges: new ChallengeStore(dynamodb, config.AUTH_STATE_TABLE, signal),
    recovery: new RecoveryStore(dynamodb, config.AUTH_STATE_TABLE, signal),
    devices: new DeviceStore(dynamodb, config.AUTH_STATE_TABLE, signal),
    users: cognitoPhoneWriter(cognito, signal),
    notices: securityNotices({ tableName: config.AUTH_STATE_TABLE, email: emailOptions, branding, signal }),
    settings,
    now: () => new Date(),
    randomHex8: () => randomBytes(4).toString('hex'),
  };
}

export const handler = trigger('VerifyAuthChallengeResponse', verifyAuthChallengeEvent, (event) =>
  withDeadline(TRIGGER_BUDGET_MS, (signal) => verifyAuthChallenge(event, deps(signal))),
);
