/** Email normalisation and a deliberately plain validity check for invite addresses. */
import * as z from 'zod/mini';

/** Invites are bound to the trimmed, lower-cased address (the pool compares emails case-insensitively). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const emailSchema = z.email();

export function isValidEmail(email: string): boolean {
  return email.length <= 254 && emailSchema.safeParse(email).success;
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}
