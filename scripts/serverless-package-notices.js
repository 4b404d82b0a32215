/**
 * A serverless plugin of this service (listed in serverless.yml). When the service is packaged
 * (`serverless package`, and `deploy`, which packages first), it checks the security-email
 * parameters and says which optional features they leave off, so nobody deploys without them
 * unaware:
 *
 * - no `securityEmailFrom`: a warning: security notices (phone bound, changed or reset, recovery
 *   codes, lockouts, suspensions) and the EMAIL_OTP round are off; no function gets an SES grant;
 * - a `securityEmailFrom` that is not an address, or a `sesConfigurationSet` SES would refuse:
 *   packaging stops, naming the parameter (the SES grant would name a wrong identity).
 *
 * It reads `custom.securityEmail*` as serverless resolved them (serverless.yml), so it agrees with
 * the template by construction. Plain CommonJS: serverless loads it with `require`.
 */

const ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const CONFIGURATION_SET = /^[A-Za-z0-9_-]{1,64}$/;

/** What to say about a resolved `custom` block: warnings to print, errors that stop packaging. */
function packageNotices(custom) {
  const warnings = [];
  const errors = [];
  if (custom?.securityEmailMode !== 'on') {
    warnings.push(
      'Security emails are OFF: no securityEmailFrom parameter, so no user is emailed when a phone is ' +
        'bound, changed or reset, a recovery code is used or renewed, or the account is locked out or ' +
        'suspended, and the EMAIL_OTP round cannot send its code. Set --param securityEmailFrom=<an SES ' +
        'verified address> (docs/two-factor.md, "Security emails").',
    );
    return { warnings, errors };
  }
  const from = String(custom.securityEmailFrom ?? '');
  if (!ADDRESS.test(from) || from.length > 254) {
    errors.push(`securityEmailFrom must be an email address such as no-reply@example.com (got "${from}")`);
  }
  if (custom.sesConfigurationSetMode === 'on') {
    const set = String(custom.sesConfigurationSet ?? '');
    if (!CONFIGURATION_SET.test(set)) {
      errors.push(`sesConfigurationSet must be 1-64 letters, digits, underscores or dashes (got "${set}")`);
    }
  }
  return { warnings, errors };
}

class PackageNotices {
  constructor(serverless, _options, utils) {
    this.serverless = serverless;
    this.log = utils?.log;
    this.hooks = { 'before:package:initialize': () => this.check() };
  }

  check() {
    const { warnings, errors } = packageNotices(this.serverless.service.custom);
    if (errors.length > 0) throw new this.serverless.classes.Error(errors.join('; '));
    for (const warning of warnings) {
      if (this.log) this.log.warning(warning);
      else this.serverless.cli.log(`Warning: ${warning}`);
    }
  }
}

module.exports = PackageNotices;
module.exports.packageNotices = packageNotices;
