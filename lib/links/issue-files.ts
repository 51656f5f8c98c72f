import "server-only";
import { ListObjectsV2Command, type ListObjectsV2CommandOutput } from "@aws-sdk/client-s3";
import type { Actor } from "@/lib/auth/permissions";
import type { SessionUser } from "@/lib/auth/session";
import { hashPassword, isPasswordBusy } from "@/lib/auth/password";
import { newRecordId } from "@/lib/crypto";
import { db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import { getRuntimeSecrets } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { sanitizeFileName } from "@/lib/links/content-disposition";
import { MIN_EXPIRY_SECONDS, resolveRequestedExpiry } from "@/lib/links/expiry";
import { managedLinkBase, NO_SUCH_BUCKET_MESSAGE, type IssuedLink } from "@/lib/links/issue";
import { assertExpiryAllowed, assertLinkKindAllowed, assertMayShareFolder, assertMayShareKeys } from "@/lib/links/grant-limits";
import { fileNameOf, namePatternRegex } from "@/lib/links/name-pattern";
import { selectionRoot } from "@/lib/links/selection-root";
import { expiresSoonFrom } from "@/lib/links/status";
import { generateLinkToken, hashLinkToken } from "@/lib/links/token";
import { log } from "@/lib/log";
import { linkQrSvg } from "@/lib/links/qr";
import { openConnectionOrThrow, type OpenConnection } from "@/lib/storage/connections";
import { withStorageDeadline } from "@/lib/storage/deadline";
import { describeStorageError } from "@/lib/storage/errors";
import { headObject } from "@/lib/storage/listing";
import { seal } from "@/lib/storage/sealed";
import type { FilesShareRequest } from "@/lib/links/share-request";
import { MAX_SHARE_FILES, type FilesSource } from "@/lib/validation/share-files";
import { dotSegmentMessageFor, keyHasDotSegment } from "@/lib/validation/text";

/**
 * Multi-file shares: a managed link whose target is a snapshot of several objects (a selection in
 * one folder, or a folder with or without its subfolders and a name pattern). The snapshot
 * (key, size, ETag, version id where the server gives one) is taken when the share is created and
 * stored in share_link_files with the share_links row in one transaction: objects added later are
 * never part of it.
 */

export type SnapshotFile = { path: string; key: string; size: number; etag: string | null; versionId: string | null; contentType: string | null };
export type SnapshotPage = { files: SnapshotFile[]; next: string | null };

/** Objects listed per storage request (folders) and keys checked per step (selections). */
export const LIST_PAGE_SIZE = 1_000;
export const HEAD_PAGE_SIZE = 100;
const HEAD_CONCURRENCY = 8;
const INSERT_BATCH = 1_000;

function normalizedFolder(prefix: string): string {
  return prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
}

/** A folder or selection the actor may share all of (lib/links/grant-limits.ts): checked before anything is listed. */
export function assertMayShareSource(actor: Actor, connectionId: string, source: FilesSource): void {
  if (source.mode === "folder") assertMayShareFolder(actor, connectionId, source.bucket, normalizedFolder(source.prefix));
  else assertMayShareKeys(actor, connectionId, source.bucket, source.keys);
}

function storageProblem(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  const info = describeStorageError(error);
  log.info("links.snapshot_failed", { problem: info.problem, error });
  if (info.problem === "no_such_bucket") return new AppError("not_found", NO_SUCH_BUCKET_MESSAGE, { reason: "no_such_bucket" });
  if (info.problem === "access_denied")
    return new AppError("forbidden", `The connection's credentials may not ${what} (AccessDenied), so no link was created.`);
  return new AppError("storage", `${info.title}. ${info.message} No link was created.`);
}

function dotSegmentProblem(key: string): AppError {
  return new AppError("invalid", dotSegmentMessageFor(key), { reason: "dot_segment_key" });
}

async function runLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}

/**
 * One step of a snapshot. Folders: one ListObjectsV2 page (recursive without a delimiter), filtered
 * by the name pattern, folder markers left out. Selections: HeadObject for up to 100 keys, which
 * checks each still exists in this bucket; `cursor` is then the offset of the next key.
 */
