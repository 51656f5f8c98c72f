import "server-only";
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
import { headObject } from "@/lib/storage/head";
import { checkRateProblem, DEFAULT_CHECK_RATE, MAX_CHECK_RATE, type RateConfig, RateLimiter } from "@/lib/health/rate";
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
 * SAMPLE_FILES of its files, and all of them once a day (FULL_PASS_EVERY_MS); the worst outcome counts) at its connection's pace (lib/health/rate.ts;
 * the connection's "Health checks per second", else HEALTH_CHECK_RATE; slower while the provider throttles). Connections are checked side
 * by side, so a stalled storage server slows only its own links; every HeadObject is bounded by
 * CHECK_DEADLINE_MS and the pass by PASS_BUDGET_MS (links claimed but not reached are given back).
 * "Check now" (checkLinkNow) checks one link at once, outside the pace.
 */

/** Files of a multi-file share checked per pass (the next ones each pass, round the snapshot). */
export const SAMPLE_FILES = 3;
/**
 * Besides the rolling sample, every file of a multi-file share is checked once a day: the first check
 * after its last full pass (or its issue, when its files were listed) is this old checks all its files,
 * one after another at the connection's pace. A full pass cut short by the pass budget (or a throttle)
 * goes on from where it stopped at the link's next check.
 */
export const FULL_PASS_EVERY_MS = 24 * 3_600_000;
/** Files read from the database at a time during a full pass. */
const FULL_PASS_PAGE = 500;
/** Links claimed per pass (per instance). */
export const PASS_BATCH = 500;
/** A pass stops taking links after this long (the schedule runs one a minute). */
export const PASS_BUDGET_MS = 45_000;
/** One HeadObject waits at most this long (retries included). */
export const CHECK_DEADLINE_MS = 5_000;
/** Checks under way at once per connection (their starts paced by the rate). */
export const IN_FLIGHT = 8;
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
  /** Multi-file shares: when the last full pass over all files ended (ISO). */
  fullPassAt?: string;
  /** Multi-file shares: a full pass not finished yet goes on after this file id. */
  fullCursor?: string;
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
  created_at: Date;
  previous_checked_at: Date | null;
};

export const LINK_COLUMNS = Prisma.sql`s.id, s.connection_id, s.bucket, s.key, s.kind, s.pinned, s.object_etag, s.object_version_id,
  s.never_expires, s.requested_expires_at, s.expires_at, s.target, s.health_detail, s.created_at`;

/**
 * Claims up to `limit` active links due for a check (never checked, or checked before `dueBefore`), marking them
 * checked now, fairly: each connection's oldest first, at most what its pace can check in the pass (its rate ×
 * `budgetSeconds`), so one connection's backlog (a bulk import, a stalled server) never fills the batch and holds
 * back every other connection's checks. One index range per connection (share_links_health_due_idx).
 */
