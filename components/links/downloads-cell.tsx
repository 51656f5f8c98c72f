import { limitReached } from "@/lib/links/status";

/** "Downloads": n / limit, or n when unlimited. */
export function formatDownloads(count: number, limit: number | null): string {
  return limit === null ? String(count) : `${count} / ${limit}`;
}

export function DownloadsCell({ kind, count, limit }: { kind: "direct" | "managed"; count: number; limit: number | null }) {
  if (kind === "direct") {
    return (
      <span className="text-muted" title="Direct links go straight to the storage: Bucketshare does not see their downloads.">
        <span aria-hidden="true">—</span>
        <span className="sr-only">Not counted</span>
      </span>
    );
  }
  // The status says "Limit reached" (lib/links/status.ts): the count only stands out.
  const reached = limitReached({ downloadLimit: limit, downloadCount: count });
  return <span className={reached ? "font-medium text-red-700 dark:text-red-400" : undefined}>{formatDownloads(count, limit)}</span>;
}

export const OBJECT_STATE_LABEL = { changed: "File changed since shared", missing: "File no longer exists" } as const;

/** The changed/missing mark, from share_links.object_state. */
export function ObjectStateMark({ state }: { state: "changed" | "missing" | null }) {
  if (!state) return null;
  return (
    <span className="mt-1 inline-block rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-300">
      {OBJECT_STATE_LABEL[state]}
    </span>
  );
}