export async function snapshotPage(open: OpenConnection, source: FilesSource, cursor?: string): Promise<SnapshotPage> {
  if (source.mode === "keys") {
    const keys = [...new Set(source.keys)];
    const root = selectionRoot(keys);
    const start = cursor ? Number.parseInt(cursor, 10) || 0 : 0;
    const slice = keys.slice(start, start + HEAD_PAGE_SIZE);
    const files = await runLimited(slice, HEAD_CONCURRENCY, async (key): Promise<SnapshotFile> => {
      if (keyHasDotSegment(key)) throw dotSegmentProblem(key);
      try {
        const head = await headObject(open, source.bucket, key);
        return { path: key.slice(root.length), key, size: head.size, etag: head.etag, versionId: head.versionId, contentType: head.contentType };
      } catch (error) {
        if (describeStorageError(error).problem === "no_such_key") {
          throw new AppError("not_found", `“${fileNameOf(key)}” does not exist (any more): clear it from the selection and try again. No link was created.`, {
            reason: "no_such_object",
          });
        }
        throw storageProblem(error, "read these objects");
      }
    });
    const end = start + slice.length;
    return { files, next: end < keys.length ? String(end) : null };
  }

  const prefix = normalizedFolder(source.prefix);
  const pattern = source.pattern ? namePatternRegex(source.pattern) : null;
  const command = new ListObjectsV2Command({
    Bucket: source.bucket,
    Prefix: prefix,
    Delimiter: source.recursive ? undefined : "/",
    MaxKeys: LIST_PAGE_SIZE,
    ContinuationToken: cursor || undefined,
  });
  let result: ListObjectsV2CommandOutput;
  try {
    result = await withStorageDeadline((abortSignal) => open.clients.s3.send(command, { abortSignal }));
  } catch (error) {
    throw storageProblem(error, "list this folder");
  }
  const files: SnapshotFile[] = [];
  for (const object of result.Contents ?? []) {
    const key = object.Key;
    // The folder's own marker and subfolder markers ("a/b/", zero bytes) are not files.
    if (!key || key === prefix || key.endsWith("/")) continue;
    if (pattern && !pattern.test(fileNameOf(key))) continue;
    if (keyHasDotSegment(key)) throw dotSegmentProblem(key);
    files.push({ path: key.slice(prefix.length), key, size: object.Size ?? 0, etag: object.ETag ?? null, versionId: null, contentType: null });
  }
  return { files, next: result.IsTruncated ? (result.NextContinuationToken ?? null) : null };
}

/** Why a snapshot cannot become a share (nothing selected, nothing matches, too many), or null. */
export function snapshotProblem(source: FilesSource, count: number, limit = MAX_SHARE_FILES): string | null {
  if (count > limit) {
    return `This ${source.mode === "folder" ? "folder" : "selection"} has more than ${limit.toLocaleString("en-US")} files, the most one share can hold. Share a subfolder, narrow it with a name pattern, or leave out subfolders.`;
  }
  if (count > 0) return null;
  if (source.mode === "keys") return "Nothing is selected: tick the files to share first.";
  if (source.pattern) return `No file in this folder${source.recursive ? " or its subfolders" : ""} matches “${source.pattern}”, so there is nothing to share.`;
  return `This folder has no files${source.recursive ? "" : " directly in it (tick Include subfolders to share what its subfolders hold)"}, so there is nothing to share.`;
}

/** The whole snapshot, stopping as soon as it passes the limit (listing then stops: nothing more is read). */
export async function takeSnapshot(open: OpenConnection, source: FilesSource, limit = MAX_SHARE_FILES): Promise<SnapshotFile[]> {
  if (source.mode === "keys" && source.keys.length === 0) throw new AppError("invalid", snapshotProblem(source, 0, limit)!, { reason: "unusable_selection" });
  const files: SnapshotFile[] = [];
  let cursor: string | undefined;
  do {
    const page = await snapshotPage(open, source, cursor);
    files.push(...page.files);
    if (files.length > limit) throw new AppError("invalid", snapshotProblem(source, files.length, limit)!, { reason: "unusable_selection" });
    cursor = page.next ?? undefined;
  } while (cursor);
  const problem = snapshotProblem(source, files.length, limit);
  if (problem) throw new AppError("invalid", problem, { reason: "unusable_selection" });
  return files;
}

/** "The folder name" or "N files". */
export const ROOT_SHARE_TITLE = "Shared files";

export function defaultTitle(source: FilesSource, count: number): string {
  if (source.mode === "folder") {
    const name = normalizedFolder(source.prefix).slice(0, -1).split("/").at(-1);
    if (name) return name;
    // The bucket root: recipients never see the bucket, so its name is not theirs to read.
    return ROOT_SHARE_TITLE;
  }
  return `${count.toLocaleString("en-US")} ${count === 1 ? "file" : "files"}`;
}

/**
 * Creates a multi-file share (always a managed link) from a fresh snapshot: every selected key is
 * checked with HeadObject, a folder is listed again. The share_links row and all its
 * share_link_files rows are written in one transaction (in batches), so nothing is half-written.
 */
