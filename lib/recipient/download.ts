import "server-only";
import { db } from "@/lib/db/client";
import { countDownload } from "@/lib/recipient/count";
import { serveShareFile, serveShareFilePreview } from "@/lib/recipient/file-download";
import type { RecipientContext } from "@/lib/recipient/handler";
import { linkRefusal, type Refusal } from "@/lib/recipient/link";
import { presignDownload, presignPreview } from "@/lib/recipient/object";
import { pinRefusal } from "@/lib/recipient/pin-check";
import { offeredPreview, passwordResponse, titleCardResponse } from "@/lib/recipient/pages";
import { plainPage, redirectResponse } from "@/lib/recipient/respond";

/**
 * GET /s/<token>/download: the only request that counts. Order: preview agents and HEAD are
 * answered without a download; then network, revocation, expiry, limit; the password (unlock
 * cookie); the pin (HeadObject); then the conditional UPDATE counts (lib/recipient/count.ts) and
 * the answer is a 302 to a presigned URL that lives 60 s.
 */

export function refuse(context: RecipientContext, reason: Refusal): Response {
  context.log("refused", reason);
  return plainPage(reason);
}

export async function serveDownload(context: RecipientContext): Promise<Response> {
  const { link } = context;
  if (context.agent.previewAgent) {
    if (!context.isHead) context.log("page_view", "preview_agent");
    return titleCardResponse(context);
  }
  if (context.isHead) {
    // curl -I, link checkers: the status a GET would start from, no redirect, nothing counted.
    context.log("page_view", "head");
    if (context.refusal) return plainPage(context.refusal, { head: true });
    if (!context.unlocked) return passwordResponse(context);
    return plainPage("ready", { head: true });
  }
  if (context.refusal) return refuse(context, context.refusal);
  if (!context.unlocked) {
    context.log("refused", "password");
    return passwordResponse(context);
  }

  if (link.target === "files") return serveShareFile(context);
  const pinned = await pinRefusal(context);
  if (pinned) return pinned;

  // Presigning is local work: done before counting, so a counted download always gets its URL.
  const url = await presignDownload(link, context.now);
  const counted = await countDownload({ linkId: link.id, clientAddress: context.loggedAddress, userAgent: context.userAgent });
  if (!counted) {
    // Revoked, expired or at the limit since the look-up: say which.
    const current = await db.shareLink.findUnique({
      where: { id: link.id },
      select: { revokedAt: true, expiresAt: true, neverExpires: true, downloadLimit: true, downloadCount: true },
    });
    const reason = current ? (linkRefusal({ ...link, ...current }, new Date(), true) ?? "limit") : "revoked";
    return refuse(context, reason);
  }
  return redirectResponse(url, 302);
}

/**
 * GET /s/<token>/preview: what the page's image, audio and video elements load and its PDF link
 * opens, checked as strictly as a download except that nothing is counted: network, revocation,
 * expiry, the download limit, the password; a link marked changed/missing is refused (the page
 * looks again and clears a stale mark before it shows a preview), and a pinned link's object must
 * still be the shared one (HeadObject, version or ETag). A link with a download limit previews only
 * images (lib/recipient/pages.ts offeredPreview). Each preview is logged (page_view, reason
 * "preview"); the answer is a 302 to a 60-second presigned URL that forces the passive type.
 */
export async function servePreview(context: RecipientContext): Promise<Response> {
  const { link, isHead } = context;
  if (context.agent.previewAgent) return plainPage("noPreview", { head: isHead });
  if (context.refusal) {
    if (!isHead) context.log("refused", context.refusal);
    return plainPage(context.refusal, { head: isHead });
  }
  if (!context.unlocked) {
    if (!isHead) context.log("refused", "password");
    return passwordResponse(context);
  }
  if (link.target === "files") return serveShareFilePreview(context);
  const plan = offeredPreview(link);
  if (!plan || plan.kind === "text" || plan.kind === "downloadToView") return plainPage("noPreview", { head: isHead });
  if (link.objectState) {
    const state = link.objectState === "missing" ? "missing" : "changed";
    if (!isHead) context.log("refused", state);
    return plainPage(state, { head: isHead });
  }
  if (link.pinned) {
    const pinned = await pinRefusal(context);
    if (pinned) return pinned;
  }
  if (!isHead) context.log("page_view", "preview");
  return redirectResponse(await presignPreview(link, plan.responseContentType, context.now), 302);
}
