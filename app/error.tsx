"use client";

/** Last-resort boundary (sign-in and setup included): no stack trace, a way forward. */
export default function RootError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto max-w-md space-y-3 px-4 py-16 text-center">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Bucketshare could not reach its database just now. Nothing was changed. Try again in a moment; if it keeps failing, check the server log.
      </p>
      <button type="button" onClick={reset} className="rounded-md border border-zinc-300 px-3.5 py-2 text-sm font-medium dark:border-zinc-700">
        Try again
      </button>
    </main>
  );
}
