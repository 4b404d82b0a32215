/**
 * The languages messages exist in, and how a user's language is chosen.
 *
 * Adding a language: write `locales/<tag>.ts` (a `Catalog`, type-checked to be complete) and add
 * one line below. Tags are lower-case BCP 47: a language (`fr`) or a language and region
 * (`pt-br`) for a regional variant; a user asking for `fr-CA` gets `fr` when `fr-ca` is absent.
 */
import type { Catalog } from './catalog';
import { de } from './locales/de';
import { en } from './locales/en';
import { es } from './locales/es';

export const FALLBACK_LOCALE = 'en';

export const catalogs: Readonly<Record<string, Catalog>> = {
  en,
  de,
  es,
};

export const supportedLocales = Object.keys(catalogs);

/**
 * The supported locale for the first candidate that names one, else English. Candidates are
 * tried in order (the user's `locale` attribute first, then the request's clientMetadata).
 * Accepts `de`, `de-DE`, `de_DE`, `DE-de`, and an Accept-Language style list (`de-CH,de;q=0.9`,
 * first entry wins).
 */
export function resolveLocale(...candidates: ReadonlyArray<string | null | undefined>): string {
  for (const candidate of candidates) {
    const match = matchLocale(candidate);
    if (match) return match;
  }
  return FALLBACK_LOCALE;
}

function matchLocale(candidate: string | null | undefined): string | undefined {
  if (!candidate) return undefined;
  const tag = (candidate.split(',')[0] ?? '').split(';')[0]?.trim().toLowerCase().replace(/_/g, '-') ?? '';
  if (!/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/.test(tag)) return undefined;
  const parts = tag.split('-');
  // Longest prefix first: pt-br-x -> pt-br -> pt.
  for (let length = parts.length; length > 0; length--) {
    const prefix = parts.slice(0, length).join('-');
    if (Object.hasOwn(catalogs, prefix)) return prefix;
  }
  return undefined;
}

export function catalogFor(locale: string): Catalog {
  return catalogs[locale] ?? en;
}
