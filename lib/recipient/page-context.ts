import "server-only";
import { DEFAULT_BRAND, loadRecipientBrand } from "@/lib/appearance/brand";
import { negotiate, t, type Translate } from "@/lib/i18n";
import { formatUtcDate } from "@/lib/i18n/format";
import { relativeTime } from "@/lib/links/status";
import { log } from "@/lib/log";
import { safeBrand } from "@/lib/recipient/html/brand-style";
import type { Expiry, RecipientPageContext } from "@/lib/recipient/html/templates";
import type { RecipientLink } from "@/lib/recipient/link";

/**
 * What every recipient page is rendered with: the visitor's language (Accept-Language) and the owner's brand,
 * read once per page (never for a redirect or a download, which render nothing). A brand that cannot be read
 * is Bucketshare's; the pages saying the service is down or failed do not even try (loadBrand: false), so they
 * never wait on the database they report.
 */
export async function recipientPageContext(request: Request | null, options: { loadBrand?: boolean } = {}): Promise<RecipientPageContext> {
  const locale = negotiate(request?.headers.get("accept-language"));
  let brand = DEFAULT_BRAND;
  try {
    if (options.loadBrand !== false) brand = await loadRecipientBrand();
  } catch (error) {
    log.warn("recipient.brand_not_loaded", { error });
  }
  return { t: t(locale), brand: safeBrand(brand) };
}

/** When the link expires, in the visitor's language: the date in UTC (labelled) and how far away it is. */
export function expiryView(t: Translate, link: Pick<RecipientLink, "neverExpires" | "expiresAt">, now: Date): Expiry {
  if (link.neverExpires) return { never: true };
  return {
    never: false,
    exact: formatUtcDate(link.expiresAt, t.locale),
    relative: relativeTime(link.expiresAt, now, t.locale),
    iso: link.expiresAt.toISOString(),
  };
}
