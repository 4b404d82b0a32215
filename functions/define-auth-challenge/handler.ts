import { attemptSettings, resendSettings, roundSettings } from '#shared/challenge/settings';
import { readConfig } from '#shared/config';
import { trigger } from '#shared/trigger';
import { defineAuthChallenge } from './define-auth-challenge';
import { defineAuthChallengeEventCheck } from './event';

const config = readConfig({ ...attemptSettings, ...roundSettings, ...resendSettings });

const limits = {
  maxCodeAttempts: config.MAX_CODE_ATTEMPTS,
  maxPhoneAttempts: config.MAX_PHONE_ATTEMPTS,
  maxRounds: config.MAX_ROUNDS,
  maxResends: config.MAX_RESENDS,
};

// The event is checked without zod (./event.ts, equal to #shared/events' schema): Define's cold start.
export const handler = trigger('DefineAuthChallenge', defineAuthChallengeEventCheck, async (event) => {
  defineAuthChallenge(event, limits);
});
