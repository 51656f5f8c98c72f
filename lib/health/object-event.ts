import "server-only";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { type Checked, type DueLink, detailOf, headerFor, LINK_COLUMNS, type NewlyBroken, pinOfRow, record } from "@/lib/health/checker";
import { combineDecisions, type HealthDecision, type HealthOutcome, healthPinOfFile } from "@/lib/health/outcome";
import { BROKEN_TASK } from "@/lib/jobs/names";
import { queueJob } from "@/lib/jobs/queue";
import type { BrokenLink } from "@/lib/notifications/broken";
import { log } from "@/lib/log";

/**
 * Storage told us objects changed (a storage event, lib/storage-events/receive.ts): the active links
 * to those objects on that connection are checked at once, with the checker's own HeadObject and
 * outcome rules (lib/health/outcome.ts decideHealth), and recorded like any check (mark, health
 * history, "Links that broke" for the ones newly broken). Single-object links are found by
 * (connection_id, bucket, key), multi-file shares by share_link_files.key; a multi-file share checks
 * the named files only (its rolling sample's cursor is kept).
 *
 * Bounded: at most EVENT_LINKS_INLINE links are checked during the delivery, EVENT_CONCURRENCY at a
 * time, until EVENT_BUDGET_MS; links beyond that are made due (health_checked_at cleared), so the
 * scheduled checker takes them first on its next pass, within a minute.
 */

export const EVENT_LINKS_INLINE = 20;
export const EVENT_CONCURRENCY = 4;
export const EVENT_BUDGET_MS = 10_000;
/** Links to one delivery's objects looked at, at most (the rest wait for their scheduled check). */
export const EVENT_LINKS_MAX = 5_000;

export type ObjectRef = { bucket: string; key: string };

export type ObjectEventResult = {
  /** Active links to the objects. */
  links: number;
  /** Checked now, by outcome. */
  checked: number;
  outcomes: Partial<Record<HealthOutcome, number>>;
  /** Left for the scheduled checker (made due now). */
  deferred: number;
};

type Match = { id: string; target: string; key: string };

/** The active links of `connectionId` to any of `objects`: single-object links by their key, multi-file shares by a file's key. */
export async function findLinksToObjects(connectionId: string, objects: readonly ObjectRef[], now: Date): Promise<Map<string, string[]>> {
  if (objects.length === 0) return new Map();
  const buckets = objects.map((o) => o.bucket);
  const keys = objects.map((o) => o.key);
  const rows = await db.$queryRaw<Match[]>`
    SELECT s.id, s.target, s.key
      FROM unnest(${buckets}::text[], ${keys}::text[]) AS o(bucket, key)
      JOIN share_links s ON s.connection_id = ${connectionId} AND s.bucket = o.bucket AND s.key = o.key
     WHERE s.target = 'object' AND s.deleted_at IS NULL AND s.revoked_at IS NULL AND s.expires_at > ${now}
    UNION
    SELECT s.id, s.target, f.key
      FROM unnest(${buckets}::text[], ${keys}::text[]) AS o(bucket, key)
      JOIN share_link_files f ON f.key = o.key
      JOIN share_links s ON s.id = f.link_id AND s.bucket = o.bucket
     WHERE s.connection_id = ${connectionId} AND s.target = 'files'
       AND s.deleted_at IS NULL AND s.revoked_at IS NULL AND s.expires_at > ${now}
     LIMIT ${EVENT_LINKS_MAX}`;
  const byLink = new Map<string, string[]>();
  for (const row of rows) byLink.set(row.id, [...(byLink.get(row.id) ?? []), row.key]);
  return byLink;
}

