import "server-only";
import { type Actor, can, canManageLink, canViewLink, linkScope } from "@/lib/auth/permissions";
import { db, getPool } from "@/lib/db/client";
import { PRISMA_LIKE_TYPES } from "@/lib/db/pg-types";
import { recordLinkAudit } from "@/lib/audit/record";
import { getRuntimeSecrets } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { releaseBudget, spendBudget } from "@/lib/limits/budget";
import { Prisma } from "@/lib/generated/prisma/client";
import { HISTORY_PAGE_SIZE, type LinkHealthFilter, type LinkStatusFilter } from "@/lib/links/filters";
import { HEALTH_OUTCOMES, type HealthOutcome, needsAttention } from "@/lib/health/outcome";
import { linkWhereSql, SqlParams } from "@/lib/links/link-where-sql";
import { linkStatus, type LinkStatus, SOON_WINDOW_MS } from "@/lib/links/status";
import { unseal } from "@/lib/storage/sealed";
import { type RequestStatus, requestStatus } from "@/lib/upload-requests/request";
import { MAX_MANAGED_EXPIRY_SECONDS } from "@/lib/links/expiry";
import type { ShareLinkRequest } from "@/lib/links/share-request";
import { contentTypeOverrideProblem, type HistoryFilter } from "@/lib/validation/share";
// Prisma's `contains` becomes ILIKE '%…%' without escaping: a search for "50%" or "a_b" would treat % and _ as wildcards.
import { commonTrigrams, escapeLike, SEARCHED_COLUMNS, searchPlan } from "@/lib/links/search-trigrams";

/**
 * The link history. Status is computed when read, by linkStatus (lib/links/status.ts), and the
 * status filter is its SQL twin (statusWhere below). Pages are keyset-paginated on
 * (created_at, id), newest first, so page 2,000 costs what page 1 costs.
 */

export type LinkRow = {
  id: string;
  connectionId: string | null;
  connectionName: string;
  bucket: string;
  key: string;
  note: string | null;
  fileName: string;
  disposition: string;
  contentTypeOverride: string | null;
  objectSize: number;
  createdAt: Date;
  expiresAt: Date;
  requestedExpiresAt: Date;
  status: LinkStatus;
  kind: "direct" | "managed";
  neverExpires: boolean;
  downloadCount: number;
  downloadLimit: number | null;
  lastAccessAt: Date | null;
  /** "changed" or "missing": a use found the shared object replaced or deleted. */
  objectState: "changed" | "missing" | null;
  revokedAt: Date | null;
  /** "files": a multi-file share (key is then the shared folder or the selection's common folder); "request": an upload request. */
  target: "object" | "files" | "request";
  title: string | null;
  fileCount: number | null;
  /** Managed links: whether a password is asked (the hash itself never leaves this module). */
  hasPassword: boolean;
  allowedNetworks: string[];
  /** False = "Always the latest version". */
  pinned: boolean;
  /** "Issued by": the person's id and name (removed: still named, marked); null for a link from before teams whose issuer is gone. */
  issuedById: string | null;
  issuedBy: { name: string; removed: boolean } | null;
  /** Whether the reader may act on it (canManageLink): a Member who lost Can share on its object sees it without actions. */
  canManage: boolean;
  /** Upload requests (target "request"): files received of the most, bytes, the last upload and the status; null for share links. */
  request: RequestSummary | null;
  /** "Share again" made this link's successor (its id): the row shows "Replaced". */
  replacedById: string | null;
  /** The last health check's outcome (null: not checked yet), when, and its cause / true end (lib/health/checker.ts). */
  health: HealthOutcome | null;
  healthCheckedAt: Date | null;
  healthDetail: { cause?: string; trueEnd?: string } | null;
};

export type RequestSummary = {
  maxFiles: number;
  receivedFiles: number;
  receivedBytes: number;
  lastUploadAt: Date | null;
  status: RequestStatus;
};

const rowSelect = {
  id: true,
  connectionId: true,
  connectionName: true,
  bucket: true,
  key: true,
  note: true,
  fileName: true,
  disposition: true,
  contentTypeOverride: true,
  objectSize: true,
  createdAt: true,
  expiresAt: true,
  requestedExpiresAt: true,
  kind: true,
  neverExpires: true,
  downloadCount: true,
  downloadLimit: true,
  lastAccessAt: true,
  objectState: true,
  revokedAt: true,
  target: true,
  title: true,
  fileCount: true,
  passwordHash: true,
  allowedNetworks: true,
  pinned: true,
  issuedById: true,
  replacedById: true,
  issuedBy: { select: { name: true, removedAt: true } },
  health: true,
  healthCheckedAt: true,
  healthDetail: true,
  // Upload requests: their counters (one row by primary key per request of the page).
  request: { select: { maxFiles: true, maxTotalSize: true, receivedFiles: true, receivedBytes: true, lastUploadAt: true } },
} as const;

