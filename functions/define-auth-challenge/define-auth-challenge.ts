/**
 * DefineAuthChallenge use-case: the decision table of shared/challenge/session.ts applied to the
 * event. No I/O: everything Define needs is in the session (every entry's name, result and
 * metadata) and the user's attributes, so it is a pure function of the event and the limits.
 *
 * - `[SRP_A ok]` -> PASSWORD_VERIFIER (the password, proven by SRP);
 * - `[SRP_A ok, PASSWORD_VERIFIER ok, …]` -> CUSTOM_CHALLENGE while the rounds so far follow one
 *   of the protocol's paths and within the limits (Create builds the round the same reading names);
 * - tokens only when a path is complete (the right SMS code, plus whatever the path or the call's
 *   `ClientMetadata.intent` adds after it);
 * - anything else fails authentication.
 */

import { readIntent } from '#shared/challenge/protocol';
import { type AttemptLimits, type Decision, decide, phoneVerified } from '#shared/challenge/session';
import type { DefineAuthChallengeEvent } from '#shared/events/define-auth-challenge';
import { logger } from '#shared/logger';
import { countMetric } from '#shared/metrics';

export function defineAuthChallenge(event: DefineAuthChallengeEvent, limits: AttemptLimits): Decision {
  const { session, userAttributes, userNotFound, clientMetadata } = event.request;
  const decision = decide(
    session,
    { phoneVerified: phoneVerified(userAttributes), userNotFound: userNotFound === true },
    limits,
    readIntent(clientMetadata),
  );
  const { response } = event;
  switch (decision.outcome) {
    case 'challenge':
      response.challengeName = decision.challengeName;
      response.issueTokens = false;
      response.failAuthentication = false;
      break;
    case 'tokens':
      response.issueTokens = true;
      response.failAuthentication = false;
      break;
    case 'fail':
      response.issueTokens = false;
      response.failAuthentication = true;
      break;
  }
  // A routine step is DEBUG: Define runs several times per sign-in, and at INFO this one line cost
  // more than the whole decision (docs/performance.md). A failed sign-in stays a WARN.
  if (decision.outcome === 'fail') {
    countMetric('DefineAuthChallenge', 'SignInsFailed', decision.reason);
    logger.warn('sign-in step decided', {
      outcome: decision.outcome,
      reason: decision.reason,
      rounds: session.length,
    });
  } else {
    logger.debug('sign-in step decided', {
      outcome: decision.outcome,
      challengeName: decision.outcome === 'challenge' ? decision.challengeName : undefined,
      rounds: session.length,
    });
  }
  return decision;
}
