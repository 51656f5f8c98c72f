import "server-only";
import { describeFileType } from "@/lib/file-type";
import type { Translate } from "@/lib/i18n";
import { formatSize } from "@/lib/i18n/format";
import { filesPage, type FileRowView } from "@/lib/recipient/html/files-template";
import { baseName } from "@/lib/links/content-disposition";
import { openedFileType } from "@/lib/links/served-type";
import { countMarkedFiles, listShareFolder, normalizeFolder, MAX_PATH_LENGTH, type ShareFile } from "@/lib/recipient/files";
import type { RecipientContext } from "@/lib/recipient/handler";
import { expiryView, recipientPageContext } from "@/lib/recipient/page-context";
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

function rowView(t: Translate, link: { downloadLimit: number | null }, file: ShareFile): FileRowView {
  const plan = filePreviewPlan(link, file);
  const name = baseName(file.path);
  const type = describeFileType(name, file.contentType);
  return {
    path: file.path,
    name,
    size: formatSize(file.size, t),
    type: t(type.message, type.values),
    icon: type.icon,
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
    return plainPage("allGone", context.request, { head: isHead });
  }
  const page = await listShareFolder(link.id, { dir, query, after });
  if (!isHead) context.log("page_view");
  const pageContext = await recipientPageContext(context.request);
  const { t } = pageContext;
  return htmlResponse(
    filesPage(pageContext, {
      token: context.token,
      title: shareTitle(link),
      ownerName: link.ownerName,
      fileCount,
      totalSize: formatSize(link.objectSize, t),
      expires: expiryView(t, link, now),
      downloadsLeft: link.downloadLimit === null ? null : Math.max(0, link.downloadLimit - link.downloadCount),
      zipAllowed: link.zipAllowed,
      downloadByPost: link.downloadLimit !== null,
      marked,
      dir,
      query,
      folders: page.folders,
      files: page.files.map((file) => rowView(t, link, file)),
      nextAfter: page.nextAfter,
      firstPage: after === null,
    }),
    200,
    // The per-file Download buttons' POSTs are redirected to storage (the ZIP is served from here).
    { page: pageContext, head: isHead, formOrigins: link.downloadLimit !== null ? context.storageOrigins : [] },
  );
}
