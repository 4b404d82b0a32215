/**
 * The app client against what the suite needs (resources/user-pool.yml's UserPoolClient): custom
 * auth and refresh only, no user-existence errors, an auth session at least as long as a code
 * lives (code-lifetime.ts says how long), and no way for the app to write the phone number. Pure.
 */
import type { UserPoolClientType } from '@aws-sdk/client-cognito-identity-provider';
import { type Finding, ok, RESETS_OTHERS } from '../finding';
import { CODE_LIFETIME_ID, type CodeLifetime } from './code-lifetime';

export interface ClientContext {
  userPoolId: string;
  clientId: string;
  /** How long a code lives and where that came from; undefined: unknown (the deployed value is invalid). */
  codeLifetime: CodeLifetime | undefined;
}

/** Flows that sign in with the password alone (or without the custom challenge). */
const BYPASSING_FLOWS = new Set([
  'ALLOW_USER_SRP_AUTH',
  'ALLOW_USER_PASSWORD_AUTH',
  'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  'ALLOW_USER_AUTH',
  'USER_PASSWORD_AUTH',
  'ADMIN_NO_SRP_AUTH',
]);
const CUSTOM_FLOWS = new Set(['ALLOW_CUSTOM_AUTH', 'CUSTOM_AUTH_FLOW_ONLY']);
/** Cognito's default when a client names no flows. */
const DEFAULT_FLOWS = ['ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
const PHONE_ATTRIBUTES = ['phone_number', 'phone_number_verified'];
/** Cognito's default AuthSessionValidity (minutes). */
const DEFAULT_SESSION_MINUTES = 3;

const update = (context: ClientContext, argument: string) =>
  `aws cognito-idp update-user-pool-client --user-pool-id ${context.userPoolId} --client-id ${context.clientId} ${argument}`;

export function clientChecks(client: UserPoolClientType, context: ClientContext): Finding[] {
  return [
    authFlows(client, context),
    refreshFlow(client, context),
    userExistenceErrors(client, context),
    sessionValidity(client, context),
    writeAttributes(client, context),
  ];
}

function authFlows(client: UserPoolClientType, context: ClientContext): Finding {
  const flows = client.ExplicitAuthFlows?.length ? client.ExplicitAuthFlows : DEFAULT_FLOWS;
  const bypassing = flows.filter((flow) => BYPASSING_FLOWS.has(flow));
  const custom = flows.some((flow) => CUSTOM_FLOWS.has(flow));
  const id = 'client.auth-flows';
  if (bypassing.length === 0 && custom) return ok(id, `auth flows: ${flows.join(', ')}`);
  const keep = ['ALLOW_CUSTOM_AUTH', ...flows.filter((flow) => flow === 'ALLOW_REFRESH_TOKEN_AUTH')];
  const keepRefresh = keep.includes('ALLOW_REFRESH_TOKEN_AUTH')
    ? keep
    : [...keep, 'ALLOW_REFRESH_TOKEN_AUTH'];
  return {
    id,
    severity: 'blocking',
    title: bypassing.length
      ? `the app client allows ${bypassing.join(', ')}`
      : 'the app client does not allow ALLOW_CUSTOM_AUTH',
    why: bypassing.length
      ? 'Anyone who has a password signs in with that flow and never meets the SMS code: the second factor is skipped.'
      : 'The suite signs users in with CUSTOM_AUTH (password by SRP, then the SMS code); without it nobody can sign in.',
    fix: `${update(context, `--explicit-auth-flows ${keepRefresh.join(' ')}`)}. ${RESETS_OTHERS}`,
  };
}

function refreshFlow(client: UserPoolClientType, context: ClientContext): Finding {
  const flows = client.ExplicitAuthFlows?.length ? client.ExplicitAuthFlows : DEFAULT_FLOWS;
  const id = 'client.refresh-flow';
  if (flows.includes('ALLOW_REFRESH_TOKEN_AUTH')) return ok(id, 'refresh tokens allowed');
  return {
    id,
    severity: 'warning',
    title: 'the app client does not allow ALLOW_REFRESH_TOKEN_AUTH',
    why: 'Sessions cannot be refreshed, so users sign in (and get an SMS code, paid for) every time their access token expires.',
    fix: `${update(context, '--explicit-auth-flows ALLOW_CUSTOM_AUTH ALLOW_REFRESH_TOKEN_AUTH')}. ${RESETS_OTHERS}`,
  };
}

function userExistenceErrors(client: UserPoolClientType, context: ClientContext): Finding {
  const id = 'client.prevent-user-existence-errors';
  if (client.PreventUserExistenceErrors === 'ENABLED') return ok(id, 'PreventUserExistenceErrors ENABLED');
  return {
    id,
    severity: 'warning',
    title: `PreventUserExistenceErrors is ${client.PreventUserExistenceErrors ?? 'LEGACY'}`,
    why: 'Cognito answers an unknown username with UserNotFoundException, so anyone can find out who has an account; the suite answers unknown users with the same rounds as known ones only when this is ENABLED.',
    fix: `${update(context, '--prevent-user-existence-errors ENABLED')}. ${RESETS_OTHERS}`,
  };
}

function sessionValidity(client: UserPoolClientType, context: ClientContext): Finding {
  const minutes = client.AuthSessionValidity ?? DEFAULT_SESSION_MINUTES;
  const id = 'client.auth-session-validity';
  const lifetime = context.codeLifetime;
  if (!lifetime) {
    return {
      id,
      severity: 'skipped',
      title: `auth session ${minutes} min, not compared with how long a code lives: the deployed OTP_TTL_SECONDS is not valid (${CODE_LIFETIME_ID})`,
    };
  }
  if (minutes * 60 >= lifetime.seconds) {
    return ok(
      id,
      `auth session ${minutes} min, a code lives ${lifetime.seconds} s (OTP_TTL_SECONDS ${lifetime.source})`,
    );
  }
  const needed = Math.min(15, Math.ceil(lifetime.seconds / 60));
  return {
    id,
    severity: 'blocking',
    title: `the auth session (${minutes} min) ends before a code does (OTP_TTL_SECONDS ${lifetime.seconds} ${lifetime.source})`,
    why: 'A user who types the code after the session ended gets an expired-session error although the code is still valid; the SMS was paid for nothing.',
    fix: `${update(context, `--auth-session-validity ${needed}`)} (and deploy with authSessionValidityMinutes=${needed}), or lower otpTtlSeconds to ${minutes * 60} or less. ${RESETS_OTHERS}`,
  };
}

function writeAttributes(client: UserPoolClientType, context: ClientContext): Finding {
  const writable = client.WriteAttributes ?? [];
  const id = 'client.write-attributes';
  const phone = writable.filter((name) => PHONE_ATTRIBUTES.includes(name));
  if (writable.length > 0 && phone.length === 0) {
    return ok(id, `the app may write ${writable.join(', ')} (not the phone number)`);
  }
  const keep = writable.filter((name) => !PHONE_ATTRIBUTES.includes(name));
  return {
    id,
    severity: 'blocking',
    title:
      writable.length === 0
        ? 'the app client lists no WriteAttributes, so it may write every attribute, phone_number included'
        : `the app client may write ${phone.join(' and ')}`,
    why: 'A user (or anyone with their session) could replace their verified phone number without proving the new one, and the codes would then go to that number: the second factor moves to whoever set it.',
    fix: `${update(context, `--write-attributes ${(keep.length ? keep : ['email', 'name', 'locale']).join(' ')}`)}. ${RESETS_OTHERS}`,
  };
}
