import "server-only";
import { db } from "@/lib/db/client";

/**
 * The snapshot of a multi-file share (share_link_files), as recipients read it: one folder's
 * files in path order (keyset on path, the (link_id, path) unique index), its subfolders, a name
 * filter, one file by path (never a key from the client), and the marks a use leaves on a file
 * found replaced ("changed") or deleted ("missing").
 */

export type ShareFile = {
  path: string;
  key: string;
  size: bigint;
  etag: string | null;
  versionId: string | null;
  contentType: string | null;
  state: "changed" | "missing" | null;
};

/** Files per page of the recipient page. */
export const FILES_PER_PAGE = 100;
/** Subfolders shown on one folder's first page. */
export const MAX_FOLDERS_SHOWN = 1_000;
export const MAX_PATH_LENGTH = 4_096;

type Row = Omit<ShareFile, "state"> & { state: string | null };

function toFile(row: Row): ShareFile {
  return { ...row, state: row.state === "changed" || row.state === "missing" ? row.state : null };
}

const FILE_COLUMNS = { path: true, key: true, size: true, etag: true, versionId: true, contentType: true, state: true } as const;

export async function getShareFile(linkId: string, path: string): Promise<ShareFile | null> {
  if (path.length === 0 || path.length > MAX_PATH_LENGTH) return null;
  const row = await db.shareLinkFile.findUnique({ where: { linkId_path: { linkId, path } }, select: FILE_COLUMNS });
  return row ? toFile(row) : null;
}

export { normalizeFolder } from "@/lib/recipient/share-paths";

export type FolderPage = { folders: string[]; files: ShareFile[]; nextAfter: string | null };

/**
 * One page of a folder: its subfolders (first page only) and the files directly in it, or with a
 * filter, every file below it whose name contains the text (case-insensitive).
 */
export async function listShareFolder(linkId: string, options: { dir: string; query?: string; after?: string | null; limit?: number }): Promise<FolderPage> {
  const { dir } = options;
  const limit = options.limit ?? FILES_PER_PAGE;
  const after = options.after ?? "";
  const query = (options.query ?? "").trim().toLowerCase();
  const files = query
    ? await db.$queryRaw<Row[]>`
        SELECT path, key, size, etag, version_id AS "versionId", content_type AS "contentType", state
          FROM share_link_files
         WHERE link_id = ${linkId} AND starts_with(path, ${dir}) AND path > ${after}
           AND strpos(lower(regexp_replace(path, '^.*/', '')), ${query}) > 0
         ORDER BY path LIMIT ${limit + 1}`
    : await db.$queryRaw<Row[]>`
        SELECT path, key, size, etag, version_id AS "versionId", content_type AS "contentType", state
          FROM share_link_files
         WHERE link_id = ${linkId} AND starts_with(path, ${dir}) AND path > ${after}
           AND strpos(substr(path, char_length(${dir}) + 1), '/') = 0
         ORDER BY path LIMIT ${limit + 1}`;
  const folders =
    query || after
      ? []
      : (
          await db.$queryRaw<{ name: string }[]>`
            SELECT DISTINCT split_part(substr(path, char_length(${dir}) + 1), '/', 1) AS name
              FROM share_link_files
             WHERE link_id = ${linkId} AND starts_with(path, ${dir}) AND strpos(substr(path, char_length(${dir}) + 1), '/') > 0
             ORDER BY 1 LIMIT ${MAX_FOLDERS_SHOWN}`
        ).map((row) => row.name);
  const page = files.slice(0, limit).map(toFile);
  return { folders, files: page, nextAfter: files.length > limit ? page[page.length - 1]!.path : null };
}

/** How many files of the share are known to be replaced or deleted since it was made. */
export async function countMarkedFiles(linkId: string): Promise<{ changed: number; missing: number }> {
  const rows = await db.shareLinkFile.groupBy({ by: ["state"], where: { linkId, state: { not: null } }, _count: { _all: true } });
  const count = (state: string) => rows.find((row) => row.state === state)?._count._all ?? 0;
  return { changed: count("changed"), missing: count("missing") };
}

/** Every file of the share not known to be replaced or deleted, in path order (the ZIP's entries). */
export async function listFilesForZip(linkId: string): Promise<ShareFile[]> {
  const rows = await db.shareLinkFile.findMany({ where: { linkId, state: null }, orderBy: { path: "asc" }, select: FILE_COLUMNS });
  return rows.map(toFile);
}

export async function markShareFile(linkId: string, path: string, state: "changed" | "missing" | null): Promise<void> {
  const differs = state === null ? { state: { not: null } } : { OR: [{ state: null }, { state: { not: state } }] };
  await db.shareLinkFile.updateMany({ where: { linkId, path, ...differs }, data: { state } });
}
