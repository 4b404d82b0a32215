/**
 * The recovery rounds' answers.
 *
 * RECOVERY_CODE: the answer (any case, spaces and dashes ignored) is hashed with the user's key and
 * burnt from the user's set with ONE conditional UpdateItem (recovery-store.ts): right only while
 * that code is unused, so a recovery code works once, even for two sign-ins racing with it; a
 * Cognito retry of the answer that burnt it is right again. Anything else is a wrong answer,
 * counted like a wrong SMS code (the per-sign-in limit and the lockout). A right code sends the
 * `recovery_code_used` notice and revokes every remembered device of the user (the phone, and
 * perhaps the devices with it, are lost: each must be proven again), with a `devices_revoked`
 * audit record (no second email); the sign-in then has to prove a new number before tokens
 * (Define).
 *
 * RECOVERY_CODES: `OK` (trimmed, any case) stores the set whose hashes Create put in the private
 * parameters, replacing the old set (ONE conditional PutItem: a Cognito retry of the same answer
 * finds its own set and changes nothing), and sends the `recovery_codes_new` notice once. Any
 * other answer is not a guess: nothing is written, nothing counted, and Create shows a fresh set.
 */
import { isAcknowledgement, type PrivateRound } from '#shared/challenge/protocol';

/** How long a recovery stays "in progress" at most: the longest auth session Cognito allows (15 min). */
export const RECOVERY_PENDING_MS = 15 * 60_000;

import { normaliseRecoveryCode, recoveryCodeHash } from '#shared/challenge/recovery-codes';
import { logger } from '#shared/logger';
import { countMetric } from '#shared/metrics';
import { type Answering, countWrong } from './answering';
import { noticeTarget } from './notices';

export async function verifyRecoveryCode(
  answering: Answering,
  round: Extract<PrivateRound, { type: 'RECOVERY_CODE' }>,
): Promise<boolean> {
  const { event, sub, now, deps } = answering;
  const canonical = normaliseRecoveryCode(event.request.challengeAnswer);
  const burnt = canonical
    ? await deps.recovery.burn(sub, {
        hash: recoveryCodeHash(sub, canonical),
        nonce: round.nonce,
        now: now.getTime(),
      })
    : undefined;
  if (burnt?.outcome !== 'burnt') {
    await countWrong(answering, round, 'wrong_recovery_code');
    logger.info('recovery code rejected', { roundId: round.id, detail: canonical ? 'unknown' : 'malformed' });
    return false;
  }
  logger.info('recovery code accepted; a new phone must be proven next', {
    roundId: round.id,
    left: burnt.left,
    retry: burnt.retry,
  });
  // Until the new number is proven the lost phone is still the verified one: mark the recovery as
  // in progress (no device is remembered with a sign-in code meanwhile, and the bind of the new
  // number ends every session). A retry writes the same again.
  await deps.accounts.markRecoveryPending(sub, now, new Date(now.getTime() + RECOVERY_PENDING_MS));
  // The devices read with the account status (no extra read); a retry finds them gone already.
  const devices = (answering.records.devices ?? []).map((device) => device.id);
  if (devices.length > 0) {
    const revoked = await deps.devices.revoke(sub, devices);
    logger.info('remembered devices revoked after a recovery code', { revoked: revoked.length });
    // Recorded by whichever attempt removed them (a retry removes nothing): audit only, since
    // the `recovery_code_used` email of this very answer tells the user.
    if (revoked.length > 0) {
      countMetric('VerifyAuthChallengeResponse', 'DeviceRevocations', 'recovery_code_used');
      await deps.notices?.audit(sub, {
        kind: 'devices_revoked',
        by: 'user',
        devicesRevoked: revoked.length,
        cause: 'recovery_code_used',
      });
    }
  }
  if (!burnt.retry) {
    countMetric('VerifyAuthChallengeResponse', 'RecoveryCodesUsed');
    await deps.notices?.record(
      sub,
      { kind: 'recovery_code_used', by: 'user', recoveryCodesLeft: burnt.left },
      noticeTarget(event.request.userAttributes),
    );
  }
  return true;
}

export async function verifyRecoveryCodesAcknowledged(
  answering: Answering,
  round: Extract<PrivateRound, { type: 'RECOVERY_CODES' }>,
): Promise<boolean> {
  const { event, sub, now, deps } = answering;
  if (!isAcknowledgement(event.request.challengeAnswer)) {
    logger.info('recovery codes not acknowledged; a new set follows', { roundId: round.id });
    return false;
  }
  const stored = await deps.recovery.replaceSet(sub, {
    hashes: round.hashes,
    nonce: round.nonce,
    now: now.getTime(),
  });
  logger.info('new recovery codes stored', { roundId: round.id, count: round.hashes.length, stored });
  // A Cognito retry of this very acknowledgement is right again; the set was counted and told once.
  if (stored === 'retry') return true;
  countMetric('VerifyAuthChallengeResponse', 'RecoveryCodeSets');
  await deps.notices?.record(
    sub,
    { kind: 'recovery_codes_new', by: 'user' },
    noticeTarget(event.request.userAttributes),
  );
  return true;
}
