"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { checkLinkHealthNow } from "@/lib/health/check-now";
import { linkIdSchema } from "@/lib/validation/share";

/** History row menu / link page → Check now: one health check of the link at once, its outcome in words. */
export const checkLinkHealthAction = signedInAction("checkLinkHealth", linkIdSchema, async ({ id }, user) => {
  const { outcome, message } = await checkLinkHealthNow(user, id);
  return { message, data: { outcome }, revalidate: ["/links", `/links/${id}`] };
});
