import "server-only";
import { requestUrl } from "@/lib/http/request-url";
import { serveShareFile, serveShareFilePreview } from "@/lib/recipient/file-download";
import type { RecipientContext } from "@/lib/recipient/handler";
import { presignDownload, presignPreview } from "@/lib/recipient/object";
import { asksToOpen } from "@/lib/recipient/policies";
import { offeredPreview } from "@/lib/recipient/pages";
import { plainPage, redirectResponse } from "@/lib/recipient/respond";

/**
 * /s/<token>/download, once withRecipientLink granted access (policy DOWNLOAD: the link's checks,
 * the password, the pin; on a link with a download limit only the button's POST gets here): the
 * conditional UPDATE counts and the answer is a 302 to a presigned URL that lives 60 s, saved as
 * an attachment whatever the link's disposition. With ?open=1 ("Open", offered only for an inline
 * link of a passive type) the URL shows the file inline instead; it hands over the whole file, so
 * it is counted the same way. Files of a multi-file share follow the same rule, file by file.
 */
export async function serveDownload(context: RecipientContext): Promise<Response> {
  const { link } = context;
  if (link.target === "files") return serveShareFile(context);
  const open = asksToOpen(requestUrl(context.request));
  // Presigning is local work: done before counting, so a counted download always gets its URL.
  const url = await presignDownload(link, context.now, open);
  if (!url) return plainPage("noPreview", context.request);
  const refused = await context.count();
  return refused ?? redirectResponse(url, 302);
}

/**
 * GET /s/<token>/preview, once withRecipientLink granted access (policy PREVIEW: checked as
 * strictly as a download, a marked object refused, a pinned one looked at; a link with a download
 * limit previews nothing): logged as a page view ("preview"), never counted, answered with a 302 to
 * a 60-second presigned URL that forces the passive type.
 */
export async function servePreview(context: RecipientContext): Promise<Response> {
  const { link } = context;
  if (link.target === "files") return serveShareFilePreview(context);
  const plan = offeredPreview(link);
  if (!plan || plan.kind === "text" || plan.kind === "downloadToView") return plainPage("noPreview", context.request);
  context.log("page_view", "preview");
  return redirectResponse(await presignPreview(link, plan.responseContentType, context.now), 302);
}
