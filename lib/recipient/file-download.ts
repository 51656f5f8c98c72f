import "server-only";
import { requestUrl } from "@/lib/http/request-url";
import { filePreviewPlan } from "@/lib/recipient/files-page";
import type { RecipientContext } from "@/lib/recipient/handler";
import { presignFileDownload, presignFilePreview } from "@/lib/recipient/object";
import { asksToOpen } from "@/lib/recipient/policies";
import { plainPage, redirectResponse } from "@/lib/recipient/respond";

/**
 * One file of a multi-file share: /s/<token>/download?path=… and /preview?path=…. withRecipientLink
 * has looked the path up in the share's snapshot (a key is never taken from the client) and found
 * the file still as shared; a download is counted (the log names the file) and answered with a 302
 * to a URL that lives 60 s, saved as an attachment, or with ?open=1 ("Open", offered only for a passive
 * type) shown inline and counted the same way; a preview is logged like a page view.
 */

export async function serveShareFile(context: RecipientContext): Promise<Response> {
  const file = context.file;
  if (!file) return plainPage("unknownFile", context.request);
  const url = await presignFileDownload(context.link, file, context.now, asksToOpen(requestUrl(context.request)));
  if (!url) return plainPage("noPreview", context.request);
  const refused = await context.count();
  return refused ?? redirectResponse(url, 302);
}

export async function serveShareFilePreview(context: RecipientContext): Promise<Response> {
  const { link, file } = context;
  if (!file) return plainPage("unknownFile", context.request);
  const plan = filePreviewPlan(link, file);
  if (!plan) return plainPage("noPreview", context.request);
  context.log("page_view", "preview");
  const type = plan.kind === "text" ? "text/plain; charset=utf-8" : plan.responseContentType;
  return redirectResponse(await presignFilePreview(link, file, type, context.now), 302);
}
