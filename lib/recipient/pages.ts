import "server-only";
import { filePage, passwordPage, titleCardPage, type FilePreview, type FileView, type OpenGraph } from "@/lib/recipient/html/templates";
import { formatBytes } from "@/lib/format";
import { formatExpiryDate } from "@/lib/links/expiry";
import { openedType } from "@/lib/links/served-type";
import { showFilesPage } from "@/lib/recipient/files-page";
import { shareTitle } from "@/lib/recipient/share-paths";
import { relativeTime } from "@/lib/links/status";
import { log } from "@/lib/log";
import type { RecipientContext } from "@/lib/recipient/handler";
import type { RecipientLink, Refusal } from "@/lib/recipient/link";
import { readTextPreview } from "@/lib/recipient/object";
import { htmlResponse } from "@/lib/recipient/respond";
import { previewPlan, type PreviewPlan } from "@/lib/storage/preview";

/** The recipient page (GET /s/<token>) and what every route shows instead of it. */

/** The type the owner set, else the stored one; what the preview rules (lib/storage/preview.ts) judge. */
export function shownContentType(link: Pick<RecipientLink, "contentTypeOverride" | "objectContentType">): string | null {
  return link.contentTypeOverride ?? link.objectContentType;
}

/**
 * The preview the page offers and /preview serves. A preview is never counted, so a link with a
 * download limit previews nothing (every kind hands over the whole file, text up to 32 KB included):
 * the page says "Download to view" instead.
 */
export function offeredPreview(
  link: Pick<RecipientLink, "key" | "contentTypeOverride" | "objectContentType" | "downloadLimit">,
): PreviewPlan | { kind: "downloadToView" } {
  const plan = previewPlan(link.key, shownContentType(link));
  if (plan && link.downloadLimit !== null) return { kind: "downloadToView" };
  return plan;
}

/** Open Graph for link-preview agents: the file name, or a neutral title when the link has a password or cannot be used. */
export function titleCard(link: RecipientLink, refusal: Refusal | null): OpenGraph {
  if (refusal) return { title: "Shared file (unavailable)", description: "This link can no longer be used." };
  if (link.passwordHash) return { title: "Shared file (password protected)", description: "Open the link and enter the password to see the file." };
  if (link.target === "files") {
    return {
      title: shareTitle(link),
      description: `${link.fileCount ?? 0} files, ${formatBytes(link.objectSize)} · shared by ${link.ownerName} with Bucketshare`,
    };
  }
  return { title: link.fileName, description: `${formatBytes(link.objectSize)} · shared by ${link.ownerName} with Bucketshare` };
}

export function titleCardResponse(link: RecipientLink, refusal: Refusal | null, head: boolean): Response {
  return htmlResponse(titleCardPage(titleCard(link, refusal)), 200, { head });
}

export function passwordResponse(context: Pick<RecipientContext, "token" | "link" | "isHead">, error?: string, status = 401): Response {
  return htmlResponse(passwordPage({ token: context.token, error, several: context.link.target === "files" }), status, { head: context.isHead });
}

async function preview(context: RecipientContext): Promise<FilePreview> {
  const { link, token } = context;
  const plan = offeredPreview(link);
  if (!plan) return null;
  if (plan.kind === "downloadToView") return plan;
  const src = `/s/${token}/preview`;
  if (plan.kind === "pdf") return { kind: "pdf", href: src };
  if (plan.kind !== "text") return { kind: plan.kind, src };
  if (context.isHead) return null;
  try {
    return { kind: "text", ...(await readTextPreview(link)) };
  } catch (error) {
    log.info("recipient.text_preview_failed", { linkId: link.id, error });
    return null;
  }
}

/** GET /s/<token>, once withRecipientLink granted access (the object's mark was looked at again). */
export async function showRecipientPage(context: RecipientContext): Promise<Response> {
  const { link, now, isHead } = context;
  if (link.target === "files") return showFilesPage(context);
  const view: FileView = {
    token: context.token,
    fileName: link.fileName,
    size: formatBytes(link.objectSize),
    type: shownContentType(link) || "Unknown",
    ownerName: link.ownerName,
    expires: link.neverExpires
      ? { never: true }
      : { never: false, exact: formatExpiryDate(link.expiresAt), relative: relativeTime(link.expiresAt, now), iso: link.expiresAt.toISOString() },
    downloadsLeft: link.downloadLimit === null ? null : Math.max(0, link.downloadLimit - link.downloadCount),
    downloadByPost: link.downloadLimit !== null,
    openable: openedType(link) !== null,
    preview: await preview(context),
  };
  if (!isHead) context.log("page_view");
  // The storage origin is named only where an image, audio or video element loads through /preview's redirect.
  const kind = view.preview?.kind;
  const loadsFromStorage = kind === "image" || kind === "audio" || kind === "video";
  return htmlResponse(filePage(view), 200, {
    storageOrigins: loadsFromStorage ? context.storageOrigins : [],
    formOrigins: view.downloadByPost ? context.storageOrigins : [],
    head: isHead,
  });
}
