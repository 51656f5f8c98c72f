import "server-only";
import { Readable } from "node:stream";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { baseName, contentDisposition } from "@/lib/links/content-disposition";
import { pinCheck, pinDecision, servedVersionId, type PinDecision, type PinnedObject } from "@/lib/links/pin";
import { openedFileType, openedType, savedType } from "@/lib/links/served-type";
import type { ShareFile } from "@/lib/recipient/files";
import type { RecipientLink } from "@/lib/recipient/link";
import { clientsFor } from "@/lib/storage/client";
import { withStorageDeadline } from "@/lib/storage/deadline";
import { describeStorageError } from "@/lib/storage/errors";
import { HeadObjectError, headObject } from "@/lib/storage/head";

/**
 * The storage side of a recipient request: the pin check (HeadObject of the current object),
 * presigned URLs that live at most 60 s (the download, saved under the link's file name, or opened
 * inline with a passive type; a preview, with a forced passive type), and the start of a text file.
 */

/** How long a presigned URL handed to a recipient lives. */
export const RECIPIENT_URL_SECONDS = 60;
/** Recipients wait for storage at most this long per request (the owner's pages allow 10 s). */
export const RECIPIENT_STORAGE_MS = 5_000;
export const TEXT_PREVIEW_BYTES = 32 * 1024;

function clients(link: RecipientLink) {
  if (!link.connection) throw new Error("the link's connection was deleted");
  return clientsFor(link.connection);
}

/** The pin decision for this link now; throws when storage could not say (a fault, not an answer). */
export function checkPin(link: RecipientLink): Promise<PinDecision> {
  return checkObjectPin(link, link);
}

/** One object of a share: its key and what pins it. */
export type SharedObject = PinnedObject & { key: string };

/** A file of a multi-file share as a pinned object (a snapshot is always pinned). */
export function sharedObjectOf(file: ShareFile): SharedObject {
  return { key: file.key, pinned: true, objectVersionId: file.versionId, objectEtag: file.etag };
}

/**
 * The pin decision for one object of the link's bucket: HeadObject of the current object, a HEAD of a URL from the
 * connection's signer (lib/storage/head.ts, not the SDK: this runs on every download of a pinned link).
 */
export async function checkObjectPin(link: RecipientLink, object: SharedObject): Promise<PinDecision> {
  if (!pinCheck(object)) return { ok: true };
  const { presigner } = clients(link);
  // The current object (no version id): a newer version means the file changed since it was shared.
  const head = await headObject(presigner, link.bucket, object.key, null, { deadlineMs: RECIPIENT_STORAGE_MS });
  if (head.found) return pinDecision(object, { found: true, versionId: head.versionId, etag: head.etag });
  // No such key or bucket (a HEAD answer names neither: 404 is both); a version id the server does not know may come
  // back as 400 (malformed) rather than 404.
  if (head.status === 404 || head.code === "NoSuchKey" || head.code === "NoSuchBucket" || head.code === "NoSuchVersion") {
    return pinDecision(object, { found: false });
  }
  throw new HeadObjectError(head.status, head.code);
}

/**
 * The download URL: saved as an attachment under the link's file name, or, for "Open" (`open`),
 * shown inline with the passive type (lib/links/served-type.ts); null when the link offers no Open.
 */
export async function presignDownload(link: RecipientLink, now = new Date(), open = false): Promise<string | null> {
  const served = open ? openedType(link) : savedType(link);
  if (!served) return null;
  return clients(link).presigner.presignGet({
    bucket: link.bucket,
    key: link.key,
    expiresInSeconds: RECIPIENT_URL_SECONDS,
    ...served,
    versionId: servedVersionId(link),
    signingDate: now,
  });
}

export function presignPreview(link: RecipientLink, responseContentType: string, now = new Date()): Promise<string> {
  return clients(link).presigner.presignGet({
    bucket: link.bucket,
    key: link.key,
    expiresInSeconds: RECIPIENT_URL_SECONDS,
    responseContentDisposition: "inline",
    responseContentType,
    versionId: servedVersionId(link),
    signingDate: now,
  });
}

/**
 * The first bytes of a text file, decoded as UTF-8, or null when storage does not give them in
 * time or the object is no longer the pinned one (If-Match on the pinned ETag).
 */
