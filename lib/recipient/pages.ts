import "server-only";
import { humanType, describeFileType } from "@/lib/file-type";
import type { MessageKey, MessageValues, Translate } from "@/lib/i18n";
import { formatSize } from "@/lib/i18n/format";
import { filePage, passwordPage, titleCardPage, type FilePreview, type FileView, type OpenGraph } from "@/lib/recipient/html/templates";
import { openedType } from "@/lib/links/served-type";
import { showFilesPage } from "@/lib/recipient/files-page";
import { shareTitle } from "@/lib/recipient/share-paths";
import { log } from "@/lib/log";
import type { RecipientContext } from "@/lib/recipient/handler";
import type { RecipientLink, Refusal } from "@/lib/recipient/link";
import { readTextPreview } from "@/lib/recipient/object";
import { expiryView, recipientPageContext } from "@/lib/recipient/page-context";
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
export function titleCard(t: Translate, link: RecipientLink, refusal: Refusal | null): OpenGraph {
  if (refusal) return { title: t("card.unavailableTitle"), description: t("card.unavailable") };
  if (link.passwordHash) return { title: t("card.protectedTitle"), description: t("card.protected") };
  const size = formatSize(link.objectSize, t);
  if (link.target === "files") {
    return { title: shareTitle(link), description: t("card.files", { count: link.fileCount ?? 0, size, name: link.ownerName }) };
  }
  return { title: link.fileName, description: t("card.file", { size, name: link.ownerName }) };
}

export async function titleCardResponse(request: Request, link: RecipientLink, refusal: Refusal | null, head: boolean): Promise<Response> {
  const page = await recipientPageContext(request);
  return htmlResponse(titleCardPage(page, titleCard(page.t, link, refusal)), 200, { page, head });
}

/** A message of the password form, said in the visitor's language. */
export type PasswordError = { key: MessageKey; values?: MessageValues };

export async function passwordResponse(
  context: Pick<RecipientContext, "request" | "token" | "link" | "isHead">,
  error?: PasswordError,
  status = 401,
): Promise<Response> {
  const page = await recipientPageContext(context.request);
  const view = { token: context.token, error: error && page.t(error.key, error.values), several: context.link.target === "files" };
  return htmlResponse(passwordPage(page, view), status, { page, head: context.isHead });
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
  const page = await recipientPageContext(context.request);
  const { t } = page;
  const shownType = shownContentType(link);
  const view: FileView = {
    token: context.token,
    fileName: link.fileName,
    size: formatSize(link.objectSize, t),
    type: humanType(t, link.fileName, shownType),
    icon: describeFileType(link.fileName, shownType).icon,
    ownerName: link.ownerName,
    expires: expiryView(t, link, now),
    downloadsLeft: link.downloadLimit === null ? null : Math.max(0, link.downloadLimit - link.downloadCount),
    downloadByPost: link.downloadLimit !== null,
    openable: openedType(link) !== null,
    preview: await preview(context),
  };
  if (!isHead) context.log("page_view");
  // The storage origin is named only where an image, audio or video element loads through /preview's redirect.
  const kind = view.preview?.kind;
  const loadsFromStorage = kind === "image" || kind === "audio" || kind === "video";
  return htmlResponse(filePage(page, view), 200, {
    page,
    storageOrigins: loadsFromStorage ? context.storageOrigins : [],
    formOrigins: view.downloadByPost ? context.storageOrigins : [],
    head: isHead,
  });
}