const { request: _counters, ...ROW_SELECT_WITHOUT_REQUESTS } = rowSelect;

/**
 * The SQL twin of linkStatus (lib/links/status.ts, whose comment lists the conditions): each
 * status's rows are exactly those linkStatus names so. Revoked links are "Revoked" and nothing else;
 * expired ones "Expired" whatever their count or mark. The time bounds are range conditions on the
 * indexed columns; the count and the mark are plain column comparisons on the rows they find.
 */
function statusWhere(status: LinkStatusFilter, now: Date): Prisma.ShareLinkWhereInput {
  // download_limit IS NOT NULL AND download_count >= download_limit
  const usedUp: Prisma.ShareLinkWhereInput = { downloadLimit: { not: null }, downloadCount: { gte: db.shareLink.fields.downloadLimit } };
  // download_limit IS NULL OR download_count < download_limit
  const notUsedUp: Prisma.ShareLinkWhereInput = { OR: [{ downloadLimit: null }, { downloadCount: { lt: db.shareLink.fields.downloadLimit } }] };
  const live = { expiresAt: { gt: now }, revokedAt: null };
  switch (status) {
    case "expired":
      return { expiresAt: { lte: now }, revokedAt: null };
    case "limit_reached":
      return { ...live, ...usedUp };
    case "missing":
    case "changed":
      return { ...live, objectState: status, AND: [notUsedUp] };
    case "expires_soon":
      // expires_soon_at >= expires_at - 1 hour on every row (expiresSoonFrom), so a link that expires
      // soon expires within the hour: that bound changes no result and makes the (owner_id, expires_at)
      // range one hour of links, not every live link (never-expiring ones included).
      return {
        ...live,
        expiresAt: { gt: now, lte: new Date(now.getTime() + SOON_WINDOW_MS) },
        expiresSoonAt: { lt: now },
        objectState: null,
        AND: [notUsedUp],
      };
    case "active":
      return { expiresSoonAt: { gte: now }, revokedAt: null, objectState: null, AND: [notUsedUp] };
    case "revoked":
      return { revokedAt: { not: null } };
    default:
      return {};
  }
}

/** share_links.target as the app types it. */
export function linkTarget(target: string): "object" | "files" | "request" {
  return target === "files" || target === "request" ? target : "object";
}

export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString("base64url");
}

/** A time PostgreSQL can compare with (a crafted cursor may name year -200000): 1970 to 9999. */
export function isCursorTime(date: Date): boolean {
  const time = date.getTime();
  return time >= 0 && time <= Date.UTC(9999, 11, 31, 23, 59, 59, 999);
}

function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string } | null {
  if (!cursor) return null;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
    const date = new Date(createdAt);
    // Ids are cuids: anything else (a NUL, which PostgreSQL refuses in text) is no cursor.
    return typeof id === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(id) && isCursorTime(date) ? { createdAt: date, id } : null;
  } catch {
    return null;
  }
}

/**
 * The links the actor sees (linkScope: the team's, a Member's own) matching the filter. With an
 * issuer (a Member's own scope, or the "Issued by" filter of Admins and the Owner) the list reads the
 * index (owner_id, issued_by, created_at, id); without, (owner_id, created_at, id).
 */
