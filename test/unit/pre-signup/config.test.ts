/** The handler reads its configuration once, at module load; a bad deployment fails naming the variable. */
import { loadIsolated } from '../shared/isolated';

const loadHandler = (env: Record<string, string | undefined>) =>
  loadIsolated(env, () => require('../../../functions/pre-signup/handler'));

test('INVITES_TABLE missing: loading fails and names the variable', () => {
  expect(() => loadHandler({ INVITES_TABLE: undefined })).toThrow(
    'Invalid configuration: INVITES_TABLE is required',
  );
});

test('AUTO_CONFIRM_INVITED_USERS=maybe: loading fails and says what is allowed', () => {
  expect(() => loadHandler({ AUTO_CONFIRM_INVITED_USERS: 'maybe' })).toThrow(
    'Invalid configuration: AUTO_CONFIRM_INVITED_USERS must be true or false',
  );
});

test('both wrong at once: both are named', () => {
  expect(() => loadHandler({ INVITES_TABLE: '', AUTO_CONFIRM_INVITED_USERS: 'yes' })).toThrow(
    'INVITES_TABLE is required; AUTO_CONFIRM_INVITED_USERS must be true or false',
  );
});

test('the defaults load: only INVITES_TABLE is required', () => {
  const loaded = loadHandler({
    AUTO_CONFIRM_INVITED_USERS: undefined,
    EXTERNAL_PROVIDER_ALLOWED_DOMAINS: undefined,
  });
  expect(typeof loaded.handler).toBe('function');
});

test('ALLOW_FEDERATED_SIGN_UP=yes: loading fails and says what is allowed (federated sign-up stays off by default)', () => {
  expect(() => loadHandler({ ALLOW_FEDERATED_SIGN_UP: 'yes' })).toThrow(
    'Invalid configuration: ALLOW_FEDERATED_SIGN_UP must be true or false',
  );
});
