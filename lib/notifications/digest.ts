import "server-only";
import { db } from "@/lib/db/client";
import { publicBaseUrl } from "@/lib/env";
import { formatExactDate } from "@/lib/format";
import { log } from "@/lib/log";
import { escapeHtml, mailConfigured, sendMail } from "@/lib/mail/send";
import { mailFailure, queueWebhookEvent, RECIPIENT_SELECT, withUnsubscribe } from "@/lib/notifications/deliver";

/**
 * "Downloads: daily digest" (Settings → Notifications): the job `notifications:daily_digest` (daily) gives
 * each person who chose it ONE e-mail and one `digest.daily` webhook event counting the downloads of the
 * links they issued since their last digest (users.downloads_digest_at, moved forward by one conditional
 * UPDATE … FOR UPDATE SKIP LOCKED, so two instances never send a person's digest twice). Nothing is sent
 * for a day without downloads. A failed e-mail puts the person's window back for the retry.
 */

type Due = { id: string; prev: Date | null };
type Row = { id: string; name: string; downloads: bigint };

const MAX_LINKS = 50;

export async function sendDailyDigests(options: { now?: Date } = {}): Promise<{ mails: number; events: number }> {
  const now = options.now ?? new Date();
  const due = await db.$queryRaw<Due[]>`
    UPDATE users u SET downloads_digest_at = ${now}
      FROM (SELECT id, downloads_digest_at AS prev FROM users
             WHERE notify_downloads = 'digest' AND removed_at IS NULL
               AND (downloads_digest_at IS NULL OR downloads_digest_at <= ${now}::timestamp - interval '20 hours')
             FOR UPDATE SKIP LOCKED) p
     WHERE u.id = p.id
    RETURNING u.id, p.prev`;
  let mails = 0;
  let events = 0;
  let failure: string | null = null;
  for (const { id, prev } of due) {
    const since = prev ?? new Date(now.getTime() - 86_400_000);
    const rows = await db.$queryRaw<Row[]>`
      SELECT l.id, COALESCE(l.title, l.file_name) AS name, count(*) AS downloads
        FROM link_events e JOIN share_links l ON l.id = e.link_id
       WHERE l.issued_by = ${id} AND e.outcome = 'download' AND e.created_at > ${since} AND e.created_at <= ${now}
       GROUP BY l.id, name ORDER BY downloads DESC, name LIMIT ${MAX_LINKS}`;
    if (rows.length === 0) continue;
    const person = await db.user.findUnique({ where: { id }, select: RECIPIENT_SELECT });
    if (!person) continue;
    const total = rows.reduce((sum, r) => sum + Number(r.downloads), 0);
    const links = rows.map((r) => ({ id: r.id, name: r.name, downloads: Number(r.downloads) }));
    if (person.notifyByEmail && mailConfigured()) {
      const base = publicBaseUrl() ?? "";
      const period = `${formatExactDate(since, "UTC")} – ${formatExactDate(now, "UTC")}`;
      const line = (l: (typeof links)[number]) => `${l.name}: ${l.downloads} ${l.downloads === 1 ? "download" : "downloads"}`;
      const mail = {
        to: person.email,
        subject: `${total} ${total === 1 ? "download" : "downloads"} of your links today`,
        text: [`Downloads of the links you issued, ${period}:`, "", ...links.map((l) => `- ${line(l)}: ${base}/links/${l.id}`)].join("\n"),
        html: [
          `<p>Downloads of the links you issued, ${escapeHtml(period)}:</p>`,
          `<ul>${links.map((l) => `<li><a href="${escapeHtml(`${base}/links/${l.id}`)}">${escapeHtml(line(l))}</a></li>`).join("")}</ul>`,
        ].join(""),
      };
      try {
        await sendMail(withUnsubscribe(mail, person.id, "downloads", "the daily downloads digest"));
        mails++;
      } catch (error) {
        await db.user.updateMany({ where: { id, downloadsDigestAt: now }, data: { downloadsDigestAt: prev } });
        failure = mailFailure(error);
        continue;
      }
    }
    if (await queueWebhookEvent(person, { type: "digest.daily", since: since.toISOString(), until: now.toISOString(), downloads: total, links })) events++;
  }
  if (mails || events) log.info("notifications.digests_sent", { mails, events });
  if (failure) throw new Error(`A daily digest could not be e-mailed (${mails} sent in this round): ${failure}`);
  return { mails, events };
}