export function historyWhere(actor: Actor, filter: HistoryFilter, now: Date): Prisma.ShareLinkWhereInput {
  const text = filter.q?.trim();
  const q = text ? escapeLike(text) : undefined;
  const scope = linkScope(actor);
  const { AND: statusAnd, ...status } = statusWhere(filter.status, now);
  const and = [
    ...(Array.isArray(statusAnd) ? statusAnd : statusAnd ? [statusAnd] : []),
    ...(filter.health && filter.health !== "all" ? [healthWhere(filter.health, now)] : []),
  ];
  return {
    ...scope,
    ...(scope.issuedById === undefined && filter.issuedBy && can(actor, "links.all") ? { issuedById: filter.issuedBy } : {}),
    deletedAt: null,
    ...status,
    // Both the status's conditions and the health filter's (a spread of both would keep only the last AND).
    ...(and.length > 0 ? { AND: and } : {}),
    // index (owner_id, kind, created_at, id)
    ...(filter.type === "direct" ? { kind: "direct" } : {}),
    ...(filter.type === "managed" ? { kind: "managed", target: { not: "request" } } : {}),
    ...(filter.type === "request" ? { kind: "managed", target: "request" } : {}),
    ...(filter.withoutRequests && filter.type !== "managed" ? { target: filter.type === "request" ? "no-such-target" : { not: "request" } } : {}),
    ...(filter.connection ? { connectionId: filter.connection } : {}),
    ...(filter.bucket ? { bucket: filter.bucket } : {}),
    ...(q
      ? { OR: [{ key: { contains: q, mode: "insensitive" } }, { note: { contains: q, mode: "insensitive" } }, { title: { contains: q, mode: "insensitive" } }] }
      : {}),
  };
}

/** Whether the filter's search asks some column's trigram index for fewer words than the whole term (searchPlan). */
async function searchIsNarrowed(filter: HistoryFilter): Promise<boolean> {
  const text = filter.q?.trim();
  if (!text) return false;
  const common = await commonTrigrams();
  return SEARCHED_COLUMNS.some((column) => searchPlan(text, common[column]).narrowed !== null);
}

/**
 * historyWhere (with the page's cursor when asked) as SQL for node-postgres, for the queries Prisma cannot write: the
 * filters and rights are historyWhere's own, translated (linkWhereSql), and the search is written here. Each column's
 * trigram index is asked for the term's distinctive words only (searchPlan, lib/links/search-trigrams.ts), each
 * candidate checked against the whole term: strpos(lower(…)) is ILIKE '%…%' without the index, so the planner cannot
 * put the whole term back into the index scan. `broad`: the term is in most keys (the count's order).
 */
async function historySql(
  actor: Actor,
  filter: HistoryFilter,
  now: Date,
  params: SqlParams,
  options: { cursor: boolean },
  alias = "l",
): Promise<{ where: string; broad: boolean }> {
  const text = filter.q?.trim();
  const unsearched = { ...filter, q: undefined };
  const where = linkWhereSql(options.cursor ? pageWhere(actor, unsearched, now) : historyWhere(actor, unsearched, now), params, alias);
  if (!text) return { where, broad: false };
  const common = await commonTrigrams();
  let broad = false;
  const columns = SEARCHED_COLUMNS.map((column) => {
    const plan = searchPlan(text, common[column]);
    // The key is in every row: a term in most keys is in most links (the count's order).
    if (column === "key") broad = plan.broad;
    const name = `${alias}.${column}`;
    return plan.narrowed
      ? `(${name} ILIKE ${params.add(plan.narrowed)} AND strpos(lower(${name}), lower(${params.add(text)})) > 0)`
      : `${name} ILIKE ${params.add(`%${escapeLike(text)}%`)}`;
  });
  return { where: `${where} AND (${columns.join(" OR ")})`, broad };
}

type SelectedRow = Omit<
  LinkRow,
  "status" | "objectSize" | "kind" | "objectState" | "target" | "hasPassword" | "issuedBy" | "canManage" | "request" | "health" | "healthDetail"
> & {
  health: string | null;
  healthDetail: unknown;
  issuedBy: { name: string; removedAt: Date | null } | null;
  objectSize: bigint;
  kind: string;
  objectState: string | null;
  target: string;
  passwordHash: string | null;
  request?: { maxFiles: number; maxTotalSize: bigint; receivedFiles: number; receivedBytes: bigint; lastUploadAt: Date | null } | null;
};

/** canManageLink for a row read within the actor's team (historyWhere, linkScope): the issuer and the grant decide. */
function canManageOwnTeamRow(
  actor: Actor,
  row: { issuedById: string | null; connectionId: string | null; bucket: string; key: string; target: string },
): boolean {
  return canManageLink(actor, {
    ownerId: actor.teamId,
    issuedById: row.issuedById,
    connectionId: row.connectionId,
    bucket: row.bucket,
    key: row.key,
    target: row.target,
  });
}

