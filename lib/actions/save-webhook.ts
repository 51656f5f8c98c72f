"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { can } from "@/lib/auth/permissions";
import { WEBHOOKS_NOT_YOURS } from "@/lib/webhooks/settings";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { webhookUrlSchema } from "@/lib/validation/webhook";
import { saveWebhookUrl } from "@/lib/webhooks/settings";
import { webhookPolicyFor } from "@/lib/webhooks/policy";
import { resolvedTargetProblem } from "@/lib/webhooks/target";
import { recordAuditAfter } from "@/lib/audit/record";

export type WebhookSecretData = { secret: string };

/**
 * Settings → "Webhook URL": the caller's own webhook. A URL that is not plain http(s) is refused at the
 * field and nothing is saved; so is one the caller's webhook may not reach (lib/webhooks/target.ts): for
 * the Owner a link-local or cloud metadata address (unless WEBHOOK_ALLOW_PRIVATE=true), for everyone
 * else any address that is not public, the URL's host name resolved now (and again at every delivery).
 * The first save, and a save with another URL, make a signing secret and answer with it: the only time
 * it leaves the server.
 */
export const saveWebhookAction = signedInAction<typeof webhookUrlSchema, WebhookSecretData>("saveWebhook", webhookUrlSchema, async ({ webhookUrl }, user) => {
  if (!can(user, "webhooks.own")) throw new AppError("forbidden", WEBHOOKS_NOT_YOURS);
  const blocked = await resolvedTargetProblem(webhookUrl, webhookPolicyFor(user));
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