export async function issueFilesShare(
  user: SessionUser,
  input: FilesShareRequest,
  options: {
    limit?: number /** The whole second the expiry counts from (the API's expiresIn). */;
    now?: Date /** false: no QR code (the API). */;
    qr?: boolean /** The connection the caller already opened for this person (the API). */;
    open?: OpenConnection;
  } = {},
): Promise<IssuedLink & { fileCount: number; totalBytes: number; title: string }> {
  const open = options.open?.connection.id === input.connectionId ? options.open : await openConnectionOrThrow(user, input.connectionId);
  assertMayShareSource(user, open.connection.id, input);
  assertLinkKindAllowed(user, open.connection.id, "managed");
  const now = options.now ?? new Date(Math.floor(Date.now() / 1000) * 1000);
  const expiry = resolveRequestedExpiry(input.expiry, now, { timeZone: input.timeZone, kind: "managed" });
  if (!expiry.ok) throw new AppError("invalid", expiry.message, { reason: "invalid_expiry", field: "expiresIn" });
  assertExpiryAllowed(user, open.connection.id, {
    seconds: Math.floor((expiry.expiresAt.getTime() - now.getTime()) / 1000),
    neverExpires: expiry.neverExpires === true,
  });
  if (Math.floor((expiry.expiresAt.getTime() - now.getTime()) / 1000) < MIN_EXPIRY_SECONDS) {
    throw new AppError("invalid", "Choose an expiry at least a minute from now.", { reason: "invalid_expiry", field: "expiresIn" });
  }

  const files = await takeSnapshot(open, input, options.limit ?? MAX_SHARE_FILES);
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const title = input.title ?? defaultTitle(input, files.length);
  const key = input.mode === "folder" ? normalizedFolder(input.prefix) : selectionRoot(input.keys);

  let passwordHash: string | null = null;
  if (input.password !== null) {
    try {
      passwordHash = await hashPassword(input.password);
    } catch (error) {
      if (isPasswordBusy(error)) throw new AppError("unavailable", "The server is busy checking passwords. Try again in a moment; no link was created.");
      throw error;
    }
  }

  const id = newRecordId();
  const token = generateLinkToken();
  const url = `${await managedLinkBase()}/s/${token}`;
  await db.$transaction(
    async (tx) => {
      await tx.shareLink.create({
        data: {
          id,
          ownerId: user.teamId,
          issuedById: user.id,
          connectionId: open.connection.id,
          connectionName: open.connection.name,
          bucket: input.bucket,
          key,
          objectSize: BigInt(totalBytes),
          requestedExpiresAt: expiry.expiresAt,
          expiresAt: expiry.expiresAt,
          expiresSoonAt: expiresSoonFrom({ createdAt: now, expiresAt: expiry.expiresAt }),
          disposition: "attachment",
          fileName: sanitizeFileName(title),
          note: input.note ?? null,
          urlEnc: seal("shareUrl", id, url, getRuntimeSecrets().encryptionKey),
          createdAt: now,
          kind: "managed",
          tokenHash: hashLinkToken(token),
          neverExpires: expiry.neverExpires === true,
          downloadLimit: input.downloadLimit,
          passwordHash,
          allowedNetworks: input.allowedNetworks,
          pinned: true,
          target: "files",
          title,
          fileCount: files.length,
          zipAllowed: input.zipAllowed,
        },
      });
      for (let i = 0; i < files.length; i += INSERT_BATCH) {
        await tx.shareLinkFile.createMany({
          data: files.slice(i, i + INSERT_BATCH).map((f) => ({
            linkId: id,
            path: f.path,
            key: f.key,
            size: BigInt(f.size),
            etag: f.etag,
            versionId: f.versionId,
            contentType: f.contentType,
          })),
        });
      }
      await recordAudit(tx, { actor: user, kind: "link.issued", subject: title, subjectId: id, details: { linkKind: "managed", fileCount: files.length } });
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
  log.info("links.issued", { linkId: id, kind: "managed", target: "files", fileCount: files.length, connectionId: open.connection.id });

  // Only the dialog shows a QR code (the API has no use for one).
  const qrSvg = options.qr === false ? null : await linkQrSvg(url);
  return {
    id,
    kind: "managed",
    url,
    expiresAt: expiry.expiresAt.toISOString(),
    requestedExpiresAt: expiry.expiresAt.toISOString(),
    neverExpires: expiry.neverExpires === true,
    limitedByCredentials: false,
    qrSvg,
    managed: { downloadLimit: input.downloadLimit, password: passwordHash !== null, allowedNetworks: input.allowedNetworks, pinned: true },
    fileCount: files.length,
    totalBytes,
    title,
  };
}