function toRow(actor: Actor, { passwordHash, issuedBy, request, ...row }: SelectedRow, now: Date): LinkRow {
  const counters = request
    ? {
        maxFiles: request.maxFiles,
        maxTotalSize: Number(request.maxTotalSize),
        receivedFiles: request.receivedFiles,
        receivedBytes: Number(request.receivedBytes),
      }
    : null;
  return {
    request:
      row.target === "request" && counters && request
        ? {
            maxFiles: counters.maxFiles,
            receivedFiles: counters.receivedFiles,
            receivedBytes: counters.receivedBytes,
            lastUploadAt: request.lastUploadAt,
            status: requestStatus(row, counters, now),
          }
        : null,
    ...row,
    canManage: canManageOwnTeamRow(actor, row),
    issuedBy: issuedBy ? { name: issuedBy.name, removed: issuedBy.removedAt !== null } : null,
    hasPassword: passwordHash !== null,
    objectSize: Number(row.objectSize),
    kind: row.kind === "managed" ? "managed" : "direct",
    objectState: row.objectState === "changed" || row.objectState === "missing" ? row.objectState : null,
    target: linkTarget(row.target),
    status: linkStatus(row, now),
    health: healthOf(row.health),
    healthDetail: row.healthDetail && typeof row.healthDetail === "object" ? (row.healthDetail as { cause?: string; trueEnd?: string }) : null,
  };
}

/** share_links.health as the app types it. */
export function healthOf(value: string | null): HealthOutcome | null {
  return (HEALTH_OUTCOMES as readonly string[]).includes(value ?? "") ? (value as HealthOutcome) : null;
}

const ATTENTION = HEALTH_OUTCOMES.filter((o) => needsAttention(o));

/**
 * The health filter. "Needs attention" is the live links (not revoked, not expired) whose last check
 * was anything but OK: the partial index share_links_needs_attention_idx (owner_id, created_at, id)
 * WHERE health IN (those outcomes) AND deleted_at IS NULL AND revoked_at IS NULL is its index range.
 */
function healthWhere(health: LinkHealthFilter | undefined, now: Date): Prisma.ShareLinkWhereInput {
  if (!health || health === "all") return {};
  const live = { revokedAt: null, expiresAt: { gt: now } };
  if (health === "needs-attention") return { ...live, health: { in: ATTENTION } };
  return { ...live, health };
}

/** historyWhere with the page's cursor: the rows after it in the list's order. */
function pageWhere(actor: Actor, filter: HistoryFilter, now: Date): Prisma.ShareLinkWhereInput {
  const after = decodeCursor(filter.cursor);
  const where = historyWhere(actor, filter, now);
  return after
    ? // (created_at, id) < cursor, written so that created_at <= cursor bounds the index range scan.
      { AND: [where, { createdAt: { lte: after.createdAt } }, { OR: [{ createdAt: { lt: after.createdAt } }, { id: { lt: after.id } }] }] }
    : where;
}

export async function listLinks(
  actor: Actor,
  filter: HistoryFilter,
  now = new Date(),
  pageSize = HISTORY_PAGE_SIZE,
): Promise<{ rows: LinkRow[]; nextCursor: string | null }> {
  // Without upload requests (the API's list) no row has a request's counters: no read of them.
  const select = filter.withoutRequests ? ROW_SELECT_WITHOUT_REQUESTS : rowSelect;
  if (await searchIsNarrowed(filter)) {
    // A search narrowed to the term's distinctive words (which Prisma cannot write): the page's ids in SQL, then its rows.
    const params = new SqlParams();
    const { where } = await historySql(actor, filter, now, params, { cursor: true });
    const { rows: ids } = await getPool().query<{ id: string }>({
      text: `SELECT l.id FROM share_links l WHERE ${where} ORDER BY l.created_at DESC, l.id DESC LIMIT ${params.add(pageSize + 1)}`,
      values: params.values,
    });
    const found = ids.length === 0 ? [] : await db.shareLink.findMany({ where: { id: { in: ids.map((row) => row.id) } }, select });
    const byId = new Map(found.map((row) => [row.id, row]));
    const rows = ids.flatMap((row) => byId.get(row.id) ?? []);
    const page = rows.slice(0, pageSize).map((r) => toRow(actor, r as SelectedRow, now));
    return { rows: page, nextCursor: ids.length > pageSize && page.length > 0 ? encodeCursor(page[page.length - 1]!) : null };
  }
  const rows = await db.shareLink.findMany({
    where: pageWhere(actor, filter, now),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: pageSize + 1,
    select,
  });
  const page = rows.slice(0, pageSize).map((r) => toRow(actor, r as SelectedRow, now));
  return { rows: page, nextCursor: rows.length > pageSize ? encodeCursor(page[page.length - 1]!) : null };
}

