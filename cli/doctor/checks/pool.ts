/**
 * The user pool against what the suite needs: Cognito's own MFA off, each of the seven triggers
 * attached to the suite's function for the stage (and nothing else that runs in the same flows),
 * and password recovery that does not make Cognito send texts of its own. Pure.
 */
import type { UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import { type Finding, ok, RESETS_OTHERS } from '../finding';
import type { TriggerName } from '../target';

export interface PoolContext {
  userPoolId: string;
  stage: string;
  functions: Record<TriggerName, string>;
}

export function poolChecks(pool: UserPoolType, context: PoolContext): Finding[] {
  return [mfa(pool, context), ...triggers(pool, context), recovery(pool, context)];
}

function mfa(pool: UserPoolType, context: PoolContext): Finding {
  const setting = pool.MfaConfiguration ?? 'OFF';
  const id = 'pool.mfa';
  if (setting === 'OFF') return ok(id, "Cognito's own MFA is OFF");
  return {
    id,
    severity: setting === 'ON' ? 'blocking' : 'warning',
    title: `the pool's MfaConfiguration is ${setting}`,
    why:
      setting === 'ON'
        ? 'Cognito asks every user for its own MFA after the password, a challenge DefineAuthChallenge did not ask for: it fails every such sign-in, so nobody can sign in.'
        : "Every user who turned Cognito's MFA on gets its challenge after the password, and DefineAuthChallenge fails those sign-ins: they are locked out.",
    fix: `aws cognito-idp set-user-pool-mfa-config --user-pool-id ${context.userPoolId} --mfa-configuration OFF; then \`npm run users -- migrate\` lists the users who had MFA on (--apply turns it off where the suite's code replaces it).`,
  };
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` -> `<name>`. */
export function functionName(arn: string): string {
  const match = /:function:([^:]+)/.exec(arn);
  return match?.[1] ?? arn;
}

/** LambdaConfig members that are triggers of sign-up, sign-in and messages, as DescribeUserPool names them. */
const OTHER_TRIGGERS = [
  'PostAuthentication',
  'PreTokenGeneration',
  'PreTokenGenerationConfig',
  'UserMigration',
  'CustomSMSSender',
  'CustomEmailSender',
];

function triggers(pool: UserPoolType, context: PoolContext): Finding[] {
  const config = (pool.LambdaConfig ?? {}) as Record<string, unknown>;
  const findings: Finding[] = [];
  const deploy = `deploy the stage attached to this pool: npx serverless deploy --stage ${context.stage} --param existingUserPoolName=<the pool's name> --param existingUserPoolId=${context.userPoolId} (docs/deploy.md, "Attaching to an existing user pool")`;
  for (const [trigger, expected] of Object.entries(context.functions) as [TriggerName, string][]) {
    const id = `pool.trigger.${trigger}`;
    const attached = config[trigger];
    if (typeof attached !== 'string' || attached === '') {
      findings.push({
        id,
        severity: 'blocking',
        title: `no ${trigger} trigger is attached`,
        why: `The suite needs all seven triggers; without ${trigger} ${WITHOUT[trigger]}`,
        fix: `${deploy}.`,
      });
    } else if (functionName(attached) !== expected) {
      findings.push({
        id,
        severity: 'blocking',
        title: `${trigger} runs ${functionName(attached)}, not ${expected}`,
        why: `Another function answers ${trigger}: the suite's rules for that step do not run (or another stage's do).`,
        fix: `${deploy}; or pass the right --stage if this pool belongs to another stage.`,
      });
    } else {
      findings.push(ok(id, `${trigger} -> ${expected}`));
    }
  }
  const others = OTHER_TRIGGERS.filter((name) => config[name] !== undefined && config[name] !== null);
  if (others.length > 0) {
    findings.push({
      id: 'pool.trigger.others',
      severity: 'warning',
      title: `other triggers are attached too: ${others.join(', ')}`,
      why: 'They run in the same sign-ups, sign-ins and messages as the suite; the suite was not tested with them (a custom SMS sender, for one, texts outside its send limits).',
      fix: 'Check each one does not undo what the suite does, or detach it in the console (User pool, Extensions).',
    });
  }
  return findings;
}

const WITHOUT: Record<TriggerName, string> = {
  PreSignUp: 'anyone can sign up without an invite.',
  PostConfirmation: 'invites are not consumed at confirmation (the first sign-in repairs it).',
  PreAuthentication: 'suspended and locked-out users are let in.',
  CustomMessage: "Cognito's default texts go out instead of the branded ones.",
  DefineAuthChallenge: 'no custom sign-in can complete.',
  CreateAuthChallenge: 'no code is sent, so no custom sign-in can complete.',
  VerifyAuthChallengeResponse: 'no answer is ever judged right, so no custom sign-in can complete.',
};

function recovery(pool: UserPoolType, context: PoolContext): Finding {
  const mechanisms = pool.AccountRecoverySetting?.RecoveryMechanisms ?? [];
  const id = 'pool.account-recovery';
  const bySms = mechanisms.some((mechanism) => mechanism.Name === 'verified_phone_number');
  // Without a setting, Cognito recovers by verified phone first (legacy behaviour).
  if (mechanisms.length > 0 && !bySms) return ok(id, 'password recovery by verified email only');
  return {
    id,
    severity: 'warning',
    title:
      mechanisms.length === 0
        ? 'no AccountRecoverySetting: Cognito may send password reset codes by SMS'
        : 'password recovery by SMS is on',
    why: "Cognito then texts reset codes itself, outside the suite's send limits and country list (an SMS pumping path), and anyone with the phone can reset the password.",
    fix: `aws cognito-idp update-user-pool --user-pool-id ${context.userPoolId} --account-recovery-setting 'RecoveryMechanisms=[{Priority=1,Name=verified_email}]'. ${RESETS_OTHERS}`,
  };
}
