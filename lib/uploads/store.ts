import "server-only";
import { AbortMultipartUploadCommand } from "@aws-sdk/client-s3";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { clientsFor } from "@/lib/storage/client";
import { isUploadGone, onStorage } from "@/lib/uploads/storage";

/**
 * The uploads rows. A row in state "uploading" or "completing" holds its key (the partial unique index
 * uploads_uploading_key): one upload at a time per object, across instances. Completing first claims the row
 * ("uploading" → "completing", claimCompleting), so a second complete, an abort or the clean-up job can no longer
 * end it while its object is being written and checked; the completer then ends it "complete" or "failed" (with the
 * reason in words). A row still "uploading" ends "failed" or "aborted". Each change is conditional on the state the
 * row is in, so two endings racing leave one, and an upload request's counters move exactly once.
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
/** However often its parts are signed, an upload request's file holds its slot at most this long after it began. */
export const REQUEST_UPLOAD_MAX_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** How long a completer's claim lasts: past it, the clean-up job settles the row (a crash or a fault mid-complete). */
export const COMPLETING_LEASE_MS = 10 * 60 * 1000;

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
type Queryable = Pick<typeof db, "$queryRaw">;

/**
 * Why the request has no slot for a file of `size`, from a plain read of its counters (no reservation): a begin
 * refused this way makes no storage call. Null when a slot looks free; only reserveSlot's UPDATE reserves it.
 */
export async function slotRefusal(client: Queryable, requestId: string, size: number, now = new Date()): Promise<SlotRefusal | null> {
  const rows = await client.$queryRaw<{ open: boolean; fits: boolean; room: boolean; bytes: boolean }[]>`
    SELECT (l.revoked_at IS NULL AND l.deleted_at IS NULL AND l.expires_at > ${now}) AS open,
           ${BigInt(size)} <= r.max_file_size AS fits,
           r.reserved_files < r.max_files AS room,
           r.reserved_bytes + ${BigInt(size)} <= r.max_total_size AS bytes
    FROM upload_requests r JOIN share_links l ON l.id = r.link_id WHERE r.link_id = ${requestId}`;
  const row = rows[0];
  if (!row?.open) return "closed";
  if (!row.fits) return "too_large";
  if (!row.room) return "full";
  return row.bytes ? null : "total";
}

/** The same refusal, before a begin makes any storage call (a plain read; the reservation is still reserveSlot's). */
export const precheckSlot = (requestId: string, size: number, now = new Date()) => slotRefusal(db, requestId, size, now);

/** How many of a request's uploads began in the last hour and then failed or were cancelled (bounds begins per request). */
export async function recentUnfinishedUploads(requestId: string, now = new Date()): Promise<number> {
  return db.upload.count({
    where: { requestId, state: { in: ["failed", "aborted"] }, createdAt: { gt: new Date(now.getTime() - 60 * 60 * 1000) } },
  });
}

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
  return (await slotRefusal(tx, requestId, size, now)) ?? "full";
}

/**
 * An upload request's file keeps its slot while parts are being signed for it (REQUEST_UPLOAD_IDLE_MS after the last),
 * never past REQUEST_UPLOAD_MAX_LIFETIME_MS after it began. One already past its time stays abandoned (the clean-up
 * job may be aborting it).
 */
export async function keepAlive(id: string, now = new Date()): Promise<void> {
  await db.$executeRaw`
    UPDATE uploads SET expires_at = LEAST(${new Date(now.getTime() + REQUEST_UPLOAD_IDLE_MS)}::timestamp,
                                          created_at + make_interval(secs => ${REQUEST_UPLOAD_MAX_LIFETIME_MS / 1000}::double precision))
    WHERE id = ${id} AND state = 'uploading' AND request_id IS NOT NULL AND expires_at > ${now}::timestamp`;
}

/** Whether an upload in progress (or being completed) holds this key. */
export async function isKeyUploading(connectionId: string, bucket: string, key: string): Promise<boolean> {
  return (await db.upload.count({ where: { connectionId, bucket, key, state: { in: ["uploading", "completing"] } } })) > 0;
}

