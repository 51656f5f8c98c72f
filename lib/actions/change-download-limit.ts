"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { changeDownloadLimit } from "@/lib/links/manage";
import { changeDownloadLimitSchema } from "@/lib/validation/share";

/** Link page → Change download limit (managed links): empty = unlimited. */
export const changeDownloadLimitAction = signedInAction("changeDownloadLimit", changeDownloadLimitSchema, async ({ id, downloadLimit }, user) => {
  const { downloadCount } = await changeDownloadLimit(user, id, downloadLimit);
  const message =
    downloadLimit === null
      ? "The link now has no download limit."
      : downloadCount >= downloadLimit
        ? `Limit set to ${downloadLimit}: already reached (${downloadCount} downloads), so the link refuses further downloads.`
        : `Limit set to ${downloadLimit} (${downloadCount} used so far).`;
  return { message, revalidate: ["/links", `/links/${id}`] };
});