/** A link of the API's list (GET /links): what the Link representation shows, nothing else. */
export type LinkRecord = Pick<
  LinkRow,
  | "id"
  | "kind"
  | "status"
  | "connectionId"
  | "connectionName"
  | "bucket"
  | "key"
  | "fileName"
  | "disposition"
  | "contentTypeOverride"
  | "note"
  | "objectSize"
  | "createdAt"
  | "expiresAt"
  | "neverExpires"
  | "downloadLimit"
  | "downloadCount"
  | "lastAccessAt"
  | "revokedAt"
  | "objectState"
  | "health"
  | "healthCheckedAt"
  | "hasPassword"
  | "allowedNetworks"
  | "pinned"
  | "target"
  | "title"
  | "fileCount"
  | "issuedById"
  | "issuedBy"
>;

/** LinkRecord's columns, typed in SQL as LinkRow types them (toRow): the issuer's name from the same statement. */
const RECORD_COLUMNS = `l.id, CASE WHEN l.kind = 'managed' THEN 'managed' ELSE 'direct' END AS kind, l.connection_id AS "connectionId",
  l.connection_name AS "connectionName", l.bucket, l.key, l.file_name AS "fileName", l.disposition, l.content_type_override AS "contentTypeOverride",
  l.note, l.object_size::float8 AS "objectSize", l.created_at AS "createdAt", l.expires_at AS "expiresAt", l.never_expires AS "neverExpires",
  l.download_limit AS "downloadLimit", l.download_count AS "downloadCount", l.last_access_at AS "lastAccessAt", l.revoked_at AS "revokedAt",
  CASE WHEN l.object_state IN ('changed', 'missing') THEN l.object_state END AS "objectState", l.health, l.health_checked_at AS "healthCheckedAt",
  l.password_hash IS NOT NULL AS "hasPassword", l.allowed_networks AS "allowedNetworks", l.pinned,
  CASE WHEN l.target IN ('files', 'request') THEN l.target ELSE 'object' END AS target, l.title, l.file_count AS "fileCount",
  l.issued_by AS "issuedById", iu.name AS "issuerName", iu.removed_at IS NOT NULL AS "issuerRemoved"`;

/**
 * listLinks for the API (GET /links): the same where clause (historyWhere: the actor's links, every filter, the
 * cursor) in ONE statement through node-postgres on Prisma's pool, the issuer's name joined, each row typed in SQL
 * and given its status and issuer in one pass. Prisma's per-query work and a second statement for the issuers cost
 * more CPU than the rest of the request (`npm run bench:api`).
 */
export async function listLinkRecords(
  actor: Actor,
  filter: HistoryFilter,
  now = new Date(),
  pageSize = HISTORY_PAGE_SIZE,
): Promise<{ rows: LinkRecord[]; nextCursor: string | null }> {
  const params = new SqlParams();
  const { where } = await historySql(actor, filter, now, params, { cursor: true });
  const text = `SELECT ${RECORD_COLUMNS} FROM share_links l LEFT JOIN users iu ON iu.id = l.issued_by
    WHERE ${where} ORDER BY l.created_at DESC, l.id DESC LIMIT ${params.add(pageSize + 1)}`;
  const { rows } = await getPool().query<RecordRow>({ text, values: params.values, types: PRISMA_LIKE_TYPES });
  const page = rows.slice(0, pageSize) as (RecordRow & LinkRecord)[];
  for (const row of page) completeRecord(row, now);
  return { rows: page, nextCursor: rows.length > pageSize ? encodeCursor(page[page.length - 1]!) : null };
}

/**
 * One link of the actor's history (linkScope, not removed from it) as a LinkRecord, with what the API's answer
 * about a link it just created needs besides: the expiry asked for (its warnings) and canManageLink. One statement.
 */
export async function getLinkRecord(
  actor: Actor,
  id: string,
  now = new Date(),
): Promise<(LinkRecord & { requestedExpiresAt: Date; canManage: boolean }) | null> {
  const params = new SqlParams();
  const where = linkWhereSql({ id, ...linkScope(actor), deletedAt: null }, params, "l");
  const text = `SELECT ${RECORD_COLUMNS}, l.requested_expires_at AS "requestedExpiresAt" FROM share_links l LEFT JOIN users iu ON iu.id = l.issued_by WHERE ${where}`;
  const { rows } = await getPool().query<RecordRow & { requestedExpiresAt: Date }>({ text, values: params.values, types: PRISMA_LIKE_TYPES });
  const row = rows[0] as (RecordRow & LinkRecord & { requestedExpiresAt: Date; canManage: boolean }) | undefined;
  if (!row) return null;
  completeRecord(row, now);
  row.canManage = canManageOwnTeamRow(actor, row);
  return row;
}

