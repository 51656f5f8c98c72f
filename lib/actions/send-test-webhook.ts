"use server";

import { z } from "zod";
import { signedInAction } from "@/lib/actions/safe-action";
import { can } from "@/lib/auth/permissions";
import { WEBHOOKS_NOT_YOURS } from "@/lib/webhooks/settings";
import { AppError } from "@/lib/errors";
import { enqueueTestEvent } from "@/lib/webhooks/settings";
import { runDeliveryRound, waitForFirstAttempt } from "@/lib/webhooks/worker";

/**
 * Queues a "webhook.test" event and delivers it right away (bounded by the 5 s delivery timeout),
 * so the owner sees at once whether the receiver accepts it. A failed test is retried like any event.
 */
export const sendTestWebhookAction = signedInAction("sendTestWebhook", z.object({}), async (_input, user) => {
  if (!can(user, "webhooks.own")) throw new AppError("forbidden", WEBHOOKS_NOT_YOURS);
  const id = await enqueueTestEvent(user.id);
  if (id === null) throw new AppError("conflict", "There is no webhook to test: save a webhook URL first.");
  const { results } = await runDeliveryRound({ ids: [id], ownerId: user.id });
  // The job queue may have taken the row first (its job is queued with the row): wait for that attempt.
  const result = results[0] ?? (await waitForFirstAttempt(id));
  if (!result) return { message: "Test event queued: it is on its way (see Recent deliveries).", revalidate: ["/settings/notifications"] };
  if (result.state === "delivered") {
    return { message: `Test event delivered: the receiver answered HTTP ${result.outcome.status}.`, revalidate: ["/settings/notifications"] };
  }
  throw new AppError("unavailable", `Test event not delivered: ${result.outcome.error ?? "no answer"}. It stays queued and is tried again.`);
});
