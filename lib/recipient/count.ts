import "server-only";
import { db } from "@/lib/db/client";

/**
 * Counts one download, or refuses it, in ONE statement: the conditional UPDATE only matches while
 * the link is neither revoked, expired nor at its limit (PostgreSQL re-checks the WHERE on the row
 * it locks, so a limit of N gives exactly N under any concurrency, across instances), and the same
 * statement writes the access-log row and, when the owner has a webhook URL, queues the webhook
 * delivery (payload as documented for Settings → "Webhook URL"). Nothing is written unless the
 * download counts.
 */

export type CountedDownload = { downloads: number; downloadLimit: number | null };

export async function countDownload(input: {
  linkId: string;
  clientAddress: string;
  userAgent: string | null;
  /** Multi-file shares: the file's path in the share, or "*" for Download all (the log names it). */
  filePath?: string | null;
}): Promise<CountedDownload | null> {
  const filePath = input.filePath ?? null;
  const rows = await db.$queryRaw<{ downloads: number; downloadLimit: number | null }[]>`
    WITH counted AS (
      UPDATE share_links
         SET download_count = download_count + 1, last_access_at = now()
       WHERE id = ${input.linkId}
         AND kind = 'managed'
         AND revoked_at IS NULL
         AND deleted_at IS NULL
         AND (never_expires OR expires_at > now())
         AND (download_limit IS NULL OR download_count < download_limit)
      RETURNING id, owner_id, file_name, download_count, download_limit
    ), event AS (
      INSERT INTO link_events (link_id, created_at, outcome, client_address, user_agent, preview_agent, file_path)
      SELECT id, now(), 'download', ${input.clientAddress}, ${input.userAgent}, false, ${filePath}::text FROM counted
    ), hook AS (
      INSERT INTO webhook_deliveries (owner_id, url, payload, next_attempt_at, created_at)
      SELECT c.owner_id, u.webhook_url,
             jsonb_build_object(
               'type', 'link.downloaded',
               'occurredAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'link', jsonb_build_object('id', c.id, 'fileName', c.file_name, 'downloads', c.download_count, 'downloadLimit', c.download_limit)
                 || CASE WHEN ${filePath}::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('filePath', ${filePath}::text) END,
               'recipient', jsonb_build_object('address', ${input.clientAddress}::text, 'userAgent', ${input.userAgent}::text)
             ),
             now(), now()
        FROM counted c JOIN users u ON u.id = c.owner_id
       WHERE u.webhook_url IS NOT NULL AND u.webhook_url <> ''
    )
    SELECT download_count AS downloads, download_limit AS "downloadLimit" FROM counted`;
  return rows[0] ?? null;
}

/** Marks the link's object as replaced or deleted (the owner's history shows it). */
export async function markObjectState(linkId: string, state: "changed" | "missing"): Promise<void> {
  await db.shareLink.updateMany({ where: { id: linkId, OR: [{ objectState: null }, { objectState: { not: state } }] }, data: { objectState: state } });
}

/** Clears the mark once the pinned object is found as it was shared (put back after a change). */
export async function clearObjectState(linkId: string): Promise<void> {
  await db.shareLink.updateMany({ where: { id: linkId, objectState: { not: null } }, data: { objectState: null } });
}
