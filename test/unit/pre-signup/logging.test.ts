/**
 * What PreSignUp writes to the logs: the reason for every refusal, masked emails, and never the
 * invite code (as typed or canonical), the whole event or its metadata. The handler is loaded in
 * its own module registry with POWERTOOLS_LOG_LEVEL=DEBUG so every line it could write is written.
 */
import { mockClient } from 'aws-sdk-client-mock';
import type { z } from 'zod';
import type { preSignUpEvent } from '#shared/events';
import { type Invite, newInvite } from '#shared/invites/invite';
import externalProviderFixture from '../../../fixtures/pre-signup.external-provider.json';
import signUpFixture from '../../../fixtures/pre-signup.sign-up.json';
import { captureLogs } from '../shared/capture-logs';
import { loadIsolated } from '../shared/isolated';

type PreSignUpInput = z.input<typeof preSignUpEvent>;

const CODE = '01AB-CD23-EFGH-JK45';
const CANONICAL = '01ABCD23EFGHJK45';
const TYPED = 'olab cd23 efgh jk45';
const ADA = 'ada.lovelace@example.com';

const { handler, dynamodb } = loadIsolated({ POWERTOOLS_LOG_LEVEL: 'DEBUG' }, () => ({
  handler: (
    require('../../../functions/pre-signup/handler') as typeof import('../../../functions/pre-signup/handler')
  ).handler,
  dynamodb: (require('#shared/aws/dynamodb') as typeof import('#shared/aws/dynamodb')).dynamodb,
}));
const ddb = mockClient(dynamodb);
const signUp = (code: string) => {
  const event = structuredClone(signUpFixture) as PreSignUpInput;
  event.request.clientMetadata = { inviteCode: code };
  event.request.validationData = { inviteCode: code };
  return event;
};
const pending = (over: Partial<Invite> = {}): Invite => ({
  ...newInvite({ email: ADA, code: CANONICAL, days: 7, now: new Date() }),
  ...over,
});

test('logs the reason of every outcome and never the invite code', async () => {
  const logs = captureLogs();
  try {
    ddb.resolves({ Item: pending() });
    await handler(signUp(TYPED)); // allowed
    await expect(handler(signUp('7K2M-QX9D-4HTV-B8RW'))).rejects.toThrow(); // code_mismatch
    ddb.resolves({ Item: pending({ status: 'revoked' }) });
    await expect(handler(signUp(CODE))).rejects.toThrow(); // revoked
    ddb.resolves({ Item: pending({ status: 'accepted', acceptedBy: 'sub-1' }) });
    await expect(handler(signUp(CODE))).rejects.toThrow(); // already_accepted
    ddb.resolves({ Item: pending({ expiresAt: new Date(Date.now() - 1000).toISOString() }) });
    await expect(handler(signUp(CODE))).rejects.toThrow(); // expired
    ddb.resolves({});
    await expect(handler(signUp(CODE))).rejects.toThrow(); // no_invite_for_email
    await expect(handler(signUp(`${CODE}-XYZ`))).rejects.toThrow(); // malformed_code
    ddb.rejects(new Error('DynamoDB is down'));
    await expect(handler(signUp(CODE))).rejects.toThrow(); // unexpected failure
    await expect(handler(structuredClone(externalProviderFixture) as PreSignUpInput)).rejects.toThrow(); // federated sign-up off
    ddb.resolves({});
    const malformed = { ...signUp(CODE), request: { userAttributes: { email: ADA }, clientMetadata: CODE } };
    await expect(handler(malformed as never)).rejects.toThrow(); // invalid event

    const records = logs.records();
    const reasons = records.map((record) => record.reason).filter(Boolean);
    expect(reasons).toEqual([
      'code_mismatch',
      'revoked',
      'already_accepted',
      'expired',
      'no_invite_for_email',
      'malformed_code',
      'federated_sign_up_off',
      expect.stringContaining('malformed PreSignUp event'),
    ]);
    expect(records.filter((record) => record.level === 'ERROR')).toHaveLength(1);
    // Every line of a well-formed event names the user by a keyed hash, never by the name typed
    // (a malformed event is refused before its user is known).
    const tagged = records.filter((record) => record.trigger !== undefined);
    expect(tagged.length).toBeGreaterThan(0);
    for (const record of tagged) expect(record.user).toMatch(/^u_[0-9a-f]{16}$/);
    expect(records.filter((record) => 'userName' in record)).toEqual([]);
    expect(records).toContainEqual(
      expect.objectContaining({ message: 'invited sign-up allowed', email: 'a***@example.com' }),
    );

    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [
      CODE,
      CANONICAL,
      TYPED,
      '7K2M-QX9D-4HTV-B8RW',
      '7K2MQX9D4HTVB8RW',
      'inviteCode',
      ADA,
      signUpFixture.userName,
      externalProviderFixture.userName,
    ]) {
      expect(text).not.toContain(secret);
    }
  } finally {
    logs.restore();
  }
});
