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
};

function isKeyHeld(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** A new "uploading" row, which holds its key; a key another upload holds is refused (conflict). */
export async function beginUploadRow(upload: NewUpload, now = new Date()): Promise<UploadRow> {
  try {
    return await db.upload.create({
      data: { ...upload, size: BigInt(upload.size), state: "uploading", expiresAt: new Date(now.getTime() + UPLOAD_LIFETIME_MS) },
    });
  } catch (error) {
    if (isKeyHeld(error)) throw new AppError("conflict", KEY_HELD_MESSAGE, { field: "path" });
    throw error;
  }
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

/** Ends an upload in progress; false when it had already ended (another request got there first). */
async function finish(id: string, data: Prisma.UploadUpdateManyMutationInput): Promise<boolean> {
  const { count } = await db.upload.updateMany({ where: { id, state: "uploading" }, data });
  return count === 1;
}

export const markComplete = (id: string, now = new Date()) => finish(id, { state: "complete", completedAt: now, failure: null });
export const markFailed = (id: string, failure: string) => finish(id, { state: "failed", failure });
export const markAborted = (id: string, failure: string) => finish(id, { state: "aborted", failure });

/**
 * The clean-up job's work (ensureUploadCleanup, hourly): every upload still "uploading" past its expires_at is
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
  return abortRows(rows, "The upload was abandoned: it did not finish within 24 hours.");
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

const CLEANUP_INTERVAL_MS = 60 * 60_000;
const globalForCleanup = globalThis as unknown as { bucketshareUploadCleanup?: NodeJS.Timeout };

/**
 * Aborts abandoned uploads hourly, the first time five minutes after start (started from
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
