"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { AppError } from "@/lib/errors";
import { issueShareLink, type IssuedLink } from "@/lib/links/issue";
import { keyHasDotSegment } from "@/lib/paths";
import { createShareSchema } from "@/lib/validation/share";

/** Quick Share → Generate link. */
export const createShareLinkAction = signedInAction<typeof createShareSchema, IssuedLink>("createShareLink", createShareSchema, async (input, user) => {
  if (keyHasDotSegment(input.key)) {
    throw new AppError(
      "invalid",
      "This object's key has a “.” or “..” folder segment, which browsers remove from every link, so a link to it cannot work. Copy or rename the object to a key without one, then share that.",
    );
  }
  const link = await issueShareLink(user, input);
  // No revalidation: /links is rendered fresh on every visit, and revalidating here would make
  // Next re-render the listing this dialog sits on into the action's response.
  return { data: link };
});
