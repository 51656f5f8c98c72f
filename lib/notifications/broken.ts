import "server-only";
import { db } from "@/lib/db/client";
import { publicBaseUrl } from "@/lib/env";
import { log } from "@/lib/log";
import { escapeHtml, mailConfigured, sendMail } from "@/lib/mail/send";
import { countLinks } from "@/lib/notifications/batch";
import { mailFailure, queueWebhookEvent, RECIPIENT_SELECT, withUnsubscribe } from "@/lib/notifications/deliver";

/**
 * "Links that broke": what the health checker calls (directly, or through the queue task `links:broken`,
 * lib/jobs/tasks.ts) once per person per pass with the links that turned bad in it. One e-mail and one
 * `link.broken` webhook event for all of them, when the person asked for it. Throws when the e-mail
 * could not be sent (the task is then retried; the caller decides which links are "newly" broken).
 */
export type BrokenLink = { id: string; health: string; detail?: string };

const HEALTH_WORDS: Record<string, string> = {
  missing: "Missing (the object was deleted)",
  changed: "Changed (the object was replaced)",
  access_denied: "Access denied (the key was rotated or the policy changed)",
  connection_failing: "Connection failing",
  dies_early: "Dies early (temporary credentials end first)",
};

export async function notifyBrokenLinks(personId: string, broken: BrokenLink[]): Promise<{ mailed: boolean; webhook: boolean }> {
  if (broken.length === 0) return { mailed: false, webhook: false };
  const person = await db.user.findUnique({ where: { id: personId }, select: { ...RECIPIENT_SELECT, notifyBroken: true, removedAt: true } });
  if (!person || person.removedAt || !person.notifyBroken) return { mailed: false, webhook: false };
  const rows = await db.shareLink.findMany({
    where: { id: { in: broken.map((b) => b.id) }, issuedById: personId, deletedAt: null },
    select: { id: true, fileName: true, title: true, kind: true },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const links = broken.flatMap((b) => {
    const row = byId.get(b.id);
    return row ? [{ ...b, name: row.title ?? row.fileName, kind: row.kind, words: HEALTH_WORDS[b.health] ?? b.health }] : [];
  });
  if (links.length === 0) return { mailed: false, webhook: false };
  let mailed = false;
  if (person.notifyByEmail && mailConfigured()) {
    const base = publicBaseUrl() ?? "";
    const mail = {
      to: person.email,
      subject: `${countLinks(links.length)} stopped working`,
      text: [
        `${links.length === 1 ? "This link no longer works" : "These links no longer work"}:`,
        "",
        ...links.map((l) => `- ${l.name}: ${l.words}${l.detail ? ` (${l.detail})` : ""}: ${base}/links/${l.id}`),
        "",
        "Open a link to fix it: Re-pin, Share again, Extend or Revoke.",
      ].join("\n"),
      html: [
        `<p>${links.length === 1 ? "This link no longer works" : "These links no longer work"}:</p>`,
        `<ul>${links.map((l) => `<li><a href="${escapeHtml(`${base}/links/${l.id}`)}">${escapeHtml(l.name)}</a>: ${escapeHtml(l.words)}${l.detail ? ` (${escapeHtml(l.detail)})` : ""}</li>`).join("")}</ul>`,
        "<p>Open a link to fix it: Re-pin, Share again, Extend or Revoke.</p>",
      ].join(""),
    };
    try {
      await sendMail(withUnsubscribe(mail, person.id, "broken", "links that broke"));
      mailed = true;
    } catch (error) {
      throw new Error(`The broken-links e-mail could not be sent: ${mailFailure(error)}`);
    }
  }
  const webhook = await queueWebhookEvent(person, {
    type: "link.broken",
    links: links.map((l) => ({ id: l.id, name: l.name, kind: l.kind, health: l.health, ...(l.detail ? { detail: l.detail } : {}) })),
  });
  log.info("notifications.broken_sent", { person: personId, links: links.length, mailed, webhook });
  return { mailed, webhook };
}
