import "server-only";
import type { PinDecision } from "@/lib/links/pin";
import { log } from "@/lib/log";
import { clearObjectState, markObjectState } from "@/lib/recipient/count";
import type { RecipientContext } from "@/lib/recipient/handler";
import { checkPin } from "@/lib/recipient/object";
import { plainPage } from "@/lib/recipient/respond";

/**
 * The pin check as a step of a request: null when the shared object is still the one that was
 * shared (a mark left by an earlier check is cleared), else the refusal page, with the link marked
 * "changed" or "missing" for the owner's history and the refusal logged. A storage fault is a 503
 * page ("cannot be reached right now"), nothing marked.
 */
export async function pinRefusal(
  context: Pick<RecipientContext, "request" | "link" | "isHead" | "log">,
  options: { trustMarkOnFault?: boolean } = {},
): Promise<Response | null> {
  const { link } = context;
  let decision: PinDecision;
  try {
    decision = await checkPin(link);
  } catch (error) {
    log.warn("recipient.pin_check_failed", { linkId: link.id, error });
    const mark = link.objectState;
    if (options.trustMarkOnFault && link.pinned && (mark === "changed" || mark === "missing")) {
      context.log("refused", mark);
      return plainPage(mark, context.request, { head: context.isHead });
    }
    return plainPage("unavailable", context.request, { head: context.isHead });
  }
  if (decision.ok) {
    if (link.objectState) {
      await clearObjectState(link.id).catch((error: unknown) => log.error("recipient.object_state_not_saved", { linkId: link.id, error }));
    }
    return null;
  }
  if (link.objectState !== decision.state) {
    await markObjectState(link.id, decision.state).catch((error: unknown) => log.error("recipient.object_state_not_saved", { linkId: link.id, error }));
  }
  if (!context.isHead) context.log("refused", decision.state);
  return plainPage(decision.state, context.request, { head: context.isHead });
}
