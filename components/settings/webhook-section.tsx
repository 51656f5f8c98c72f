import { WebhookDeliveries } from "@/components/settings/webhook-deliveries";
import { WebhookForm } from "@/components/settings/webhook-form";
import type { WebhookOverview } from "@/lib/webhooks/settings";

/** Settings → Notifications: the webhook and its recent deliveries. */
export function WebhookSection({ overview, now }: { overview: WebhookOverview; now: Date }) {
  return (
    <section aria-labelledby="notifications-heading" className="space-y-4">
      <div className="space-y-1">
        <h2 id="notifications-heading" className="text-lg font-semibold">
          Notifications
        </h2>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          A webhook tells another service each time a managed link is downloaded. Downloads never wait for it: events are queued and retried.
        </p>
      </div>
      <WebhookForm url={overview.url} />
      {overview.url || overview.deliveries.length > 0 ? <WebhookDeliveries deliveries={overview.deliveries} now={now} /> : null}
    </section>
  );
}
