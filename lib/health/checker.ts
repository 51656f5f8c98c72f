import "server-only";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { db } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { Prisma } from "@/lib/generated/prisma/client";
import {
  combineDecisions,
  decideHealth,
  type HealthCause,
  type HealthDecision,
  type HealthOutcome,
  healthPinOf,
  healthPinOfFile,
  type HealthPin,
  needsAttention,
  storageAnswerOf,
} from "@/lib/health/outcome";
import { MAX_CHECK_RATE, RateLimiter } from "@/lib/health/rate";
import { BROKEN_TASK } from "@/lib/jobs/names";
import { queueJob } from "@/lib/jobs/queue";
import type { BrokenLink } from "@/lib/notifications/broken";
import { log } from "@/lib/log";
import { type ConnectionRecord, clientsFor } from "@/lib/storage/client";
import { withStorageDeadline } from "@/lib/storage/deadline";

/**
 * The link health checker: a scheduled job (lib/jobs/tasks.ts "links:health_check") takes a batch of
 * active links due for a check, the ones checked longest ago first, and claims them atomically
 * (UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)): with several instances each link is
 * checked once per pass. Each link costs one HeadObject (a multi-file share: a rolling sample of
 * SAMPLE_FILES of its files, the worst outcome counts) at its connection's pace (lib/health/rate.ts;
 * HEALTH_CHECK_RATE per second, slower while the provider throttles). Connections are checked side
 * by side, so a stalled storage server slows only its own links; every HeadObject is bounded by
 * CHECK_DEADLINE_MS and the pass by PASS_BUDGET_MS (links claimed but not reached are given back).
 * "Check now" (checkLinkNow) checks one link at once, outside the pace.
 */

/** Files of a multi-file share checked per pass (the next ones each pass, round the snapshot). */
export const SAMPLE_FILES = 3;
/** Links claimed per pass (per instance). */
export const PASS_BATCH = 500;
/** A pass stops taking links after this long (the schedule runs one a minute). */
export const PASS_BUDGET_MS = 45_000;
/** One HeadObject waits at most this long (retries included). */
export const CHECK_DEADLINE_MS = 5_000;
/** Health-history rows kept per link (older ones are pruned by "links:prune_health_checks"). */
export const HEALTH_CHECKS_KEPT = 20;

/** What the health history and the history's column show of a check. */
export type HealthDetail = {
  cause: HealthCause;
  /** ISO time: when a link that dies early really stops. */
  trueEnd?: string;
  /** Multi-file shares: files checked in this pass and how they came out. */
  files?: { checked: number; counts: Partial<Record<HealthOutcome, number>> };
  /** Multi-file shares: the last file id checked (the next pass starts after it). */
  cursor?: string;
};

export type DueLink = {
  id: string;
  connection_id: string | null;
  bucket: string;
  key: string;
  kind: string;
  pinned: boolean;
  object_etag: string | null;
  object_version_id: string | null;
  never_expires: boolean;
  requested_expires_at: Date;
  expires_at: Date;
  target: string;
  health_detail: HealthDetail | null;
  previous_checked_at: Date | null;
};

export const LINK_COLUMNS = Prisma.sql`s.id, s.connection_id, s.bucket, s.key, s.kind, s.pinned, s.object_etag, s.object_version_id,
  s.never_expires, s.requested_expires_at, s.expires_at, s.target, s.health_detail`;

