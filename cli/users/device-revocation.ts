/**
 * Revoking a user's remembered devices from the users CLI: `devices revoke`, and the revocation of
 * them all that `reset-phone` and `suspend` make. The record first, then the change:
 *
 * 1. ONE Query lists the user's devices (DeviceStore.list, expired ones included): what there is
 *    to revoke. A device id the user does not have is an error here, before anything is written;
 * 2. nothing to revoke (`all` of none): nothing is written, no record;
 * 3. a `devices_revoked` record in the user's audit trail: `by`, `reason`, `cause`, how many
 *    (`devicesRevoked`) and, for one named device, its id and name;
 * 4. ONE DeleteItem per device (DeviceStore.revoke): a device the TTL or another run removed in
 *    between counts for nothing; `removed` is what this run removed.
 *
 * A failure stops the run and is thrown; running the command again finishes the job (what is left
 * is listed again and recorded again).
 */
import type { RememberedDevice } from '#shared/auth-state/account-status';
import { DeviceStore } from '#shared/auth-state/device-store';
import {
  type DeviceRevocationCause,
  type SecurityEventRecord,
  securityEventRecord,
} from '#shared/auth-state/keys';
import { CliError } from '../lib/errors';
import { putAuditRecord, withoutKeys } from './audit-record';
import type { Session } from './target';

export interface RevokeDevicesInput {
  /** `all` of the user's devices, or the one with this id. */
  which: 'all' | { deviceId: string };
  cause: DeviceRevocationCause;
  by: string;
  reason?: string | undefined;
  now: Date;
}

export interface DevicesRevoked {
  /** The devices this run removed. */
  removed: RememberedDevice[];
  /** The audit record written before the change (absent: there was nothing to revoke). */
  recorded?: Omit<SecurityEventRecord, 'pk' | 'sk'> | undefined;
  /** The whole record, keys included, for the email that may follow. */
  record?: SecurityEventRecord | undefined;
}

export async function revokeDevices(
  session: Pick<Session, 'dynamodb' | 'tableName' | 'user'>,
  input: RevokeDevicesInput,
): Promise<DevicesRevoked> {
  const { user } = session;
  const store = new DeviceStore(session.dynamodb, session.tableName);
  const devices = await store.list(user.sub);
  let targets = devices;
  if (input.which !== 'all') {
    const { deviceId } = input.which;
    targets = devices.filter((device) => device.id === deviceId);
    if (targets.length === 0) {
      throw new CliError(
        `${user.email} has no remembered device ${deviceId} (users devices --email ${user.email} lists them); nothing changed`,
      );
    }
  }
  if (targets.length === 0) return { removed: [] };
  const one = input.which === 'all' ? undefined : targets[0];
  const record = await putAuditRecord(
    session,
    securityEventRecord(
      user.sub,
      {
        action: 'devices_revoked',
        by: input.by,
        reason: input.reason,
        cause: input.cause,
        devicesRevoked: targets.length,
        deviceId: one?.id,
        deviceName: one?.name,
      },
      input.now,
    ),
  );
  const removed = await store.revoke(
    user.sub,
    targets.map((device) => device.id),
  );
  return { removed, recorded: withoutKeys(record), record };
}

/** `2 remembered devices`, `1 remembered device`, `no remembered devices`. */
export function devicesCount(count: number): string {
  return `${count === 0 ? 'no' : count} remembered device${count === 1 ? '' : 's'}`;
}
