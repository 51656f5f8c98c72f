import "server-only";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { countDownload } from "@/lib/recipient/count";
import { filePreviewPlan } from "@/lib/recipient/files-page";
import { getShareFile, markShareFile, type ShareFile } from "@/lib/recipient/files";
import type { RecipientContext } from "@/lib/recipient/handler";
import { linkRefusal } from "@/lib/recipient/link";
import { checkObjectPin, presignFileDownload, presignFilePreview, sharedObjectOf } from "@/lib/recipient/object";
import { plainPage, redirectResponse } from "@/lib/recipient/respond";

/**
 * One file of a multi-file share: GET /s/<token>/download?path=… and /preview?path=…, after the
 * link's checks (done by the caller, as for single files). The path is looked up in the share's
 * snapshot (share_link_files); a key is never taken from the client. The file must still be the
 * snapshot's (HeadObject: ETag or version), else it is marked and refused; a download is counted
 * (the log names the file) and answered with a 302 to a URL that lives 60 s.
 */

async function requestedFile(context: RecipientContext): Promise<ShareFile | null> {
  const path = new URL(context.request.url).searchParams.get("path");
  return path ? getShareFile(context.link.id, path) : null;
}

/** Null when the file is still as shared (a stale mark is cleared), else the refusal (marked, logged). */
async function snapshotRefusal(context: RecipientContext, file: ShareFile): Promise<Response | null> {
  const { link } = context;
  let decision;
  try {
    decision = await checkObjectPin(link, sharedObjectOf(file));
  } catch (error) {
    log.warn("recipient.pin_check_failed", { linkId: link.id, error });
    return plainPage("unavailable");
  }
  const state = decision.ok ? null : decision.state;
  if (state !== file.state) {
    await markShareFile(link.id, file.path, state).catch((error: unknown) => log.error("recipient.object_state_not_saved", { linkId: link.id, error }));
  }
  if (!state) return null;
  context.log("refused", state, file.path);
  return plainPage(state);
}

export async function serveShareFile(context: RecipientContext): Promise<Response> {
  const { link } = context;
  const file = await requestedFile(context);
  if (!file) return plainPage("unknownFile");
  const refused = await snapshotRefusal(context, file);
  if (refused) return refused;
  const url = await presignFileDownload(link, file, context.now);
  const counted = await countDownload({ linkId: link.id, clientAddress: context.loggedAddress, userAgent: context.userAgent, filePath: file.path });
  if (!counted) {
    const current = await db.shareLink.findUnique({
      where: { id: link.id },
      select: { revokedAt: true, expiresAt: true, neverExpires: true, downloadLimit: true, downloadCount: true },
    });
    const reason = current ? (linkRefusal({ ...link, ...current }, new Date(), true) ?? "limit") : "revoked";
    context.log("refused", reason, file.path);
    return plainPage(reason);
  }
  return redirectResponse(url, 302);
}

export async function serveShareFilePreview(context: RecipientContext): Promise<Response> {
  const { link, isHead } = context;
  const file = await requestedFile(context);
  if (!file) return plainPage("unknownFile", { head: isHead });
  const plan = filePreviewPlan(link, file);
  if (!plan) return plainPage("noPreview", { head: isHead });
  const refused = await snapshotRefusal(context, file);
  if (refused) return refused;
  const type = plan.kind === "text" ? "text/plain; charset=utf-8" : plan.responseContentType;
  return redirectResponse(await presignFilePreview(link, file, type, context.now), 302);
}