/** Claims up to `limit` active links due for a check (never checked, or checked before `dueBefore`), marking them checked now. */
export async function claimDueLinks(limit: number, now: Date, dueBefore: Date, ownerId: string | null = null): Promise<DueLink[]> {
  return db.$queryRaw<DueLink[]>`
    WITH due AS (
      SELECT id, health_checked_at AS previous_checked_at FROM share_links
       WHERE deleted_at IS NULL AND revoked_at IS NULL AND expires_at > ${now}
         AND target <> 'request' AND connection_id IS NOT NULL
         AND (${ownerId}::text IS NULL OR owner_id = ${ownerId})
         AND (health_checked_at IS NULL OR health_checked_at < ${dueBefore})
       ORDER BY health_checked_at ASC NULLS FIRST, id
       LIMIT ${limit}
         FOR UPDATE SKIP LOCKED)
    UPDATE share_links s SET health_checked_at = ${now}
      FROM due WHERE s.id = due.id
    RETURNING ${LINK_COLUMNS}, due.previous_checked_at`;
}

export function pinOfRow(row: DueLink): HealthPin {
  return healthPinOf({
    kind: row.kind === "managed" ? "managed" : "direct",
    pinned: row.pinned,
    objectEtag: row.object_etag,
    objectVersionId: row.object_version_id,
    neverExpires: row.never_expires,
    requestedExpiresAt: row.requested_expires_at,
    expiresAt: row.expires_at,
  });
}

export type Checked = { decision: HealthDecision; detail: HealthDetail };

/** HeadObject of the current object at `key` under `pin`: one decision, never throws. */
export function headerFor(connection: ConnectionRecord, bucket: string, signal?: AbortSignal): (key: string, pin: HealthPin) => Promise<HealthDecision> {
  const { s3 } = clientsFor(connection);
  return async (key, pin) => {
    try {
      const head = await withStorageDeadline((abortSignal) => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal }), {
        ms: CHECK_DEADLINE_MS,
        signal,
      });
      return decideHealth(pin, { type: "found", etag: head.ETag ?? null, versionId: head.VersionId ?? null, size: head.ContentLength ?? null });
    } catch (error) {
      return decideHealth(pin, storageAnswerOf(error));
    }
  };
}

/** Checks one link (its object, or a rolling sample of its files), with `before` run ahead of each HeadObject (the pace). */
async function checkRow(row: DueLink, connection: ConnectionRecord, before: () => Promise<void>, after: (d: HealthDecision) => void): Promise<Checked | null> {
  const head = headerFor(connection, row.bucket);
  const pin = pinOfRow(row);
  if (row.target !== "files") {
    await before();
    const decision = await head(row.key, pin);
    after(decision);
    return { decision, detail: detailOf(decision) };
  }
  const cursor = row.health_detail?.cursor && /^\d+$/.test(row.health_detail.cursor) ? BigInt(row.health_detail.cursor) : 0n;
  let files = await db.shareLinkFile.findMany({
    where: { linkId: row.id, id: { gt: cursor } },
    orderBy: { id: "asc" },
    take: SAMPLE_FILES,
    select: { id: true, key: true, etag: true, versionId: true },
  });
  if (files.length < SAMPLE_FILES && cursor > 0n) {
    // Round the snapshot: the first files again.
    const seen = new Set(files.map((f) => f.id));
    const more = await db.shareLinkFile.findMany({
      where: { linkId: row.id, id: { lte: cursor } },
      orderBy: { id: "asc" },
      take: SAMPLE_FILES - files.length,
      select: { id: true, key: true, etag: true, versionId: true },
    });
    files = [...files, ...more.filter((f) => !seen.has(f.id))];
  }
  if (files.length === 0) return null;
  const decisions: HealthDecision[] = [];
  for (const file of files) {
    await before();
    const decision = await head(file.key, healthPinOfFile({ neverExpires: row.never_expires, requestedExpiresAt: row.requested_expires_at }, file));
    after(decision);
    decisions.push(decision);
  }
  const combined = combineDecisions(decisions);
  const worst = decisions.find((d) => d.outcome === combined.outcome) ?? decisions[0];
  const decision: HealthDecision = { outcome: combined.outcome, cause: worst?.cause ?? "throttled", trueEnd: null, slowDown: combined.slowDown };
  const last = files.at(-1);
  return {
    decision,
    detail: { ...detailOf(decision), files: { checked: decisions.length, counts: combined.counts }, cursor: last ? String(last.id) : undefined },
  };
}

