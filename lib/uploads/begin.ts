import "server-only";
import { CreateMultipartUploadCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { AppError } from "@/lib/errors";
import { recordUploaded } from "@/lib/uploads/complete";
import { uploadStorageFault } from "@/lib/uploads/faults";
import { keepBothKey } from "@/lib/uploads/keys";
import { PART_SIZE, partCount } from "@/lib/uploads/parts";
import {
  beginUploadRow,
  heldKeys,
  isKeyUploading,
  markFailed,
  precheckSlot,
  type RequestUpload,
  recentUnfinishedUploads,
  SlotRefusedError,
  setMultipartId,
} from "@/lib/uploads/store";
import { onStorage, storageErrorName, storageErrorStatus } from "@/lib/uploads/storage";

/**
 * Beginning an upload: the key is the server's (already cleaned and checked by the caller), an
 * existing object is never replaced unless asked ("replace"), "keep-both" picks the first free
 * "name (n).ext" (free: no object there, and no upload in progress holding it), the row holds the key, and the
 * server creates the multipart upload itself. A 0-byte file is written here and then (no bytes pass through the
 * browser's parts). An upload request's file is refused before any storage call when the request has no slot for
 * it (a plain read; the row's transaction reserves it) or has had too many failed or cancelled uploads lately.
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

/** Pages of 1,000 "name (n).ext" keys listed to find a free one for "Keep both" (an upload request's file: fewer). */
const KEEP_BOTH_PAGES = 10;
const REQUEST_KEEP_BOTH_PAGES = 2;

/** An upload request takes no more begins while this many of its uploads failed or were cancelled in the last hour. */
export const MAX_UNFINISHED_PER_HOUR = 100;
export const TOO_MANY_UNFINISHED =
  "Too many uploads to this request failed or were cancelled in the last hour. Wait a while, then try again. Nothing was uploaded.";

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

/**
 * The first "name (n).ext" with no object and no upload in progress: one listing of the keys starting with the name
 * (at most a few pages) and one query of the keys uploads hold, instead of a HeadObject per try.
 */
async function firstFreeKey(s3: S3Client, request: BeginRequest): Promise<string> {
  const longest = keepBothKey(request.key, 99_999);
  const prefix = longest.slice(0, longest.lastIndexOf(" (99999)"));
  const taken = new Set<string>();
  const pages = request.request ? REQUEST_KEEP_BOTH_PAGES : KEEP_BOTH_PAGES;
  let listedAll = false;
  let token: string | undefined;
  try {
    for (let page = 0; page < pages; page++) {
      const command = new ListObjectsV2Command({ Bucket: request.bucket, Prefix: prefix, ContinuationToken: token });
      const answer = await onStorage((abortSignal) => s3.send(command, { abortSignal }));
      for (const object of answer.Contents ?? []) if (object.Key) taken.add(object.Key);
      if (!answer.IsTruncated || !answer.NextContinuationToken) {
        listedAll = true;
        break;
      }
      token = answer.NextContinuationToken;
    }
  } catch (error) {
    throw uploadStorageFault(error, "Looking for a free name");
  }
  for (const key of await heldKeys(request.connectionId, request.bucket, prefix, 10_000)) taken.add(key);
  for (let n = 1; n <= taken.size + 1; n++) {
    const candidate = keepBothKey(request.key, n);
    if (taken.has(candidate)) continue;
    // Keys past the pages listed are unknown: the candidate is checked once, and only once.
    if (listedAll || !(await headObject(s3, request.bucket, candidate))) return candidate;
    break;
  }
  throw new AppError("conflict", "No free name was found for “Keep both”: too many files have this name. Rename the file and upload it again.", {
    field: "path",
  });
}

export async function beginUpload(s3: S3Client, request: BeginRequest): Promise<BeginResult> {
  const count = partCount(request.size);
  if (request.request) {
    const refusal = await precheckSlot(request.request.requestId, request.size);
    if (refusal) throw new SlotRefusedError(refusal);
    if ((await recentUnfinishedUploads(request.request.requestId)) >= MAX_UNFINISHED_PER_HOUR) {
      throw new AppError("rate_limited", TOO_MANY_UNFINISHED);
    }
  }
  let key = request.key;
  if (request.onExisting !== "replace") {
    const existing = await headObject(s3, request.bucket, key);
    if (existing && request.onExisting === "ask") {
      return { conflict: { key, size: existing.size, lastModified: existing.lastModified?.toISOString() ?? null } };
    }
    // "Keep both": a name an upload in progress holds is taken too (two files of one name dropped at once).
    if (request.onExisting === "keep-both" && (existing || (await isKeyUploading(request.connectionId, request.bucket, key)))) {
      key = await firstFreeKey(s3, request);
    }
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
