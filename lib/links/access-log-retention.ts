import "server-only";
import { db as appDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { databaseNow, listAccessLogPartitions } from "@/lib/links/access-log-partitions";

/**
 * Access-log rows (link_events: who opened or downloaded a managed link, from which address) are
 * personal data kept no longer than ACCESS_LOG_RETENTION_DAYS (default 365). The table is
 * partitioned by month (lib/links/access-log-partitions.ts): the months wholly older than the
 * retention are dropped whole (instant, whatever their size: no row-by-row delete, no table
 * bloat); the rows past the retention in the one month it cuts through, and in DEFAULT (rows of a
 * month that had no partition), are deleted in batches (the created_at index finds them; each batch
 * is its own short transaction, so a large backlog never holds locks for long). Run by the hourly job
 * "links:prune_access_log" (lib/jobs); an advisory lock lets one prune run at a time.
 */

export const ACCESS_LOG_PRUNE_BATCH = 5_000;
const DAY_MS = 86_400_000;
const LOCK = "bucketshare:prune-link-events";

export type DroppedMonth = { name: string; from: Date; to: Date; rows: number };

/**
 * Deletes rows older than the retention; returns how many went (for a dropped month, PostgreSQL's
 * estimate of its rows, or its count when never analysed), or null when another instance was pruning.
 * `onDropped` hears of each month dropped.
 */
export async function pruneAccessLog(
  options: { now?: Date; retentionDays?: number; batchSize?: number; client?: PrismaClient; onDropped?: (month: DroppedMonth) => void } = {},
): Promise<number | null> {
  const client = options.client ?? appDb;
  // The database's clock: an instance whose clock runs ahead must not drop a month early.
  const now = options.now ?? (await databaseNow(client));
  const cutoff = new Date(now.getTime() - (options.retentionDays ?? getEnv().ACCESS_LOG_RETENTION_DAYS) * DAY_MS);
  const batch = options.batchSize ?? ACCESS_LOG_PRUNE_BATCH;

  const dropped = await client.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtextextended(${LOCK}, 0)) AS locked`;
      if (!lock?.locked) return null;
      // DROP of a partition locks the whole table for an instant: wait behind a long reader at most
      // this long (the job retries) rather than queue every insert behind it.
      await tx.$executeRawUnsafe("SET LOCAL lock_timeout = '3s'");
      const months: DroppedMonth[] = [];
      for (const p of await listAccessLogPartitions(tx)) {
        if (p.to > cutoff) continue;
        let rows = Math.max(0, Math.round(p.estimatedRows));
        if (p.estimatedRows < 0) {
          const [counted] = await tx.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${p.name}"`);
          rows = Number(counted?.n ?? 0);
        }
        await tx.$executeRawUnsafe(`DROP TABLE "${p.name}"`);
        months.push({ name: p.name, from: p.from, to: p.to, rows });
      }
      return months;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  if (dropped === null) return null;
  for (const month of dropped) options.onDropped?.(month);
  let total = dropped.reduce((sum, m) => sum + m.rows, 0);
  for (;;) {
    const deleted = await client.$transaction(async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtextextended(${LOCK}, 0)) AS locked`;
      if (!lock?.locked) return null;
      // created_at < cutoff on both sides keeps the delete to the boundary month and DEFAULT.
      return tx.$executeRaw`
        DELETE FROM link_events
         WHERE created_at < ${cutoff}
           AND (id, created_at) IN (SELECT id, created_at FROM link_events WHERE created_at < ${cutoff} ORDER BY created_at LIMIT ${batch})`;
    });
    if (deleted === null) return total > 0 ? total : null;
    total += deleted;
    if (deleted < batch) return total;
  }
}
