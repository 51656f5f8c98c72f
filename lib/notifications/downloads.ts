import "server-only";
import { db } from "@/lib/db/client";
import { publicBaseUrl } from "@/lib/env";
import { formatExactDate } from "@/lib/format";
import { log } from "@/lib/log";
import { escapeHtml, mailConfigured, sendMail } from "@/lib/mail/send";
import { mailFailure, withUnsubscribe } from "@/lib/notifications/deliver";

/**
 * "Downloads: each download" (Settings → Notifications): the job `notifications:downloads` (every
 * minute) e-mails each person who chose it the downloads of the links they issued since their last
 * such e-mail: ONE e-mail per person per round naming every link downloaded since (a burst of
 * downloads is one e-mail, not one per download). The window moves forward by one conditional UPDATE
 * … FOR UPDATE SKIP LOCKED (users.downloads_digest_at), so two instances never send a download
 * twice; a failed e-mail puts the window back for the retry. Only people with a download since their
 * window are touched, found from the access log's newest rows (link_events by created_at: the window is at
 * most an hour, so a round reads minutes of events, however long the history; no index on share_links'
 * last_access_at, which would make every download's UPDATE touch every index of share_links). E-mail only:
 * every download already goes to the person's webhook as `link.downloaded`.
 */

type Due = { id: string; email: string; prev: Date | null };
type Row = { id: string; name: string; downloads: bigint; last: Date };

const MAX_LINKS = 50;
/** Downloads from further back than this are not e-mailed one by one (the queue was down; the digest covers days). */
const FIRST_WINDOW_MS = 60 * 60_000;

export async function sendDownloadNotices(options: { now?: Date } = {}): Promise<{ mails: number }> {
  if (!mailConfigured()) return { mails: 0 };
  const now = options.now ?? new Date();
  const firstSince = new Date(now.getTime() - FIRST_WINDOW_MS);
  const due = await db.$queryRaw<Due[]>`
    UPDATE users u SET downloads_digest_at = ${now}
      FROM (SELECT id, downloads_digest_at AS prev FROM users p
             WHERE notify_downloads = 'each' AND notify_by_email AND removed_at IS NULL
               AND EXISTS (SELECT 1 FROM link_events e JOIN share_links l ON l.id = e.link_id
                            WHERE e.created_at > GREATEST(p.downloads_digest_at, ${firstSince}) AND e.created_at <= ${now}
                              AND e.outcome = 'download' AND l.issued_by = p.id)
             FOR UPDATE SKIP LOCKED) p
     WHERE u.id = p.id
    RETURNING u.id, u.email, p.prev`;
  let mails = 0;
  let failure: string | null = null;
  for (const { id, email, prev } of due) {
    const since = prev && prev > firstSince ? prev : firstSince;
    const rows = await db.$queryRaw<Row[]>`
      SELECT l.id, COALESCE(l.title, l.file_name) AS name, count(*) AS downloads, max(e.created_at) AS last
        FROM share_links l
        JOIN link_events e ON e.link_id = l.id AND e.outcome = 'download' AND e.created_at > ${since} AND e.created_at <= ${now}
       WHERE l.issued_by = ${id}
       GROUP BY l.id, name ORDER BY last DESC, name LIMIT ${MAX_LINKS}`;
    if (rows.length === 0) continue;
    try {
      await sendMail(withUnsubscribe(downloadsMail(email, rows), id, "downloads", "e-mails about downloads"));
      mails++;
    } catch (error) {
      await db.user.updateMany({ where: { id, downloadsDigestAt: now }, data: { downloadsDigestAt: prev } });
      failure = mailFailure(error);
    }
  }
  if (mails) log.info("notifications.downloads_sent", { mails });
  if (failure) throw new Error(`A downloads e-mail could not be sent (${mails} sent in this round): ${failure}`);
  return { mails };
}

function downloadsMail(to: string, rows: Row[]) {
  const base = publicBaseUrl() ?? "";
  const total = rows.reduce((sum, r) => sum + Number(r.downloads), 0);
  const times = (n: number) => (n === 1 ? "once" : `${n} times`);
  const line = (r: Row) => `${r.name}: downloaded ${times(Number(r.downloads))}, last ${formatExactDate(r.last, "UTC")}`;
  const subject = rows.length === 1 ? `${rows[0]!.name} was downloaded${total === 1 ? "" : ` ${total} times`}` : `${total} downloads of your links`;
  return {
    to,
    subject,
    text: ["Downloads of the links you issued:", "", ...rows.map((r) => `- ${line(r)}: ${base}/links/${r.id}`)].join("\n"),
    html: [
      "<p>Downloads of the links you issued:</p>",
      `<ul>${rows.map((r) => `<li><a href="${escapeHtml(`${base}/links/${r.id}`)}">${escapeHtml(r.name)}</a>: ${escapeHtml(line(r).slice(r.name.length + 2))}</li>`).join("")}</ul>`,
    ].join(""),
  };
}
