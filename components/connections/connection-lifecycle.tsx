import { AddLifecycleRuleButton } from "@/components/connections/add-lifecycle-rule-button";
import type { BucketLifecycle, ConnectionLifecycle } from "@/lib/uploads/lifecycle";

/**
 * Per connection on Settings → Connections: whether each of its buckets (the first few) has a
 * lifecycle rule that aborts incomplete multipart uploads, with "Add lifecycle rule" where it has
 * none. Rendered inside <Suspense>: the storage calls never hold up the list of connections.
 */

const days = (n: number) => `${n} day${n === 1 ? "" : "s"}`;

function BucketRow({ connectionId, item }: { connectionId: string; item: BucketLifecycle }) {
  return (
    <li className="flex flex-col gap-x-3 gap-y-1 py-1.5 sm:flex-row sm:items-start sm:justify-between">
      <div className="min-w-0 sm:flex-1">
        <span className="break-all font-mono text-xs">{item.bucket}</span>
        <span className="block text-sm text-zinc-600 dark:text-zinc-400">
          {item.status === "ok"
            ? `Rule in place: incomplete uploads are aborted after ${days(item.days)}.`
            : item.status === "missing"
              ? "No rule: incomplete uploads stay in the bucket (and are billed) until something aborts them."
              : item.status === "unsupported"
                ? "Not supported by this storage."
                : `Could not check: ${item.message}`}
        </span>
      </div>
      {item.status === "missing" ? <AddLifecycleRuleButton connectionId={connectionId} bucket={item.bucket} /> : null}
    </li>
  );
}

export async function ConnectionLifecycleStatus({ connectionId, lifecycle }: { connectionId: string; lifecycle: Promise<ConnectionLifecycle> }) {
  const result = await lifecycle;
  if (result.status === "error") {
    return <p className="text-sm text-amber-800 dark:text-amber-300">Could not check the buckets: {result.message}</p>;
  }
  if (result.buckets.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">No buckets to check.</p>;
  return (
    <>
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {result.buckets.map((item) => (
          <BucketRow key={item.bucket} connectionId={connectionId} item={item} />
        ))}
      </ul>
      {result.unchecked > 0 ? (
        <p className="text-xs text-muted">
          The first {result.buckets.length} buckets are shown; {result.unchecked} more {result.unchecked === 1 ? "is" : "are"} not checked here.
        </p>
      ) : null}
    </>
  );
}

export function ConnectionLifecycleSkeleton() {
  return (
    <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
      Checking the buckets’ lifecycle rules…
    </p>
  );
}
