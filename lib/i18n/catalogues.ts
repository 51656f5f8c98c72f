import de from "@/lib/i18n/messages/de.json" with { type: "json" };
import en from "@/lib/i18n/messages/en.json" with { type: "json" };
import es from "@/lib/i18n/messages/es.json" with { type: "json" };
import fr from "@/lib/i18n/messages/fr.json" with { type: "json" };

/**
 * The languages recipient pages speak, one catalogue each (lib/i18n/messages/<tag>.json: flat keys,
 * ICU messages). English is the source and the fallback for any key a catalogue lacks. To add a
 * language, add its file and one line here.
 */
export const CATALOGUES = {
  en,
  fr,
  de,
  es,
} satisfies Record<string, Partial<Record<keyof typeof en, string>>>;
