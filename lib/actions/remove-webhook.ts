"use server";

import { z } from "zod";
import { signedInAction } from "@/lib/actions/safe-action";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { WEBHOOKS_NOT_YOURS } from "@/lib/webhooks/settings";
import { log } from "@/lib/log";
import { removeWebhook } from "@/lib/webhooks/settings";
import { recordAuditAfter } from "@/lib/audit/record";

/** Forgets the webhook URL and secret; deliveries still waiting are cancelled. */
export const removeWebhookAction = signedInAction("removeWebhook", z.object({}), async (_input, user) => {
  if (!can(user, "webhooks.own")) throw new AppError("forbidden", WEBHOOKS_NOT_YOURS);
  const { cancelled } = await removeWebhook(user.id);
  await recordAuditAfter({ actor: user, kind: "settings.changed", subject: "Webhook", details: { setting: "webhook", change: "removed" } });
  log.info("webhook.removed", { userId: user.id, cancelled });
  const waiting = cancelled === 0 ? "" : ` ${cancelled} waiting ${cancelled === 1 ? "delivery was" : "deliveries were"} cancelled.`;
  return { message: `Webhook removed: downloads no longer send events.${waiting}`, revalidate: ["/settings/notifications"] };
});
