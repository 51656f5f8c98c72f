import "server-only";
import { db } from "@/lib/db";
import { countDownload } from "@/lib/recipient/count";
import { serveShareFile, serveShareFilePreview } from "@/lib/recipient/file-download";
import type { RecipientContext } from "@/lib/recipient/handler";
import { linkRefusal, type Refusal } from "@/lib/recipient/link";
import { presignDownload, presignPreview } from "@/lib/recipient/object";
import { pinRefusal } from "@/lib/recipient/pin-check";
import { passwordResponse, shownContentType, titleCardResponse } from "@/lib/recipient/pages";
import { plainPage, redirectResponse } from "@/lib/recipient/respond";
import { previewPlan } from "@/lib/storage/preview";

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
 * opens. Same checks as the page (nothing counted; logged only when the file turns out changed: the
 * page view was logged), then a 302 to a 60-second presigned URL that forces the preview's passive
 * type. A link pinned by ETag is checked first, so a replaced object is never previewed (a version
 * pin needs no check: the URL names the version).
 */
export async function servePreview(context: RecipientContext): Promise<Response> {
  const { link } = context;
  if (context.agent.previewAgent) return plainPage("noPreview", { head: context.isHead });
  if (context.refusal) return plainPage(context.refusal, { head: context.isHead });
  if (!context.unlocked) return passwordResponse(context);
  if (link.target === "files") return serveShareFilePreview(context);
  const plan = previewPlan(link.key, shownContentType(link));
  if (!plan || plan.kind === "text") return plainPage("noPreview", { head: context.isHead });
  if (link.pinned && !link.objectVersionId && link.objectEtag) {
    const pinned = await pinRefusal(context);
    if (pinned) return pinned;
  }
  return redirectResponse(await presignPreview(link, plan.responseContentType, context.now), 302);
}
