import "server-only";
import { HeadObjectCommand, ListBucketsCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import type { OpenConnection } from "@/lib/storage/connections";
import { withStorageDeadline } from "@/lib/storage/deadline";
import { listObjectsV2, type ListedObject } from "@/lib/storage/list-objects";
import { describeStorageError, type StorageErrorInfo } from "@/lib/storage/errors";
import { previewPlan } from "@/lib/storage/preview";
import { earlyFolderWork } from "@/lib/http/request-state";
import { log } from "@/lib/log";
import { keyHasDotSegment } from "@/lib/validation/text";

/**
 * Listing and reading objects. Every call is one bounded S3 request (a page never lists a whole
 * bucket) and ends within STORAGE_DEADLINE_MS (lib/storage/deadline.ts): each function runs
 * under its own deadline, or under the caller's when given its `signal`.
 */

export const PAGE_SIZE = 100;

export type BucketEntry = { name: string; createdAt: Date | null };

export async function listBuckets({ connection, clients }: OpenConnection, signal?: AbortSignal): Promise<BucketEntry[]> {
  if (connection.buckets.length > 0) return connection.buckets.map((name) => ({ name, createdAt: null }));
  const result = await withStorageDeadline((abortSignal) => clients.s3.send(new ListBucketsCommand({}), { abortSignal }), { signal });
  return (result.Buckets ?? [])
    .filter((b): b is typeof b & { Name: string } => Boolean(b.Name))
    .map((b) => ({ name: b.Name, createdAt: b.CreationDate ?? null }));
}

export type FolderEntry = { prefix: string };
export type ObjectEntry = ListedObject;
export type FolderPage = { folders: FolderEntry[]; objects: ObjectEntry[]; nextToken: string | null; markerExists: boolean };

/**
 * One page of a folder: folders (common prefixes) first, then objects. `filter` narrows by
 * name prefix within the folder. The folder's own zero-byte marker object is not listed.
 */
export async function listFolder(
  { clients }: Pick<OpenConnection, "clients">,
  bucket: string,
  prefix: string,
  options: { token?: string; filter?: string; pageSize?: number; signal?: AbortSignal } = {},
): Promise<FolderPage> {
  const input = {
    bucket,
    prefix: prefix + (options.filter ?? ""),
    delimiter: "/",
    maxKeys: options.pageSize ?? PAGE_SIZE,
    continuationToken: options.token || undefined,
  };
  const listed = await withStorageDeadline((signal) => listObjectsV2(clients.presigner, input, signal), { signal: options.signal });
  return {
    folders: listed.prefixes.map((folder) => ({ prefix: folder })),
    objects: listed.objects.filter((o) => o.key !== prefix),
    nextToken: listed.nextToken,
    markerExists: listed.objects.some((o) => o.key === prefix),
  };
}

export type ObjectDetails = {
  key: string;
  size: number;
  contentType: string | null;
  etag: string | null;
  /** Null where the bucket is not versioned (or the server does not say). */
  versionId: string | null;
  lastModified: Date | null;
  storageClass: string;
  metadata: Record<string, string>;
};

export async function headObject({ clients }: OpenConnection, bucket: string, key: string, signal?: AbortSignal): Promise<ObjectDetails> {
  const command = new HeadObjectCommand({ Bucket: bucket, Key: key });
  const head = await withStorageDeadline((abortSignal) => clients.s3.send(command, { abortSignal }), { signal });
  return {
    key,
    size: head.ContentLength ?? 0,
    contentType: head.ContentType ?? null,
    etag: head.ETag ?? null,
    versionId: head.VersionId && head.VersionId !== "null" ? head.VersionId : null,
    lastModified: head.LastModified ?? null,
    storageClass: head.StorageClass ?? "STANDARD",
    metadata: head.Metadata ?? {},
  };
}

/** The first bytes of a text object, for its preview (the body's transfer is under the deadline too). */
export async function readTextStart(
  { clients }: OpenConnection,
  bucket: string,
  key: string,
  options: { bytes?: number; signal?: AbortSignal } = {},
): Promise<string> {
  const bytes = options.bytes ?? 64 * 1024;
  const command = new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${bytes - 1}` });
  return withStorageDeadline(
    async (abortSignal) => {
      const result = await clients.s3.send(command, { abortSignal });
      return (await result.Body?.transformToString("utf-8")) ?? "";
    },
    { signal: options.signal },
  );
}

/**
 * Loaders for pages: they never throw for storage failures, so a page can hand the promise to a
 * component inside <Suspense> and the component shows the problem in place.
 */
export type Loaded<T> = { ok: true; value: T } | { ok: false; error: StorageErrorInfo };

async function settle<T>(work: Promise<T>, event: string): Promise<Loaded<T>> {
  try {
    return { ok: true, value: await work };
  } catch (error) {
    const info = describeStorageError(error);
    log.info(event, { problem: info.problem, error });
    return { ok: false, error: info };
  }
}

export function loadBuckets(open: OpenConnection): Promise<Loaded<BucketEntry[]>> {
  return settle(listBuckets(open), "storage.list_buckets_failed");
}

export function loadFolder(...args: Parameters<typeof listFolder>): Promise<Loaded<FolderPage>> {
  return settle(listFolder(...args), "storage.list_folder_failed");
}

/**
 * loadFolder for the folder page: the very listing lib/boot/folder-early-start.ts began on the request's arrival
 * when it began exactly this one (with this opened connection, folder, page token and filter), else its own.
 */
export async function loadFolderOfPage(
  open: OpenConnection,
  bucket: string,
  prefix: string,
  options: { token?: string; filter: string },
): Promise<Loaded<FolderPage>> {
  const early = await (await earlyFolderWork())?.listing;
  if (early?.open === open && early.bucket === bucket && early.prefix === prefix && early.token === options.token && early.filter === options.filter) {
    return early.result;
  }
  return loadFolder(open, bucket, prefix, options);
}

export const PREVIEW_SECONDS = 300;

export type ObjectView = ObjectDetails & {
  preview: { kind: "image" | "pdf" | "audio" | "video"; url: string } | { kind: "text"; text: string } | null;
};

/**
 * HeadObject plus a preview: a presigned URL valid for 5 minutes that forces the preview kind's
 * response type (lib/storage/preview.ts), or the first 64 KB of text. Both requests share one
 * deadline, so the panel appears (or explains) within STORAGE_DEADLINE_MS.
 */
export function loadObjectView(open: OpenConnection, bucket: string, key: string): Promise<Loaded<ObjectView>> {
  return settle(
    withStorageDeadline(async (signal) => {
      const details = await headObject(open, bucket, key, signal);
      // A URL cannot carry a key with a "." or ".." segment (lib/paths.ts): only text previews then.
      const planned = previewPlan(key, details.contentType);
      const plan = keyHasDotSegment(key) && planned?.kind !== "text" ? null : planned;
      let preview: ObjectView["preview"] = null;
      try {
        if (plan?.kind === "text") preview = { kind: "text", text: await readTextStart(open, bucket, key, { signal }) };
        else if (plan) {
          const url = await open.clients.presigner.presignGet({
            bucket,
            key,
            expiresInSeconds: PREVIEW_SECONDS,
            responseContentDisposition: "inline",
            responseContentType: plan.responseContentType,
          });
          preview = { kind: plan.kind, url };
        }
      } catch (error) {
        if (signal.aborted) throw error;
        log.warn("storage.preview_failed", { bucket, error });
      }
      return { ...details, preview };
    }),
    "storage.head_object_failed",
  );
}
