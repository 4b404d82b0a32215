import { hashInviteCode } from '#shared/invites/code';
import {
  checkInvite,
  DEFAULT_INVITE_DAYS,
  effectiveStatus,
  type Invite,
  isExpired,
  MAX_INVITE_DAYS,
  newInvite,
  RETENTION_DAYS,
} from '#shared/invites/invite';

const now = new Date('2025-03-01T12:00:00.000Z');
const code = '01ABCD23EFGHJK45';
const pending = (): Invite => newInvite({ email: 'ada@example.com', code, group: 'beta', days: 7, now });
const at = (iso: string) => new Date(iso);

describe('newInvite', () => {
  test('is pending, bound to the email, stores only the hash, and expires after the given days', () => {
    expect(pending()).toEqual({
      email: 'ada@example.com',
      codeHash: hashInviteCode(code),
      status: 'pending',
      group: 'beta',
      createdAt: '2025-03-01T12:00:00.000Z',
      expiresAt: '2025-03-08T12:00:00.000Z',
      ttl: Date.parse('2025-04-07T12:00:00.000Z') / 1000,
    });
    expect(JSON.stringify(pending())).not.toContain(code);
  });

  test('TTL keeps the record RETENTION_DAYS past expiry for the audit trail', () => {
    const invite = pending();
    expect(invite.ttl * 1000 - Date.parse(invite.expiresAt)).toBe(RETENTION_DAYS * 86_400_000);
  });

  test('defaults and limits are 7 and 90 days', () => {
    expect(DEFAULT_INVITE_DAYS).toBe(7);
    expect(MAX_INVITE_DAYS).toBe(90);
  });
});

describe('expiry', () => {
  test('an invite is expired from the exact expiry instant on', () => {
    const invite = pending();
    expect(isExpired(invite, at('2025-03-08T11:59:59.999Z'))).toBe(false);
    expect(isExpired(invite, at('2025-03-08T12:00:00.000Z'))).toBe(true);
  });

  test('effectiveStatus shows expired only for pending invites past expiry', () => {
    const later = at('2025-04-01T00:00:00.000Z');
    expect(effectiveStatus(pending(), now)).toBe('pending');
    expect(effectiveStatus(pending(), later)).toBe('expired');
    expect(effectiveStatus({ ...pending(), status: 'accepted' }, later)).toBe('accepted');
    expect(effectiveStatus({ ...pending(), status: 'revoked' }, later)).toBe('revoked');
  });
});

describe('checkInvite', () => {
  test('a pending, unexpired invite with the matching code is accepted', () => {
    const invite = pending();
    expect(checkInvite(invite, code, now)).toEqual({ ok: true, invite });
  });

  test.each([
    ['no invite for the email', undefined, code, 'no_invite_for_email'],
    ['another code', pending(), '01ABCD23EFGHJK46', 'code_mismatch'],
    ['revoked', { ...pending(), status: 'revoked' as const }, code, 'revoked'],
    ['already accepted', { ...pending(), status: 'accepted' as const }, code, 'already_accepted'],
    ['expired', pending(), code, 'expired'],
  ])('%s is refused with reason %s', (label, invite, submitted, reason) => {
    const when = label === 'expired' ? at('2025-03-08T12:00:00.000Z') : now;
    expect(checkInvite(invite, submitted, when)).toEqual({ ok: false, reason });
  });

  test('a wrong code reveals nothing about the invite state: the code is checked first', () => {
    for (const status of ['revoked', 'accepted'] as const) {
      expect(checkInvite({ ...pending(), status }, '01ABCD23EFGHJK46', now)).toEqual({
        ok: false,
        reason: 'code_mismatch',
      });
    }
    expect(checkInvite(pending(), '01ABCD23EFGHJK46', at('2030-01-01T00:00:00Z'))).toEqual({
      ok: false,
      reason: 'code_mismatch',
    });
  });
});
