import "server-only";
import { hashPassword, isPasswordBusy } from "@/lib/auth/password";
import { clearLinkFailures } from "@/lib/auth/rate-limit";
import { type Actor, canExportManifest, canManageLink, canViewLink, linkScope } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { assertExpiryAllowed } from "@/lib/links/grant-limits";
import { recordLinkAudit } from "@/lib/audit/record";
import type { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { type AccessLogRow, foldPreviews } from "@/lib/links/access-log-view";
import { ACCESS_LOG_PAGE_SIZE } from "@/lib/links/filters";
import { NEVER_EXPIRES_AT, resolveExpiry, resolveRequestedExpiry, type ExpiryChoice } from "@/lib/links/expiry";
import type { RequestedExpiry } from "@/lib/links/share-request";
import { getManageableLinkOrThrow, healthOf, isCursorTime, linkTarget } from "@/lib/links/history";
import type { HealthOutcome } from "@/lib/health/outcome";
import { expiresSoonFrom, linkStatus, type LinkStatus } from "@/lib/links/status";

/**
 * The owner's side of managed links: the link page, its access log, and the actions Revoke,
 * Change expiry, Change download limit, Change password and Change allowed networks. Every query names the actor's links (linkScope:
 * the team's, a Member's own), so a link outside them reads as "not found" and changes nothing; every
 * action first asks canManageLink (lib/links/history.ts getManageableLinkOrThrow). The recipient side
 * (app/s/[token]) reads the same row from PostgreSQL at each request, so a change here is in
 * force at once on every instance.
 */

const NOT_FOUND = "This link is not in your history (any more).";
export const DIRECT_CANNOT = "Direct links are presigned URLs: S3 cannot take them back, so they cannot be revoked or changed. They stop at their expiry.";
export const REVOKED_CANNOT = "This link was revoked; a revoked link stays revoked. Use Share again for a fresh one.";

export type LinkDetails = {
  /** The last health check's outcome (null: not checked yet) and when (lib/health/checker.ts). */
  health: HealthOutcome | null;
  healthCheckedAt: Date | null;
  id: string;
  kind: "direct" | "managed";
  status: LinkStatus;
  connectionId: string | null;
  connectionName: string;
  bucket: string;
  key: string;
  fileName: string;
  disposition: string;
  contentTypeOverride: string | null;
  note: string | null;
  objectSize: number;
  objectEtag: string | null;
  objectVersionId: string | null;
  objectContentType: string | null;
  pinned: boolean;
  objectState: "changed" | "missing" | null;
  createdAt: Date;
  expiresAt: Date;
  requestedExpiresAt: Date;
  neverExpires: boolean;
  downloadLimit: number | null;
  downloadCount: number;
  hasPassword: boolean;
  allowedNetworks: string[];
  revokedAt: Date | null;
  lastAccessAt: Date | null;
  /** "files": a multi-file share (key is the shared folder or the selection's common folder); "request": an upload request (key is where uploads land). */
  target: "object" | "files" | "request";
  title: string | null;
  fileCount: number | null;
  zipAllowed: boolean;
  /** "Issued by": null for a link from before teams whose issuer is gone. */
  issuedBy: { id: string; name: string; removed: boolean } | null;
  /** Whether the reader may act on it (canManageLink): the owner actions are shown only then. */
  canManage: boolean;
  /** Whether the reader may export its manifest of direct URLs (canExportManifest). */
  canExportManifest: boolean;
  /** "Share again" made this link's successor: "Replaced", linking to it. */
  replacedById: string | null;
};

export async function getLinkDetails(actor: Actor, id: string, now = new Date()): Promise<LinkDetails | null> {
  const link = await db.shareLink.findFirst({
    where: { id, ...linkScope(actor), deletedAt: null },
    include: { issuedBy: { select: { id: true, name: true, removedAt: true } } },
  });
  if (!link || !canViewLink(actor, link)) return null;
  return {
    id: link.id,
    kind: link.kind === "managed" ? "managed" : "direct",
    status: linkStatus(link, now),
    connectionId: link.connectionId,
    connectionName: link.connectionName,
    bucket: link.bucket,
    key: link.key,
    fileName: link.fileName,
    disposition: link.disposition,
    contentTypeOverride: link.contentTypeOverride,
    note: link.note,
    objectSize: Number(link.objectSize),
    objectEtag: link.objectEtag,
    objectVersionId: link.objectVersionId,
    objectContentType: link.objectContentType,
    pinned: link.pinned,
    objectState: link.objectState === "changed" || link.objectState === "missing" ? link.objectState : null,
    createdAt: link.createdAt,
    expiresAt: link.expiresAt,
    requestedExpiresAt: link.requestedExpiresAt,
    neverExpires: link.neverExpires,
    downloadLimit: link.downloadLimit,
    downloadCount: link.downloadCount,
    hasPassword: link.passwordHash !== null,
    allowedNetworks: link.allowedNetworks,
    revokedAt: link.revokedAt,
    lastAccessAt: link.lastAccessAt,
    target: linkTarget(link.target),
    title: link.title,
    fileCount: link.fileCount,
    zipAllowed: link.zipAllowed,
    replacedById: link.replacedById,
    issuedBy: link.issuedBy ? { id: link.issuedBy.id, name: link.issuedBy.name, removed: link.issuedBy.removedAt !== null } : null,
    canManage: canManageLink(actor, link),
    canExportManifest: canExportManifest(actor, link),
    health: healthOf(link.health),
    healthCheckedAt: link.healthCheckedAt,
  };
}

/** Why an update matched nothing: not the owner's (or removed), a direct link, or revoked. */
async function explainNoMatch(actor: Actor, id: string, { refuseRevoked }: { refuseRevoked: boolean }): Promise<never> {
  const link = await db.shareLink.findFirst({ where: { id, ...linkScope(actor), deletedAt: null }, select: { kind: true, revokedAt: true } });
  if (!link) throw new AppError("not_found", NOT_FOUND, { reason: "no_such_link" });
  if (link.kind !== "managed") throw new AppError("invalid", DIRECT_CANNOT, { reason: "direct_cannot_change" });
  if (refuseRevoked && link.revokedAt) throw new AppError("invalid", REVOKED_CANNOT, { reason: "revoked_cannot_change" });
  throw new AppError("conflict", "The link changed meanwhile. Reload the page and try again.");
}

/** Revoke: effective at once (the recipient side reads revoked_at at each request). Idempotent. */
export async function revokeLink(actor: Actor, id: string, now = new Date()): Promise<{ alreadyRevoked: boolean }> {
  await getManageableLinkOrThrow(actor, id);
  const scope = linkScope(actor);
  const { count } = await db.shareLink.updateMany({
    where: { id, ...scope, deletedAt: null, kind: "managed", revokedAt: null },
    data: { revokedAt: now },
  });
  if (count === 1) {
    await recordLinkAudit(actor.id, "link.revoked", id);
    return { alreadyRevoked: false };
  }
  const link = await db.shareLink.findFirst({ where: { id, ...scope, deletedAt: null }, select: { kind: true, revokedAt: true } });
  if (link?.kind === "managed" && link.revokedAt) return { alreadyRevoked: true };
  return explainNoMatch(actor, id, { refuseRevoked: false });
}

/**
 * Clear lock-out (password-protected managed links): forgets the link's wrong passwords, so
 * recipients locked out by someone's guessing may try again at once. Whoever may act on the link (canManageLink).
 */
export async function clearLinkLockout(actor: Actor, id: string): Promise<{ cleared: number }> {
  const link = await getManageableLinkOrThrow(actor, id);
  if (link.kind !== "managed") throw new AppError("invalid", DIRECT_CANNOT, { reason: "direct_cannot_change" });
  return { cleared: await clearLinkFailures(link.id) };
}

/** Change expiry (managed links): a preset counted from now, or "No expiry". */
export async function changeLinkExpiry(actor: Actor, id: string, preset: string, now = new Date()): Promise<{ expiresAt: Date; neverExpires: boolean }> {
  return changeLinkExpiryTo(actor, id, { mode: "preset", preset }, now);
}

/**
 * Change expiry (managed links) to any choice Quick Share takes (a preset or "No expiry", a
 * duration, a date and time), under the same rules; a refusal names the choice's field
 * (preset, amount, until, timeZone).
 */
export async function changeLinkExpiryTo(
  actor: Actor,
  id: string,
  choice: ExpiryChoice,
  now = new Date(),
): Promise<{ expiresAt: Date; neverExpires: boolean }> {
  const owned = await getManageableLinkOrThrow(actor, id);
  const expiry = resolveExpiry(choice, now, { kind: "managed" });
  if (!expiry.ok) throw new AppError("invalid", expiry.message, { reason: "invalid_expiry", fieldErrors: { [expiry.field]: [expiry.message] } });
  withinGrant(actor, owned.connectionId, expiry, now);
  const scope = linkScope(actor);
  const link = await db.shareLink.findFirst({ where: { id, ...scope, deletedAt: null, kind: "managed", revokedAt: null }, select: { createdAt: true } });
  if (!link) return explainNoMatch(actor, id, { refuseRevoked: true });
  const neverExpires = expiry.neverExpires === true;
  const expiresAt = neverExpires ? NEVER_EXPIRES_AT : expiry.expiresAt;
  const { count } = await db.shareLink.updateMany({
    where: { id, ...scope, deletedAt: null, kind: "managed", revokedAt: null },
    // A new end is reminded of again ("Links about to expire" reminds a link once per end).
    data: {
      expiresAt,
      requestedExpiresAt: expiresAt,
      neverExpires,
      expiresSoonAt: expiresSoonFrom({ createdAt: link.createdAt, expiresAt }),
      expiryRemindedAt: null,
    },
  });
  if (count === 0) return explainNoMatch(actor, id, { refuseRevoked: true });
  await recordLinkAudit(actor.id, "link.changed", id, { changed: ["expiry"] });
  return { expiresAt, neverExpires };
}

/** Change download limit (managed links): null = unlimited; a limit at or below the count means "reached". */
export async function changeDownloadLimit(actor: Actor, id: string, downloadLimit: number | null): Promise<{ downloadCount: number }> {
  await getManageableLinkOrThrow(actor, id);
  const scope = linkScope(actor);
  const { count } = await db.shareLink.updateMany({
    where: { id, ...scope, deletedAt: null, kind: "managed" },
    data: { downloadLimit },
  });
  if (count === 0) return explainNoMatch(actor, id, { refuseRevoked: false });
  await recordLinkAudit(actor.id, "link.changed", id, { changed: ["downloadLimit"] });
  const link = await db.shareLink.findFirstOrThrow({ where: { id, ...scope }, select: { downloadCount: true } });
  return { downloadCount: link.downloadCount };
}

/** The columns a link's changes, downloads and revocation alter. */
export type LinkVersion = Pick<
  LinkDetails,
  | "expiresAt"
  | "neverExpires"
  | "downloadLimit"
  | "downloadCount"
  | "lastAccessAt"
  | "revokedAt"
  | "objectState"
  | "note"
  | "connectionId"
  | "hasPassword"
  | "allowedNetworks"
>;

/**
 * `password`: a new password (checked by the callers' schemas: at least MIN_LINK_PASSWORD_LENGTH
 * characters), or null to remove it. `allowedNetworks`: canonical ranges (parseRangeList), [] for anywhere.
 */
export type LinkChanges = {
  expiry?: RequestedExpiry;
  downloadLimit?: number | null;
  note?: string | null;
  password?: string | null;
  allowedNetworks?: string[];
};

export const LINK_CHANGED = "The link changed since it was read; nothing was changed.";

/**
 * Several changes to a link in ONE UPDATE (all or none): expiry, download limit, password and
 * allowed networks for managed links, the note for any link; never to a revoked one. With
 * `unchangedSince` (the link as the caller read it), the UPDATE also requires every column a
 * change, a download or a revocation alters to be as read, so a concurrent change makes it match
 * nothing (conflict LINK_CHANGED) instead of being overwritten. `link.createdAt` is needed only
 * for a new expiry (the "expires soon" mark is counted from it).
 *
 * A new or removed password takes effect at the recipient's next request: unlock cookies are
 * bound to the password's hash (lib/recipient/unlock-cookie.ts), and every hash has its own salt,
 * so no cookie issued before opens the link again, even for the same password typed anew; the
 * wrong tries counted against the old password are forgotten. New networks too: the recipient
 * side reads them from the row at each request.
 */
export async function changeLink(
  actor: Actor,
  link: { id: string; createdAt?: Date },
  changes: LinkChanges,
  options: { now?: Date; unchangedSince?: LinkVersion } = {},
): Promise<void> {
  const owned = await getManageableLinkOrThrow(actor, link.id);
  const scope = linkScope(actor);
  const now = options.now ?? new Date();
  const data: Prisma.ShareLinkUpdateManyMutationInput = {};
  if (changes.expiry) {
    if (!link.createdAt) throw new Error("changeLink: a new expiry needs the link's createdAt");
    const expiry = resolveRequestedExpiry(changes.expiry, now, { kind: "managed" });
    if (!expiry.ok) throw new AppError("invalid", expiry.message, { reason: "invalid_expiry", field: "expiresIn" });
    withinGrant(actor, owned.connectionId, expiry, now);
    const neverExpires = expiry.neverExpires === true;
    const expiresAt = neverExpires ? NEVER_EXPIRES_AT : expiry.expiresAt;
    Object.assign(data, { expiresAt, requestedExpiresAt: expiresAt, neverExpires, expiresSoonAt: expiresSoonFrom({ createdAt: link.createdAt, expiresAt }) });
  }
  if (changes.downloadLimit !== undefined) data.downloadLimit = changes.downloadLimit;
  if (changes.note !== undefined) data.note = changes.note;
  if (changes.allowedNetworks !== undefined) data.allowedNetworks = changes.allowedNetworks;
  if (changes.password !== undefined) data.passwordHash = changes.password === null ? null : await hashLinkPassword(changes.password);
  const managedOnly =
    changes.expiry !== undefined || changes.downloadLimit !== undefined || changes.password !== undefined || changes.allowedNetworks !== undefined;
  const seen = options.unchangedSince;
  const { count } = await db.shareLink.updateMany({
    where: {
      id: link.id,
      ...scope,
      deletedAt: null,
      revokedAt: null,
      ...(managedOnly ? { kind: "managed" } : {}),
      ...(seen
        ? {
            expiresAt: seen.expiresAt,
            neverExpires: seen.neverExpires,
            downloadLimit: seen.downloadLimit,
            downloadCount: seen.downloadCount,
            lastAccessAt: seen.lastAccessAt,
            objectState: seen.objectState,
            note: seen.note,
            connectionId: seen.connectionId,
            passwordHash: seen.hasPassword ? { not: null } : null,
            allowedNetworks: { equals: seen.allowedNetworks },
          }
        : {}),
    },
    data,
  });
  if (count === 1) {
    await recordLinkAudit(actor.id, "link.changed", link.id, { changed: Object.keys(changes) });
    if (changes.password !== undefined) await clearLinkFailures(link.id);
    return;
  }
  const current = await db.shareLink.findFirst({ where: { id: link.id, ...scope, deletedAt: null }, select: { kind: true, revokedAt: true } });
  if (!current) throw new AppError("not_found", NOT_FOUND, { reason: "no_such_link" });
  if (current.revokedAt) throw new AppError("conflict", REVOKED_CANNOT, { reason: "revoked_cannot_change" });
  if (managedOnly && current.kind !== "managed") throw new AppError("conflict", DIRECT_CANNOT, { reason: "direct_cannot_change" });
  throw new AppError("conflict", LINK_CHANGED, { reason: "link_changed" });
}

async function hashLinkPassword(password: string): Promise<string> {
  try {
    return await hashPassword(password);
  } catch (error) {
    if (isPasswordBusy(error)) throw new AppError("unavailable", "The server is busy checking passwords. Try again in a moment; nothing was changed.");
    throw error;
  }
}

export type { AccessLogRow } from "@/lib/links/access-log-view";

function encodeEventCursor(row: { createdAt: Date; id: bigint | string }): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), String(row.id)])).toString("base64url");
}

