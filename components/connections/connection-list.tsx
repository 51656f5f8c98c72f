import Link from "next/link";
import { Suspense } from "react";
import { ConnectionLifecycleSkeleton, ConnectionLifecycleStatus } from "@/components/connections/connection-lifecycle";
import { DeleteConnectionButton } from "@/components/connections/delete-connection-button";
import { StorageEvents } from "@/components/connections/storage-events";
import { buttonClass } from "@/components/ui/button";
import { getProvider } from "@/lib/storage/provider-presets";
import type { ConnectionLifecycle } from "@/lib/uploads/lifecycle";

type Item = {
  id: string;
  name: string;
  provider: string;
  endpoint: string;
  region: string;
  accessKeyId: string;
  fromEnv: boolean;
  forcePathStyle: boolean;
  linkCount: number;
  buckets: string[];
};

/** Per connection id: its storage events provider (null = off) and hook URL (shown to those who may manage connections). */
export type StorageEventsByConnection = Record<string, { provider: "minio" | "b2" | null; hookUrl: string }>;

/**
 * `lifecycle`: per connection id, the check of its buckets' lifecycle rules, streamed into each row.
 * `storageEvents`: per connection id, its "Storage events" section.
 */
export function ConnectionList({
  connections,
  lifecycle = {},
  storageEvents = {},
}: {
  connections: Item[];
  lifecycle?: Record<string, Promise<ConnectionLifecycle>>;
  storageEvents?: StorageEventsByConnection;
}) {
  if (connections.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
        No connections yet. Add one with the endpoint and keys of your storage provider.
      </p>
    );
  }
  return (
    <ul className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
      {connections.map((c) => {
        const check = lifecycle[c.id];
        return (
          <li key={c.id} className="flex flex-wrap items-center gap-3 p-4">
            <div className="min-w-0 flex-1 space-y-0.5">
              <p className="flex items-center gap-2 font-medium">
                {c.name}
                {c.fromEnv ? (
                  <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs font-normal text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">
                    From environment (read-only)
                  </span>
                ) : null}
              </p>
              <p className="truncate text-sm text-zinc-600 dark:text-zinc-400">
                {getProvider(c.provider).label} · {c.endpoint} · {c.region} · {c.forcePathStyle ? "path-style" : "virtual-hosted"}
              </p>
              <p className="truncate text-xs text-muted">
                Key {c.accessKeyId}
                {c.buckets.length ? ` · buckets: ${c.buckets.join(", ")}` : ""} · {c.linkCount} link{c.linkCount === 1 ? "" : "s"} issued
              </p>
            </div>
            {c.fromEnv ? null : (
              <div className="flex gap-1">
                <Link href={`/settings/connections/${c.id}`} className={buttonClass("secondary")} aria-label={`Edit ${c.name}`}>
                  Edit
                </Link>
                <DeleteConnectionButton id={c.id} name={c.name} linkCount={c.linkCount} />
              </div>
            )}
            {check ? (
              <section aria-labelledby={`lifecycle-${c.id}`} className="basis-full space-y-1 rounded-md bg-zinc-50 px-3 py-2 dark:bg-zinc-900/60">
                <h3 id={`lifecycle-${c.id}`} className="text-sm font-medium">
                  Clean-up of incomplete uploads <span className="sr-only">in {c.name}</span>
                </h3>
                <Suspense fallback={<ConnectionLifecycleSkeleton />}>
                  <ConnectionLifecycleStatus connectionId={c.id} lifecycle={check} />
                </Suspense>
              </section>
            ) : null}
            {storageEvents[c.id] ? (
              <section aria-labelledby={`events-${c.id}`} className="basis-full space-y-1 rounded-md bg-zinc-50 px-3 py-2 dark:bg-zinc-900/60">
                <h3 id={`events-${c.id}`} className="text-sm font-medium">
                  Storage events <span className="sr-only">in {c.name}</span>
                </h3>
                <StorageEvents
                  connectionId={c.id}
                  connectionName={c.name}
                  provider={storageEvents[c.id]!.provider}
                  hookUrl={storageEvents[c.id]!.hookUrl}
                  bucket={c.buckets[0] ?? null}
                />
              </section>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
