"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { revokeLink } from "@/lib/links/manage";
import { linkIdSchema } from "@/lib/validation/share";

/** History / link page → Revoke (managed links): refused at once on every instance. */
export const revokeLinkAction = signedInAction("revokeLink", linkIdSchema, async ({ id }, user) => {
  const { alreadyRevoked } = await revokeLink(user, id);
  return {
    message: alreadyRevoked ? "This link was already revoked." : "Revoked: the link no longer works.",
    revalidate: ["/links", `/links/${id}`],
  };
});
