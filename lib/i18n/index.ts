import { IntlMessageFormat, type PrimitiveType } from "intl-messageformat";
import Negotiator from "negotiator";
import { CATALOGUES } from "@/lib/i18n/catalogues";

/**
 * Recipient pages in the visitor's language (Accept-Language), English for anything else. Messages
 * are ICU MessageFormat (plurals, values) read by FormatJS's intl-messageformat; negotiation is
 * `negotiator`'s (q-values, "fr-CA" → "fr").
 */

export type Locale = keyof typeof CATALOGUES;
export type MessageKey = keyof (typeof CATALOGUES)["en"];
export type MessageValues = Record<string, PrimitiveType>;

export const LOCALES = Object.keys(CATALOGUES) as Locale[];
export const DEFAULT_LOCALE: Locale = "en";

/** Longer headers are not parsed (browsers send well under 100 characters). */
export const MAX_ACCEPT_LANGUAGE_LENGTH = 512;

/** The best of LOCALES for an Accept-Language header; English when absent, malformed, enormous or unmatched. Never throws. */
export function negotiate(header: string | null | undefined): Locale {
  if (!header || header.length > MAX_ACCEPT_LANGUAGE_LENGTH) return DEFAULT_LOCALE;
  try {
    const best = new Negotiator({ headers: { "accept-language": header } }).language(LOCALES);
    return best && (LOCALES as string[]).includes(best) ? (best as Locale) : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

export type Translate = ((key: MessageKey, values?: MessageValues) => string) & { locale: Locale };

const compiled = new Map<string, IntlMessageFormat>();

function message(locale: Locale, key: MessageKey): IntlMessageFormat {
  const id = `${locale}\u0000${key}`;
  let format = compiled.get(id);
  if (!format) {
    const catalogue: Partial<Record<MessageKey, string>> = CATALOGUES[locale];
    const own = catalogue[key];
    format = own === undefined ? message(DEFAULT_LOCALE, key) : new IntlMessageFormat(own, locale);
    compiled.set(id, format);
  }
  return format;
}

/** The messages of one locale: t("action.download") → "Download"; a key the locale lacks is English. */
export function t(locale: Locale): Translate {
  const translate = (key: MessageKey, values?: MessageValues) => String(message(locale, key).format(values));
  return Object.assign(translate, { locale });
}
