/**
 * How long a code lives: the OTP_TTL_SECONDS the function attached to the pool's
 * CreateAuthChallenge trigger runs with, read from its configuration and judged as that function
 * reads it (functions/create-auth-challenge/settings.ts: unset means its default, a bad value stops
 * it at cold start). The auth-session check (client.ts) compares the app client's
 * AuthSessionValidity with the lifetime chosen here: `--otp-ttl-seconds` when given, else the
 * deployed function's, else (the function cannot be read) `$OTP_TTL_SECONDS` or the default. Pure.
 */
import { validate } from '#shared/standard-schema';
import { codeSettings } from '../../../functions/create-auth-challenge/settings';
import type { CodeFunctionFacts } from '../facts';
import { type Finding, ok } from '../finding';
import type { GivenOtpTtl } from '../target';
import { functionName } from './pool';

export const CODE_LIFETIME_ID = 'function.create-auth-challenge.otp-ttl-seconds';

/** The one Lambda permission the doctor needs. */
export const LAMBDA_READ_ACTION = 'lambda:GetFunctionConfiguration';

/** The code lifetime the session is checked against, and where it came from (said in the finding). */
export interface CodeLifetime {
  seconds: number;
  /** e.g. `from the deployed function cognito-auth-triggers-prod-createAuthChallenge`. */
  source: string;
}

export interface CodeLifetimeContext {
  stage: string;
  otpTtl: { override: GivenOtpTtl | undefined; fallback: GivenOtpTtl };
}

/**
 * The finding about the deployed function's OTP_TTL_SECONDS, and the lifetime to check the session
 * against (undefined: there is none to check, the deployed value is invalid and none was given).
 */
export function codeLifetime(
  fact: CodeFunctionFacts,
  context: CodeLifetimeContext,
): { finding: Finding; lifetime: CodeLifetime | undefined } {
  const { override, fallback } = context.otpTtl;
  const id = CODE_LIFETIME_ID;
  const overriding = override ? `; the session check uses --otp-ttl-seconds ${override.seconds} instead` : '';
  const whyRead =
    'The auth session must outlast a code, and what counts is the OTP_TTL_SECONDS the deployed CreateAuthChallenge runs with; without it the doctor checks the session against a value it was given or its default, which may not be what runs.';

  if (!fact.attached) {
    return {
      finding: {
        id,
        severity: 'warning',
        title: `no CreateAuthChallenge trigger is attached, so the doctor cannot read how long a code lives${override ? overriding : `; the session check uses OTP_TTL_SECONDS ${fallback.seconds} ${fallback.source}`}`,
        why: whyRead,
        fix: `Attach the suite's CreateAuthChallenge (see pool.trigger.CreateAuthChallenge); the doctor then reads its OTP_TTL_SECONDS with ${LAMBDA_READ_ACTION}. Until then, --otp-ttl-seconds N says what it will run with.`,
      },
      lifetime: override ?? unreadable(fallback, 'no CreateAuthChallenge trigger is attached'),
    };
  }

  const name = functionName(fact.arn);
  if (!fact.variables.ok) {
    const notFound = fact.variables.name === 'ResourceNotFoundException';
    return {
      finding: {
        id,
        severity: 'warning',
        title: `could not read the OTP_TTL_SECONDS of ${name} (the CreateAuthChallenge trigger): ${fact.variables.error}${override ? overriding : `; the session check uses ${fallback.seconds} ${fallback.source}`}`,
        why: notFound
          ? `The trigger names a function Lambda does not know (deleted, or in another region or account): Cognito cannot call it either, so no code is sent. ${whyRead}`
          : whyRead,
        fix: notFound
          ? `Deploy the stage (npx serverless deploy --stage ${context.stage}), or run the doctor with the trigger's region (--region); it reads the function with ${LAMBDA_READ_ACTION}.`
          : `Allow the identity running the doctor ${LAMBDA_READ_ACTION} on ${fact.arn} (read-only; docs/operations.md, "Checking a pool"), or pass --otp-ttl-seconds N with the value deployed.`,
      },
      lifetime: override ?? unreadable(fallback, `${name} could not be read`),
    };
  }

  const raw = fact.variables.value.OTP_TTL_SECONDS;
  const checked = validate(codeSettings.OTP_TTL_SECONDS, raw);
  if (checked.issues) {
    const problem = checked.issues.map((issue) => issue.message).join(', ');
    return {
      finding: {
        id,
        severity: 'blocking',
        title: `${name} runs with OTP_TTL_SECONDS ${quote(raw ?? '')}, which it refuses (${problem})${overriding}`,
        why: "CreateAuthChallenge reads its settings when it starts and stops on a bad one: every custom sign-in fails at the code step ('CreateAuthChallenge failed with error Invalid configuration').",
        fix: `Deploy a whole number of seconds from 30 to 900, at most the auth session: npx serverless deploy --stage ${context.stage} --param otpTtlSeconds=180 (docs/two-factor.md lists the settings).`,
      },
      lifetime: override,
    };
  }
  const seconds = checked.value;
  const source =
    raw === undefined
      ? `from the deployed function ${name}, its default (the variable is unset)`
      : `from the deployed function ${name}`;
  return {
    finding: ok(
      id,
      `${name} runs with OTP_TTL_SECONDS ${seconds}${raw === undefined ? ' (unset: its default)' : ''}${override && override.seconds !== seconds ? overriding : ''}`,
    ),
    lifetime: override ?? { seconds, source },
  };
}

function unreadable(fallback: GivenOtpTtl, reason: string): CodeLifetime {
  return { seconds: fallback.seconds, source: `${fallback.source}, as ${reason}` };
}

/** A value from the function's configuration, quoted and cut short for a one-line title. */
function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
}
