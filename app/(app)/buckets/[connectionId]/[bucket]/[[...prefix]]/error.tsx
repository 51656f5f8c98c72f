"use client";

import Link from "next/link";
import { Button, buttonClass } from "@/components/ui/button";

/** Anything unexpected while browsing: say so, offer a retry. Details stay in the server log. */
export default function BucketError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div
      role="alert"
      className="space-y-3 rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-900 dark:border-red-900 dark:bg-red-950/40 dark:text-red-100"
    >
      <p className="font-semibold">This folder could not be shown.</p>
      <p>The storage or the database did not answer as expected. Retry; if it keeps failing, check the connection in Settings (or ask an Admin).</p>
      <div className="flex gap-2">
        <Button variant="secondary" onClick={reset}>
          Retry
        </Button>
        <Link href="/settings" className={buttonClass("secondary")}>
          Settings
        </Link>
      </div>
    </div>
  );
}
