import { onRequestFileReceived } from "@/lib/upload-requests/notify";
import "server-only";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  type Part,
  type S3Client,
} from "@aws-sdk/client-s3";
import { recordAuditAfter } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { objectHref } from "@/lib/paths";
import { uploadStorageFault } from "@/lib/uploads/faults";
import { partLength } from "@/lib/uploads/parts";
import { type DetectedType, sniffObject } from "@/lib/uploads/sniff";
import { clientsFor } from "@/lib/storage/client";
import { claimCompleting, failCompleting, markComplete, postponeCompleting, releaseCompleting, type UploadRow, uploadState } from "@/lib/uploads/store";
import { isUploadGone, onStorage, storageErrorName, storageErrorStatus } from "@/lib/uploads/storage";

/**
 * Completing an upload, done by the server and never signed for the browser: ListParts must show
 * exactly parts 1..partCount, each of its exact length; then CompleteMultipartUpload with the
 * ETags ListParts gave, HeadObject must show the declared size, and the first bytes say what the
 * file is. Anything that breaks a rule leaves nothing behind: the multipart upload is aborted (or
 * the object deleted, by the version Complete wrote) and the row marked failed with the reason.
 *
 * The row is claimed first ("completing", lib/uploads/store.ts claimCompleting): a second complete answers the
 * first's success once it is complete (a browser's retry) or "already being completed" until then; an abort or the
 * clean-up job cannot end it meanwhile. When the outcome is unknown (a storage fault after Complete, a refused file
 * that could not be deleted) the row stays claimed, its key and slot held, and settleStaleCompletions settles it.
 */

/** Completing can take a while for many parts on some servers. */
const COMPLETE_DEADLINE_MS = 60_000;

export type CompletedUpload = { status: "complete"; bucket: string; key: string; etag: string; location: string; detectedType: DetectedType | null };
/**
 * S3-style refusal (the complete route answers 409 with this code and message in XML); "NotAccepted": the acceptance
 * check said no; "OperationAborted": another request is completing this upload right now.
 */
export type RefusedUpload = {
  status: "refused";
  code: "InvalidPart" | "InvalidPartOrder" | "NoSuchUpload" | "BadDigest" | "NotAccepted" | "OperationAborted";
  message: string;
};

export const ALREADY_COMPLETING = "This upload is already being completed. Wait a moment: it will be listed once it is complete.";

/**
 * A caller's own check of the whole, stored object (an upload request's "Allowed file types"), run after the size
 * and type checks and before the upload counts as received: null to accept, else why not, in the uploader's words
 * (the object is then deleted and the row failed with that reason).
 */
export type AcceptanceCheck = (input: { s3: S3Client; row: UploadRow; detectedType: DetectedType | null }) => Promise<string | null>;

async function listAllParts(s3: S3Client, row: UploadRow, uploadId: string): Promise<Part[]> {
  const parts: Part[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 20; page++) {
    const command = new ListPartsCommand({ Bucket: row.bucket, Key: row.key, UploadId: uploadId, PartNumberMarker: marker });
    const answer = await onStorage((abortSignal) => s3.send(command, { abortSignal }));
    parts.push(...(answer.Parts ?? []));
    if (!answer.IsTruncated || !answer.NextPartNumberMarker) break;
    marker = answer.NextPartNumberMarker;
  }
  return parts;
}

/** What is wrong with the parts the storage holds, or null when they are exactly the expected ones. */
export function partsProblem(parts: readonly Part[], size: number, partCount: number): string | null {
  const sorted = [...parts].sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
  for (let n = 1; n <= partCount; n++) {
    const part = sorted.find((p) => p.PartNumber === n);
    if (!part) return `Part ${n} of ${partCount} never arrived.`;
    if (part.Size !== partLength(size, n)) return `Part ${n} has ${part.Size ?? 0} bytes instead of ${partLength(size, n)}.`;
  }
  const extra = sorted.find((p) => (p.PartNumber ?? 0) < 1 || (p.PartNumber ?? 0) > partCount);
  if (extra) return `Part ${extra.PartNumber} is not a part of this upload (it has ${partCount}).`;
  return null;
}

async function failWithoutTrace(s3: S3Client, row: UploadRow, uploadId: string, failure: string): Promise<void> {
  try {
    const command = new AbortMultipartUploadCommand({ Bucket: row.bucket, Key: row.key, UploadId: uploadId });
    await onStorage((abortSignal) => s3.send(command, { abortSignal }));
  } catch (error) {
    if (!isUploadGone(error)) log.warn("uploads.abort_failed", { upload: row.id, error });
  }
  // No object was written (Complete never ran): parts left behind are only the storage's to expire.
  await failCompleting(row.id, failure);
}

