import "server-only";
import { CreateMultipartUploadCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { AppError } from "@/lib/errors";
import { recordUploaded } from "@/lib/uploads/complete";
import { uploadStorageFault } from "@/lib/uploads/faults";
import { keepBothKey } from "@/lib/uploads/keys";
import { PART_SIZE, partCount } from "@/lib/uploads/parts";
import { beginUploadRow, isKeyUploading, markFailed, type RequestUpload, setMultipartId } from "@/lib/uploads/store";
import { onStorage, storageErrorName, storageErrorStatus } from "@/lib/uploads/storage";

/**
 * Beginning an upload: the key is the server's (already cleaned and checked by the caller), an
 * existing object is never replaced unless asked ("replace"), "keep-both" picks the first free
 * "name (n).ext", the row holds the key, and the server creates the multipart upload itself. A
 * 0-byte file is written here and then (no bytes pass through the browser's parts).
 */

export type OnExisting = "ask" | "replace" | "keep-both";

export type BeginRequest = {
  ownerId: string;
  uploadedById: string | null;
  connectionId: string;
  bucket: string;
  key: string;
  size: number;
  type: string;
  onExisting: OnExisting;
  /** An upload request's file: its slot is reserved with the row (beginUploadRow), and who sent it. */
  request?: RequestUpload;
};

export type UploadConflict = { conflict: { key: string; size: number; lastModified: string | null } };
export type BegunUpload = { id: string; key: string; partSize: number; partCount: number; uploadId: string };
export type DoneUpload = { id: string; key: string; done: true };
export type BeginResult = UploadConflict | BegunUpload | DoneUpload;

/** How many "name (n).ext" keep-both tries before giving up. */
const KEEP_BOTH_TRIES = 200;

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

/** The Content-Type the object is stored with: the browser's when it is a plain media type, else octet-stream. */
export function storedContentType(type: string): string {
  const essence = type.split(";")[0]!.trim().toLowerCase();
  return MEDIA_TYPE.test(essence) ? essence : "application/octet-stream";
}

async function headObject(s3: S3Client, bucket: string, key: string): Promise<{ size: number; lastModified: Date | null } | null> {
  try {
    const command = new HeadObjectCommand({ Bucket: bucket, Key: key });
    const head = await onStorage((abortSignal) => s3.send(command, { abortSignal }));
    return { size: head.ContentLength ?? 0, lastModified: head.LastModified ?? null };
  } catch (error) {
    if (storageErrorName(error) === "NotFound" || storageErrorName(error) === "NoSuchKey" || storageErrorStatus(error) === 404) return null;
    throw uploadStorageFault(error, "Looking for an existing file");
  }
}

async function firstFreeKey(s3: S3Client, request: BeginRequest): Promise<string> {
  for (let n = 1; n <= KEEP_BOTH_TRIES; n++) {
    const candidate = keepBothKey(request.key, n);
    if (await isKeyUploading(request.connectionId, request.bucket, candidate)) continue;
    if (!(await headObject(s3, request.bucket, candidate))) return candidate;
  }
  throw new AppError("conflict", `No free name was found for "Keep both" after ${KEEP_BOTH_TRIES} tries. Rename the file and upload it again.`, {
    field: "path",
  });
}

export async function beginUpload(s3: S3Client, request: BeginRequest): Promise<BeginResult> {
  const count = partCount(request.size);
  let key = request.key;
  if (request.onExisting !== "replace") {
    const existing = await headObject(s3, request.bucket, key);
    if (existing && request.onExisting === "ask") {
      return { conflict: { key, size: existing.size, lastModified: existing.lastModified?.toISOString() ?? null } };
    }
    if (existing) key = await firstFreeKey(s3, request);
  }
  const contentType = storedContentType(request.type);
  const row = await beginUploadRow({
    ownerId: request.ownerId,
    uploadedById: request.uploadedById,
    connectionId: request.connectionId,
    bucket: request.bucket,
    key,
    size: request.size,
    contentType,
    partSize: PART_SIZE,
    partCount: count,
    ...(request.request ? { request: request.request } : {}),
  });

  if (request.size === 0) {
    try {
      const command = new PutObjectCommand({ Bucket: request.bucket, Key: key, Body: new Uint8Array(), ContentLength: 0, ContentType: contentType });
      await onStorage((abortSignal) => s3.send(command, { abortSignal }));
    } catch (error) {
      await markFailed(row.id, "The storage did not accept the file.");
      throw uploadStorageFault(error, "Writing the empty file");
    }
    await recordUploaded(row, null);
    return { id: row.id, key, done: true };
  }

  let uploadId: string | undefined;
  try {
    const command = new CreateMultipartUploadCommand({ Bucket: request.bucket, Key: key, ContentType: contentType });
    uploadId = (await onStorage((abortSignal) => s3.send(command, { abortSignal }))).UploadId;
    if (!uploadId) throw new Error("CreateMultipartUpload returned no UploadId.");
  } catch (error) {
    await markFailed(row.id, "The storage did not start the upload.");
    throw uploadStorageFault(error, "Starting the upload");
  }
  await setMultipartId(row.id, uploadId);
  return { id: row.id, key, partSize: PART_SIZE, partCount: count, uploadId };
}
