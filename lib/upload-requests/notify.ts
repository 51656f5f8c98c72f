import "server-only";
import { db } from "@/lib/db/client";
import { getEnv, publicBaseUrl } from "@/lib/env";
import { formatBytes } from "@/lib/format";
import { log } from "@/lib/log";
import { MailError, escapeHtml, mailConfigured, sendMail } from "@/lib/mail/send";
import type { DetectedType } from "@/lib/uploads/sniff";
import type { UploadRow } from "@/lib/uploads/store";
import { queueJob } from "@/lib/jobs/queue";
import { DIGEST_JOB_KEY, DIGEST_TASK } from "@/lib/jobs/names";
import { withUnsubscribe } from "@/lib/notifications/deliver";

/**
 * Telling the requester that files arrived. Each file received (lib/uploads/complete.ts
 * recordUploaded, once the row is complete) queues the webhook event `upload.received` for the
 * request's issuer and the team's Owner (the webhook queue of lib/webhooks, as `link.downloaded`).
 * The e-mail is batched: a job on the job queue (upload_requests.digests, lib/jobs/tasks.ts; queued by
 * each file received and every minute by the schedule) sends each request's issuer at most one e-mail
 * per UPLOAD_NOTIFY_INTERVAL_SECONDS, listing the files received since the last one; while other files of
 * the request are still on their way it waits for them (at most the interval). Files are claimed with one
 * UPDATE … SET notified_at … RETURNING, so several instances
 * never send the same file twice.
 */

/**
 * Queues `upload.received` for the issuer and the team's Owner (each once, where they have a webhook and
 * were not removed). Never throws: a notification must not undo a file that arrived.
 */
export async function onRequestFileReceived(row: UploadRow, detectedType: DetectedType | null = null): Promise<void> {
  if (!row.requestId) return;
  try {
    if (detectedType) await db.upload.updateMany({ where: { id: row.id, detectedType: null }, data: { detectedType: detectedType.mime } });
    await db.$executeRaw`
      INSERT INTO webhook_deliveries (owner_id, url, payload, next_attempt_at, created_at)
      SELECT u.id, u.webhook_url,
             jsonb_build_object(
               'type', 'upload.received',
               'occurredAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'request', jsonb_build_object('id', l.id, 'title', l.title, 'receivedFiles', r.received_files, 'maxFiles', r.max_files,
                 'receivedBytes', r.received_bytes),
               'file', jsonb_build_object('name', ${row.fileName ?? row.key.slice(row.key.lastIndexOf("/") + 1)}::text, 'size', ${Number(row.size)}::bigint,
                 'key', ${row.key}::text, 'bucket', ${row.bucket}::text, 'detectedType', ${detectedType?.mime ?? null}::text),
               'uploader', jsonb_build_object('name', ${row.uploaderName}::text, 'email', ${row.uploaderEmail}::text, 'address', ${row.uploaderAddress}::text)
             ),
             now(), now()
        FROM share_links l JOIN upload_requests r ON r.link_id = l.id
        JOIN users u ON u.id IN (l.issued_by, (SELECT o.id FROM users o WHERE o.role = 'owner' AND COALESCE(o.team_id, o.id) = l.owner_id))
       WHERE l.id = ${row.requestId} AND u.webhook_url IS NOT NULL AND u.webhook_url <> '' AND u.removed_at IS NULL`;
    // The e-mail: a digest round soon (one job however many files arrive; a waiting retry keeps its time).
    if (mailConfigured()) await queueJob(DIGEST_TASK, {}, { jobKey: DIGEST_JOB_KEY, jobKeyMode: "preserve_run_at", maxAttempts: 5 });
  } catch (error) {
    log.warn("upload_requests.notify_failed", { upload: row.id, error });
  }
}

type Claimed = {
  id: string;
  requestId: string;
  fileName: string | null;
  key: string;
  size: bigint;
  uploaderName: string | null;
  uploaderEmail: string | null;
};

/** The interval between two e-mails of one request (UPLOAD_NOTIFY_INTERVAL_SECONDS). */
export function digestIntervalMs(): number {
  return getEnv().UPLOAD_NOTIFY_INTERVAL_SECONDS * 1000;
}

/**
 * Claims the files of one request that no e-mail named yet, unless one was sent for it within the
 * interval, and unless another file of it is still on its way (an upload in progress, not abandoned)
 * while the files waiting have waited less than the interval: an uploader's batch is named in one
 * e-mail, not file by file. The conditional UPDATE re-checks notified_at IS NULL on every row it
 * locks, so two instances racing claim each file once.
 */
