import { attemptSettings, roundSettings } from '#shared/challenge/settings';
import { readConfig } from '#shared/config';
import { defineAuthChallengeEvent } from '#shared/events/define-auth-challenge';
import { trigger } from '#shared/trigger';
import { defineAuthChallenge } from './define-auth-challenge';

const config = readConfig({ ...attemptSettings, ...roundSettings });

const limits = {
  maxCodeAttempts: config.MAX_CODE_ATTEMPTS,
  maxPhoneAttempts: config.MAX_PHONE_ATTEMPTS,
  maxRounds: config.MAX_ROUNDS,
};

export const handler = trigger('DefineAuthChallenge', defineAuthChallengeEvent, async (event) => {
  defineAuthChallenge(event, limits);
});