/** The keys under `prefix` that uploads in progress (or being completed) hold (at most `take`). */
export async function heldKeys(connectionId: string, bucket: string, prefix: string, take: number): Promise<Set<string>> {
  const rows = await db.upload.findMany({
    where: { connectionId, bucket, key: { startsWith: prefix }, state: { in: ["uploading", "completing"] } },
    select: { key: true },
    take,
  });
  return new Set(rows.map((row) => row.key));
}

/**
 * The completer's claim: "uploading" → "completing" (its key and slot stay held), for COMPLETING_LEASE_MS. False when
 * the row is not uploading (another complete, an abort or the clean-up job got there first) or is past its time.
 */
export async function claimCompleting(id: string, now = new Date()): Promise<boolean> {
  // Not past its time: an abandoned upload is the clean-up job's, which may be aborting it at the storage.
  const claimed = await db.upload.updateMany({
    where: { id, state: "uploading", expiresAt: { gt: now } },
    data: { state: "completing", expiresAt: new Date(now.getTime() + COMPLETING_LEASE_MS) },
  });
  return claimed.count === 1;
}

/**
 * Gives a claim back when nothing was written ("completing" → "uploading"), so completing can be tried again: for
 * an upload request's file with its idle time (within its lifetime), for a person's own upload its original lifetime.
 */
export async function releaseCompleting(id: string, now = new Date()): Promise<boolean> {
  const released = await db.$executeRaw`
    UPDATE uploads SET state = 'uploading', expires_at = CASE
      WHEN request_id IS NULL THEN created_at + make_interval(secs => ${UPLOAD_LIFETIME_MS / 1000}::double precision)
      ELSE LEAST(${new Date(now.getTime() + REQUEST_UPLOAD_IDLE_MS)}::timestamp, created_at + make_interval(secs => ${REQUEST_UPLOAD_MAX_LIFETIME_MS / 1000}::double precision))
    END
    WHERE id = ${id} AND state = 'completing'`;
  return released === 1;
}

/** A claimed row whose settling failed is looked at again this much later (not on every clean-up run). */
export async function postponeCompleting(id: string, now = new Date()): Promise<void> {
  await db.upload.updateMany({ where: { id, state: "completing" }, data: { expiresAt: new Date(now.getTime() + 60 * 60 * 1000) } });
}

/** The upload's state now (null when it no longer exists). */
export async function uploadState(id: string): Promise<string | null> {
  return (await db.upload.findUnique({ where: { id }, select: { state: true } }))?.state ?? null;
}

export async function setMultipartId(id: string, multipartId: string): Promise<void> {
  await db.upload.update({ where: { id }, data: { multipartId } });
}

/** One upload of a team (its owner's id), or null. */
export async function findTeamUpload(ownerId: string, id: string): Promise<UploadRow | null> {
  return db.upload.findFirst({ where: { id, ownerId } });
}

/**
 * Ends an upload in one of the states `from`; false when it was in none (another request got there first). For an
 * upload request's file the request's counters move in the same statement: a completed file is received (its slot
 * stays held), a failed or aborted one gives its slot and bytes back.
 */
async function finish(
  id: string,
  state: "complete" | "failed" | "aborted",
  failure: string | null,
  from: readonly ("uploading" | "completing")[],
  now = new Date(),
): Promise<boolean> {
  const rows = await db.$queryRaw<{ ended: number }[]>`
    WITH ended AS (
      UPDATE uploads SET state = ${state}, failure = ${failure}, completed_at = ${state === "complete" ? now : null}
      WHERE id = ${id} AND state = ANY(${[...from]}::text[])
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

/** Complete: the completer's claimed row (or a 0-byte file's row, written by its begin). */
export const markComplete = (id: string, now = new Date()) => finish(id, "complete", null, ["uploading", "completing"], now);
/** Failed before completing began (the storage refused to start it); a claimed row is failed with failCompleting. */
export const markFailed = (id: string, failure: string) => finish(id, "failed", failure, ["uploading"]);
/** Cancelled while uploading; never a row being completed. */
export const markAborted = (id: string, failure: string) => finish(id, "aborted", failure, ["uploading"]);
/** The completer's (or the clean-up job's) refusal of a claimed row: nothing of it is left in the storage. */
export const failCompleting = (id: string, failure: string) => finish(id, "failed", failure, ["completing"]);

/**
 * The clean-up job's work (uploads:cleanup on the job queue, lib/jobs, every ten minutes): every upload still "uploading" past its expires_at is
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