/** Checks one link for the named keys (its object, or those files of a multi-file share). */
async function checkForKeys(
  row: DueLink,
  keys: readonly string[],
  head: (key: string, pin: ReturnType<typeof pinOfRow>) => Promise<HealthDecision>,
): Promise<Checked | null> {
  if (row.target !== "files") {
    const decision = await head(row.key, pinOfRow(row));
    return { decision, detail: detailOf(decision) };
  }
  const files = await db.shareLinkFile.findMany({
    where: { linkId: row.id, key: { in: [...keys] } },
    orderBy: { id: "asc" },
    select: { key: true, etag: true, versionId: true },
  });
  if (files.length === 0) return null;
  const decisions: HealthDecision[] = [];
  for (const file of files) {
    decisions.push(await head(file.key, healthPinOfFile({ neverExpires: row.never_expires, requestedExpiresAt: row.requested_expires_at }, file)));
  }
  const combined = combineDecisions(decisions);
  const worst = decisions.find((d) => d.outcome === combined.outcome) ?? decisions[0];
  const decision: HealthDecision = { outcome: combined.outcome, cause: worst?.cause ?? "throttled", trueEnd: null, slowDown: combined.slowDown };
  const cursor = row.health_detail?.cursor;
  return {
    decision,
    detail: { ...detailOf(decision), files: { checked: decisions.length, counts: combined.counts }, ...(cursor ? { cursor } : {}) },
  };
}

/** Checks the active links of `connectionId` to `objects` now (bounded; see above) and records the outcomes. */
export async function checkLinksToObjects(connectionId: string, objects: readonly ObjectRef[], now = new Date()): Promise<ObjectEventResult> {
  const started = Date.now();
  const byLink = await findLinksToObjects(connectionId, objects, now);
  const result: ObjectEventResult = { links: byLink.size, checked: 0, outcomes: {}, deferred: 0 };
  if (byLink.size === 0) return result;
  const connection = await db.storageConnection.findUnique({ where: { id: connectionId } });
  if (!connection) return result;

  const ids = [...byLink.keys()];
  const inline = ids.slice(0, EVENT_LINKS_INLINE);
  const rows = await db.$queryRaw<DueLink[]>`
    SELECT ${LINK_COLUMNS}, s.health_checked_at AS previous_checked_at FROM share_links s WHERE s.id IN (${Prisma.join(inline)})`;
  const deferred = new Set(ids.slice(EVENT_LINKS_INLINE));
  const broken = new Map<string, BrokenLink[]>();
  const heads = new Map<string, ReturnType<typeof headerFor>>();
  const queue = [...rows];

  async function worker() {
    for (let row = queue.shift(); row; row = queue.shift()) {
      if (Date.now() - started > EVENT_BUDGET_MS) {
        deferred.add(row.id);
        continue;
      }
      try {
        const head = heads.get(row.bucket) ?? headerFor(connection!, row.bucket);
        heads.set(row.bucket, head);
        const checked = await checkForKeys(row, byLink.get(row.id) ?? [], head);
        if (!checked) continue;
        if (checked.decision.outcome === null) {
          // Throttled: no verdict now; the scheduled checker takes it first.
          deferred.add(row.id);
          continue;
        }
        const newly: NewlyBroken | null = await record(row, checked, new Date());
        if (newly) broken.set(newly.personId, [...(broken.get(newly.personId) ?? []), newly.link]);
        result.checked += 1;
        result.outcomes[checked.decision.outcome] = (result.outcomes[checked.decision.outcome] ?? 0) + 1;
      } catch (error) {
        log.warn("storage_events.check_failed", { linkId: row.id, error });
        deferred.add(row.id);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(EVENT_CONCURRENCY, queue.length) }, worker));

  if (deferred.size > 0) {
    // Due now: the checker's next pass takes links never checked (or made due) first.
    await db.shareLink.updateMany({ where: { id: { in: [...deferred] } }, data: { healthCheckedAt: null } });
    result.deferred = deferred.size;
  }
  for (const [personId, links] of broken) {
    try {
      await queueJob(BROKEN_TASK, { personId, links }, { maxAttempts: 5 });
    } catch (error) {
      log.warn("storage_events.broken_notice_failed", { personId, error });
    }
  }
  return result;
}
