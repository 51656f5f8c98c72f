"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { clearLinkLockout } from "@/lib/links/manage";
import { linkIdSchema } from "@/lib/validation/share";

/** Link page → Clear lock-out (a password-protected managed link): recipients may guess again at once. */
export const clearLinkLockoutAction = signedInAction("clearLinkLockout", linkIdSchema, async ({ id }, user) => {
  await clearLinkLockout(user, id);
  return { message: "Lock-out cleared: recipients can enter the password again.", revalidate: [`/links/${id}`] };
});
