import { withStorageDeadline } from "@/lib/storage/deadline";

/**
 * One storage operation of an upload, bounded like every other (lib/storage/deadline.ts):
 * `onStorage((abortSignal) => s3.send(command, { abortSignal }))`.
 */
export function onStorage<T>(work: (abortSignal: AbortSignal) => Promise<T>, ms?: number): Promise<T> {
  return withStorageDeadline(work, { ms });
}

/** The S3 error name of a failure ("NoSuchUpload", "NotFound", …), if it has one. */
export function storageErrorName(error: unknown): string | undefined {
  const e = error as { name?: unknown; Code?: unknown } | null;
  return typeof e?.Code === "string" ? e.Code : typeof e?.name === "string" ? e.name : undefined;
}

/** The HTTP status a storage failure came with. */
export function storageErrorStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/**
 * Whether a multipart operation failed because the storage no longer knows the upload: S3 says
 * NoSuchUpload; Ceph RGW says NoSuchKey for an upload that was aborted or completed.
 */
export function isUploadGone(error: unknown): boolean {
  const name = storageErrorName(error);
  return name === "NoSuchUpload" || name === "NoSuchKey";
}
