"use client";

import { Button } from "@/components/ui/button";
import { useRetry } from "@/components/ui/use-retry";
import { DATABASE_UNAVAILABLE_DIGEST } from "@/lib/db/unavailable";

/** A fault on a signed-in page (database down, for example): an explanation and a retry. */
export default function SignedInError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const { retry, pending } = useRetry(reset);
  const databaseDown = error.digest === DATABASE_UNAVAILABLE_DIGEST;
  return (
    <div
      role="alert"
      className="space-y-3 rounded-lg border border-red-300 bg-red-50 p-4 text-sm text-red-900 dark:border-red-900 dark:bg-red-950/40 dark:text-red-100"
    >
      <p className="font-semibold">{databaseDown ? "The database is not answering." : "This page could not be loaded."}</p>
      <p>
        {databaseDown
          ? "Bucketshare asked its database and got no answer within a few seconds. Nothing was changed. Try again in a moment; if it keeps failing, check that PostgreSQL is running and reachable."
          : "Bucketshare could not reach its database or storage just now. Nothing was changed. Try again in a moment; if it keeps failing, check the server log."}
      </p>
      <Button variant="secondary" onClick={retry} disabled={pending}>
        Try again
      </Button>
    </div>
  );
}