/** After the object is whole and checked: the row complete, and the audit log says so. */
export async function recordUploaded(row: UploadRow, detectedType: DetectedType | null): Promise<boolean> {
  if (!(await markComplete(row.id))) return false;
  await recordAuditAfter({
    actor: row.uploadedById ? { id: row.uploadedById } : null,
    teamId: row.ownerId,
    kind: "object.uploaded",
    subject: `${row.bucket}/${row.key}`,
    subjectId: row.id,
    details: { connectionId: row.connectionId, size: Number(row.size), declaredType: row.contentType, detectedType: detectedType?.mime ?? null },
  });
  // An upload request's file: the webhook event and the requester's batched e-mail.
  if (row.requestId) await onRequestFileReceived(row, detectedType);
  return true;
}

/**
 * Deletes a refused file (by the version Complete wrote, so a versioned bucket keeps no noncurrent copy) and fails
 * the row. When the delete fails the row stays "completing" (its slot held, nothing counted as received) and the
 * clean-up job tries again; false then.
 */
async function deleteRefused(s3: S3Client, row: UploadRow, message: string, versionId: string | undefined): Promise<boolean> {
  try {
    const command = new DeleteObjectCommand({ Bucket: row.bucket, Key: row.key, ...(versionId ? { VersionId: versionId } : {}) });
    await onStorage((abortSignal) => s3.send(command, { abortSignal }));
  } catch (error) {
    log.error("uploads.delete_failed", { upload: row.id, error });
    return false;
  }
  await failCompleting(row.id, message);
  return true;
}

/** The answer to a complete of a row another request claimed: its success again once complete, else a refusal. */
async function answerUnclaimed(row: UploadRow): Promise<CompletedUpload | RefusedUpload> {
  const state = await uploadState(row.id);
  if (state === "complete") return completedAnswer(row, "", null);
  if (state === "completing") return { status: "refused", code: "OperationAborted", message: ALREADY_COMPLETING };
  return { status: "refused", code: "NoSuchUpload", message: "This upload is no longer in progress." };
}

function completedAnswer(row: UploadRow, etag: string, detectedType: DetectedType | null): CompletedUpload {
  return { status: "complete", bucket: row.bucket, key: row.key, etag, location: objectHref(row.connectionId, row.bucket, row.key), detectedType };
}

/** Whether the multipart upload is still open at the storage (so Complete did not write the object); null: unknown. */
async function stillOpen(s3: S3Client, row: UploadRow, uploadId: string): Promise<boolean | null> {
  try {
    const command = new ListPartsCommand({ Bucket: row.bucket, Key: row.key, UploadId: uploadId, MaxParts: 1 });
    await onStorage((abortSignal) => s3.send(command, { abortSignal }));
    return true;
  } catch (error) {
    return isUploadGone(error) ? false : null;
  }
}

export async function completeUpload(s3: S3Client, row: UploadRow, options: { accept?: AcceptanceCheck } = {}): Promise<CompletedUpload | RefusedUpload> {
  const uploadId = row.multipartId;
  if (!uploadId) return { status: "refused", code: "NoSuchUpload", message: "This upload is no longer in progress." };
  if (!(await claimCompleting(row.id))) return answerUnclaimed(row);
  const size = Number(row.size);

  let parts: Part[];
  try {
    parts = await listAllParts(s3, row, uploadId);
  } catch (error) {
    if (isUploadGone(error)) {
      await failCompleting(row.id, "The storage no longer knows this upload.");
      return { status: "refused", code: "NoSuchUpload", message: "The storage no longer knows this upload. Upload the file again." };
    }
    // Nothing was written: the upload may be completed again.
    await releaseCompleting(row.id);
    throw uploadStorageFault(error, "Checking the uploaded parts");
  }
  const problem = partsProblem(parts, size, row.partCount);
  if (problem) {
    const message = `${problem} The upload was cancelled and nothing was kept; upload the file again.`;
    await failWithoutTrace(s3, row, uploadId, message);
    return { status: "refused", code: "InvalidPart", message };
  }

  const ordered = [...parts].sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
  let etag: string;
  let versionId: string | undefined;
  try {
    const command = new CompleteMultipartUploadCommand({
      Bucket: row.bucket,
      Key: row.key,
      UploadId: uploadId,
      MultipartUpload: { Parts: ordered.map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag })) },
    });
    const answer = await onStorage((abortSignal) => s3.send(command, { abortSignal }), COMPLETE_DEADLINE_MS);
    etag = answer.ETag ?? "";
    versionId = answer.VersionId;
  } catch (error) {
    if (isUploadGone(error)) {
      // Aborted under us (the row was claimed, so by no one who completes): nothing was written.
      await failCompleting(row.id, "The storage no longer knows this upload.");
      return { status: "refused", code: "NoSuchUpload", message: "The storage no longer knows this upload. Upload the file again." };
    }
    // Still open at the storage: Complete wrote nothing, so completing may be tried again. Otherwise unknown: the
    // row stays claimed (key and slot held) and the clean-up job settles it.
    if ((await stillOpen(s3, row, uploadId)) === true) await releaseCompleting(row.id);
    throw uploadStorageFault(error, "Completing the upload");
  }

  // From here the object exists: a storage fault leaves the row claimed (slot held) for the clean-up job to settle.
  let stored: number | undefined;
  try {
    const command = new HeadObjectCommand({ Bucket: row.bucket, Key: row.key, ...(versionId ? { VersionId: versionId } : {}) });
    stored = (await onStorage((abortSignal) => s3.send(command, { abortSignal }))).ContentLength;
  } catch (error) {
    throw uploadStorageFault(error, "Checking the uploaded file");
  }
  if (stored !== size) {
    const message = `The stored file has ${stored ?? 0} bytes instead of ${size}, so it was deleted. Upload it again.`;
    await deleteRefused(s3, row, message, versionId);
    return { status: "refused", code: "BadDigest", message };
  }

  const detectedType = await sniffObject(s3, row.bucket, row.key, size);
  const refusal = options.accept ? await options.accept({ s3, row, detectedType }) : null;
  if (refusal) {
    await deleteRefused(s3, row, refusal, versionId);
    return { status: "refused", code: "NotAccepted", message: refusal };
  }
  if (!(await recordUploaded(row, detectedType))) {
    // The claim ran out and the clean-up job settled the row first: its answer stands.
    const state = await uploadState(row.id);
    if (state === "complete") return completedAnswer(row, etag, detectedType);
    return { status: "refused", code: "NoSuchUpload", message: "This upload took too long to complete and was cancelled. Upload the file again." };
  }
  return completedAnswer(row, etag, detectedType);
}

