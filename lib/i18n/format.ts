import { scaleBytes } from "@/lib/format";
import type { Locale, Translate } from "@/lib/i18n";

/** Sizes and dates in the visitor's language (pure; Intl formatters cached per locale). */

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: Locale, digits: number): Intl.NumberFormat {
  const id = `${locale}:${digits}`;
  let format = numberFormats.get(id);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, useGrouping: true });
    numberFormats.set(id, format);
  }
  return format;
}

/** 1536 → "1.5 KB" in English, "1,5 Ko" in French, "1,5 KB" in German (powers of 1024, as lib/format.ts formatBytes). */
export function formatSize(bytes: number | bigint, t: Translate): string {
  const units = t("size.units").split(" ");
  // Rounded as formatBytes rounds (1.999 KB is "2 KB"); the locale then writes the number.
  const { value, digits, unit } = scaleBytes(bytes, units.length);
  return `${numberFormat(t.locale, digits).format(value)} ${units[unit]}`;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A date and time in UTC, labelled so ("Nov 30, 2026, 10:00 AM UTC", "30 nov. 2026, 10:00 UTC"): a page without
 * script cannot know the visitor's time zone; the <time datetime> beside it carries the exact instant.
 */
export function formatUtcDate(date: Date, locale: Locale): string {
  let format = dateFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === "en" ? "en-US" : locale, {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
      timeZone: "UTC",
      timeZoneName: "short",
    });
    dateFormats.set(locale, format);
  }
  return format.format(date);
}
