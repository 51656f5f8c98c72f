import "server-only";
import { AbortMultipartUploadCommand } from "@aws-sdk/client-s3";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { clientsFor } from "@/lib/storage/client";
import { isUploadGone, onStorage } from "@/lib/uploads/storage";

/**
 * The uploads rows. A row in state "uploading" holds its key (the partial unique index
 * uploads_uploading_key): one upload at a time per object, across instances. It ends "complete",
 * "failed" (with the reason in words) or "aborted"; each change is conditional on the row still
 * uploading, so two endings racing leave one.
 */

/** How long an upload may stay in progress before it counts as abandoned. */
export const UPLOAD_LIFETIME_MS = 24 * 60 * 60 * 1000;

export type UploadRow = Prisma.UploadGetPayload<object>;

export const KEY_HELD_MESSAGE = "This file is already being uploaded. Wait for that upload to finish (or cancel it), then try again.";

export type NewUpload = {
  ownerId: string;
  uploadedById: string | null;
  connectionId: string;
  bucket: string;
  key: string;
  size: number;
  contentType: string | null;
  partSize: number;
  partCount: number;
  /** An upload request's file: its slot is reserved with the row (see reserveSlot), and who sent it. */
  request?: RequestUpload;
};

export type RequestUpload = {
  requestId: string;
  secretHash: string;
  fileName: string;
  uploaderName: string | null;
  uploaderEmail: string | null;
  uploaderAddress: string | null;
};

/** An upload request's file not yet complete is abandoned (its slot given back) after this long without a signed part. */
export const REQUEST_UPLOAD_IDLE_MS = 60 * 60 * 1000;

/** Why a request has no slot for a file (reserveSlot's refusals, in words for the uploader). */
export type SlotRefusal = "closed" | "full" | "too_large" | "total";

