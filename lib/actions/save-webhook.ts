"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { can } from "@/lib/auth/permissions";
import { WEBHOOKS_OWNER_ONLY } from "@/lib/webhooks/settings";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { webhookUrlSchema } from "@/lib/validation/webhook";
import { saveWebhookUrl } from "@/lib/webhooks/settings";
import { webhookTargetProblem } from "@/lib/webhooks/target";
import { recordAuditAfter } from "@/lib/audit/record";

export type WebhookSecretData = { secret: string };

/**
 * Settings → "Webhook URL". A URL that is not plain http(s), or that points at a link-local or cloud
 * metadata address (unless WEBHOOK_ALLOW_PRIVATE=true), is refused at the field and nothing is
 * saved. The first save, and a save with another URL, make a signing secret and answer with it: the
 * only time it leaves the server.
 */
export const saveWebhookAction = signedInAction<typeof webhookUrlSchema, WebhookSecretData>("saveWebhook", webhookUrlSchema, async ({ webhookUrl }, user) => {
  if (!can(user, "webhooks.manage")) throw new AppError("forbidden", WEBHOOKS_OWNER_ONLY);
  const blocked = webhookTargetProblem(webhookUrl, getEnv().WEBHOOK_ALLOW_PRIVATE);
  if (blocked) throw new AppError("invalid", blocked, { fieldErrors: { webhookUrl: [blocked] } });
  const { secret, changed, rotated } = await saveWebhookUrl(user.id, webhookUrl);
  await recordAuditAfter({
    actor: user,
    kind: "settings.changed",
    subject: "Webhook",
    details: { setting: "webhook", change: changed ? "url changed" : "saved" },
  });
  log.info("webhook.saved", { userId: user.id, newSecret: Boolean(secret), changed, rotated });
  if (secret && rotated) {
    return {
      message: "Webhook URL changed, with a new signing secret (the old one signs nothing any more). Copy it now: it is shown only this once.",
      data: { secret },
      revalidate: ["/settings/notifications"],
    };
  }
  return secret
    ? { message: "Webhook saved. Copy the signing secret now: it is shown only this once.", data: { secret }, revalidate: ["/settings/notifications"] }
    : { message: "Webhook URL saved. The signing secret is unchanged.", revalidate: ["/settings/notifications"] };
});
