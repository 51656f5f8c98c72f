import "server-only";
import { DEFAULT_BRAND, invalidateRecipientBrand } from "@/lib/appearance/brand";
import { accentColourProblem, normaliseHexColour } from "@/lib/appearance/colour";
import { reencodeLogo } from "@/lib/appearance/logo";
import { logoPath } from "@/lib/appearance/logo-path";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";

/** What Settings → Appearance shows: the owner's saved appearance, or Bucketshare's own. */
export type AppearanceSettings = { name: string; accent: string; logoUrl: string | null; isDefault: boolean };

export async function getAppearanceSettings(userId: string): Promise<AppearanceSettings> {
  const row = await db.appearance.findUnique({ where: { userId }, select: { name: true, accent: true, logoSha256: true } });
  if (!row) return { ...DEFAULT_BRAND, isDefault: true };
  return { name: row.name, accent: row.accent, logoUrl: row.logoSha256 ? logoPath(row.logoSha256) : null, isDefault: false };
}

/** A typed change of appearance, whichever form or API it came from. */
export type AppearanceChange = {
  name: string;
  accent: string;
  logo: { kind: "keep" } | { kind: "remove" } | { kind: "replace"; upload: Uint8Array };
};

/**
 * Saves the owner's appearance: the accent is checked against white text again (whatever door it came through),
 * an uploaded logo is decoded and re-encoded (lib/appearance/logo.ts) before anything is written.
 */
export async function saveAppearance(userId: string, change: AppearanceChange): Promise<void> {
  const accent = normaliseHexColour(change.accent);
  const problem = accentColourProblem(change.accent);
  if (!accent || problem) throw new AppError("invalid", problem ?? "Enter a colour.", { reason: "accent_contrast", field: "accent" });
  const logo =
    change.logo.kind === "replace" ? await reencodeLogo(change.logo.upload) : change.logo.kind === "remove" ? { png: null, sha256: null } : undefined;
  const logoData = logo ? { logoPng: logo.png ? new Uint8Array(logo.png) : null, logoSha256: logo.sha256 } : {};
  await db.appearance.upsert({
    where: { userId },
    create: { userId, name: change.name, accent, ...logoData },
    update: { name: change.name, accent, ...logoData },
  });
  invalidateRecipientBrand();
  log.info("appearance.saved", { userId, logo: change.logo.kind, logoBytes: logo?.png?.byteLength });
}

/** Back to Bucketshare's name, colour and no logo. */
export async function resetAppearance(userId: string): Promise<void> {
  await db.appearance.deleteMany({ where: { userId } });
  invalidateRecipientBrand();
  log.info("appearance.reset", { userId });
}

/** The re-encoded PNG with this hash, or null (the public logo route). */
export async function getLogoPng(sha256: string): Promise<Uint8Array | null> {
  const row = await db.appearance.findFirst({ where: { logoSha256: sha256 }, select: { logoPng: true } });
  return row?.logoPng ?? null;
}
