import "server-only";
import { logoPath } from "@/lib/appearance/logo-path";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";

/**
 * How recipient pages (/s/…) present the owner: the name shown to recipients, their logo and accent colour
 * (Settings → Appearance). Until an owner sets them, recipients see Bucketshare's own.
 */
export type RecipientBrand = {
  /**
   * "Name shown to recipients": the header of every recipient page (the logo's alt text when there is a logo), the
   * end of the page title and the link card's site name. "Shared by <person>" names the account that made the
   * link, not this.
   */
  name: string;
  /** A same-origin URL of the re-encoded logo (changes when the logo does), or null for none. */
  logoUrl: string | null;
  /** "#rrggbb", checked for contrast against white text when saved. */
  accent: string;
};

export const DEFAULT_BRAND: RecipientBrand = { name: "Bucketshare", logoUrl: null, accent: "#0369a1" };

/** How long an instance reuses what it read: a change saved on another instance shows within this. */
export const BRAND_CACHE_MS = 5_000;

type BrandCache = { brand: RecipientBrand; readAt: number } | null;
const SLOT = Symbol.for("bucketshare.recipientBrand");
// On globalThis: Next may bundle this module into more than one chunk of the same process, and saving (a server
// action) must clear the copy recipient pages read.
const slots = globalThis as unknown as Record<symbol, BrandCache | undefined>;

/** Forgets the cached brand, so this instance's next recipient page reads the one just saved. */
export function invalidateRecipientBrand(): void {
  slots[SLOT] = null;
}

/**
 * What recipient pages show of the owner: one small query (the newest appearance row: there is one owner today),
 * reused for a few seconds. A save on this instance clears it; other instances see it within BRAND_CACHE_MS. When
 * the database does not answer, the last brand read (or Bucketshare's) is used rather than failing the page.
 */
export async function loadRecipientBrand(): Promise<RecipientBrand> {
  const cached = slots[SLOT];
  if (cached && Date.now() - cached.readAt < BRAND_CACHE_MS) return cached.brand;
  try {
    const row = await db.appearance.findFirst({ orderBy: { updatedAt: "desc" }, select: { name: true, accent: true, logoSha256: true } });
    const brand: RecipientBrand = row ? { name: row.name, accent: row.accent, logoUrl: row.logoSha256 ? logoPath(row.logoSha256) : null } : DEFAULT_BRAND;
    slots[SLOT] = { brand, readAt: Date.now() };
    return brand;
  } catch (error) {
    log.warn("appearance.brand_unavailable", { error });
    return cached?.brand ?? DEFAULT_BRAND;
  }
}
