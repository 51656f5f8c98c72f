"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { revokeInvite } from "@/lib/members/store";
import { revokeInviteSchema } from "@/lib/validation/members";

/** Settings → Members → "Revoke invite": the invite link shows "no longer valid" from then on. */
export const revokeInviteAction = signedInAction("revokeInvite", revokeInviteSchema, async ({ id }, user) => {
  const invite = await revokeInvite(user, id);
  if (!invite) throw new AppError("not_found", "That invite no longer exists. Reload the page to see the invites.");
  log.info("member.invite_revoked", { userId: user.id, teamId: user.teamId, inviteId: id });
  return { message: `Invite for ${invite.email} revoked.`, revalidate: ["/settings/members"] };
});
