"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { can } from "@/lib/auth/permissions";
import { resetAppearance, saveAppearance } from "@/lib/appearance/settings";
import { AppError } from "@/lib/errors";
import { saveAppearanceSchema } from "@/lib/validation/appearance";
import { z } from "zod";
import { recordAuditAfter } from "@/lib/audit/record";

/**
 * Settings → Appearance: saves the name shown to recipients, the accent colour and the logo (a new file replaces it,
 * "Remove logo" removes it, neither keeps it). Recipient pages show the change on their next load.
 */
/** Appearance is the instance's: only its Owner changes it. */
const APPEARANCE_OWNER_ONLY = "Only the Owner changes how recipient pages look.";

export const saveAppearanceAction = signedInAction("saveAppearance", saveAppearanceSchema, async (input, user) => {
  if (!can(user, "instance.settings")) throw new AppError("forbidden", APPEARANCE_OWNER_ONLY);
  if (input.logo && input.removeLogo) {
    throw new AppError("invalid", "Choose a new logo or tick “Remove logo”, not both.", { reason: "unusable_logo", field: "logo" });
  }
  const logo = input.logo
    ? ({ kind: "replace", upload: new Uint8Array(await input.logo.arrayBuffer()) } as const)
    : input.removeLogo
      ? ({ kind: "remove" } as const)
      : ({ kind: "keep" } as const);
  await saveAppearance(user.teamId, { name: input.name, accent: input.accent, logo });
  await recordAuditAfter({ actor: user, kind: "settings.changed", subject: "Appearance", details: { setting: "appearance", logo: logo.kind } });
  return { message: "Appearance saved. Recipients see it on the next page they open.", revalidate: ["/settings/appearance"] };
});

/** "Reset to Bucketshare's": the default name and colour, no logo. */
export const resetAppearanceAction = signedInAction("resetAppearance", z.object({}), async (_input, user) => {
  if (!can(user, "instance.settings")) throw new AppError("forbidden", APPEARANCE_OWNER_ONLY);
  await resetAppearance(user.teamId);
  await recordAuditAfter({ actor: user, kind: "settings.changed", subject: "Appearance", details: { setting: "appearance", change: "reset" } });
  return { message: "Appearance reset to Bucketshare’s.", revalidate: ["/settings/appearance"] };
});
