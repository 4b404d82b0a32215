/**
 * `users migrate`'s judgement of one user (pure), the reading of a page (Cognito faked), and the
 * undo text of a change. Against a real local pool: test/e2e/users-migrate.test.ts.
 */
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { undoCall } from '../../../cli/users/migrate/apply';
import { assessUser, type ExistingUser, FINDINGS } from '../../../cli/users/migrate/assess';
import { mapLimited, readPage } from '../../../cli/users/migrate/read-pool';

const COUNTRIES = ['US', 'CA', 'GB'];
const US_MOBILE = '+14155550100';

function user(over: Partial<ExistingUser> & { attributes?: Record<string, string> } = {}): ExistingUser {
  return {
    username: 'u1',
    status: 'CONFIRMED',
    enabled: true,
    mfaEnabled: [],
    ...over,
    attributes: {
      sub: 'sub-1',
      email: 'ada@example.com',
      email_verified: 'true',
      phone_number: US_MOBILE,
      phone_number_verified: 'true',
      ...over.attributes,
    },
  };
}

describe('assessUser', () => {
  it('finds nothing for a user the triggers serve as they are', () => {
    expect(assessUser(user(), COUNTRIES)).toEqual({ outcome: 'ok', findings: [] });
  });

  it('sends a user without a usable phone to enrol one, and locks out one whose verified number cannot get a code', () => {
    expect(assessUser(user({ attributes: { phone_number: '' } }), COUNTRIES).outcome).toBe('enrol');
    expect(assessUser(user({ attributes: { phone_number_verified: 'false' } }), COUNTRIES)).toEqual({
      outcome: 'enrol',
      findings: [{ kind: 'phone_unverified' }],
    });
    expect(assessUser(user({ attributes: { phone_number: '+33612345678' } }), COUNTRIES)).toEqual({
      outcome: 'locked_out',
      findings: [{ kind: 'phone_not_usable', detail: 'country_not_allowed' }],
    });
    expect(assessUser(user({ attributes: { phone_number: '+1' } }), COUNTRIES).findings).toEqual([
      { kind: 'phone_not_usable', detail: 'unparseable' },
    ]);
  });

  it('plans to turn Cognito MFA off only when the suite can send the user a code instead', () => {
    const withPhone = assessUser(
      user({ mfaEnabled: ['SOFTWARE_TOKEN_MFA'], mfaPreferred: 'SOFTWARE_TOKEN_MFA' }),
      COUNTRIES,
    );
    expect(withPhone).toEqual({
      outcome: 'locked_out',
      findings: [{ kind: 'cognito_mfa', detail: 'SOFTWARE_TOKEN_MFA on, SOFTWARE_TOKEN_MFA preferred' }],
      change: {
        action: 'disable_cognito_mfa',
        before: { enabled: ['SOFTWARE_TOKEN_MFA'], preferred: 'SOFTWARE_TOKEN_MFA' },
      },
    });
    const abroad = assessUser(
      user({ mfaEnabled: ['SMS_MFA'], attributes: { phone_number: '+33612345678' } }),
      COUNTRIES,
    );
    expect(abroad.change).toBeUndefined();
    const unverified = assessUser(
      user({ mfaEnabled: ['SMS_MFA'], attributes: { phone_number_verified: 'false' } }),
      COUNTRIES,
    );
    expect(unverified.change).toBeUndefined();
  });

  it('counts a preferred factor missing from the list as on, and ignores factors the suite does not know', () => {
    expect(
      assessUser(user({ mfaEnabled: ['EMAIL_OTP'], mfaPreferred: 'SMS_MFA' }), COUNTRIES).findings,
    ).toEqual([{ kind: 'cognito_mfa', detail: 'SMS_MFA on, SMS_MFA preferred' }]);
    expect(assessUser(user({ mfaEnabled: ['EMAIL_OTP'] }), COUNTRIES).findings).toEqual([]);
  });

  it("takes the worst finding's outcome, and lists every finding", () => {
    const assessment = assessUser(
      user({ mfaEnabled: ['SMS_MFA'], attributes: { email: '', phone_number: '+33612345678' } }),
      COUNTRIES,
    );
    expect(assessment.outcome).toBe('locked_out');
    expect(assessment.findings.map((finding) => finding.kind)).toEqual([
      'phone_not_usable',
      'cognito_mfa',
      'no_email',
    ]);
    expect(
      assessUser(user({ attributes: { email_verified: 'false', phone_number: '' } }), COUNTRIES).outcome,
    ).toBe('downgraded');
  });

  it('explains every kind of finding with why it matters and a fix', () => {
    for (const [kind, text] of Object.entries(FINDINGS)) {
      expect({ kind, why: text.why.length > 40, fix: text.fix.length > 20 }).toEqual({
        kind,
        why: true,
        fix: true,
      });
    }
  });
});

