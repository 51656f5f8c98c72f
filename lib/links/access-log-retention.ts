import "server-only";
import { db as appDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import type { PrismaClient } from "@/lib/generated/prisma/client";

/**
 * Access-log rows (link_events: who opened or downloaded a managed link, from which address) are
 * personal data kept no longer than ACCESS_LOG_RETENTION_DAYS (default 365). Old rows are deleted
 * in batches (the created_at index finds them; each batch is its own short transaction, so a large
 * backlog never holds locks for long) by the hourly job "links.prune_access_log" (lib/jobs); an advisory
 * lock lets one prune run at a time.
 */

export const ACCESS_LOG_PRUNE_BATCH = 5_000;
const DAY_MS = 86_400_000;

/** Deletes rows older than the retention; returns how many went, or null when another instance was pruning. */
export async function pruneAccessLog(options: { now?: Date; retentionDays?: number; batchSize?: number; client?: PrismaClient } = {}): Promise<number | null> {
  const client = options.client ?? appDb;
  const cutoff = new Date((options.now ?? new Date()).getTime() - (options.retentionDays ?? getEnv().ACCESS_LOG_RETENTION_DAYS) * DAY_MS);
  const batch = options.batchSize ?? ACCESS_LOG_PRUNE_BATCH;
  let total = 0;
  for (;;) {
    const deleted = await client.$transaction(async (tx) => {
      const [lock] = await tx.$queryRaw<
        { locked: boolean }[]
      >`SELECT pg_try_advisory_xact_lock(hashtextextended('bucketshare:prune-link-events', 0)) AS locked`;
      if (!lock?.locked) return null;
      return tx.$executeRaw`
        DELETE FROM link_events
         WHERE id IN (SELECT id FROM link_events WHERE created_at < ${cutoff} ORDER BY created_at LIMIT ${batch})`;
    });
    if (deleted === null) return total > 0 ? total : null;
    total += deleted;
    if (deleted < batch) return total;
  }
}
