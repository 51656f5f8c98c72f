import "server-only";
import { db as appDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import type { PrismaClient } from "@/lib/generated/prisma/client";

/**
 * Audit-log rows (audit_events: who changed what, from which address) are kept AUDIT_RETENTION_DAYS
 * (default 365), pruned like the access log (lib/links/access-log-retention.ts): in batches through
 * the created_at index, each batch its own short transaction, by an hourly job every instance
 * schedules, one instance at a time (an advisory lock).
 */

export const AUDIT_PRUNE_BATCH = 5_000;
const DAY_MS = 86_400_000;

/** Deletes rows older than the retention; returns how many went, or null when another instance was pruning. */
export async function pruneAuditLog(options: { now?: Date; retentionDays?: number; batchSize?: number; client?: PrismaClient } = {}): Promise<number | null> {
  const client = options.client ?? appDb;
  const cutoff = new Date((options.now ?? new Date()).getTime() - (options.retentionDays ?? getEnv().AUDIT_RETENTION_DAYS) * DAY_MS);
  const batch = options.batchSize ?? AUDIT_PRUNE_BATCH;
  let total = 0;
  for (;;) {
    const deleted = await client.$transaction(async (tx) => {
      const [lock] = await tx.$queryRaw<
        { locked: boolean }[]
      >`SELECT pg_try_advisory_xact_lock(hashtextextended('bucketshare:prune-audit-events', 0)) AS locked`;
      if (!lock?.locked) return null;
      return tx.$executeRaw`
        DELETE FROM audit_events
         WHERE id IN (SELECT id FROM audit_events WHERE created_at < ${cutoff} ORDER BY created_at LIMIT ${batch})`;
    });
    if (deleted === null) return total > 0 ? total : null;
    total += deleted;
    if (deleted < batch) return total;
  }
}
