import { ChallengeStore } from '#shared/auth-state/challenge-store';
import { SignInRecords } from '#shared/auth-state/sign-in-records';
import { cognito } from '#shared/aws/cognito';
import { dynamodb } from '#shared/aws/dynamodb';
import { TRIGGER_BUDGET_MS, withDeadline } from '#shared/challenge/deadline';
import { readConfig, setting } from '#shared/config';
import { verifyAuthChallengeEvent } from '#shared/events/verify-auth-challenge';
import { allowedCountriesSetting } from '#shared/phone';
import { trigger } from '#shared/trigger';
import { cognitoPhoneWriter } from './cognito';
import { type VerifyDeps, verifyAuthChallenge } from './verify-auth-challenge';

const config = readConfig({
  AUTH_STATE_TABLE: setting.required(),
  ...allowedCountriesSetting,
});

const settings = { allowedCountries: config.ALLOWED_COUNTRIES };

/** Adapters are cheap objects: built per invocation so every call carries this invocation's deadline. */
function deps(signal: AbortSignal): VerifyDeps {
  return {
    challenges: new ChallengeStore(dynamodb, config.AUTH_STATE_TABLE, signal),
    records: new SignInRecords(dynamodb, config.AUTH_STATE_TABLE, signal),
    users: cognitoPhoneWriter(cognito, signal),
    settings,
    now: () => new Date(),
  };
}

export const handler = trigger('VerifyAuthChallengeResponse', verifyAuthChallengeEvent, (event) =>
  withDeadline(TRIGGER_BUDGET_MS, (signal) => verifyAuthChallenge(event, deps(signal))),
);
