import type { ReactNode } from "react";
import { WebhookDeliveries } from "@/components/settings/webhook-deliveries";
import { WebhookForm } from "@/components/settings/webhook-form";
import type { WebhookOverview } from "@/lib/webhooks/settings";

/**
 * Settings → Notifications: the person's own webhook and its recent deliveries. `publicOnly`: theirs may
 * reach public addresses only (everyone's but the Owner's), and it receives the links they issued.
 */
export function WebhookSection({
  overview,
  now,
  publicOnly,
  children,
}: {
  overview: WebhookOverview;
  now: Date;
  publicOnly: boolean;
  /** What the person hears about (Settings → Notifications' choices), above the webhook. */
  children?: ReactNode;
}) {
  return (
    <section aria-labelledby="notifications-heading" className="space-y-4">
      <div className="space-y-1">
        <h2 id="notifications-heading" className="text-lg font-semibold">
          Notifications
        </h2>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {publicOnly
            ? "Your webhook tells another service each time a managed link you issued is downloaded. It must be a public address."
            : "A webhook tells another service each time a managed link of your team is downloaded."}{" "}
          Downloads never wait for it: events are queued and retried.
        </p>
      </div>
      {children}
      <WebhookForm url={overview.url} />
      {overview.url || overview.deliveries.length > 0 ? <WebhookDeliveries deliveries={overview.deliveries} now={now} /> : null}
    </section>
  );
}
