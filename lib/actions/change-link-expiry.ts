"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { formatExpiryDate } from "@/lib/links/expiry";
import { changeLinkExpiry } from "@/lib/links/manage";
import { changeExpirySchema } from "@/lib/validation/share";

/** Link page → Change expiry (managed links): a preset from now, or No expiry. */
export const changeLinkExpiryAction = signedInAction("changeLinkExpiry", changeExpirySchema, async ({ id, preset }, user) => {
  const { expiresAt, neverExpires } = await changeLinkExpiry(user, id, preset);
  return {
    message: neverExpires ? "The link now never expires." : `The link now works until ${formatExpiryDate(expiresAt)}.`,
    revalidate: ["/links", `/links/${id}`],
  };
});