export async function readTextPreview(link: RecipientLink): Promise<{ text: string; truncated: boolean }> {
  const { s3 } = clients(link);
  const versionId = servedVersionId(link);
  const command = new GetObjectCommand({
    Bucket: link.bucket,
    Key: link.key,
    VersionId: versionId,
    IfMatch: link.pinned && !versionId && link.objectEtag ? link.objectEtag : undefined,
    Range: `bytes=0-${TEXT_PREVIEW_BYTES - 1}`,
  });
  return withStorageDeadline(
    async (abortSignal) => {
      const result = await s3.send(command, { abortSignal });
      const bytes = (await result.Body?.transformToByteArray()) ?? new Uint8Array();
      const total = Number(/\/(\d+)$/.exec(result.ContentRange ?? "")?.[1] ?? bytes.length);
      return { text: new TextDecoder("utf-8").decode(bytes), truncated: total > bytes.length };
    },
    { ms: 3_000 },
  );
}

/**
 * A 60-second download URL for one file of a share: the snapshot's version where there is one, saved under its
 * own name, or, for "Open" (`open`), shown inline with its passive type; null when the file offers no Open.
 */
export async function presignFileDownload(link: RecipientLink, file: ShareFile, now = new Date(), open = false): Promise<string | null> {
  const served = open ? openedFileType(file) : { responseContentDisposition: contentDisposition("attachment", baseName(file.path)) };
  if (!served) return null;
  return clients(link).presigner.presignGet({
    bucket: link.bucket,
    key: file.key,
    expiresInSeconds: RECIPIENT_URL_SECONDS,
    ...served,
    versionId: file.versionId ?? undefined,
    signingDate: now,
  });
}

/** A 60-second preview URL for one file of a share, with a forced passive type. */
export function presignFilePreview(link: RecipientLink, file: ShareFile, responseContentType: string, now = new Date()): Promise<string> {
  return clients(link).presigner.presignGet({
    bucket: link.bucket,
    key: file.key,
    expiresInSeconds: RECIPIENT_URL_SECONDS,
    responseContentDisposition: "inline",
    responseContentType,
    versionId: file.versionId ?? undefined,
    signingDate: now,
  });
}

/** Why a file could not be read for the ZIP: replaced or deleted since the snapshot. */
export class SnapshotMismatchError extends Error {
  constructor(readonly state: "changed" | "missing") {
    super(state === "changed" ? "the file was replaced since it was shared" : "the file was deleted since it was shared");
    this.name = "SnapshotMismatchError";
  }
}

/**
 * The body of one file of a share, exactly as in the snapshot, in one round trip: GetObject of the
 * current object with If-Match on the snapshot's ETag (a replaced object is refused by storage, 412),
 * and in a versioned bucket the answer's version must be the snapshot's (as the pin check decides for
 * single files: a newer version is "changed"). The answer must start within RECIPIENT_STORAGE_MS;
 * `signal` aborts the transfer (revoked, client gone).
 */
export async function openSnapshotObject(link: RecipientLink, file: ShareFile, signal: AbortSignal): Promise<Readable> {
  const { s3 } = clients(link);
  const command = new GetObjectCommand({
    Bucket: link.bucket,
    Key: file.key,
    IfMatch: file.etag ?? undefined,
  });
  const started = new AbortController();
  const timer = setTimeout(() => started.abort(new Error("storage did not answer in time")), RECIPIENT_STORAGE_MS);
  const onAbort = () => started.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    const result = await s3.send(command, { abortSignal: started.signal });
    clearTimeout(timer);
    if (!(result.Body instanceof Readable)) throw new Error("storage gave no readable body");
    // The transfer stays abortable while the body streams; the listener goes with it (one per entry, not per share).
    result.Body.once("close", () => signal.removeEventListener("abort", onAbort));
    if (file.versionId && result.VersionId !== file.versionId) {
      result.Body.destroy();
      throw new SnapshotMismatchError("changed");
    }
    return result.Body;
  } catch (error) {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const name = (error as { name?: string }).name;
    if (status === 412 || name === "PreconditionFailed") {
      // Some servers (Ceph) answer If-Match on a deleted key with 412: ask which it is (rare, one more round trip).
      const decision = await checkObjectPin(link, sharedObjectOf(file)).catch(() => null);
      throw new SnapshotMismatchError(decision && !decision.ok ? decision.state : "changed");
    }
    const problem = describeStorageError(error).problem;
    if (problem === "no_such_key" || name === "NoSuchVersion" || status === 404) throw new SnapshotMismatchError("missing");
    throw error;
  }
}
