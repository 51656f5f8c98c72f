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
import { log } from "@/lib/log";
import { objectHref } from "@/lib/paths";
import { uploadStorageFault } from "@/lib/uploads/faults";
import { partLength } from "@/lib/uploads/parts";
import { type DetectedType, sniffObject } from "@/lib/uploads/sniff";
import { markComplete, markFailed, type UploadRow } from "@/lib/uploads/store";
import { isUploadGone, onStorage } from "@/lib/uploads/storage";

/**
 * Completing an upload, done by the server and never signed for the browser: ListParts must show
 * exactly parts 1..partCount, each of its exact length; then CompleteMultipartUpload with the
 * ETags ListParts gave, HeadObject must show the declared size, and the first bytes say what the
 * file is. Anything that breaks a rule leaves nothing behind: the multipart upload is aborted (or
 * the object deleted) and the row marked failed with the reason.
 */

/** Completing can take a while for many parts on some servers. */
const COMPLETE_DEADLINE_MS = 60_000;

export type CompletedUpload = { status: "complete"; bucket: string; key: string; etag: string; location: string; detectedType: DetectedType | null };
/** S3-style refusal (the complete route answers 409 with this code and message in XML); "NotAccepted": the acceptance check said no. */
export type RefusedUpload = { status: "refused"; code: "InvalidPart" | "InvalidPartOrder" | "NoSuchUpload" | "BadDigest" | "NotAccepted"; message: string };

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
  await markFailed(row.id, failure);
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

async function deleteRefused(s3: S3Client, row: UploadRow, message: string): Promise<void> {
  try {
    const command = new DeleteObjectCommand({ Bucket: row.bucket, Key: row.key });
    await onStorage((abortSignal) => s3.send(command, { abortSignal }));
  } catch (error) {
    log.error("uploads.delete_failed", { upload: row.id, error });
  }
  await markFailed(row.id, message);
}

export async function completeUpload(s3: S3Client, row: UploadRow, options: { accept?: AcceptanceCheck } = {}): Promise<CompletedUpload | RefusedUpload> {
  const uploadId = row.multipartId;
  if (row.state !== "uploading" || !uploadId) return { status: "refused", code: "NoSuchUpload", message: "This upload is no longer in progress." };
  const size = Number(row.size);

  let parts: Part[];
  try {
    parts = await listAllParts(s3, row, uploadId);
  } catch (error) {
    if (isUploadGone(error)) {
      await markFailed(row.id, "The storage no longer knows this upload.");
      return { status: "refused", code: "NoSuchUpload", message: "The storage no longer knows this upload. Upload the file again." };
    }
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
  try {
    const command = new CompleteMultipartUploadCommand({
      Bucket: row.bucket,
      Key: row.key,
      UploadId: uploadId,
      MultipartUpload: { Parts: ordered.map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag })) },
    });
    const answer = await onStorage((abortSignal) => s3.send(command, { abortSignal }), COMPLETE_DEADLINE_MS);
    etag = answer.ETag ?? "";
  } catch (error) {
    throw uploadStorageFault(error, "Completing the upload");
  }

  let stored: number | undefined;
  try {
    const command = new HeadObjectCommand({ Bucket: row.bucket, Key: row.key });
    stored = (await onStorage((abortSignal) => s3.send(command, { abortSignal }))).ContentLength;
  } catch (error) {
    throw uploadStorageFault(error, "Checking the uploaded file");
  }
  if (stored !== size) {
    const message = `The stored file has ${stored ?? 0} bytes instead of ${size}, so it was deleted. Upload it again.`;
    await deleteRefused(s3, row, message);
    return { status: "refused", code: "BadDigest", message };
  }

  const detectedType = await sniffObject(s3, row.bucket, row.key, size);
  const refusal = options.accept ? await options.accept({ s3, row, detectedType }) : null;
  if (refusal) {
    await deleteRefused(s3, row, refusal);
    return { status: "refused", code: "NotAccepted", message: refusal };
  }
  await recordUploaded(row, detectedType);
  return { status: "complete", bucket: row.bucket, key: row.key, etag, location: objectHref(row.connectionId, row.bucket, row.key), detectedType };
}
