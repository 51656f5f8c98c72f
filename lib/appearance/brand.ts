import "server-only";

/**
 * How recipient pages (/s/…) present the owner: the name shown to recipients, their logo and accent colour
 * (Settings → Appearance). Until an owner sets them, recipients see Bucketshare's own.
 */
export type RecipientBrand = {
  /** "Name shown to recipients": the header of every recipient page and the "shared by" line. */
  name: string;
  /** A same-origin URL of the re-encoded logo (changes when the logo does), or null for none. */
  logoUrl: string | null;
  /** "#rrggbb", checked for contrast against white text when saved. */
  accent: string;
};

export const DEFAULT_BRAND: RecipientBrand = { name: "Bucketshare", logoUrl: null, accent: "#0369a1" };

export async function loadRecipientBrand(): Promise<RecipientBrand> {
  return DEFAULT_BRAND;
}
