import "server-only";
import type { Actor } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { checkLinkNow, type HealthDetail } from "@/lib/health/checker";
import { HEALTH_LABELS, type HealthOutcome } from "@/lib/health/outcome";
import { getManageableLinkOrThrow } from "@/lib/links/history";
import { spendBudget } from "@/lib/limits/budget";

/** Check now makes HeadObjects on the team's storage: at most this many per person per minute (across instances). */
export const CHECK_NOW_PER_MINUTE = 20;

/**
 * "Check now" (the history row's menu and /links/<id>): whoever may act on the link (canManageLink)
 * checks it at once; the outcome is recorded like a scheduled check's and said in words. A person gets
 * CHECK_NOW_PER_MINUTE of them a minute (the scheduled checks go on regardless).
 */
export async function checkLinkHealthNow(
  actor: Actor,
  id: string,
  now = new Date(),
): Promise<{ outcome: HealthOutcome | null; detail: HealthDetail | null; message: string }> {
  const link = await getManageableLinkOrThrow(actor, id);
  const refuse = (message: string) => new AppError("invalid", `${message} Nothing was checked.`, { reason: "link_not_usable" });
  if (link.target === "request") throw refuse("An upload request has no shared object to check.");
  if (link.revokedAt) throw refuse("This link was revoked and no longer works.");
  if (link.expiresAt.getTime() <= now.getTime()) throw refuse("This link has expired and no longer works.");
  if (!link.connectionId) throw refuse("This link's connection was deleted.");
  const budget = await spendBudget(`check-now:${actor.id}`, CHECK_NOW_PER_MINUTE, 60_000);
  if (!budget.ok)
    throw new AppError(
      "rate_limited",
      `You checked ${CHECK_NOW_PER_MINUTE} links in the last minute. Try again in ${budget.retryInSeconds} seconds; the scheduled checks go on meanwhile.`,
      { reason: "rate_limited" },
    );
  const result = await checkLinkNow(link.id, now);
  if (!result) throw refuse("This link has nothing left to check.");
  if (result.outcome === null)
    return { outcome: null, detail: result.detail, message: "Storage asked to slow down: no answer this time. Try again in a minute." };
  const words = HEALTH_LABELS[result.outcome];
  const end = result.detail.trueEnd ? ` It stops working at ${result.detail.trueEnd}.` : "";
  return { outcome: result.outcome, detail: result.detail, message: result.outcome === "ok" ? "Checked: OK." : `Checked: ${words}.${end}` };
}
