"use server";

import { z } from "zod";
import { signedInAction } from "@/lib/actions/safe-action";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { WEBHOOKS_NOT_YOURS } from "@/lib/webhooks/settings";
import type { WebhookSecretData } from "@/lib/actions/save-webhook";
import { log } from "@/lib/log";
import { rotateWebhookSecret } from "@/lib/webhooks/settings";
import { recordAuditAfter } from "@/lib/audit/record";

/** Replaces the signing secret; the new one is shown once, the old one stops signing at once. */
export const rotateWebhookSecretAction = signedInAction<z.ZodObject, WebhookSecretData>("rotateWebhookSecret", z.object({}), async (_input, user) => {
  if (!can(user, "webhooks.own")) throw new AppError("forbidden", WEBHOOKS_NOT_YOURS);
  const secret = await rotateWebhookSecret(user.id);
  await recordAuditAfter({ actor: user, kind: "settings.changed", subject: "Webhook", details: { setting: "webhook", change: "new signing secret" } });
  log.info("webhook.secret_rotated", { userId: user.id });
  return {
    message: "New signing secret made: copy it now, it is shown only this once. Deliveries from now on are signed with it.",
    data: { secret },
    revalidate: ["/settings/notifications"],
  };
});
