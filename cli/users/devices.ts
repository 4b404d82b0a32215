/**
 * `users devices` and `users devices revoke`: a user's remembered devices (docs/protocol.md,
 * "Remembered devices"), listed as the sign-in sees them, and revoked one by one or all at once
 * (device-revocation.ts: the `devices_revoked` record first, then the devices).
 *
 * A device's name is the app's words (untrusted): printed as stored, control and bidi characters
 * shown as `?` in the text table.
 */
import type { RememberedDevice } from '#shared/auth-state/account-status';
import { DeviceStore } from '#shared/auth-state/device-store';
import { DEVICE_ID_PATTERN } from '#shared/challenge/device-proof';
import { noticeRecipient, type SecurityEventOutcome, sendSecurityNotice } from '#shared/notices/index';
import type { OptionValues } from '../lib/args';
import { resolveAwsEnvironment } from '../lib/aws';
import { UsageError } from '../lib/errors';
import { formatJson, formatTable, formatTime } from '../lib/output';
import type { Command } from '../lib/run';
import { cliSecurityEventDeps, noticeSettings } from '../lib/security-notices';
import { type DevicesRevoked, devicesCount, revokeDevices } from './device-revocation';
import { operator, optionalReason, REASON_MAX, userOptions, withUser } from './target';
import { cell } from './trail';

/** One device as `devices` prints it (and `--json` returns it). */
export interface DeviceView {
  id: string;
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
  /** Past its expiry: it proves nothing, and DynamoDB's TTL deletes it some time after. */
  expired: boolean;
}

export function deviceView(device: RememberedDevice, now: Date): DeviceView {
  const expiresAt = Date.parse(device.expiresAt);
  return {
    id: device.id,
    name: device.name ?? null,
    createdAt: device.createdAt,
    lastUsedAt: device.lastUsedAt ?? null,
    expiresAt: device.expiresAt,
    expired: Number.isNaN(expiresAt) || expiresAt <= now.getTime(),
  };
}

export function devicesText(email: string, devices: readonly DeviceView[]): string {
  if (devices.length === 0) return `${email} has no remembered devices.`;
  const expired = devices.filter((device) => device.expired).length;
  const table = formatTable<DeviceView>(
    [
      { header: 'id', value: (device) => device.id },
      { header: 'name', value: (device) => cell(device.name) },
      { header: 'created', value: (device) => formatTime(device.createdAt) },
      { header: 'last used', value: (device) => formatTime(device.lastUsedAt ?? undefined) ?? 'never' },
      {
        header: 'expires',
        value: (device) => `${formatTime(device.expiresAt)}${device.expired ? ' (expired)' : ''}`,
      },
    ],
    devices,
  );
  const usable = devices.length - expired;
  return `${table}\n${devicesCount(devices.length)} of ${email}, oldest first${expired > 0 ? ` (${usable} usable, ${expired} expired)` : ''}.`;
}

export const devicesCommand: Command = {
  summary:
    "List a user's remembered devices (name, created, last used, expires); `devices revoke` removes them",
  usage: '--email EMAIL',
  details: [
    "Reads the user's REMEMBERED# items in the auth-state table (one Query), oldest first. A device",
    'past its expiry is listed as (expired): it proves nothing, and DynamoDB deletes it within days.',
    '--json: { email, sub, devices: [{ id, name, createdAt, lastUsedAt, expiresAt, expired }] }.',
  ].join('\n'),
  options: userOptions,
  run: async (context) => {
    const { options, io } = context;
    const now = io.now();
    const { user, devices } = await withUser(context, async (session) => ({
      user: session.user,
      devices: await new DeviceStore(session.dynamodb, session.tableName)
        .list(session.user.sub)
        .catch((error: unknown) => {
          throw session.fail(error, 'dynamodb');
        }),
    }));
    const views = devices.map((device) => deviceView(device, now));
    context.print(
      options.flag('json')
        ? formatJson({ email: user.email, sub: user.sub, devices: views })
        : devicesText(user.email, views),
    );
  },
};

/** `--device ID` or `--all`, exactly one; a malformed id is refused before anything is read. */
export function revokeTarget(options: OptionValues): 'all' | { deviceId: string } {
  const deviceId = options.string('device');
  const all = options.flag('all');
  if ((deviceId === undefined) === !all) throw new UsageError('pass exactly one of --device ID or --all');
  if (deviceId === undefined) return 'all';
  if (!DEVICE_ID_PATTERN.test(deviceId)) {
    throw new UsageError(
      '--device must be a device id: 43 characters of base64url, as `users devices` lists it',
    );
  }
  return { deviceId };
}