/** A row of RECORD_COLUMNS as node-postgres gives it. */
type RecordRow = Omit<LinkRecord, "status" | "issuedBy"> & { issuerName: string | null; issuerRemoved: boolean };

/** The row as it came, completed in place (no copy): its status and issuer. */
function completeRecord(row: RecordRow & LinkRecord, now: Date): void {
  row.status = linkStatus(row, now);
  row.health = healthOf(row.health);
  row.issuedBy = row.issuerName === null ? null : { name: row.issuerName, removed: row.issuerRemoved };
}

/**
 * A capped count's order: the list's own (its indexes' order). Without one, Prisma counts `ORDER BY id`,
 * which walks the primary key or sorts every match ("Needs attention" at a million links: 21-33 ms; in
 * this order, from share_links_needs_attention_idx alone: under 1 ms; npm run bench:health).
 */
const COUNT_ORDER: Prisma.ShareLinkOrderByWithRelationInput[] = [{ createdAt: "desc" }, { id: "desc" }];

/** Counting stops here: "1,000+" is as useful as an exact figure and stays cheap on a million rows. */
export const HISTORY_COUNT_CAP = 1000;

/**
 * How many links match the filter (not the page: the cursor is ignored), counted up to
 * HISTORY_COUNT_CAP + 1 with the list's own where clause; `capped` says there are more than the cap.
 */
export async function countLinks(actor: Actor, filter: HistoryFilter, now = new Date(), cap = HISTORY_COUNT_CAP): Promise<{ count: number; capped: boolean }> {
  let found: number;
  if (filter.q?.trim()) {
    // A search's matches come from its trigram indexes' bitmap, in no order: counted in any order, the count stops at
    // the cap (16,000 matches of `client 7` at a million links: 1,001 read instead of all 16,000 read and sorted).
    // A term in most keys (`.pdf`) is counted in the list's order: the newest-first index walk meets 1,001 matches at
    // once, where no order would let the planner read the table itself (every team's links) until it found them.
    const params = new SqlParams();
    const { where, broad } = await historySql(actor, filter, now, params, { cursor: false });
    const { rows } = await getPool().query<{ count: number }>({
      text: `SELECT count(*)::int AS count FROM (SELECT 1 FROM share_links l WHERE ${where}
        ${broad ? "ORDER BY l.created_at DESC, l.id DESC" : ""} LIMIT ${params.add(cap + 1)}) AS matches`,
      values: params.values,
    });
    found = rows[0]?.count ?? 0;
  } else found = await db.shareLink.count({ where: historyWhere(actor, filter, now), orderBy: COUNT_ORDER, take: cap + 1 });
  return found > cap ? { count: cap, capped: true } : { count: found, capped: false };
}

/** The "N links need attention" banner counts up to this (then "99+"): cheap at a million links (the partial index). */
export const ATTENTION_COUNT_CAP = 99;

/** How many of the actor's live links need attention, up to ATTENTION_COUNT_CAP + 1 (`capped`: more than the cap). */
export async function countLinksNeedingAttention(actor: Actor, now = new Date()): Promise<{ count: number; capped: boolean }> {
  const found = await db.shareLink.count({
    where: { ...linkScope(actor), deletedAt: null, ...healthWhere("needs-attention", now) },
    orderBy: COUNT_ORDER,
    take: ATTENTION_COUNT_CAP + 1,
  });
  return found > ATTENTION_COUNT_CAP ? { count: ATTENTION_COUNT_CAP, capped: true } : { count: found, capped: false };
}

/** Every matching row, in batches, for the CSV export (no URLs). */
export async function* iterateLinks(actor: Actor, filter: HistoryFilter, now = new Date()): AsyncGenerator<LinkRow> {
  let cursor: string | undefined;
  do {
    const { rows, nextCursor } = await listLinks(actor, { ...filter, cursor }, now, 1000);
    yield* rows;
    cursor = nextCursor ?? undefined;
  } while (cursor);
}

/**
 * The buckets that appear in the history, for the filter menu. A skip scan over the
 * (owner_id, connection_id, bucket, created_at) index visits one index entry per distinct
 * bucket instead of every link, so it costs the same with 100 or 100,000 links (links removed
 * from the history are skipped, so a bucket whose links were all removed is not offered). Links
 * whose connection was deleted are listed by the name they were issued under.
 */
