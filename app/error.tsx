"use client";

import { useRetry } from "@/components/ui/use-retry";
import { DATABASE_UNAVAILABLE_DIGEST } from "@/lib/db/unavailable";

/** Last-resort boundary (sign-in and setup included, and the signed-in shell's own session check): no stack trace, a way forward. */
export default function RootError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const { retry, pending } = useRetry(reset);
  const databaseDown = error.digest === DATABASE_UNAVAILABLE_DIGEST;
  return (
    <main className="mx-auto max-w-md space-y-3 px-4 py-16 text-center">
      <div role="alert" className="space-y-3">
        <h1 className="text-2xl font-semibold">{databaseDown ? "The database is not answering" : "Something went wrong"}</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {databaseDown
            ? "Bucketshare asked its database and got no answer within a few seconds. Nothing was changed. Try again in a moment; if it keeps failing, check that PostgreSQL is running and reachable."
            : "Bucketshare could not reach its database just now. Nothing was changed. Try again in a moment; if it keeps failing, check the server log."}
        </p>
      </div>
      <button
        type="button"
        onClick={retry}
        disabled={pending}
        className="rounded-md border border-zinc-300 px-3.5 py-2 text-sm font-medium dark:border-zinc-700"
      >
        Try again
      </button>
    </main>
  );
}
