/**
 * The private challenge parameters Create gives an SMS_OTP round for `code` (hashed, unexpired,
 * a sign-in code unless told otherwise): all Verify reads to judge an answer.
 */
import { hashCode } from '#shared/challenge/code';
import { type CodeRound, privateParameters } from '#shared/challenge/protocol';

export function codeRoundParameters(
  code: string,
  round: Partial<Omit<CodeRound, 'type' | 'codeHash' | 'salt'>> = {},
): Record<string, string> {
  return privateParameters({
    type: 'SMS_OTP',
    id: 'c0ffee00c0ffee00c0ffee00c0ffee00',
    length: code.length,
    ...hashCode(code),
    expiresAt: Date.now() + 180_000,
    purpose: 'sign_in',
    ...round,
  });
}
