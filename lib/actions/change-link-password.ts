"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { changeLink } from "@/lib/links/manage";
import { changeLinkPasswordSchema } from "@/lib/validation/share";

/**
 * Link page → Change password (managed links): set a new password, or remove it. Recipients who
 * unlocked the link before must enter the new one at their next request (unlock cookies are bound
 * to the password's hash).
 */
export const changeLinkPasswordAction = signedInAction("changeLinkPassword", changeLinkPasswordSchema, async ({ id, password }, user) => {
  await changeLink(user, { id }, { password });
  return {
    message:
      password === null
        ? "The link no longer asks for a password."
        : "Password changed: recipients need the new one, including those who had entered the old one.",
    revalidate: ["/links", `/links/${id}`],
  };
});
