import { RelativeTime } from "@/components/ui/relative-time";
import type { DeliveryView } from "@/lib/webhooks/settings";

const EVENT_LABELS: Record<string, string> = {
  "link.downloaded": "Download",
  "link.password_locked": "Link locked (wrong passwords)",
  "webhook.test": "Test event",
};

function StatusCell({ delivery, now }: { delivery: DeliveryView; now: Date }) {
  switch (delivery.state) {
    case "delivered":
      return <span className="font-medium text-emerald-700 dark:text-emerald-400">Delivered</span>;
    case "failed":
      return <span className="font-medium text-red-700 dark:text-red-400">Failed</span>;
    case "queued":
      return <span>Sending</span>;
    case "retrying":
      return (
        <span className="text-amber-800 dark:text-amber-300">
          Retrying {delivery.nextAttemptAt ? <RelativeTime date={delivery.nextAttemptAt} now={now} /> : "soon"}
        </span>
      );
  }
}

function lastResponse(delivery: DeliveryView): string {
  if (delivery.lastError) return delivery.lastError;
  if (delivery.lastStatus !== null) return `HTTP ${delivery.lastStatus}`;
  return "—";
}

/** The owner's last deliveries, failures included, newest first. */
export function WebhookDeliveries({ deliveries, now }: { deliveries: DeliveryView[]; now: Date }) {
  const failing = deliveries.filter((d) => d.state === "failed" || d.state === "retrying").length;
  return (
    <section aria-labelledby="webhook-deliveries-heading" className="space-y-2">
      <h3 id="webhook-deliveries-heading" className="text-base font-semibold">
        Recent deliveries
      </h3>
      {deliveries.length === 0 ? (
        <p className="text-sm text-muted">No events sent yet. Downloads of managed links appear here.</p>
      ) : (
        <>
          {failing > 0 ? (
            <p className="text-sm text-amber-800 dark:text-amber-300">
              {failing} of the last {deliveries.length} {deliveries.length === 1 ? "delivery has" : "deliveries have"} not arrived.
            </p>
          ) : null}
          <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
            <table className="w-full text-left text-sm">
              <thead className="bg-zinc-50 text-xs uppercase text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Event
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Created
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Status
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Attempts
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Last response
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
                {deliveries.map((d) => (
                  <tr key={d.id}>
                    <td className="px-3 py-2">
                      {EVENT_LABELS[d.event] ?? d.event} <span className="text-xs text-muted">#{d.id}</span>
                    </td>
                    <td className="whitespace-nowrap px-3 py-2">
                      <RelativeTime date={d.createdAt} now={now} layout="stacked" />
                    </td>
                    <td className="whitespace-nowrap px-3 py-2">
                      <StatusCell delivery={d} now={now} />
                    </td>
                    <td className="px-3 py-2 tabular-nums">{d.attempts}</td>
                    <td className="max-w-xs break-words px-3 py-2">{lastResponse(d)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
