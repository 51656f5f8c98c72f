/**
 * Every storage operation a person waits for ends within STORAGE_DEADLINE_MS, retries included.
 *
 * The SDK's own timeouts are not enough: its `requestTimeout` stops only the wait for response
 * headers (and only throws with `throwOnRequestTimeout`), and nothing bounds a response body that
 * stops half-way. So each operation (a listing, the details panel with its preview, a connection
 * test, Quick Share's HeadObject) runs under one deadline: its AbortSignal is passed to every
 * `send()` (the SDK then destroys the socket), and a timer ends the operation even if something
 * ignores the signal.
 */

/** The bound, in milliseconds, for one storage operation including retries (documented in the README). */
export const STORAGE_DEADLINE_MS = 10_000;

/** What an operation that ran out of time rejects with (`describeStorageError` → "timeout"). */
export class StorageTimeoutError extends Error {
  readonly code = "StorageDeadline";
  constructor(readonly afterMs: number) {
    super(`The storage operation did not finish within ${afterMs} ms.`);
    this.name = "TimeoutError";
  }
}

/**
 * Runs `work` with a signal that aborts after `ms`; rejects with StorageTimeoutError at that moment
 * whatever `work` is doing. A signal from the caller (an enclosing deadline) aborts it too.
 */
export async function withStorageDeadline<T>(work: (signal: AbortSignal) => Promise<T>, options: { ms?: number; signal?: AbortSignal } = {}): Promise<T> {
  const ms = options.ms ?? STORAGE_DEADLINE_MS;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onOuterAbort: (() => void) | undefined;
  const ended = new Promise<never>((_resolve, reject) => {
    const stop = (error: Error) => {
      // Reject first, so the caller sees the timeout rather than the SDK's AbortError.
      reject(error);
      controller.abort(error);
    };
    timer = setTimeout(() => stop(new StorageTimeoutError(ms)), ms);
    if (options.signal) {
      const outer = options.signal;
      onOuterAbort = () => stop(outer.reason instanceof Error ? outer.reason : new StorageTimeoutError(ms));
      if (outer.aborted) onOuterAbort();
      else outer.addEventListener("abort", onOuterAbort, { once: true });
    }
  });
  try {
    return await Promise.race([work(controller.signal), ended]);
  } finally {
    clearTimeout(timer);
    if (onOuterAbort) options.signal?.removeEventListener("abort", onOuterAbort);
  }
}
