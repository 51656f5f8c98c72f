import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { ConnectionList } from "@/components/connections/connection-list";
import { SettingsShell } from "@/components/settings/settings-shell";
import { notFound } from "next/navigation";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { listConnectionsWithLinkCounts } from "@/lib/storage/connections";
import { lifecycleOfConnection } from "@/lib/uploads/lifecycle";
import { listStorageEventsSettings, storageEventsUrl } from "@/lib/storage-events/settings";

export const metadata: Metadata = { title: "Connections · Settings" };

export default async function ConnectionsSettingsPage({ searchParams }: { searchParams: Promise<{ saved?: string; deleted?: string }> }) {
  const user = await requireUser();
  // Endpoints, keys and settings: only for those who may manage connections.
  if (!can(user, "connections.manage")) notFound();
  const [connections, params, events] = await Promise.all([listConnectionsWithLinkCounts(user), searchParams, listStorageEventsSettings(user)]);
  const storageEvents = Object.fromEntries(
    await Promise.all(connections.map(async (c) => [c.id, { provider: events[c.id] ?? null, hookUrl: await storageEventsUrl(c.id) }] as const)),
  );
  // Storage calls, not awaited here: each connection's row streams its buckets' lifecycle rules in when they are known.
  const lifecycle = Object.fromEntries(connections.map((c) => [c.id, lifecycleOfConnection(user, c.id)]));
  return (
    <SettingsShell current="connections" actor={user}>
      <section aria-labelledby="connections-heading" className="space-y-4">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <div>
            <h2 id="connections-heading" className="text-lg font-semibold">
              Connections
            </h2>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">S3-compatible storage accounts Bucketshare can browse and share from.</p>
          </div>
          <Link href="/settings/connections/new" className={buttonClass("primary")}>
            Add connection
          </Link>
        </div>
        <div role="status" aria-live="polite">
          {params.saved ? <Alert tone="success">Connection saved.</Alert> : params.deleted ? <Alert tone="success">Connection deleted.</Alert> : null}
        </div>
        <ConnectionList connections={connections} lifecycle={lifecycle} storageEvents={storageEvents} />
      </section>
    </SettingsShell>
  );
}
