import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import type { StorageErrorInfo } from "@/lib/storage/errors";

/** A storage failure inside the page, with what to do about it. */
export function StorageErrorPanel({ info, connectionId, retryHref }: { info: StorageErrorInfo; connectionId?: string; retryHref: string }) {
  return (
    <div
      role="alert"
      className="space-y-3 rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-900 dark:border-red-900 dark:bg-red-950/40 dark:text-red-100"
    >
      <p className="font-semibold">{info.title}</p>
      <p>{info.message}</p>
      <div className="flex flex-wrap gap-2">
        <Link href={retryHref} className={buttonClass("secondary")} prefetch={false}>
          Retry
        </Link>
        {connectionId && info.fix === "edit" ? (
          <Link href={`/settings/connections/${connectionId}`} className={buttonClass("secondary")}>
            Edit connection
          </Link>
        ) : null}
      </div>
    </div>
  );
}