export async function listHistoryBuckets(actor: Actor): Promise<{ connectionId: string | null; connectionName: string; bucket: string }[]> {
  const scope = linkScope(actor);
  const teamId = scope.ownerId;
  // A Member's own links only (linkScope); Admins and the Owner: the team's.
  const issuer = scope.issuedById === undefined ? Prisma.empty : Prisma.sql`AND issued_by = ${scope.issuedById}`;
  const [live, orphaned] = await Promise.all([
    db.$queryRaw<{ connectionId: string; connectionName: string; bucket: string }[]>`
      WITH RECURSIVE pairs AS (
        (SELECT connection_id, bucket FROM share_links
          WHERE owner_id = ${teamId} ${issuer} AND connection_id IS NOT NULL AND deleted_at IS NULL
          ORDER BY connection_id, bucket LIMIT 1)
        UNION ALL
        SELECT next.connection_id, next.bucket FROM pairs, LATERAL (
          SELECT connection_id, bucket FROM share_links
           WHERE owner_id = ${teamId} ${issuer} AND connection_id IS NOT NULL AND deleted_at IS NULL
             AND (connection_id, bucket) > (pairs.connection_id, pairs.bucket)
           ORDER BY connection_id, bucket LIMIT 1) AS next
      )
      SELECT pairs.connection_id AS "connectionId", c.name AS "connectionName", pairs.bucket
        FROM (SELECT * FROM pairs LIMIT 200) AS pairs
        JOIN storage_connections c ON c.id = pairs.connection_id
       ORDER BY c.name, pairs.bucket`,
    db.$queryRaw<{ connectionName: string; bucket: string }[]>`
      SELECT DISTINCT connection_name AS "connectionName", bucket FROM share_links
       WHERE owner_id = ${teamId} ${issuer} AND connection_id IS NULL AND deleted_at IS NULL
       ORDER BY 1, 2 LIMIT 50`,
  ]);
  return [...live, ...orphaned.map((row) => ({ connectionId: null, ...row }))];
}

/**
 * The "Issued by" filter's choices: the team's people, removed ones too (their links stay), for
 * those who see every link of the team; nobody else gets the filter.
 */
export async function listIssuers(actor: Actor): Promise<{ id: string; name: string; removed: boolean }[]> {
  if (!can(actor, "links.all")) return [];
  const people = await db.user.findMany({
    where: { OR: [{ id: actor.teamId }, { teamId: actor.teamId }] },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    select: { id: true, name: true, removedAt: true },
  });
  return people.map((p) => ({ id: p.id, name: p.name, removed: p.removedAt !== null }));
}

const NOT_IN_HISTORY = "This link is not in your history (any more).";
export const NOT_MANAGEABLE = "Only the person who issued this link, while they may still share its object, and Admins can change it. Nothing was changed.";

/**
 * A link the actor may act on (canManageLink: Admins and the Owner on the team's links, a Member on
 * their own while they hold Can share on its object). A link they cannot see is "not found"; one
 * they see but may no longer act on is refused.
 */
export async function getManageableLinkOrThrow(actor: Actor, id: string) {
  const link = await db.shareLink.findFirst({ where: { id, ...linkScope(actor), deletedAt: null } });
  if (!link || !canViewLink(actor, link)) throw new AppError("not_found", NOT_IN_HISTORY, { reason: "no_such_link" });
  if (!canManageLink(actor, link)) throw new AppError("forbidden", NOT_MANAGEABLE, { reason: "link_not_manageable" });
  return link;
}

/** The issued URL, decrypted on the server, only while the link still works. */
export async function revealLinkUrl(actor: Actor, id: string, now = new Date()): Promise<string> {
  const link = await getManageableLinkOrThrow(actor, id);
  if (link.revokedAt)
    throw new AppError("invalid", "This link was revoked and no longer works. Use Share again for a fresh one.", { reason: "link_not_usable" });
  if (link.expiresAt.getTime() <= now.getTime()) {
    throw new AppError("invalid", "This link has expired and no longer works. Use Share again for a fresh one.", { reason: "link_not_usable" });
  }
  return unseal("shareUrl", link.id, link.urlEnc, getRuntimeSecrets().encryptionKey);
}

