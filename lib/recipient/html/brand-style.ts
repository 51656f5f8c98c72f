import { createHash } from "node:crypto";
import type { RecipientBrand } from "@/lib/appearance/brand";

/**
 * The owner's brand as recipient pages use it, checked again here (the page must hold even if a stored value
 * does not): the accent only as "#rrggbb" with at least 4.5:1 for white text on it, else Bucketshare's; the logo
 * only as a same-origin path; the name trimmed and bounded.
 */

export const DEFAULT_ACCENT = "#0369a1";
const DEFAULT_NAME = "Bucketshare";
const MAX_NAME_LENGTH = 80;

function channel(hex: string): number {
  const value = Number.parseInt(hex, 16) / 255;
  return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
}

/** WCAG contrast ratio of white text on a "#rrggbb" colour. */
export function whiteContrast(accent: string): number {
  const luminance = 0.2126 * channel(accent.slice(1, 3)) + 0.7152 * channel(accent.slice(3, 5)) + 0.0722 * channel(accent.slice(5, 7));
  return 1.05 / (luminance + 0.05);
}

export function safeBrand(brand: RecipientBrand): RecipientBrand {
  const accent = /^#[0-9a-f]{6}$/i.test(brand.accent) && whiteContrast(brand.accent) >= 4.5 ? brand.accent.toLowerCase() : DEFAULT_ACCENT;
  const logoUrl = brand.logoUrl && /^\/(?![/\\])[^\s"'<>]*$/.test(brand.logoUrl) ? brand.logoUrl : null;
  const name = brand.name.trim().slice(0, MAX_NAME_LENGTH) || DEFAULT_NAME;
  return { name, logoUrl, accent };
}

/**
 * The accent as CSS custom properties, or null for Bucketshare's own (the stylesheet has it). White text on the
 * accent in both schemes (its contrast was checked); links take the accent in light mode (the same ratio holds
 * against white, with a margin for the cards' grey) and keep the stylesheet's light sky in dark mode, where a dark accent would not be readable.
 */
export function brandCss(brand: RecipientBrand): string | null {
  if (brand.accent === DEFAULT_ACCENT) return null;
  // Links also sit on the light grey of cards (#fafafa): an accent only just at 4.5:1 on white leaves them to the default blue.
  const link = whiteContrast(brand.accent) >= 4.75 ? brand.accent : DEFAULT_ACCENT;
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
