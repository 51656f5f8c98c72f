"use server";

import { z } from "zod";
import { signedInAction } from "@/lib/actions/safe-action";
import { repinLink } from "@/lib/links/repin";

const repinSchema = z.object({
  id: z.string().trim().min(1).max(64),
  /** The ETag of the object as the owner saw it in the confirmation ("" when the storage gave none). */
  seenEtag: z.string().max(200),
});

/** Link page → "Re-pin" (a managed link whose pinned file changed): pin the file as it is now (canManageLink). */
export const repinLinkAction = signedInAction("repinLink", repinSchema, async ({ id, seenEtag }, user) => {
  await repinLink(user, id, seenEtag);
  return { message: "The link now gives the file as it is now.", revalidate: ["/links", `/links/${id}`] };
});
