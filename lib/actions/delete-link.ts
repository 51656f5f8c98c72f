"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { deleteLinkFromHistory } from "@/lib/links/history";
import { linkIdSchema } from "@/lib/validation/share";

/** History → Delete from history. The presigned URL keeps working until it expires (S3 cannot revoke it). */
export const deleteLinkAction = signedInAction("deleteLink", linkIdSchema, async ({ id }, user) => {
  await deleteLinkFromHistory(user, id);
  return { message: "Removed from your history.", revalidate: ["/links"] };
});
