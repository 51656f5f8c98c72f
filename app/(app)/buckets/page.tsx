import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { ConnectionBuckets } from "@/components/browser/connection-buckets";
import { ListingSkeleton } from "@/components/browser/listing-skeleton";
import { buttonClass } from "@/components/ui/button";
import { can } from "@/lib/auth/permissions";
import { requireUser } from "@/lib/auth/session";
import { listConnections, openConnection } from "@/lib/storage/connections";
import { loadBuckets } from "@/lib/storage/listing";
import { getProvider } from "@/lib/storage/provider-presets";

export const metadata: Metadata = { title: "Buckets" };

export default async function BucketsPage() {
  const user = await requireUser();
  const connections = await listConnections(user);
  const manage = can(user, "connections.manage");
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Buckets</h1>
      {connections.length === 0 ? (
        <div className="space-y-3 rounded-lg border border-dashed border-zinc-300 p-6 text-center dark:border-zinc-700">
          {manage ? (
            <>
              <p className="text-sm text-zinc-600 dark:text-zinc-400">Connect your storage to browse its buckets here.</p>
              <Link href="/settings/connections/new" className={buttonClass("primary")}>
                Add connection
              </Link>
            </>
          ) : (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">You have no access to any storage yet. Ask an Admin of your team to grant you some.</p>
          )}
        </div>
      ) : (
        connections.map((connection) => (
          <section key={connection.id} aria-labelledby={`conn-${connection.id}`} className="space-y-2">
            <h2 id={`conn-${connection.id}`} className="flex items-baseline gap-2 text-lg font-semibold">
              {connection.name}
              {manage ? <span className="text-sm font-normal text-muted">{getProvider(connection.provider).label}</span> : null}
            </h2>
            <Suspense fallback={<ListingSkeleton rows={3} />}>
              <ConnectionBuckets
                connectionId={connection.id}
                manageConnection={manage}
                buckets={openConnection(user, connection.id).then((open) => loadBuckets(open!))}
              />
            </Suspense>
          </section>
        ))
      )}
    </div>
  );
}
