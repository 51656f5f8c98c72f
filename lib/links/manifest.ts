import "server-only";
import { type Actor, canExportManifest, linkScope } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { baseName } from "@/lib/links/content-disposition";
import { NOT_MANAGEABLE } from "@/lib/links/history";
import {
  attachmentDisposition,
  MANIFEST_JSON_CLOSE,
  MANIFEST_JSON_OPEN,
  manifestCsvHeader,
  manifestCsvLine,
  manifestJsonLine,
  type ManifestEntry,
  type ManifestFormat,
} from "@/lib/links/manifest-format";
import { openCredentials } from "@/lib/storage/client";
import { createBatchPresigner, type BatchPresigner } from "@/lib/storage/presign-batch";

/**
 * The owner's manifest of a multi-file share: the snapshot in share_link_files
 * read in path order in pages (keyset on (link_id, path), the unique index), each file signed as a
 * direct GetObject URL, written out page by page as the response is read (pull: memory holds one
 * page, whatever the share's size). The URLs are bearer credentials: nothing here logs them.
 */

export const MANIFEST_PAGE_SIZE = 1_000;

export type ManifestSource = {
  linkId: string;
  title: string | null;
  fileCount: number;
  bucket: string;
  /** When the share ends: no URL in its manifest may last longer. */
  expiresAt: Date;
  presigner: (options: { signingDate: Date; expiresInSeconds: number }) => BatchPresigner;
  credentialsExpireAt: Date | null;
};

/**
 * The share if the actor sees it (linkScope in the query) and it is a multi-file share; else null.
 * Its direct URLs are the link's own to hand out: only for who may act on it and issue direct links (canExportManifest).
 */
export async function getManifestSource(actor: Actor, linkId: string): Promise<ManifestSource | null> {
  const link = await db.shareLink.findFirst({
    where: { id: linkId, ...linkScope(actor), deletedAt: null, target: "files" },
    select: {
      id: true,
      ownerId: true,
      issuedById: true,
      connectionId: true,
      key: true,
      title: true,
      fileCount: true,
      bucket: true,
      connection: true,
      revokedAt: true,
      expiresAt: true,
    },
  });
  if (!link) return null;
  if (!canExportManifest(actor, link)) throw new AppError("forbidden", NOT_MANAGEABLE, { reason: "link_not_manageable" });
  // A manifest hands out direct URLs that outlive any check: never for a share the owner has ended.
  if (link.revokedAt) throw new AppError("conflict", "This share was revoked: its files are not exported any more.");
  if (link.expiresAt.getTime() <= Date.now()) throw new AppError("conflict", "This share has expired: its files are not exported any more.");
  const connection = link.connection;
  if (!connection || connection.ownerId !== actor.teamId) {
    throw new AppError("conflict", "The storage connection of this share was deleted: its files cannot be signed any more.");
  }
  const credentials = openCredentials(connection);
  const target = { endpoint: connection.endpoint, region: connection.region, forcePathStyle: connection.forcePathStyle, credentials };
  return {
    linkId: link.id,
    title: link.title,
    // Files found changed or deleted since the snapshot are left out (their URLs would serve other bytes or fail).
    fileCount: await db.shareLinkFile.count({ where: { linkId: link.id, state: null } }),
    bucket: link.bucket,
    expiresAt: link.expiresAt,
    presigner: (options) => createBatchPresigner(target, options),
    credentialsExpireAt: connection.sessionTokenExpiresAt,
  };
}

type FileRow = { path: string; key: string; size: bigint; etag: string | null; versionId: string | null };

function readPage(linkId: string, after: string | null, take: number): Promise<FileRow[]> {
  return db.shareLinkFile.findMany({
    where: after === null ? { linkId, state: null } : { linkId, state: null, path: { gt: after } },
    orderBy: { path: "asc" },
    take,
    select: { path: true, key: true, size: true, etag: true, versionId: true },
  });
}

/** The snapshot's files in path order, one page at a time; the next page is read while this one is signed. */
export async function* manifestPages(linkId: string, pageSize = MANIFEST_PAGE_SIZE): AsyncGenerator<FileRow[]> {
  let pending: Promise<FileRow[]> | null = readPage(linkId, null, pageSize);
  while (pending) {
    const page: FileRow[] = await pending;
    pending = page.length === pageSize ? readPage(linkId, page[page.length - 1]!.path, pageSize) : null;
    if (page.length > 0) yield page;
  }
}

export function signEntries(page: readonly FileRow[], bucket: string, sign: BatchPresigner, expiresAt: Date): ManifestEntry[] {
  return page.map((file) => ({
    path: file.path,
    size: Number(file.size),
    etag: file.etag,
    versionId: file.versionId,
    expiresAt,
    url: sign({
      bucket,
      key: file.key,
      versionId: file.versionId ?? undefined,
      responseContentDisposition: attachmentDisposition(baseName(file.path) || baseName(file.key)),
    }),
  }));
}

/**
 * The manifest as a byte stream, one chunk per page. `onError` hears a failure midway (the stream
 * then errors, so the download ends broken rather than silently short).
 */
export function manifestStream(
  source: ManifestSource,
  options: {
    format: ManifestFormat;
    signingDate: Date;
    expiresInSeconds: number;
    expiresAt: Date;
    onError?: (error: unknown) => void;
    onDone?: (count: number) => void;
  },
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const sign = source.presigner({ signingDate: options.signingDate, expiresInSeconds: options.expiresInSeconds });
  const pages = manifestPages(source.linkId);
  let started = false;
  let count = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        let text = "";
        if (!started) {
          started = true;
          text = options.format === "csv" ? manifestCsvHeader() : MANIFEST_JSON_OPEN;
        }
        const next = await pages.next();
        if (next.done) {
          if (options.format === "json") text += MANIFEST_JSON_CLOSE;
          controller.enqueue(encoder.encode(text));
          controller.close();
          options.onDone?.(count);
          return;
        }
        for (const entry of signEntries(next.value, source.bucket, sign, options.expiresAt)) {
          text += options.format === "csv" ? manifestCsvLine(entry) : manifestJsonLine(entry, count === 0);
          count++;
        }
        controller.enqueue(encoder.encode(text));
      } catch (error) {
        options.onError?.(error);
        controller.error(new Error("The manifest could not be completed."));
      }
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}
