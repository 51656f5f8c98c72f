import { createHash } from "node:crypto";
import { DEFAULT_BRAND, type RecipientBrand } from "@/lib/appearance/brand";
import { contrastWithWhite, MIN_CONTRAST } from "@/lib/appearance/colour";
import { MAX_BRAND_NAME_LENGTH } from "@/lib/validation/appearance";

/**
 * The owner's brand as recipient pages use it, checked again here (the page must hold even if a stored value
 * does not): the accent only as "#rrggbb" with at least 4.5:1 for white text on it (the rule Settings → Appearance
 * saves with, lib/appearance/colour.ts), else Bucketshare's; the logo only as a same-origin path; the name trimmed
 * and bounded as the form bounds it.
 */

export function safeBrand(brand: RecipientBrand): RecipientBrand {
  const accent = /^#[0-9a-f]{6}$/i.test(brand.accent) && contrastWithWhite(brand.accent) >= MIN_CONTRAST ? brand.accent.toLowerCase() : DEFAULT_BRAND.accent;
  const logoUrl = brand.logoUrl && /^\/(?![/\\])[^\s"'<>]*$/.test(brand.logoUrl) ? brand.logoUrl : null;
  const name = brand.name.trim().slice(0, MAX_BRAND_NAME_LENGTH) || DEFAULT_BRAND.name;
  return { name, logoUrl, accent };
}

/**
 * The accent as CSS custom properties, or null for Bucketshare's own (the stylesheet has it). White text on the
 * accent in both schemes (its contrast was checked); links take the accent in light mode (the same ratio holds
 * against white, with a margin for the cards' grey) and keep the stylesheet's light sky in dark mode, where a dark accent would not be readable.
 */
export function brandCss(brand: RecipientBrand): string | null {
  if (brand.accent === DEFAULT_BRAND.accent) return null;
  // Links also sit on the light grey of cards (#fafafa): an accent only just at 4.5:1 on white leaves them to the default blue.
  const link = contrastWithWhite(brand.accent) >= 4.75 ? brand.accent : DEFAULT_BRAND.accent;
  return `:root{--accent:${brand.accent};--on-accent:#fff;--link:${link};--focus:${link}}@media (prefers-color-scheme:dark){:root{--accent:${brand.accent};--on-accent:#fff;--link:#7dd3fc;--focus:#7dd3fc}}`;
}

const hashes = new Map<string, string>();

/** The CSP source allowing brandCss(brand) inline, or null when there is none. */
export function brandCssHash(brand: RecipientBrand): string | null {
  const css = brandCss(brand);
  if (!css) return null;
  let hash = hashes.get(css);
  if (!hash) {
    hash = `sha256-${createHash("sha256").update(css).digest("base64")}`;
    if (hashes.size > 100) hashes.clear();
    hashes.set(css, hash);
  }
  return hash;
}
