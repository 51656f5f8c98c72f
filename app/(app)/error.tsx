"use client";

import { Button } from "@/components/ui/button";

/** A fault on a signed-in page (database down, for example): an explanation and a retry. */
export default function SignedInError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="space-y-3 rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-900 dark:border-red-900 dark:bg-red-950/40 dark:text-red-100">
      <p className="font-semibold">This page could not be loaded.</p>
      <p>Bucketshare could not reach its database or storage just now. Nothing was changed. Try again in a moment; if it keeps failing, check the server log.</p>
      <Button variant="secondary" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
