"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { log } from "@/lib/log";
import { changeMember } from "@/lib/members/store";
import { changeMemberSchema } from "@/lib/validation/members";

/** Settings → Members → a member's "Save changes": role and grants, in force from their next request. */
export const changeMemberAction = signedInAction("changeMember", changeMemberSchema, async (input, user) => {
  const member = await changeMember(user, input);
  log.info("member.changed", { userId: user.id, teamId: user.teamId, memberId: input.id, role: input.role });
  return { message: `${member.name}: role and grants saved.`, revalidate: ["/settings/members"] };
});