export function detailOf(decision: HealthDecision): HealthDetail {
  return { cause: decision.cause, ...(decision.trueEnd ? { trueEnd: decision.trueEnd.toISOString() } : {}) };
}

/** A link that a check found broken while it was not before, for its issuer's "Links that broke" notice. */
export type NewlyBroken = { personId: string; link: BrokenLink };

/**
 * Records a check: the link's mark and a row of its health history. A check with no verdict
 * (throttled) keeps the last mark and is tried again soon (its claim is given back). Returns the
 * link when this check is the one that found it broken (its previous mark read under the row's lock).
 */
export async function record(row: Pick<DueLink, "id" | "previous_checked_at">, checked: Checked | null, now: Date): Promise<NewlyBroken | null> {
  if (!checked || checked.decision.outcome === null) {
    await db.shareLink.updateMany({ where: { id: row.id, healthCheckedAt: now }, data: { healthCheckedAt: row.previous_checked_at } });
    return null;
  }
  const { outcome } = checked.decision;
  const detail = checked.detail as Prisma.InputJsonValue;
  const before = await db.$transaction(async (tx) => {
    const [previous] = await tx.$queryRaw<{ health: string | null; issued_by: string | null }[]>`
      SELECT health, issued_by FROM share_links WHERE id = ${row.id} FOR UPDATE`;
    await tx.shareLink.update({ where: { id: row.id }, data: { health: outcome, healthCheckedAt: now, healthDetail: detail } });
    await tx.linkHealthCheck.create({ data: { linkId: row.id, checkedAt: now, outcome, detail } });
    return previous;
  });
  if (!before?.issued_by || !needsAttention(outcome) || needsAttention((before.health as HealthOutcome | null) ?? null)) return null;
  return { personId: before.issued_by, link: { id: row.id, health: outcome, ...(checked.detail.cause ? { detail: checked.detail.cause } : {}) } };
}

export type PassOptions = {
  /** Links to claim (default PASS_BATCH). */
  limit?: number;
  now?: () => Date;
  /** Stop taking links after this long (default PASS_BUDGET_MS). */
  budgetMs?: number;
  /** Requests per second per connection (default HEALTH_CHECK_RATE; never above MAX_CHECK_RATE). */
  rate?: number;
  /** Only this team's links (tests share one database). */
  ownerId?: string;
};

