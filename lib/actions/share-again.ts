"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { AppError } from "@/lib/errors";
import { getReshareOptions, markReplaced, reshareProblem } from "@/lib/links/history";
import { issueShareLink, type IssuedLink } from "@/lib/links/issue";
import { linkIdSchema } from "@/lib/validation/share";

/** History → Share again: the same object and options, with a fresh expiry of the same length; the old row is
 * marked as replaced by the new one. */
export const shareAgainAction = signedInAction<typeof linkIdSchema, IssuedLink>("shareAgain", linkIdSchema, async ({ id }, user) => {
  const { input, passwordHash } = await getReshareOptions(user, id);
  const problem = reshareProblem(input);
  if (problem) throw new AppError("invalid", problem);
  const link = await issueShareLink(user, input, { passwordHash });
  // The old row points at its successor ("Replaced"); a row already replaced keeps its first successor.
  await markReplaced(id, link.id);
  return { data: link, revalidate: ["/links"] };
});
