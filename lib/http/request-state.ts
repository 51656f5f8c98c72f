import type { AsyncLocalStorage } from "node:async_hooks";

/**
 * What the app learned while answering one request that the HTTP server Next runs in needs
 * to shape the answer. Next gives a page no way to choose its status besides 404 and redirects: a
 * page whose session check found the database not answering is rendered by the error boundary with
 * status 500, and the server turns that into 503 (with Retry-After) when this says why.
 *
 * The server and Next's bundle each load their own copy of lib/, so the storage lives on globalThis.
 */
export type RequestState = {
  databaseUnavailable: boolean;
  /** The request's headers when the server answers it without Next (lib/boot/api-fast-path.ts); read through lib/http/request-headers.ts. */
  headers?: Headers;
};

export const REQUEST_STATE = Symbol.for("bucketshare.request-state");

export function requestStateStorage(): AsyncLocalStorage<RequestState> | undefined {
  return (globalThis as Record<symbol, AsyncLocalStorage<RequestState> | undefined>)[REQUEST_STATE];
}

/** Marks the current request as failed by a database that did not answer (a no-op where no server keeps a state, as in tests). */
export function markDatabaseUnavailable(): void {
  const state = requestStateStorage()?.getStore();
  if (state) state.databaseUnavailable = true;
}