/** link_events.id is a PostgreSQL bigint. */
const MAX_BIGINT = 9_223_372_036_854_775_807n;

function decodeEventCursor(cursor: string | undefined): { createdAt: Date; id: bigint } | null {
  if (!cursor) return null;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [string, string];
    const date = new Date(createdAt);
    if (typeof id !== "string" || !/^\d{1,19}$/.test(id) || !isCursorTime(date) || BigInt(id) > MAX_BIGINT) return null;
    return { createdAt: date, id: BigInt(id) };
  } catch {
    return null;
  }
}

/**
 * "Access log": newest first, keyset-paginated on (created_at, id) over the index
 * (link_id, created_at DESC, id DESC); the links the actor sees (linkScope) are part of the where. For a person
 * (the default) a preview the page loaded is folded into its page view (foldPreviews): up to
 * twice a page is read so a page stays full; a preview whose page view is on the next page stays
 * a row of its own. The API reads every row as written (`foldPreviews: false`).
 */
export async function listAccessLog(
  actor: Actor,
  linkId: string,
  cursor?: string,
  pageSize = ACCESS_LOG_PAGE_SIZE,
  options: { foldPreviews?: boolean } = {},
): Promise<{ rows: AccessLogRow[]; nextCursor: string | null }> {
  const fold = options.foldPreviews ?? true;
  const take = fold ? pageSize * 2 + 1 : pageSize + 1;
  const after = decodeEventCursor(cursor);
  const where = { linkId, link: { ...linkScope(actor), deletedAt: null } };
  const read = await db.linkEvent.findMany({
    where: after
      ? { AND: [where, { createdAt: { lte: after.createdAt } }, { OR: [{ createdAt: { lt: after.createdAt } }, { id: { lt: after.id } }] }] }
      : where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    select: { id: true, createdAt: true, outcome: true, reason: true, clientAddress: true, userAgent: true, previewAgent: true, filePath: true },
  });
  const events = read.map((r) => ({ ...r, id: String(r.id) }));
  const rows = fold ? foldPreviews(events) : events.map((e) => ({ ...e, previews: [] }));
  const page = rows.slice(0, pageSize);
  const more = rows.length > pageSize || (fold && read.length === take);
  return { rows: page, nextCursor: more && page.length > 0 ? encodeEventCursor(page[page.length - 1]!) : null };
}

