import "server-only";
import { db as appDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";

/**
 * The access log (link_events) is partitioned by month on created_at (migration
 * link_events_partitioned): one table per month, link_events_pYYYYMM, FROM the month's first
 * instant TO the next month's (UTC, as Prisma writes TIMESTAMP(3)), and link_events_default for a
 * row whose month has no partition. Each partition carries the parent's indexes, so /links/<id>
 * reads the newest rows of one link by a Merge Append of the months' (link_id, created_at DESC,
 * id DESC) indexes that stops after the page; retention drops whole months
 * (lib/links/access-log-retention.ts).
 *
 * ensureAccessLogMonths (run first by the hourly access-log job, lib/jobs/tasks.ts) makes the
 * partitions of this month and the next ACCESS_LOG_MONTHS_AHEAD months when missing. Rows that
 * landed in DEFAULT (a gap: the job did not run for months) are moved into a new partition of
 * their month, in the same transaction that attaches it (a partition cannot be created while
 * DEFAULT holds rows of its range); DEFAULT rows already past the retention are left to the
 * retention's batched delete (DEFAULT is a safety net for a gap of hours or days: a backlog of
 * millions of rows there would take this job minutes of moving). One instance at a time (a transaction-level advisory lock; the other
 * waits, then finds the months made); CREATE TABLE IF NOT EXISTS makes a repeat a no-op.
 */

export const ACCESS_LOG_MONTHS_AHEAD = 2;
const PARENT = "link_events";
const DEFAULT_PARTITION = "link_events_default";
const LOCK = "bucketshare:link-events-partitions";
const DAY_MS = 86_400_000;
/** Rows moved out of DEFAULT a statement. */
const MOVE_BATCH = 10_000;

type Tx = Prisma.TransactionClient;

/** A month's partition: its range [from, to) in UTC. */
export type AccessLogPartition = { name: string; from: Date; to: Date; estimatedRows: number };

export function monthStart(at: Date, plusMonths = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + plusMonths, 1));
}

export function partitionName(month: Date): string {
  return `${PARENT}_p${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** A bound as PostgreSQL prints it, for DDL (bounds cannot be bind parameters): '2026-12-01 00:00:00'. */
function literal(at: Date): string {
  return `'${at.toISOString().slice(0, 19).replace("T", " ")}'`;
}

/** "FOR VALUES FROM ('2026-11-01 00:00:00') TO ('2026-12-01 00:00:00')" → the two instants (UTC). */
function parseBound(bound: string): { from: Date; to: Date } | null {
  const m = /FROM \('([^']+)'\) TO \('([^']+)'\)/.exec(bound);
  if (!m) return null;
  const from = new Date(`${m[1]!.replace(" ", "T")}Z`);
  const to = new Date(`${m[2]!.replace(" ", "T")}Z`);
  return Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) ? null : { from, to };
}

/**
 * The database's clock (UTC). The access log's months and its retention are read by it, not by the instance's:
 * an instance whose clock runs ahead must not drop a month early (a DROP cannot be undone).
 */
export async function databaseNow(client: Tx | PrismaClient = appDb): Promise<Date> {
  const [row] = await client.$queryRaw<{ now: Date }[]>`SELECT statement_timestamp() AS now`;
  return row!.now;
}

/** The month partitions of link_events (not DEFAULT), oldest first, with PostgreSQL's row estimate (-1: never analysed). */
export async function listAccessLogPartitions(client: Tx | PrismaClient = appDb): Promise<AccessLogPartition[]> {
  const rows = await client.$queryRaw<{ name: string; bound: string; reltuples: number }[]>`
    SELECT c.relname::text AS name, pg_get_expr(c.relpartbound, c.oid) AS bound, c.reltuples::float8 AS reltuples
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = ${PARENT}::regclass`;
  const partitions: AccessLogPartition[] = [];
  for (const row of rows) {
    const range = parseBound(row.bound);
    if (range) partitions.push({ name: row.name, ...range, estimatedRows: Number(row.reltuples) });
  }
  return partitions.sort((a, b) => a.from.getTime() - b.from.getTime());
}

/**
 * Makes the partitions of the months from `now`'s through `monthsAhead` later, and of the months
 * of rows in DEFAULT newer than the retention, moving those rows in. Returns the partitions made.
 */
export async function ensureAccessLogMonths(
  options: { now?: Date; monthsAhead?: number; retentionDays?: number; client?: PrismaClient } = {},
): Promise<string[]> {
  const client = options.client ?? appDb;
  const now = options.now ?? (await databaseNow(client));
  const ahead = options.monthsAhead ?? ACCESS_LOG_MONTHS_AHEAD;
  const retentionDays = options.retentionDays ?? getEnv().ACCESS_LOG_RETENTION_DAYS;
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  return client.$transaction(
    async (tx) => {
      // Waits behind a long reader of link_events at most this long (then the job retries) rather
      // than queueing every insert behind this DDL.
      await tx.$executeRawUnsafe("SET LOCAL lock_timeout = '3s'");
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${LOCK}, 0))::text`;
      const existing = await listAccessLogPartitions(tx);
      const covered = (month: Date) => existing.some((p) => p.from <= month && month < p.to);
      const stranded = await tx.$queryRaw<{ month: Date }[]>`
        SELECT DISTINCT date_trunc('month', created_at) AS month FROM link_events_default WHERE created_at >= ${cutoff}`;
      const months = new Map<number, Date>();
      for (let i = 0; i <= ahead; i++) months.set(monthStart(now, i).getTime(), monthStart(now, i));
      for (const { month } of stranded) months.set(monthStart(month).getTime(), monthStart(month));
      const made: string[] = [];
      for (const month of [...months.values()].sort((a, b) => a.getTime() - b.getTime())) {
        if (covered(month)) continue;
        const name = partitionName(month);
        // A table of that name that is not a partition (one an operator detached, say): left alone, and said. Its
        // month's rows stay in DEFAULT, which the retention prunes like any month; the other months are made.
        const [taken] = await tx.$queryRaw<{ taken: boolean }[]>`SELECT to_regclass(${`"${name}"`}) IS NOT NULL AS taken`;
        if (taken?.taken) {
          log.warn("links.access_log_partition_name_taken", { partition: name, hint: `Attach or drop the table ${name}.` });
          continue;
        }
        const range = `FROM (${literal(month)}) TO (${literal(monthStart(month, 1))})`;
        const strandedHere = stranded.some((s) => monthStart(s.month).getTime() === month.getTime());
        if (!strandedHere) {
          await tx.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF "${PARENT}" FOR VALUES ${range}`);
        } else {
          // Made beside the table, filled from DEFAULT, then attached (which builds its indexes and checks its range).
          await tx.$executeRawUnsafe(`CREATE TABLE "${name}" (LIKE "${PARENT}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
          // In batches: each statement stays well within the client's query limit (lib/db/client.ts).
          for (;;) {
            const moved = await tx.$executeRawUnsafe(
              `WITH moved AS (
                 DELETE FROM "${DEFAULT_PARTITION}"
                  WHERE (id, created_at) IN (SELECT id, created_at FROM "${DEFAULT_PARTITION}"
                                              WHERE created_at >= ${literal(month)} AND created_at < ${literal(monthStart(month, 1))} LIMIT ${MOVE_BATCH})
                 RETURNING *)
               INSERT INTO "${name}" SELECT * FROM moved`,
            );
            if (moved < MOVE_BATCH) break;
          }
          await tx.$executeRawUnsafe(`ALTER TABLE "${PARENT}" ATTACH PARTITION "${name}" FOR VALUES ${range}`);
        }
        made.push(name);
      }
      return made;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}