function isKeyHeld(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/**
 * A new "uploading" row, which holds its key; a key another upload holds is refused (conflict). For an upload
 * request's file, the request's slot (one file, its bytes) is reserved in the same transaction, so a refused
 * reservation creates nothing and a key clash gives the slot back.
 */
export async function beginUploadRow(upload: NewUpload, now = new Date()): Promise<UploadRow> {
  const { request, ...fields } = upload;
  const lifetime = request ? REQUEST_UPLOAD_IDLE_MS : UPLOAD_LIFETIME_MS;
  const data = { ...fields, ...request, size: BigInt(upload.size), state: "uploading", expiresAt: new Date(now.getTime() + lifetime) };
  try {
    if (!request) return await db.upload.create({ data });
    return await db.$transaction(async (tx) => {
      const refusal = await reserveSlot(tx, request.requestId, upload.size, now);
      if (refusal) throw new SlotRefusedError(refusal);
      return tx.upload.create({ data });
    });
  } catch (error) {
    if (isKeyHeld(error)) throw new AppError("conflict", KEY_HELD_MESSAGE, { field: "path" });
    throw error;
  }
}

/** Thrown by beginUploadRow when the request has no slot; its caller says why in the uploader's words. */
export class SlotRefusedError extends Error {
  constructor(readonly refusal: SlotRefusal) {
    super(`No slot: ${refusal}`);
  }
}

type Tx = Parameters<Parameters<typeof db.$transaction>[0]>[0];

/**
 * One conditional UPDATE takes a slot: the request open (not closed, deleted or expired), the file within "Max file
 * size", a file left under "Max files" and the bytes under "Max total size". Under any number of racing uploaders
 * and instances, exactly as many get a slot as there are. Null when reserved; otherwise why not.
 */
export async function reserveSlot(tx: Tx, requestId: string, size: number, now = new Date()): Promise<SlotRefusal | null> {
  const taken = await tx.$executeRaw`
    UPDATE upload_requests r SET reserved_files = r.reserved_files + 1, reserved_bytes = r.reserved_bytes + ${BigInt(size)}
    FROM share_links l
    WHERE r.link_id = ${requestId} AND l.id = r.link_id
      AND l.revoked_at IS NULL AND l.deleted_at IS NULL AND l.expires_at > ${now}
      AND ${BigInt(size)} <= r.max_file_size
      AND r.reserved_files < r.max_files
      AND r.reserved_bytes + ${BigInt(size)} <= r.max_total_size`;
  if (taken === 1) return null;
  const rows = await tx.$queryRaw<{ open: boolean; fits: boolean; room: boolean }[]>`
    SELECT (l.revoked_at IS NULL AND l.deleted_at IS NULL AND l.expires_at > ${now}) AS open,
           ${BigInt(size)} <= r.max_file_size AS fits,
           r.reserved_files < r.max_files AS room
    FROM upload_requests r JOIN share_links l ON l.id = r.link_id WHERE r.link_id = ${requestId}`;
  const row = rows[0];
  if (!row?.open) return "closed";
  if (!row.fits) return "too_large";
  return row.room ? "total" : "full";
}

/** An upload request's file keeps its slot while parts are being signed for it (REQUEST_UPLOAD_IDLE_MS after the last). */
export async function keepAlive(id: string, now = new Date()): Promise<void> {
  await db.upload.updateMany({
    where: { id, state: "uploading", requestId: { not: null } },
    data: { expiresAt: new Date(now.getTime() + REQUEST_UPLOAD_IDLE_MS) },
  });
}

/** Whether an upload in progress holds this key. */
export async function isKeyUploading(connectionId: string, bucket: string, key: string): Promise<boolean> {
  return (await db.upload.count({ where: { connectionId, bucket, key, state: "uploading" } })) > 0;
}

export async function setMultipartId(id: string, multipartId: string): Promise<void> {
  await db.upload.update({ where: { id }, data: { multipartId } });
}

/** One upload of a team (its owner's id), or null. */
export async function findTeamUpload(ownerId: string, id: string): Promise<UploadRow | null> {
  return db.upload.findFirst({ where: { id, ownerId } });
}

/**
 * Ends an upload in progress; false when it had already ended (another request got there first). For an upload
 * request's file the request's counters move in the same statement: a completed file is received (its slot stays
 * held), a failed or aborted one gives its slot and bytes back.
 */
async function finish(id: string, state: "complete" | "failed" | "aborted", failure: string | null, now = new Date()): Promise<boolean> {
  const rows = await db.$queryRaw<{ ended: number }[]>`
    WITH ended AS (
      UPDATE uploads SET state = ${state}, failure = ${failure}, completed_at = ${state === "complete" ? now : null}
      WHERE id = ${id} AND state = 'uploading'
      RETURNING request_id, size
    ), counted AS (
      UPDATE upload_requests r SET
        reserved_files = r.reserved_files - ${state === "complete" ? 0 : 1},
        reserved_bytes = r.reserved_bytes - CASE WHEN ${state} = 'complete' THEN 0 ELSE e.size END,
        received_files = r.received_files + ${state === "complete" ? 1 : 0},
        received_bytes = r.received_bytes + CASE WHEN ${state} = 'complete' THEN e.size ELSE 0 END,
        last_upload_at = CASE WHEN ${state} = 'complete' THEN ${now}::timestamp ELSE r.last_upload_at END
      FROM ended e WHERE r.link_id = e.request_id
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM ended)::int AS ended`;
  return rows[0]?.ended === 1;
}

export const markComplete = (id: string, now = new Date()) => finish(id, "complete", null, now);
export const markFailed = (id: string, failure: string) => finish(id, "failed", failure);
export const markAborted = (id: string, failure: string) => finish(id, "aborted", failure);

/**
 * The clean-up job's work (ensureUploadCleanup, every ten minutes): every upload still "uploading" past its expires_at is
 * aborted at the storage server (an upload it no longer knows counts as aborted) and marked
 * "aborted", which frees its key. Returns how many were aborted; one failing is logged and retried
 * on the next run.
 */
export async function abortAbandonedUploads(now = new Date()): Promise<number> {
  const rows = await db.upload.findMany({
    where: { state: "uploading", expiresAt: { lt: now } },
    include: { connection: true },
    orderBy: { expiresAt: "asc" },
    take: 500,
  });
  return abortRows(rows, "The upload was abandoned: it did not finish in time.");
}

/**
 * Before a connection is deleted (its upload rows go with it): its uploads still in progress are aborted at the
 * storage server, so no multipart upload is left there that nothing would clean up.
 */
export async function abortConnectionUploads(connectionId: string): Promise<number> {
  const rows = await db.upload.findMany({ where: { connectionId, state: "uploading" }, include: { connection: true }, take: 1_000 });
  return abortRows(rows, "The upload was cancelled: its storage connection was deleted.");
}

async function abortRows(rows: Prisma.UploadGetPayload<{ include: { connection: true } }>[], reason: string): Promise<number> {
  let aborted = 0;
  for (const row of rows) {
    try {
      if (row.multipartId) {
        const s3 = clientsFor(row.connection).s3;
        try {
          const command = new AbortMultipartUploadCommand({ Bucket: row.bucket, Key: row.key, UploadId: row.multipartId });
          await onStorage((abortSignal) => s3.send(command, { abortSignal }));
        } catch (error) {
          if (!isUploadGone(error)) throw error;
        }
      }
      if (await markAborted(row.id, reason)) aborted++;
    } catch (error) {
      log.warn("uploads.abort_failed", { upload: row.id, error });
    }
  }
  if (aborted > 0) log.info("uploads.abandoned_aborted", { count: aborted });
  return aborted;
}

/** Often enough that an abandoned upload request's slot comes back within minutes of its idle time. */
const CLEANUP_INTERVAL_MS = 10 * 60_000;
const globalForCleanup = globalThis as unknown as { bucketshareUploadCleanup?: NodeJS.Timeout };

/**
 * Aborts abandoned uploads every ten minutes, the first time five minutes after start (started from
 * instrumentation.ts; one timer per process). Several instances may run it at once: each row is
 * marked aborted once (a conditional update), and aborting a multipart upload twice is harmless.
 */
export function ensureUploadCleanup(): void {
  if (globalForCleanup.bucketshareUploadCleanup) return;
  const run = () => void abortAbandonedUploads().catch((error: unknown) => log.warn("uploads.cleanup_failed", { error }));
  globalForCleanup.bucketshareUploadCleanup = setInterval(run, CLEANUP_INTERVAL_MS);
  globalForCleanup.bucketshareUploadCleanup.unref();
  setTimeout(run, 5 * 60_000).unref();
}