const isNotFound = (error: unknown) => storageErrorName(error) === "NotFound" || storageErrorName(error) === "NoSuchKey" || storageErrorStatus(error) === 404;

/**
 * The clean-up job's second half: rows still "completing" past their claim (a crash, a storage fault after Complete,
 * a refused file that could not be deleted). The multipart upload still open means Complete never ran: it is aborted
 * and the row failed. Otherwise the object may be there: an upload request's file is deleted (by the version
 * HeadObject names) and failed, as its checks never finished; a person's own upload (which may have replaced an
 * existing object, so it is never deleted) is complete when HeadObject shows its size, else failed. A row whose
 * storage cannot be reached is looked at again an hour later. Returns how many were settled.
 */
export async function settleStaleCompletions(now = new Date()): Promise<number> {
  const rows = await db.upload.findMany({
    where: { state: "completing", expiresAt: { lt: now } },
    include: { connection: true },
    orderBy: { expiresAt: "asc" },
    take: 200,
  });
  let settled = 0;
  for (const { connection, ...row } of rows) {
    try {
      if (await settleOne(clientsFor(connection).s3, row)) settled++;
    } catch (error) {
      log.warn("uploads.settle_failed", { upload: row.id, error });
      await postponeCompleting(row.id, now).catch(() => undefined);
    }
  }
  if (settled > 0) log.info("uploads.completions_settled", { count: settled });
  return settled;
}

async function settleOne(s3: S3Client, row: UploadRow): Promise<boolean> {
  const failed = "The upload could not be completed: the storage did not answer in time. Upload the file again.";
  if (row.multipartId) {
    try {
      const command = new AbortMultipartUploadCommand({ Bucket: row.bucket, Key: row.key, UploadId: row.multipartId });
      await onStorage((abortSignal) => s3.send(command, { abortSignal }));
      return failCompleting(row.id, failed);
    } catch (error) {
      if (!isUploadGone(error)) throw error;
    }
  }
  let head: { size: number | undefined; versionId: string | undefined } | null;
  try {
    const command = new HeadObjectCommand({ Bucket: row.bucket, Key: row.key });
    const answer = await onStorage((abortSignal) => s3.send(command, { abortSignal }));
    head = { size: answer.ContentLength, versionId: answer.VersionId };
  } catch (error) {
    if (!isNotFound(error)) throw error;
    head = null;
  }
  if (row.requestId) {
    if (head) {
      const command = new DeleteObjectCommand({ Bucket: row.bucket, Key: row.key, ...(head.versionId ? { VersionId: head.versionId } : {}) });
      await onStorage((abortSignal) => s3.send(command, { abortSignal }));
    }
    return failCompleting(row.id, "The file could not be checked, so it was deleted. Upload it again.");
  }
  if (head && head.size === Number(row.size)) return recordUploaded(row, null);
  return failCompleting(row.id, failed);
}
