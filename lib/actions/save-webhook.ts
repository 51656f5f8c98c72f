"use server";

import { signedInAction } from "@/lib/actions/safe-action";
import { log } from "@/lib/log";
import { webhookUrlSchema } from "@/lib/validation/webhook";
import { saveWebhookUrl } from "@/lib/webhooks/settings";

export type WebhookSecretData = { secret: string };

/**
 * Settings → "Webhook URL". A URL that is not plain http(s) is refused at the field and nothing is
 * saved. The first save makes the signing secret and answers with it: the only time it leaves the
 * server.
 */
export const saveWebhookAction = signedInAction<typeof webhookUrlSchema, WebhookSecretData>(
  "saveWebhook",
  webhookUrlSchema,
  async ({ webhookUrl }, user) => {
    const { secret, changed } = await saveWebhookUrl(user.id, webhookUrl);
    log.info("webhook.saved", { userId: user.id, newSecret: Boolean(secret), changed });
    return secret
      ? { message: "Webhook saved. Copy the signing secret now: it is shown only this once.", data: { secret }, revalidate: ["/settings"] }
      : { message: "Webhook URL saved. The signing secret is unchanged.", revalidate: ["/settings"] };
  },
);
