import "server-only";
import { filesPage, type FileRowView } from "@/lib/recipient/html/files-template";
import { formatBytes } from "@/lib/format";
import { baseName } from "@/lib/links/content-disposition";
import { formatExpiryDate } from "@/lib/links/expiry";
import { openedFileType } from "@/lib/links/served-type";
import { relativeTime } from "@/lib/links/status";
import { countMarkedFiles, listShareFolder, normalizeFolder, MAX_PATH_LENGTH, type ShareFile } from "@/lib/recipient/files";
import type { RecipientContext } from "@/lib/recipient/handler";
import { htmlResponse, plainPage } from "@/lib/recipient/respond";
import { shareTitle } from "@/lib/recipient/share-paths";
import { previewPlan } from "@/lib/storage/preview";

/**
 * GET /s/<token> of a multi-file share: one folder (?dir=a/b/), a name filter (?q=), pages of 100
 * (?after=<last path shown>). The files' marks ("changed", "missing") are those earlier downloads
 * found; a share whose every file is gone says so instead of listing them.
 */

const MAX_QUERY_LENGTH = 200;

export { shareTitle } from "@/lib/recipient/share-paths";

/**
 * The preview a file of the share offers (a 60 s URL with a forced passive type). A preview is not
 * counted, so a share with a download limit previews nothing (as for single files): every file
 * must be downloaded.
 */
export function filePreviewPlan(link: { downloadLimit: number | null }, file: ShareFile) {
  if (link.downloadLimit !== null) return null;
  return previewPlan(file.key, file.contentType);
}

function rowView(link: { downloadLimit: number | null }, file: ShareFile): FileRowView {
  const plan = filePreviewPlan(link, file);
  return {
    path: file.path,
    name: baseName(file.path),
    size: formatBytes(file.size),
    type: file.contentType || "Unknown",
    state: file.state,
    previewable: plan !== null,
    openable: openedFileType(file) !== null,
  };
}

export async function showFilesPage(context: RecipientContext): Promise<Response> {
  const { link, now, isHead } = context;
  const params = new URL(context.request.url).searchParams;
  const dir = normalizeFolder((params.get("dir") ?? "").slice(0, MAX_PATH_LENGTH));
  const query = (params.get("q") ?? "").slice(0, MAX_QUERY_LENGTH).trim();
  const after = (params.get("after") ?? "").slice(0, MAX_PATH_LENGTH) || null;
  const fileCount = link.fileCount ?? 0;
  const marked = await countMarkedFiles(link.id);
  if (fileCount > 0 && marked.changed + marked.missing >= fileCount) {
    if (!isHead) context.log("refused", "missing");
    return plainPage("allGone", { head: isHead });
  }
  const page = await listShareFolder(link.id, { dir, query, after });
  if (!isHead) context.log("page_view");
  return htmlResponse(
    filesPage({
      token: context.token,
      title: shareTitle(link),
      ownerName: link.ownerName,
      fileCount,
      totalSize: formatBytes(link.objectSize),
      expires: link.neverExpires
        ? { never: true }
        : { never: false, exact: formatExpiryDate(link.expiresAt), relative: relativeTime(link.expiresAt, now), iso: link.expiresAt.toISOString() },
      downloadsLeft: link.downloadLimit === null ? null : Math.max(0, link.downloadLimit - link.downloadCount),
      zipAllowed: link.zipAllowed,
      downloadByPost: link.downloadLimit !== null,
      marked,
      dir,
      query,
      folders: page.folders,
      files: page.files.map((file) => rowView(link, file)),
      nextAfter: page.nextAfter,
      firstPage: after === null,
    }),
    200,
    // The per-file Download buttons' POSTs are redirected to storage (the ZIP is served from here).
    { head: isHead, formOrigins: link.downloadLimit !== null ? context.storageOrigins : [] },
  );
}
