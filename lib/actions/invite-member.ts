"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { managedLinkBase } from "@/lib/links/issue";
import { log } from "@/lib/log";
import { inviteMail, MAIL_FAILED_MESSAGE } from "@/lib/mail/invite";
import { mailConfigured, sendMail } from "@/lib/mail/send";
import { createInvite } from "@/lib/members/store";
import { inviteMemberSchema } from "@/lib/validation/members";

/** mail: "sent" (SMTP_URL set and the server took it), "failed" (set, but it could not be sent), "off" (no SMTP_URL). */
export type CreatedInviteData = { id: string; email: string; path: string; mail: "sent" | "failed" | "off" };

/**
 * Settings → Members → "Invite member". The answer carries the invite link: the only time it leaves
 * the server (only its SHA-256 is stored). The page shows it once with "Copy invite link". Where
 * SMTP_URL is set the link is also e-mailed; a failed e-mail does not undo the invite.
 */
export const inviteMemberAction = signedInAction<typeof inviteMemberSchema, CreatedInviteData>("inviteMember", inviteMemberSchema, async (input, user) => {
  const invite = await createInvite(user, input);
  log.info("member.invited", { userId: user.id, teamId: user.teamId, inviteId: invite.id, role: input.role });
  const path = `/invite/${invite.token}`;
  let mail: CreatedInviteData["mail"] = "off";
  if (mailConfigured()) {
    try {
      const link = `${await managedLinkBase()}${path}`;
      await sendMail(inviteMail({ to: input.email, inviter: user.name || user.email, role: input.role, link, expiresAt: invite.expiresAt }));
      mail = "sent";
    } catch {
      // sendMail logged the kind of failure (never the link); the invite stands.
      log.warn("member.invite_mail_failed", { userId: user.id, inviteId: invite.id });
      mail = "failed";
    }
  }
  const message =
    mail === "sent"
      ? `Invite for ${input.email} created and sent by e-mail. You can also copy the link now: it is shown only this once.`
      : mail === "failed"
        ? `Invite for ${input.email} created. ${MAIL_FAILED_MESSAGE}`
        : `Invite for ${input.email} created. Copy the link now: it is shown only this once.`;
  return { message, data: { id: invite.id, email: input.email, path, mail }, revalidate: ["/settings/members"] };
});
