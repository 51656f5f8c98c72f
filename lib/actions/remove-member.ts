"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { log } from "@/lib/log";
import { removeMember } from "@/lib/members/store";
import { removeMemberSchema } from "@/lib/validation/members";

/** Settings → Members → "Remove member": their sessions and API tokens end now; their managed links stay or are revoked. */
export const removeMemberAction = signedInAction("removeMember", removeMemberSchema, async (input, user) => {
  const result = await removeMember(user, input);
  log.info("member.removed", { userId: user.id, teamId: user.teamId, memberId: input.id, revokedLinks: result.revokedLinks });
  const links =
    input.links === "revoke" ? ` ${result.revokedLinks} managed link${result.revokedLinks === 1 ? "" : "s"} revoked.` : " Their links keep working.";
  return { message: `${result.name} removed: signed out everywhere.${links}`, revalidate: ["/settings/members"] };
});