/** Removes a link from the history; a managed link is revoked with it (nobody could revoke it afterwards). */
export async function deleteLinkFromHistory(actor: Actor, id: string): Promise<void> {
  await getManageableLinkOrThrow(actor, id);
  const now = new Date();
  const scope = linkScope(actor);
  const [, { count }] = await db.$transaction([
    db.shareLink.updateMany({ where: { id, ...scope, deletedAt: null, kind: "managed", revokedAt: null }, data: { revokedAt: now } }),
    db.shareLink.updateMany({ where: { id, ...scope, deletedAt: null }, data: { deletedAt: now } }),
  ]);
  if (count === 0) throw new AppError("not_found", NOT_IN_HISTORY, { reason: "no_such_link" });
  await recordLinkAudit(actor.id, "link.deleted", id);
}

/**
 * The options a link was issued with, to issue it again with a fresh expiry (a managed link
 * keeps its kind, limit, networks, pin choice and password hash; its count starts again at 0).
 */
export async function getReshareOptions(actor: Actor, id: string): Promise<{ input: ShareLinkRequest; passwordHash: string | null }> {
  const link = await getManageableLinkOrThrow(actor, id);
  if (!link.connectionId) throw new AppError("invalid", "The connection this link came from was deleted, so it cannot be shared again.");
  if (link.target === "request") throw new AppError("invalid", "An upload request is not shared again: make a new one with Request files in the browser.");
  if (link.target === "files") {
    throw new AppError(
      "invalid",
      "A link to several files is not shared again from here: select the files or the folder in the browser and share them, so the new link lists them as they are now.",
    );
  }
  const managed = link.kind === "managed";
  const maxMinutes = managed ? MAX_MANAGED_EXPIRY_SECONDS / 60 : 10_080;
  const minutes = Math.min(maxMinutes, Math.max(1, Math.round((link.requestedExpiresAt.getTime() - link.createdAt.getTime()) / 60_000)));
  return {
    input: {
      connectionId: link.connectionId,
      bucket: link.bucket,
      key: link.key,
      kind: managed ? "managed" : "direct",
      expiry: managed && link.neverExpires ? { never: true } : { seconds: minutes * 60 },
      disposition: link.disposition === "attachment" ? "attachment" : "inline",
      fileName: link.fileName,
      contentType: link.contentTypeOverride,
      note: link.note,
      downloadLimit: managed ? link.downloadLimit : null,
      password: null,
      allowedNetworks: managed ? link.allowedNetworks : [],
      alwaysLatest: managed ? !link.pinned : false,
      timeZone: "UTC",
    },
    passwordHash: managed ? link.passwordHash : null,
  };
}

/**
 * Share again re-issues stored options without the form's schema: options stored before today's
 * rules (an active content type with Open in browser, or CR/LF in an override) are refused here.
 */
export function reshareProblem(input: Pick<ShareLinkRequest, "contentType" | "disposition">): string | null {
  if (input.contentType !== null && !/^[\x20-\x7e]+$/.test(input.contentType)) {
    return "This link's content type holds characters no longer allowed. Share the object again from the browser.";
  }
  const problem = contentTypeOverrideProblem(input.contentType ?? undefined, input.disposition);
  return problem ? `Not shared again: ${problem} Share the object again from the browser.` : null;
}

export const ALREADY_REPLACED = "This link was already shared again: its new link is in your history. Share that one again instead.";

/** Share again: how long a link's claim holds while its successor is issued (a crashed instance's claim ends then). */
const REPLACE_CLAIM_MS = 60_000;

/**
 * Share again: a link is shared again once. A replaced row is refused; otherwise the link is claimed (one UPSERT in
 * action_budgets, so a double submit or a second instance is refused at once, no row lock or connection held while
 * storage is asked), its successor issued, and the old row names it ("Replaced"). A failed issue gives the claim back.
 * The caller checked the right to the old row.
 */
export async function withReplaceClaim<T extends { id: string }>(oldId: string, issue: () => Promise<T>): Promise<T> {
  const refuse = () => new AppError("conflict", ALREADY_REPLACED, { reason: "link_not_usable" });
  const row = await db.shareLink.findUnique({ where: { id: oldId }, select: { replacedById: true } });
  if (row?.replacedById) throw refuse();
  const claim = `share-again:${oldId}`;
  if (!(await spendBudget(claim, 1, REPLACE_CLAIM_MS)).ok) throw refuse();
  let link: T;
  try {
    link = await issue();
  } catch (error) {
    await releaseBudget(claim);
    throw error;
  }
  await db.shareLink.updateMany({ where: { id: oldId, replacedById: null }, data: { replacedById: link.id } });
  return link;
}
