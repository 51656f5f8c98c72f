"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { log } from "@/lib/log";
import { createInvite } from "@/lib/members/store";
import { inviteMemberSchema } from "@/lib/validation/members";

export type CreatedInviteData = { id: string; email: string; path: string };

/**
 * Settings → Members → "Invite member". The answer carries the invite link: the only time it leaves
 * the server (only its SHA-256 is stored). The page shows it once with "Copy invite link".
 */
export const inviteMemberAction = signedInAction<typeof inviteMemberSchema, CreatedInviteData>("inviteMember", inviteMemberSchema, async (input, user) => {
  const invite = await createInvite(user, input);
  log.info("member.invited", { userId: user.id, teamId: user.teamId, inviteId: invite.id, role: input.role });
  return {
    message: `Invite for ${input.email} created. Copy the link now: it is shown only this once.`,
    data: { id: invite.id, email: input.email, path: `/invite/${invite.token}` },
    revalidate: ["/settings/members"],
  };
});
