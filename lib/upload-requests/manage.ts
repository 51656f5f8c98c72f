import "server-only";
import { recordLinkAudit } from "@/lib/audit/record";
import { type Actor, linkScope } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getManageableLinkOrThrow } from "@/lib/links/history";
import { limitsProblems, type RequestStatus, requestStatus } from "@/lib/upload-requests/request";

/**
 * The owner's side of an upload request after it was made: its limits and counters, the files
 * received, and "Change limits" (Close request and Change expiry are the managed links' own
 * revokeLink and changeLinkExpiry, which the "request" right governs through canManageLink). Every
 * query names the actor's links (linkScope).
 */

export type RequestFacts = {
  message: string | null;
  maxFiles: number;
  maxFileSize: number;
  maxTotalSize: number;
  allowedTypes: string[];
  askName: boolean;
  askEmail: boolean;
  folderPerUploader: boolean;
  reservedFiles: number;
  receivedFiles: number;
  receivedBytes: number;
  lastUploadAt: Date | null;
  status: RequestStatus;
};

/** The request's limits and counters, or null when the actor does not see it (or it is no request). */
export async function getRequestFacts(actor: Actor, linkId: string, now = new Date()): Promise<RequestFacts | null> {
  const link = await db.shareLink.findFirst({
    where: { id: linkId, ...linkScope(actor), deletedAt: null, target: "request" },
    select: { revokedAt: true, expiresAt: true, request: true },
  });
  if (!link?.request) return null;
  const r = link.request;
  const counters = {
    maxFiles: r.maxFiles,
    maxFileSize: Number(r.maxFileSize),
    maxTotalSize: Number(r.maxTotalSize),
    receivedFiles: r.receivedFiles,
    receivedBytes: Number(r.receivedBytes),
  };
  return {
    ...counters,
    message: r.message,
    allowedTypes: r.allowedTypes,
    askName: r.askName,
    askEmail: r.askEmail,
    folderPerUploader: r.folderPerUploader,
    reservedFiles: r.reservedFiles,
    lastUploadAt: r.lastUploadAt,
    status: requestStatus(link, counters, now),
  };
}

export type ReceivedFile = {
  id: string;
  fileName: string;
  key: string;
  bucket: string;
  connectionId: string;
  size: number;
  uploaderName: string | null;
  uploaderEmail: string | null;
  uploaderAddress: string | null;
  detectedType: string | null;
  receivedAt: Date;
};

export const RECEIVED_FILES_PAGE = 200;

/** The files received (complete uploads), newest first (index uploads (request_id, created_at)). */
export async function listReceivedFiles(actor: Actor, linkId: string, take = RECEIVED_FILES_PAGE): Promise<ReceivedFile[]> {
  const rows = await db.upload.findMany({
    where: { requestId: linkId, state: "complete", request: { ...linkScope(actor), deletedAt: null } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
  });
  return rows.map((u) => ({
    id: u.id,
    fileName: u.fileName ?? u.key.slice(u.key.lastIndexOf("/") + 1),
    key: u.key,
    bucket: u.bucket,
    connectionId: u.connectionId,
    size: Number(u.size),
    uploaderName: u.uploaderName,
    uploaderEmail: u.uploaderEmail,
    uploaderAddress: u.uploaderAddress,
    detectedType: u.detectedType,
    receivedAt: u.completedAt ?? u.createdAt,
  }));
}

export const CLOSED_CANNOT = "This request was closed; a closed request stays closed. Make a new one with Request files.";

/**
 * "Change limits": Max files, Max file size, Max total size (the dialog's rules). Files already
 * received stay; limits below them make the request Full. Uploads in progress keep their slots.
 */
export async function changeRequestLimits(actor: Actor, id: string, limits: { maxFiles: number; maxFileSize: number; maxTotalSize: number }): Promise<void> {
  const link = await getManageableLinkOrThrow(actor, id);
  if (link.target !== "request") throw new AppError("not_found", "This upload request is not in your history (any more).", { reason: "no_such_link" });
  if (link.revokedAt) throw new AppError("conflict", CLOSED_CANNOT, { reason: "revoked_cannot_change" });
  const problems = limitsProblems(limits);
  if (Object.keys(problems).length > 0) {
    throw new AppError("invalid", Object.values(problems)[0]!, {
      fieldErrors: Object.fromEntries(Object.entries(problems).map(([field, message]) => [field, [message]])),
    });
  }
  const { count } = await db.uploadRequest.updateMany({
    where: { linkId: id, link: { revokedAt: null, deletedAt: null } },
    data: { maxFiles: limits.maxFiles, maxFileSize: BigInt(limits.maxFileSize), maxTotalSize: BigInt(limits.maxTotalSize) },
  });
  if (count === 0) throw new AppError("conflict", CLOSED_CANNOT, { reason: "revoked_cannot_change" });
  await recordLinkAudit(actor.id, "link.changed", id, { changed: ["limits"], ...limits });
}
