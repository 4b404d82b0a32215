/**
 * What attaching the triggers does to one existing user, decided from their Cognito record alone
 * (pure: no I/O). Each finding names why it matters and the exact fix; the worst finding sets the
 * user's outcome. The one change `migrate --apply` may make is planned here too, and only when it
 * is safe: it must leave the user with a second factor at least as strong as before, and be
 * undoable from the audit record.
 *
 * The rules are the triggers' own: a code goes only to a verified `phone_number` that passes
 * `checkPhone` for the allowed countries (CreateAuthChallenge); a user without one enrols a number
 * at the next sign-in (PHONE_REQUIRED); Define fails a session holding a challenge it did not ask
 * for (Cognito's own SMS_MFA / SOFTWARE_TOKEN_MFA); recovery is by verified email only.
 */
import { checkPhone } from '#shared/phone';

/** An existing user as ListUsers and AdminGetUser describe them. */
export interface ExistingUser {
  username: string;
  status?: string | undefined;
  enabled?: boolean | undefined;
  attributes: Record<string, string>;
  /** `UserMFASettingList` (plus SMS_MFA for legacy `MFAOptions` with SMS delivery). */
  mfaEnabled: readonly string[];
  /** `PreferredMfaSetting`. */
  mfaPreferred?: string | undefined;
}

/** From best to worst; a user's outcome is their worst finding's. */
export const OUTCOMES = ['ok', 'enrol', 'downgraded', 'locked_out'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export type FindingKind =
  | 'no_phone'
  | 'phone_unverified'
  | 'phone_not_usable'
  | 'cognito_mfa'
  | 'no_email'
  | 'email_unverified';

export interface Finding {
  kind: FindingKind;
  /** Specifics for this user (e.g. `country_not_allowed (FR)`, `SOFTWARE_TOKEN_MFA preferred`). */
  detail?: string;
}

/** The safe change `--apply` makes: Cognito's own MFA factors off (the suite's SMS code replaces them). */
export interface PlannedChange {
  action: 'disable_cognito_mfa';
  /** What to restore to undo it. */
  before: { enabled: string[]; preferred?: string | undefined };
}

export interface Assessment {
  outcome: Outcome;
  findings: Finding[];
  change?: PlannedChange | undefined;
}

/** Per kind: its outcome, why it matters, and the fix. One text for every user of that kind. */
export const FINDINGS: Record<FindingKind, { outcome: Outcome; why: string; fix: string }> = {
  phone_not_usable: {
    outcome: 'locked_out',
    why: 'Their verified phone number cannot get a code (outside allowedCountries, not a mobile, or not a valid number): CreateAuthChallenge refuses to send one, so they cannot sign in.',
    fix: 'Add the country to allowedCountries and deploy; or let them enrol another number at the next sign-in with AdminUpdateUserAttributes phone_number_verified=false (the password alone then binds the number they type, so confirm who they are first).',
  },
  cognito_mfa: {
    outcome: 'locked_out',
    why: "Cognito's own MFA (SMS_MFA or SOFTWARE_TOKEN_MFA) is on for them: while the pool's MFA is on, Cognito adds its challenge to the session and DefineAuthChallenge fails any session holding a challenge it did not ask for.",
    fix: "`users migrate --apply` turns these preferences off when the user has a usable verified phone (the suite's SMS code replaces them; recorded in the audit trail). Otherwise: AdminSetUserMFAPreference with Enabled=false yourself, after telling the user they will enrol a phone at the next sign-in.",
  },
  no_email: {
    outcome: 'downgraded',
    why: 'No email: they cannot reset a forgotten password (recovery is by verified email only), and the users and invites CLIs, which find users by email, cannot find them.',
    fix: 'Set their email with AdminUpdateUserAttributes and have them verify it.',
  },
  email_unverified: {
    outcome: 'downgraded',
    why: 'Their email is not verified: a forgotten password cannot be reset (Cognito sends recovery codes to verified addresses only).',
    fix: 'Have them verify it (GetUserAttributeVerificationCode + VerifyUserAttribute), or set email_verified=true with AdminUpdateUserAttributes if you know the address is theirs.',
  },
  phone_unverified: {
    outcome: 'enrol',
    why: 'Their phone number is not verified: the suite never sends a code to an unproven number, so at the next sign-in they are asked for one (PHONE_REQUIRED) and prove it with a code.',
    fix: 'Nothing is required. If you know the number is theirs, set phone_number_verified=true with AdminUpdateUserAttributes beforehand.',
  },
  no_phone: {
    outcome: 'enrol',
    why: 'No phone number: at the next sign-in they are asked for one (PHONE_REQUIRED) and prove it with a code; until then the password is their only factor.',
    fix: 'Nothing is required. If you know their number, set phone_number and phone_number_verified=true with AdminUpdateUserAttributes beforehand.',
  },
};

const MFA_FACTORS = new Set(['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);

export function assessUser(user: ExistingUser, allowedCountries: readonly string[]): Assessment {
  const findings: Finding[] = [];
  const { attributes } = user;

  const phone = attributes.phone_number;
  const phoneVerified = attributes.phone_number_verified === 'true';
  let usablePhone = false;
  if (!phone) findings.push({ kind: 'no_phone' });
  else if (!phoneVerified) findings.push({ kind: 'phone_unverified' });
  else {
    const check = checkPhone(phone, allowedCountries);
    if (check.ok) usablePhone = true;
    else findings.push({ kind: 'phone_not_usable', detail: check.reason });
  }

  const mfa = [...new Set(user.mfaEnabled.filter((factor) => MFA_FACTORS.has(factor)))].sort();
  const preferred = user.mfaPreferred && MFA_FACTORS.has(user.mfaPreferred) ? user.mfaPreferred : undefined;
  if (preferred && !mfa.includes(preferred)) mfa.push(preferred);
  let change: PlannedChange | undefined;
  if (mfa.length > 0) {
    findings.push({
      kind: 'cognito_mfa',
      detail: `${mfa.join(', ')} on${preferred ? `, ${preferred} preferred` : ''}`,
    });
    // Safe only if the suite's factor takes over at once: a number that can get codes.
    if (usablePhone) change = { action: 'disable_cognito_mfa', before: { enabled: mfa, preferred } };
  }

  if (!attributes.email) findings.push({ kind: 'no_email' });
  else if (attributes.email_verified !== 'true') findings.push({ kind: 'email_unverified' });

  const outcome = findings.reduce<Outcome>((worst, finding) => {
    const next = FINDINGS[finding.kind].outcome;
    return OUTCOMES.indexOf(next) > OUTCOMES.indexOf(worst) ? next : worst;
  }, 'ok');
  return { outcome, findings, ...(change ? { change } : {}) };
}