/** What `devices revoke` did (and `--json` returns). */
export interface RevokeResult {
  email: string;
  sub: string;
  /** How many devices this run removed. */
  revoked: number;
  devices: Array<{ id: string; name: string | null }>;
  /** The `devices_revoked` record written before the change (absent: nothing to revoke). */
  recorded?: DevicesRevoked['recorded'];
  /** The security email (`skipped`: --no-notice, or nothing was revoked). */
  notice: SecurityEventOutcome['notice'] | 'skipped';
}

export function revokeText(result: RevokeResult): string {
  if (!result.recorded) return `${result.email} has no remembered devices; nothing changed.`;
  const { recorded } = result;
  const names = result.devices.map((device) => cell(device.name) ?? device.id).join(', ');
  return [
    `Revoked ${devicesCount(result.revoked)} of ${result.email} (${result.sub})${names ? `: ${names}` : ''}.`,
    `Recorded: devices_revoked at ${formatTime(recorded.at)} by ${recorded.by}${recorded.reason ? `: ${recorded.reason}` : ''}.`,
    'On those devices the next sign-in asks for the SMS code again.',
    ...(result.notice === 'sent' ? ['They were emailed a security notice.'] : []),
    ...(result.notice === 'failed' ? ['The security notice could not be sent.'] : []),
  ].join('\n');
}

export const devicesRevokeCommand: Command = {
  summary: "Revoke one of a user's remembered devices (--device ID) or all of them (--all)",
  usage: '--email EMAIL (--device ID | --all) [--reason TEXT] [--by NAME]',
  details: [
    "In this order: (1) the user's devices listed (one Query; an id the user does not have is an",
    "error and nothing changes); (2) a devices_revoked record in the user's audit trail (who, why,",
    'how many, which); (3) the devices deleted (one DeleteItem each); (4) the user emailed a',
    'security notice (when SECURITY_EMAIL_FROM is set, or --local; not with --no-notice).',
    'The next sign-in on a revoked device asks for the SMS code again. Revoking none (--all of a',
    'user without devices) writes nothing.',
  ].join('\n'),
  options: {
    ...userOptions,
    device: {
      type: 'string',
      valueName: 'ID',
      description: 'The device to revoke (its id, as `users devices` lists it)',
    },
    all: { type: 'boolean', description: "Revoke all of the user's devices" },
    reason: {
      type: 'string',
      valueName: 'TEXT',
      description: `Why (kept in the audit trail, ${REASON_MAX} chars max)`,
    },
    by: { type: 'string', valueName: 'NAME', description: 'Who revokes (default: your login name)' },
    'no-notice': {
      type: 'boolean',
      description: 'Do not email the user (the revocation is still recorded)',
    },
  },
  run: async (context) => {
    const { options, io } = context;
    const which = revokeTarget(options);
    const reason = optionalReason(options);
    const by = operator(options);
    // Checked before anything changes: a bad sender setting stops the command here.
    const environment = await resolveAwsEnvironment(
      { local: options.flag('local'), region: options.string('region') },
      io.env,
    );
    const settings = noticeSettings(environment);
    const result = await withUser(context, async (session): Promise<RevokeResult> => {
      const done = await revokeDevices(session, {
        which,
        cause: 'operator',
        by,
        reason,
        now: io.now(),
      }).catch((error: unknown) => {
        throw session.fail(error, 'dynamodb');
      });
      const result: RevokeResult = {
        email: session.user.email,
        sub: session.user.sub,
        revoked: done.removed.length,
        devices: done.removed.map((device) => ({ id: device.id, name: device.name ?? null })),
        recorded: done.recorded,
        notice: 'skipped',
      };
      if (!done.record) return result;
      // The user is told once the devices are gone, from the record written first (best effort:
      // the revocation stands whatever happens to its email).
      const notices = cliSecurityEventDeps({
        environment,
        dynamodb: session.dynamodb,
        tableName: session.tableName,
        settings,
        notify: !options.flag('no-notice'),
      });
      try {
        result.notice = notices.deps.email
          ? await sendSecurityNotice(
              notices.deps,
              done.record,
              noticeRecipient(session.user.attributes ?? {}),
            )
          : settings.sender
            ? 'skipped'
            : 'no_sender';
      } finally {
        notices.close();
      }
      return result;
    });
    context.print(options.flag('json') ? formatJson(result) : revokeText(result));
  },
};
