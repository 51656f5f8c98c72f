"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { issueShareLink, type IssuedLink } from "@/lib/links/issue";
import { createShareSchema } from "@/lib/validation/share";

/** Quick Share → Generate link. */
export const createShareLinkAction = signedInAction<typeof createShareSchema, IssuedLink>("createShareLink", createShareSchema, async (input, user) => {
  const link = await issueShareLink(user, input);
  return { data: link, revalidate: ["/links"] };
});