export async function claimDueLinks(
  limit: number,
  now: Date,
  dueBefore: Date,
  ownerId: string | null = null,
  pace: { defaultRate: number; budgetSeconds: number } = { defaultRate: DEFAULT_CHECK_RATE, budgetSeconds: PASS_BUDGET_MS / 1000 },
): Promise<DueLink[]> {
  return db.$queryRaw<DueLink[]>`
    WITH due AS (
      SELECT d.id, d.health_checked_at AS previous_checked_at
        FROM storage_connections c
        CROSS JOIN LATERAL (
          SELECT id, health_checked_at FROM share_links
           WHERE connection_id = c.id AND deleted_at IS NULL AND revoked_at IS NULL AND expires_at > ${now}
             AND target <> 'request'
             AND (${ownerId}::text IS NULL OR owner_id = ${ownerId})
             AND (health_checked_at IS NULL OR health_checked_at < ${dueBefore})
           ORDER BY health_checked_at ASC NULLS FIRST, id
           LIMIT LEAST(${limit}::int, GREATEST(1, ceil(LEAST(COALESCE(c.health_check_rate, ${pace.defaultRate}::float8), ${MAX_CHECK_RATE}::float8) * ${pace.budgetSeconds}::float8)::int))
             FOR UPDATE SKIP LOCKED) d
       WHERE (${ownerId}::text IS NULL OR c.owner_id = ${ownerId})
       LIMIT ${limit})
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

/**
 * HeadObject of the current object at `key` under `pin`: one decision, never throws. A HEAD of a URL from the one
 * signer, sent with node:http (lib/storage/head.ts, one attempt): a fraction of the AWS SDK's CPU per check.
 */
export function headerFor(connection: ConnectionRecord, bucket: string, signal?: AbortSignal): (key: string, pin: HealthPin) => Promise<HealthDecision> {
  const { presigner } = clientsFor(connection);
  return async (key, pin) => {
    try {
      const head = await withStorageDeadline((abortSignal) => headObject(presigner, bucket, key, abortSignal, { attempts: 1 }), {
        ms: CHECK_DEADLINE_MS,
        signal,
      });
      return decideHealth(
        pin,
        head.found ? { type: "found", etag: head.etag, versionId: head.versionId, size: head.size } : { type: "error", status: head.status, code: head.code },
      );
    } catch (error) {
      return decideHealth(pin, storageAnswerOf(error));
    }
  };
}

type CheckOptions = {
  /** The pass's time (a full pass is due by it). */
  now: Date;
  /** While true, a full pass may go on to the next file (the pass budget); absent: no full pass (Check now). */
  more?: () => boolean;
};

const fileSelect = { id: true, key: true, etag: true, versionId: true } as const;
type FileRow = { id: bigint; key: string; etag: string | null; versionId: string | null };

const idOf = (text: string | undefined) => (text && /^\d+$/.test(text) ? BigInt(text) : null);

/** True when a multi-file share's next check is (the rest of) a full pass over its files. */
export function fullPassDue(detail: HealthDetail | null, createdAt: Date, now: Date): boolean {
  if (idOf(detail?.fullCursor) !== null) return true;
  const last = detail?.fullPassAt ? Date.parse(detail.fullPassAt) : createdAt.getTime();
  return !Number.isFinite(last) || now.getTime() - last >= FULL_PASS_EVERY_MS;
}

/**
 * Checks one link (its object; a multi-file share: a rolling sample of its files, or all of them on its
 * daily full pass), with `before` run ahead of each HeadObject (the pace).
 */
async function checkRow(
  row: DueLink,
  connection: ConnectionRecord,
  before: () => Promise<void>,
  after: (d: HealthDecision) => void,
  options: CheckOptions,
): Promise<Checked | null> {
  const head = headerFor(connection, row.bucket);
  const pin = pinOfRow(row);
  if (row.target !== "files") {
    await before();
    const decision = await head(row.key, pin);
    after(decision);
    return { decision, detail: detailOf(decision) };
  }
  const previous = row.health_detail;
  const checkFile = async (file: FileRow) => {
    await before();
    const decision = await head(file.key, healthPinOfFile({ neverExpires: row.never_expires, requestedExpiresAt: row.requested_expires_at }, file));
    after(decision);
    return decision;
  };
  const combine = (decisions: HealthDecision[], detail: Omit<HealthDetail, "cause">): Checked => {
    const combined = combineDecisions(decisions);
    const worst = decisions.find((d) => d.outcome === combined.outcome) ?? decisions[0];
    const decision: HealthDecision = { outcome: combined.outcome, cause: worst?.cause ?? "throttled", trueEnd: null, slowDown: combined.slowDown };
    return { decision, detail: { ...detailOf(decision), files: { checked: decisions.length, counts: combined.counts }, ...detail } };
  };

  if (options.more && fullPassDue(previous, row.created_at, options.now)) {
    // The full pass: every file from where it stopped (or the first), as long as the pass budget lasts.
    let from = idOf(previous?.fullCursor) ?? 0n;
    let reached: bigint | null = null;
    let finished = false;
    const decisions: HealthDecision[] = [];
    pages: for (;;) {
      const page: FileRow[] = await db.shareLinkFile.findMany({
        where: { linkId: row.id, id: { gt: from } },
        orderBy: { id: "asc" },
        take: FULL_PASS_PAGE,
        select: fileSelect,
      });
      for (const file of page) {
        if (decisions.length > 0 && !options.more()) break pages;
        const decision = await checkFile(file);
        decisions.push(decision);
        // Throttled: this file is not checked; the full pass goes on from it next time.
        if (decision.outcome === null) break pages;
        reached = file.id;
      }
      if (page.length < FULL_PASS_PAGE) {
        finished = true;
        break;
      }
      from = page.at(-1)!.id;
    }
    if (decisions.length === 0) return null;
    const cursor = reached ?? idOf(previous?.fullCursor);
    return combine(decisions, {
      cursor: previous?.cursor,
      fullPassAt: finished ? options.now.toISOString() : previous?.fullPassAt,
      fullCursor: finished ? undefined : cursor !== null ? String(cursor) : undefined,
    });
  }

  const cursor = idOf(previous?.cursor) ?? 0n;
  let files: FileRow[] = await db.shareLinkFile.findMany({
    where: { linkId: row.id, id: { gt: cursor } },
    orderBy: { id: "asc" },
    take: SAMPLE_FILES,
    select: fileSelect,
  });
  if (files.length < SAMPLE_FILES && cursor > 0n) {
    // Round the snapshot: the first files again.
    const seen = new Set(files.map((f) => f.id));
    const more = await db.shareLinkFile.findMany({
      where: { linkId: row.id, id: { lte: cursor } },
      orderBy: { id: "asc" },
      take: SAMPLE_FILES - files.length,
      select: fileSelect,
    });
    files = [...files, ...more.filter((f) => !seen.has(f.id))];
  }
  if (files.length === 0) return null;
  const decisions: HealthDecision[] = [];
  for (const file of files) decisions.push(await checkFile(file));
  const last = files.at(-1);
  return combine(decisions, {
    cursor: last ? String(last.id) : undefined,
    ...(previous?.fullPassAt ? { fullPassAt: previous.fullPassAt } : {}),
    ...(previous?.fullCursor ? { fullCursor: previous.fullCursor } : {}),
  });
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
  const detail = JSON.stringify(checked.detail);
  // One statement (one round trip, atomic): the previous mark read under the row's lock (a concurrent
  // check waits, then reads this one's mark), the new mark, and its row of health history.
  const [before] = await db.$queryRaw<{ health: string | null; issued_by: string | null }[]>`
    WITH previous AS (SELECT id, health, issued_by FROM share_links WHERE id = ${row.id} FOR UPDATE),
    marked AS (
      UPDATE share_links s SET health = ${outcome}, health_checked_at = ${now}, health_detail = ${detail}::jsonb
        FROM previous WHERE s.id = previous.id
      RETURNING s.id),
    history AS (
      INSERT INTO link_health_checks (link_id, checked_at, outcome, detail)
      SELECT id, ${now}, ${outcome}, ${detail}::jsonb FROM marked)
    SELECT health, issued_by FROM previous`;
  if (!before?.issued_by || !needsAttention(outcome) || needsAttention((before.health as HealthOutcome | null) ?? null)) return null;
  return { personId: before.issued_by, link: { id: row.id, health: outcome, ...(checked.detail.cause ? { detail: checked.detail.cause } : {}) } };
}

/** A pass records its checks in batches of up to this many (one statement each), or after RECORD_WAIT_MS. */
const RECORD_BATCH = 50;
const RECORD_WAIT_MS = 200;

type Recorded = { row: Pick<DueLink, "id">; checked: Checked & { decision: { outcome: HealthOutcome } }; at: Date };

/**
 * Records many checks in one statement (a pass's batch): as record() does for one, the rows locked in
 * id order (two passes never deadlock); returns the links each check found newly broken.
 */
async function recordMany(items: readonly Recorded[]): Promise<NewlyBroken[]> {
  if (items.length === 0) return [];
  const ids = items.map((i) => i.row.id);
  const outcomes = items.map((i) => i.checked.decision.outcome);
  const details = items.map((i) => JSON.stringify(i.checked.detail));
  const ats = items.map((i) => i.at.toISOString());
  const previous = await db.$queryRaw<{ id: string; health: string | null; issued_by: string | null }[]>`
    WITH input AS (
      SELECT * FROM unnest(${ids}::text[], ${outcomes}::text[], ${details}::text[], ${ats}::text[]) AS i(id, outcome, detail, at)),
    previous AS (
      SELECT s.id, s.health, s.issued_by FROM share_links s WHERE s.id IN (SELECT id FROM input) ORDER BY s.id FOR UPDATE),
    marked AS (
      UPDATE share_links s
         SET health = i.outcome, health_checked_at = i.at::timestamptz AT TIME ZONE 'UTC', health_detail = i.detail::jsonb
        FROM input i WHERE s.id = i.id AND s.id IN (SELECT id FROM previous)
      RETURNING s.id),
    history AS (
      INSERT INTO link_health_checks (link_id, checked_at, outcome, detail)
      SELECT i.id, i.at::timestamptz AT TIME ZONE 'UTC', i.outcome, i.detail::jsonb FROM input i JOIN marked m ON m.id = i.id)
    SELECT id, health, issued_by FROM previous`;
  const byId = new Map(items.map((i) => [i.row.id, i]));
  return previous.flatMap((before) => {
    const item = byId.get(before.id);
    if (!item || !before.issued_by) return [];
    const { outcome } = item.checked.decision;
    if (!needsAttention(outcome) || needsAttention((before.health as HealthOutcome | null) ?? null)) return [];
    const cause = item.checked.detail.cause;
    return [{ personId: before.issued_by, link: { id: before.id, health: outcome, ...(cause ? { detail: cause } : {}) } }];
  });
}

export type PassOptions = {
  /** Links to claim (default PASS_BATCH). */
  limit?: number;
  now?: () => Date;
  /** Stop taking links after this long (default PASS_BUDGET_MS). */
  budgetMs?: number;
  /** Requests per second on a connection without its own setting (default HEALTH_CHECK_RATE; never above MAX_CHECK_RATE). */
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
  /** Links may still be due: the batch was full, or the pass ran out of time (the job queues the next pass at once). */
  more: boolean;
};

/** A connection's pace: its own setting, else `fallback`; never above MAX_CHECK_RATE (a bad stored value falls back). */
export function rateOf(connection: { healthCheckRate: number | null } | undefined, fallback: number): number {
  const own = connection?.healthCheckRate;
  const rate = own !== null && own !== undefined && checkRateProblem(own) === null ? own : fallback;
  return Math.min(MAX_CHECK_RATE, rate);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Each connection's pace outlives a pass (this instance's; passes run one at a time across instances): a
 * provider that answered 429/503 is not met at full rate by the next pass, which keeps the pause and the slower pace.
 */
const paceConfigs = new Map<string, RateConfig>();
const sharedLimiter = new RateLimiter(
  (connectionId) => paceConfigs.get(connectionId) ?? { rate: DEFAULT_CHECK_RATE },
  () => Date.now(),
);

/** One pass of the checker on this instance (the job "links:health_check"). */
export async function runHealthPass(options: PassOptions = {}): Promise<PassResult> {
  const env = getEnv();
  const clock = options.now ?? (() => new Date());
  const started = Date.now();
  const budget = options.budgetMs ?? PASS_BUDGET_MS;
  const defaultRate = options.rate ?? env.HEALTH_CHECK_RATE;
  const now = clock();
  const dueBefore = new Date(now.getTime() - env.HEALTH_CHECK_INTERVAL_MINUTES * 60_000);
  const limit = options.limit ?? PASS_BATCH;
  const rows = await claimDueLinks(limit, now, dueBefore, options.ownerId ?? null, { defaultRate, budgetSeconds: budget / 1000 });
  const result: PassResult = { claimed: rows.length, checked: 0, outcomes: {}, newlyBroken: {}, more: rows.length >= limit };
  if (rows.length === 0) return result;

  const connectionIds = [...new Set(rows.map((r) => r.connection_id).filter((id): id is string => id !== null))];
  const connections = new Map((await db.storageConnection.findMany({ where: { id: { in: connectionIds } } })).map((c) => [c.id, c]));
  // A connection that got its whole share (claimDueLinks' cap) may have more due: the next pass comes at once.
  for (const connectionId of connectionIds) {
    const share = Math.min(limit, Math.max(1, Math.ceil(Math.min(rateOf(connections.get(connectionId), defaultRate), MAX_CHECK_RATE) * (budget / 1000))));
    if (rows.filter((r) => r.connection_id === connectionId).length >= share) result.more = true;
  }
  // Each connection at its own pace (Settings → Connections "Health checks per second"), else the default;
  // a tenth of a second's requests may go together when a timer fired late (a busy process), so that
  // lateness does not lower the pace, while a million links still make no burst.
  for (const connectionId of connectionIds) {
    const rate = rateOf(connections.get(connectionId), defaultRate);
    paceConfigs.set(connectionId, { rate, burst: Math.max(1, Math.floor(rate / 10)) });
  }
  const limiter = sharedLimiter;
  const byConnection = new Map<string, DueLink[]>();
  /** Links this pass found newly broken, by issuer: one "Links that broke" notice per person, never one per link. */
  const brokenByPerson = new Map<string, BrokenLink[]>();
  const noteBroken = (broken: NewlyBroken | null) => {
    if (broken) brokenByPerson.set(broken.personId, [...(brokenByPerson.get(broken.personId) ?? []), broken.link]);
  };
  // Checks with an outcome are recorded in batches (one statement each, one at a time), not one by one.
  let pending: Recorded[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return flushing;
    flushing = flushing.then(async () => {
      try {
        for (const broken of await recordMany(batch)) noteBroken(broken);
      } catch (error) {
        // The links stay claimed (checked now) without a new mark: they are checked again after the interval.
        log.warn("health.record_failed", { links: batch.length, error });
      }
    });
    return flushing;
  };
  const recordLater = (item: Recorded) => {
    pending.push(item);
    if (pending.length >= RECORD_BATCH) void flush();
    else timer ??= setTimeout(() => void flush(), RECORD_WAIT_MS);
  };
  for (const row of rows) {
    const list = byConnection.get(row.connection_id ?? "") ?? [];
    list.push(row);
    byConnection.set(row.connection_id ?? "", list);
  }

  await Promise.all(
    [...byConnection].map(async ([connectionId, links]) => {
      const connection = connections.get(connectionId);
      // Waits for the connection's next request, never past the pass's budget (a long back-off is waited out by
      // later passes, the links given back meanwhile).
      const pace = async () => {
        for (;;) {
          const take = limiter.take(connectionId);
          if (take.ok) return;
          const left = budget - (Date.now() - started);
          if (left <= 0) return;
          await sleep(Math.min(take.waitMs, left + 1));
        }
      };
      const checkOne = async (row: DueLink, connection: ConnectionRecord) => {
        // The loop took the first request's token; a multi-file share's further files take their own.
        let paced = true;
        const before = async () => {
          if (paced) paced = false;
          else await pace();
        };
        try {
          const checked = await checkRow(row, connection, before, (d) => limiter.record(connectionId, { slowDown: d.slowDown }), {
            now,
            more: () => Date.now() - started <= budget,
          });
          if (checked && checked.decision.outcome !== null) recordLater({ row, checked: checked as Recorded["checked"], at: clock() });
          else await record(row, null, now);
          if (checked?.decision.outcome) {
            result.checked += 1;
            result.outcomes[checked.decision.outcome] = (result.outcomes[checked.decision.outcome] ?? 0) + 1;
          }
        } catch (error) {
          log.warn("health.check_failed", { linkId: row.id, error });
        }
      };
      // Checks start at the connection's pace, not each after the last one's end: up to IN_FLIGHT at
      // once, so the time an answer takes does not lower the pace (a stalled server still holds only IN_FLIGHT).
      const inFlight = new Set<Promise<void>>();
      for (const [index, row] of links.entries()) {
        while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
        if (connection) await pace();
        if (!connection || Date.now() - started > budget) {
          // Not reached this pass: give the claims back so the next pass takes them first.
          await Promise.all(inFlight);
          const left = links.slice(index);
          await Promise.all(left.map((r) => record(r, null, now)));
          if (connection) {
            result.more = true;
            log.info("health.pass_budget_reached", { connectionId, left: left.length });
          }
          return;
        }
        const task: Promise<void> = checkOne(row, connection).finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
      await Promise.all(inFlight);
    }),
  );
  await flush();
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
  // One sample, never a full pass (that one goes at the connection's pace).
  const checked = await checkRow(
    row,
    connection,
    async () => {},
    () => {},
    { now },
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