export type ObjectLinkRow = {
  id: string;
  kind: "direct" | "managed";
  status: LinkStatus;
  createdAt: Date;
  expiresAt: Date;
  neverExpires: boolean;
  downloadCount: number;
  downloadLimit: number | null;
  note: string | null;
  /** The last health check's outcome (null: not checked yet) and when. */
  health: HealthOutcome | null;
  healthCheckedAt: Date | null;
};

/** Working links first, then those that stopped (and might work again), then the ended ones. */
const STATUS_ORDER: Record<LinkStatus, number> = { active: 0, expires_soon: 1, changed: 2, missing: 3, limit_reached: 4, expired: 5, revoked: 6 };

/** The object details panel: links issued for one object, active first (index connection_id, bucket, key). */
export async function listLinksForObject(actor: Actor, connectionId: string, bucket: string, key: string, now = new Date()): Promise<ObjectLinkRow[]> {
  const rows = await db.shareLink.findMany({
    where: { connectionId, bucket, key, ...linkScope(actor), deletedAt: null, target: { not: "request" } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 50,
    select: {
      id: true,
      kind: true,
      createdAt: true,
      expiresAt: true,
      neverExpires: true,
      downloadCount: true,
      downloadLimit: true,
      note: true,
      revokedAt: true,
      objectState: true,
      health: true,
      healthCheckedAt: true,
    },
  });
  return rows
    .map((r) => ({
      id: r.id,
      kind: r.kind === "managed" ? ("managed" as const) : ("direct" as const),
      status: linkStatus(r, now),
      createdAt: r.createdAt,
      expiresAt: r.expiresAt,
      neverExpires: r.neverExpires,
      downloadCount: r.downloadCount,
      downloadLimit: r.downloadLimit,
      note: r.note,
      health: healthOf(r.health),
      healthCheckedAt: r.healthCheckedAt,
    }))
    .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || b.createdAt.getTime() - a.createdAt.getTime());
}

/** Settings → log only the network part of recipients' addresses. */
export async function setLogNetworkOnly(userId: string, logNetworkOnly: boolean): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { logNetworkOnly } });
}

export async function getLogNetworkOnly(userId: string): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { logNetworkOnly: true } });
  return user?.logNetworkOnly ?? false;
}

/** A new expiry on an existing link keeps to the issuer's Longest expiry, as a new link would. */
function withinGrant(actor: Actor, connectionId: string | null, expiry: { neverExpires?: boolean; expiresAt?: Date }, now: Date): void {
  if (!connectionId) return;
  const neverExpires = expiry.neverExpires === true;
  const seconds = neverExpires || !expiry.expiresAt ? 0 : Math.ceil((expiry.expiresAt.getTime() - now.getTime()) / 1000);
  assertExpiryAllowed(actor, connectionId, { seconds, neverExpires });
}