export type PassResult = {
  claimed: number;
  checked: number;
  outcomes: Partial<Record<HealthOutcome, number>>;
  /** Links this pass found broken that were not before, by issuer (each person gets one "Links that broke" notice). */
  newlyBroken: Record<string, string[]>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One pass of the checker on this instance (the job "links:health_check"). */
export async function runHealthPass(options: PassOptions = {}): Promise<PassResult> {
  const env = getEnv();
  const clock = options.now ?? (() => new Date());
  const started = Date.now();
  const budget = options.budgetMs ?? PASS_BUDGET_MS;
  const rate = Math.min(MAX_CHECK_RATE, options.rate ?? env.HEALTH_CHECK_RATE);
  const now = clock();
  const dueBefore = new Date(now.getTime() - env.HEALTH_CHECK_INTERVAL_MINUTES * 60_000);
  const rows = await claimDueLinks(options.limit ?? PASS_BATCH, now, dueBefore, options.ownerId ?? null);
  const result: PassResult = { claimed: rows.length, checked: 0, outcomes: {}, newlyBroken: {} };
  if (rows.length === 0) return result;

  const connectionIds = [...new Set(rows.map((r) => r.connection_id).filter((id): id is string => id !== null))];
  const connections = new Map((await db.storageConnection.findMany({ where: { id: { in: connectionIds } } })).map((c) => [c.id, c]));
  const limiter = new RateLimiter(
    () => ({ rate }),
    () => Date.now(),
  );
  const byConnection = new Map<string, DueLink[]>();
  /** Links this pass found newly broken, by issuer: one "Links that broke" notice per person, never one per link. */
  const brokenByPerson = new Map<string, BrokenLink[]>();
  for (const row of rows) {
    const list = byConnection.get(row.connection_id ?? "") ?? [];
    list.push(row);
    byConnection.set(row.connection_id ?? "", list);
  }

  await Promise.all(
    [...byConnection].map(async ([connectionId, links]) => {
      const connection = connections.get(connectionId);
      const pace = async () => {
        for (;;) {
          const take = limiter.take(connectionId);
          if (take.ok) return;
          await sleep(take.waitMs);
        }
      };
      for (const [index, row] of links.entries()) {
        if (!connection || Date.now() - started > budget) {
          // Not reached this pass: give the claims back so the next pass takes them first.
          const left = links.slice(index);
          await Promise.all(left.map((r) => record(r, null, now)));
          if (connection) log.info("health.pass_budget_reached", { connectionId, left: left.length });
          return;
        }
        try {
          const checked = await checkRow(row, connection, pace, (d) => limiter.record(connectionId, { slowDown: d.slowDown }));
          const broken = await record(row, checked, clock());
          if (broken) brokenByPerson.set(broken.personId, [...(brokenByPerson.get(broken.personId) ?? []), broken.link]);
          if (checked?.decision.outcome) {
            result.checked += 1;
            result.outcomes[checked.decision.outcome] = (result.outcomes[checked.decision.outcome] ?? 0) + 1;
          }
        } catch (error) {
          log.warn("health.check_failed", { linkId: row.id, error });
        }
      }
    }),
  );
  for (const [personId, links] of brokenByPerson) {
    result.newlyBroken[personId] = links.map((link) => link.id);
    try {
      await queueJob(BROKEN_TASK, { personId, links }, { maxAttempts: 5 });
    } catch (error) {
      log.warn("health.broken_notice_failed", { personId, error });
    }
  }
  log.info("health.pass", { claimed: result.claimed, checked: result.checked, outcomes: result.outcomes, newlyBroken: brokenByPerson.size });
  return result;
}

/** "Check now": checks one link at once (the caller checked the rights) and records the outcome; null when it cannot be checked. */
export async function checkLinkNow(linkId: string, now = new Date()): Promise<{ outcome: HealthOutcome | null; detail: HealthDetail } | null> {
  const rows = await db.$queryRaw<DueLink[]>`
    SELECT ${LINK_COLUMNS}, s.health_checked_at AS previous_checked_at FROM share_links s
     WHERE s.id = ${linkId} AND s.deleted_at IS NULL AND s.target <> 'request'`;
  const row = rows[0];
  if (!row?.connection_id) return null;
  const connection = await db.storageConnection.findUnique({ where: { id: row.connection_id } });
  if (!connection) return null;
  const checked = await checkRow(
    row,
    connection,
    async () => {},
    () => {},
  );
  if (!checked) return null;
  if (checked.decision.outcome !== null) {
    // A link Check now found broken gets its issuer's "Links that broke" notice, as a scheduled pass's would.
    const broken = await record(row, checked, now);
    if (broken) await queueJob(BROKEN_TASK, { personId: broken.personId, links: [broken.link] }, { maxAttempts: 5 });
  }
  return { outcome: checked.decision.outcome, detail: checked.detail };
}

/** Health history rows beyond the newest HEALTH_CHECKS_KEPT per link are deleted (the pruning job). */
export async function pruneHealthChecks(): Promise<number> {
  return db.$executeRaw`
    DELETE FROM link_health_checks h
     USING (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY link_id ORDER BY checked_at DESC, id DESC) AS n
                              FROM link_health_checks) ranked WHERE n > ${HEALTH_CHECKS_KEPT}) old
     WHERE h.id = old.id`;
}
