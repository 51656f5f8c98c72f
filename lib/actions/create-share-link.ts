"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { issueShareLink, type IssuedLink } from "@/lib/links/issue";
import { createShareSchema, toShareLinkRequest } from "@/lib/validation/share";

/** Quick Share → Generate link. */
export const createShareLinkAction = signedInAction<typeof createShareSchema, IssuedLink>("createShareLink", createShareSchema, async (input, user) => {
  const link = await issueShareLink(user, toShareLinkRequest(input));
  // No revalidation: /links is rendered fresh on every visit, and revalidating here would make
  // Next re-render the listing this dialog sits on into the action's response.
  return { data: link };
});
