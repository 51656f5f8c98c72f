"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { changeRequestLimits } from "@/lib/upload-requests/manage";
import { limitsInWords } from "@/lib/upload-requests/request";
import { changeRequestLimitsSchema } from "@/lib/validation/upload-requests";

/** Upload request page → Change limits: Max files, Max file size, Max total size. */
export const changeRequestLimitsAction = signedInAction("changeRequestLimits", changeRequestLimitsSchema, async ({ id, ...limits }, user) => {
  await changeRequestLimits(user, id, limits);
  return { message: `Limits changed: ${limitsInWords(limits)}.`, revalidate: ["/links", `/links/${id}`] };
});
