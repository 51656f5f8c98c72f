import "server-only";
import { db } from "@/lib/db/client";
import { publicBaseUrl } from "@/lib/env";
import { formatExactDate } from "@/lib/format";
import { log } from "@/lib/log";
import { escapeHtml, mailConfigured, sendMail } from "@/lib/mail/send";
import { countLinks, groupByPerson } from "@/lib/notifications/batch";
import { mailFailure, queueWebhookEvent, RECIPIENT_SELECT, withUnsubscribe } from "@/lib/notifications/deliver";

/**
 * "Links about to expire" (Settings → Notifications): each round (the job `links:expiring_reminders`,
 * lib/jobs/tasks.ts) claims the links whose expires_at falls within their issuer's N days and that were
 * never reminded (share_links.expiry_reminded_at, set by one conditional UPDATE, so a link is reminded
 * once however many instances run the round), then sends each issuer ONE e-mail listing them and one
 * `link.expiring` webhook event. A failed e-mail gives that person's links back (the job's retry tries
 * again) and fails the round after the others were served.
 */

type Claimed = { id: string; personId: string; name: string; kind: string; expiresAt: Date };

export async function claimExpiringLinks(now: Date): Promise<Claimed[]> {
  return db.$queryRaw<Claimed[]>`
    UPDATE share_links l SET expiry_reminded_at = ${now}
      FROM users u
     WHERE u.id = l.issued_by AND u.notify_expiring AND u.removed_at IS NULL
       AND l.expiry_reminded_at IS NULL AND l.revoked_at IS NULL AND l.deleted_at IS NULL AND NOT l.never_expires AND l.target <> 'request'
       AND l.expires_at > ${now} AND l.expires_at <= ${now}::timestamp + make_interval(days => u.notify_expiring_days)
    RETURNING l.id, l.issued_by AS "personId", COALESCE(l.title, l.file_name) AS name, l.kind, l.expires_at AS "expiresAt"`;
}

function reminderMail(to: string, links: Claimed[]) {
  const base = publicBaseUrl() ?? "";
  const sorted = [...links].sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
  const line = (l: Claimed) => `${l.name} (${l.kind === "managed" ? "managed" : "direct"} link) stops working ${formatExactDate(l.expiresAt, "UTC")}`;
  const subject = `${countLinks(links.length)} about to expire`;
  return {
    to,
    subject,
    text: [
      `${links.length === 1 ? "This link stops" : "These links stop"} working soon:`,
      "",
      ...sorted.map((l) => `- ${line(l)}: ${base}/links/${l.id}`),
      "",
      "Open a link to extend it or share it again.",
    ].join("\n"),
    html: [
      `<p>${links.length === 1 ? "This link stops" : "These links stop"} working soon:</p>`,
      `<ul>${sorted.map((l) => `<li><a href="${escapeHtml(`${base}/links/${l.id}`)}">${escapeHtml(l.name)}</a>: ${escapeHtml(line(l).slice(l.name.length + 1))}</li>`).join("")}</ul>`,
      "<p>Open a link to extend it or share it again.</p>",
    ].join(""),
  };
}

/** One round; returns the e-mails sent and the webhook events queued. */
export async function sendExpiringReminders(options: { now?: Date } = {}): Promise<{ mails: number; events: number; links: number }> {
  const now = options.now ?? new Date();
  const claimed = await claimExpiringLinks(now);
  let mails = 0;
  let events = 0;
  let failure: string | null = null;
  for (const [personId, links] of groupByPerson(claimed)) {
    const person = await db.user.findUnique({ where: { id: personId }, select: RECIPIENT_SELECT });
    if (!person) continue;
    if (person.notifyByEmail && mailConfigured()) {
      try {
        await sendMail(withUnsubscribe(reminderMail(person.email, links), person.id, "expiring", "links about to expire"));
        mails++;
      } catch (error) {
        await db.shareLink.updateMany({ where: { id: { in: links.map((l) => l.id) }, expiryRemindedAt: now }, data: { expiryRemindedAt: null } });
        failure = mailFailure(error);
        continue;
      }
    }
    const queued = await queueWebhookEvent(person, {
      type: "link.expiring",
      links: links.map((l) => ({ id: l.id, name: l.name, kind: l.kind, expiresAt: l.expiresAt.toISOString() })),
    });
    if (queued) events++;
  }
  if (claimed.length) log.info("notifications.expiring_sent", { links: claimed.length, mails, events });
  if (failure) throw new Error(`An expiry reminder could not be e-mailed (${mails} sent in this round): ${failure}`);
  return { mails, events, links: claimed.length };
}
