"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { AppError } from "@/lib/errors";
import { getReshareOptions, reshareProblem, withReplaceClaim } from "@/lib/links/history";
import { issueShareLink, type IssuedLink } from "@/lib/links/issue";
import { linkIdSchema } from "@/lib/validation/share";

/** History → Share again: the same object and options, with a fresh expiry of the same length; the old row is
 * marked as replaced by the new one. */
export const shareAgainAction = signedInAction<typeof linkIdSchema, IssuedLink>("shareAgain", linkIdSchema, async ({ id }, user) => {
  const { input, passwordHash } = await getReshareOptions(user, id);
  const problem = reshareProblem(input);
  if (problem) throw new AppError("invalid", problem);
  // The old row is locked while its successor is issued, so a double submit (or two instances) makes one new link:
  // the second finds the row replaced and is refused. A failed issue rolls back and leaves the old row as it was.
  const link = await withReplaceClaim(id, async () => issueShareLink(user, input, { passwordHash }));
  return { data: link, revalidate: ["/links"] };
});
