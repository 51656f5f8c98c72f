import { formatExactDate } from "@/lib/format";
import { escapeHtml, type Mail } from "@/lib/mail/send";

/** What the invite form says when SMTP_URL is set but the e-mail could not be sent. */
export const MAIL_FAILED_MESSAGE = "The e-mail could not be sent: copy the link instead.";

/** The invite e-mail: who invited, the role, the link and until when it works. */
export function inviteMail(input: { to: string; inviter: string; role: string; link: string; expiresAt: Date }): Mail {
  const role = input.role === "admin" ? "an Admin" : "a Member";
  const until = formatExactDate(input.expiresAt, "UTC");
  const subject = `${input.inviter} invited you to Bucketshare`.replace(/[\r\n]+/g, " ");
  const text = [
    `${input.inviter} invited you to join their team on Bucketshare as ${role}.`,
    "",
    "Accept the invite (the link works once):",
    input.link,
    "",
    `The invite is valid until ${until}.`,
    "If you did not expect it, ignore this e-mail.",
  ].join("\n");
  const html = [
    `<p>${escapeHtml(input.inviter)} invited you to join their team on Bucketshare as ${role}.</p>`,
    `<p><a href="${escapeHtml(input.link)}">Accept the invite</a> (the link works once):<br>${escapeHtml(input.link)}</p>`,
    `<p>The invite is valid until ${escapeHtml(until)}.</p>`,
    "<p>If you did not expect it, ignore this e-mail.</p>",
  ].join("\n");
  return { to: input.to, subject, text, html };
}
