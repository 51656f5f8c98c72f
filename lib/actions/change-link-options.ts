"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { AppError } from "@/lib/errors";
import { NOT_MANAGEABLE } from "@/lib/links/history";
import { changeLink, DIRECT_CANNOT, getLinkDetails, REVOKED_CANNOT, type LinkChanges } from "@/lib/links/manage";
import { changeLinkOptionsSchema, requestedExpiryOf } from "@/lib/validation/share";

/** What the dialog shows of the link once changed. */
export type ChangedLinkOptions = {
  expiresAt: string;
  neverExpires: boolean;
  downloadLimit: number | null;
  password: boolean;
  allowedNetworks: string[];
};

/**
 * Quick Share / Share selected → "Change options" on the managed link just made: the same link
 * (same address) gets the new expiry, download limit, password and allowed networks in one
 * update (lib/links/manage.ts changeLink, as the link page and the API's PATCH), all or none.
 */
export const changeLinkOptionsAction = signedInAction<typeof changeLinkOptionsSchema, ChangedLinkOptions>(
  "changeLinkOptions",
  changeLinkOptionsSchema,
  async (input, user) => {
    const link = await getLinkDetails(user, input.id);
    if (!link) throw new AppError("not_found", "This link is not in your history (any more).", { reason: "no_such_link" });
    if (!link.canManage) throw new AppError("forbidden", NOT_MANAGEABLE, { reason: "link_not_manageable" });
    // As changeLink refuses them, also when nothing was asked to change: never "Nothing was changed" on such a link.
    if (link.revokedAt) throw new AppError("conflict", REVOKED_CANNOT, { reason: "revoked_cannot_change" });
    if (link.kind !== "managed") throw new AppError("conflict", DIRECT_CANNOT, { reason: "direct_cannot_change" });
    const changes: LinkChanges = {};
    if (input.expiryMode !== "keep") changes.expiry = requestedExpiryOf({ ...input, expiryMode: input.expiryMode }, "managed");
    if (input.changeDownloadLimit) changes.downloadLimit = input.downloadLimit;
    if (input.passwordMode !== "keep") changes.password = input.passwordMode === "remove" ? null : input.password;
    if (input.changeAllowedNetworks) changes.allowedNetworks = input.allowedNetworks;
    if (Object.keys(changes).length === 0) return { message: "Nothing was changed: the link keeps the options it had." };
    await changeLink(user, link, changes);
    const after = (await getLinkDetails(user, input.id)) ?? link;
    // No revalidation: the dialog sits on a listing (see create-share-link.ts); /links is rendered fresh on every visit.
    return {
      message: "Saved: the link keeps its address and works with the new options.",
      data: {
        expiresAt: after.expiresAt.toISOString(),
        neverExpires: after.neverExpires,
        downloadLimit: after.downloadLimit,
        password: after.hasPassword,
        allowedNetworks: after.allowedNetworks,
      },
    };
  },
);