describe('readPage', () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  afterEach(() => cognito.reset());

  it("reads each user's MFA settings, counts legacy SMS MFAOptions, and skips a user deleted meanwhile", async () => {
    cognito.on(ListUsersCommand).resolves({
      Users: [
        {
          Username: 'a',
          Attributes: [{ Name: 'sub', Value: 's-a' }],
          MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }],
        },
        { Username: 'b', Attributes: [{ Name: 'sub', Value: 's-b' }] },
        { Username: 'gone', Attributes: [] },
      ],
      PaginationToken: 'next-page',
    });
    cognito.on(AdminGetUserCommand, { Username: 'a' }).resolves({ Username: 'a', UserMFASettingList: [] });
    cognito.on(AdminGetUserCommand, { Username: 'b' }).resolves({
      Username: 'b',
      UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
      PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA',
    });
    cognito
      .on(AdminGetUserCommand, { Username: 'gone' })
      .rejects(Object.assign(new Error('User does not exist.'), { name: 'UserNotFoundException' }));

    const page = await readPage(
      new CognitoIdentityProviderClient({ region: 'us-east-1' }),
      'us-east-1_P',
      'token-1',
    );

    expect(cognito.commandCalls(ListUsersCommand)[0]?.args[0].input).toEqual({
      UserPoolId: 'us-east-1_P',
      Limit: 60,
      PaginationToken: 'token-1',
    });
    expect(page.next).toBe('next-page');
    expect(page.users.map((u) => [u.username, u.mfaEnabled, u.mfaPreferred])).toEqual([
      ['a', ['SMS_MFA'], undefined],
      ['b', ['SOFTWARE_TOKEN_MFA'], 'SOFTWARE_TOKEN_MFA'],
    ]);
  });

  it('lets any other failure through', async () => {
    cognito.on(ListUsersCommand).resolves({ Users: [{ Username: 'a' }] });
    cognito
      .on(AdminGetUserCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'TooManyRequestsException' }));
    await expect(
      readPage(new CognitoIdentityProviderClient({ region: 'us-east-1' }), 'us-east-1_P', undefined),
    ).rejects.toThrow('slow down');
  });
});

test('mapLimited keeps the order and never runs more than the limit at once', async () => {
  let running = 0;
  let most = 0;
  const results = await mapLimited([5, 1, 4, 2, 3, 0], 2, async (n) => {
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, n));
    running--;
    return n * 10;
  });
  expect(results).toEqual([50, 10, 40, 20, 30, 0]);
  expect(most).toBe(2);
});

test('the undo of a change turns the factors back on, the preferred one preferred', () => {
  expect(
    undoCall('us-east-1_P', 'u1', { enabled: ['SMS_MFA', 'SOFTWARE_TOKEN_MFA'], preferred: 'SMS_MFA' }),
  ).toBe(
    'aws cognito-idp admin-set-user-mfa-preference --user-pool-id us-east-1_P --username u1 ' +
      '--sms-mfa-settings Enabled=true,PreferredMfa=true --software-token-mfa-settings Enabled=true,PreferredMfa=false',
  );
});
