"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { log } from "@/lib/log";
import { handOwnership } from "@/lib/members/store";
import { handOwnershipSchema } from "@/lib/validation/members";

/** Settings → Members → "Make Owner": the Admin becomes the Owner, and the Owner an Admin. */
export const handOwnershipAction = signedInAction("handOwnership", handOwnershipSchema, async (input, user) => {
  const result = await handOwnership(user, input);
  log.info("member.owner_transferred", { userId: user.id, teamId: user.teamId, newOwnerId: input.id });
  return { message: `${result.name} is now the Owner. You are an Admin.`, revalidate: ["/settings/members"] };
});
