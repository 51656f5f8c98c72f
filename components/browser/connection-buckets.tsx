import Link from "next/link";
import { FileIcon } from "@/components/browser/file-icon";
import { StorageErrorPanel } from "@/components/browser/storage-error-panel";
import { folderHref } from "@/lib/paths";
import type { BucketEntry, Loaded } from "@/lib/storage/listing";

/** The buckets of one connection, or what went wrong reaching it. */
export async function ConnectionBuckets({
  connectionId,
  buckets,
  manageConnection,
}: {
  connectionId: string;
  buckets: Promise<Loaded<BucketEntry[]>>;
  /** May open the connection's settings (the storage error's "Edit connection"). */
  manageConnection: boolean;
}) {
  const result = await buckets;
  if (!result.ok) return <StorageErrorPanel info={result.error} connectionId={manageConnection ? connectionId : undefined} retryHref="/buckets" />;
  if (result.value.length === 0) {
    return (
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        These credentials see no buckets. List bucket names in the connection if the key may not list them.
      </p>
    );
  }
  return (
    <ul className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
      {result.value.map((bucket) => (
        <li key={bucket.name}>
          <Link
            href={folderHref(connectionId, bucket.name)}
            className="flex items-center gap-2 rounded-lg border border-zinc-200 p-3 hover:border-sky-400 hover:bg-sky-50 dark:border-zinc-800 dark:hover:bg-sky-950/30"
          >
            <FileIcon kind="folder" />
            <span className="truncate font-medium">{bucket.name}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