async function claimFiles(requestId: string, intervalMs: number, now: Date): Promise<Claimed[]> {
  const since = new Date(now.getTime() - intervalMs);
  return db.$queryRaw<Claimed[]>`
    UPDATE uploads SET notified_at = ${now}
     WHERE request_id = ${requestId} AND state = 'complete' AND notified_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM uploads s WHERE s.request_id = ${requestId} AND s.notified_at > ${since})
       AND (NOT EXISTS (SELECT 1 FROM uploads p WHERE p.request_id = ${requestId} AND p.state = 'uploading' AND p.expires_at > ${now})
            OR EXISTS (SELECT 1 FROM uploads w WHERE w.request_id = ${requestId} AND w.state = 'complete' AND w.notified_at IS NULL
                         AND w.completed_at <= ${since}))
    RETURNING id, request_id AS "requestId", file_name AS "fileName", key, size, uploader_name AS "uploaderName", uploader_email AS "uploaderEmail"`;
}

function digestMail(to: string, request: { id: string; title: string | null }, files: Claimed[]): { to: string; subject: string; text: string; html: string } {
  const title = request.title ?? "your upload request";
  const count = `${files.length} ${files.length === 1 ? "file" : "files"}`;
  const base = publicBaseUrl();
  const page = base ? `${base}/links/${request.id}` : null;
  const line = (f: Claimed) => {
    const name = f.fileName ?? f.key.slice(f.key.lastIndexOf("/") + 1);
    const who = [f.uploaderName, f.uploaderEmail].filter(Boolean).join(", ");
    return `${name} (${formatBytes(f.size)})${who ? ` from ${who}` : ""}`;
  };
  const lines = files.map(line);
  return {
    to,
    subject: `${count} received for “${title}”`,
    text: [`${count} arrived through your upload request “${title}”:`, "", ...lines.map((l) => `- ${l}`), "", page ? `See them all: ${page}` : ""].join("\n"),
    html: [
      `<p>${escapeHtml(count)} arrived through your upload request “${escapeHtml(title)}”:</p>`,
      `<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`,
      page ? `<p><a href="${escapeHtml(page)}">See them all</a></p>` : "",
    ].join(""),
  };
}

/**
 * One round: for each request with files no e-mail named yet (and none sent within the interval), one
 * e-mail to its issuer listing them. A failed send gives the files back and ends the round with its
 * error (the job is retried with back-off; a server that hangs costs one send's timeout, not one per
 * request). Returns the e-mails sent.
 */
export async function sendRequestDigests(options: { intervalMs?: number; now?: Date } = {}): Promise<number> {
  if (!mailConfigured()) return 0;
  const intervalMs = options.intervalMs ?? digestIntervalMs();
  const now = options.now ?? new Date();
  const pending = await db.$queryRaw<{ requestId: string }[]>`
    SELECT DISTINCT request_id AS "requestId" FROM uploads
     WHERE request_id IS NOT NULL AND state = 'complete' AND notified_at IS NULL LIMIT 500`;
  let sent = 0;
  for (const { requestId } of pending) {
    const request = await db.shareLink.findUnique({
      where: { id: requestId },
      select: {
        id: true,
        title: true,
        deletedAt: true,
        issuedBy: { select: { id: true, email: true, removedAt: true, notifyUploads: true, notifyByEmail: true } },
      },
    });
    // Settings → Notifications: "Uploads received" and "By e-mail" (the files are still claimed: not e-mailed later).
    const issuer = request?.issuedBy;
    const to = issuer && !issuer.removedAt && !request.deletedAt && issuer.notifyUploads && issuer.notifyByEmail ? issuer.email : null;
    const files = await claimFiles(requestId, intervalMs, now);
    if (files.length === 0 || !request || !issuer || !to) continue;
    try {
      await sendMail(withUnsubscribe(digestMail(to, request, files), issuer.id, "uploads", "uploads received"));
      sent++;
      log.info("upload_requests.digest_sent", { request: requestId, files: files.length });
    } catch (error) {
      // Not named after all: the retry tries again (sendMail logged why).
      await db.upload.updateMany({ where: { id: { in: files.map((f) => f.id) }, notifiedAt: now }, data: { notifiedAt: null } });
      throw new Error(`The upload e-mail could not be sent (${sent} sent in this round): ${mailFailure(error)}`);
    }
  }
  return sent;
}

/** The kind of failure only (sendMail never passes the server's reply or the URL on). */
function mailFailure(error: unknown): string {
  const code = error instanceof MailError ? error.code : undefined;
  if (code === "ETIMEDOUT") return "the SMTP server did not answer in time";
  if (code === "ECONNECTION" || code === "ECONNREFUSED" || code === "ESOCKET") return "the SMTP server could not be reached";
  return code ? `SMTP error ${code}` : "SMTP error";
}

/** Whether files are waiting for an e-mail (the digest job then comes back for them). */
export async function hasWaitingFiles(): Promise<boolean> {
  const rows = await db.$queryRaw<{ one: number }[]>`
    SELECT 1 AS one FROM uploads WHERE request_id IS NOT NULL AND state = 'complete' AND notified_at IS NULL LIMIT 1`;
  return rows.length > 0;
}
