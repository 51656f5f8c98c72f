import type { AsyncLocalStorage } from "node:async_hooks";
import type { SessionUser } from "@/lib/auth/session";
import type { OpenConnection } from "@/lib/storage/connections";
import type { FolderPage, Loaded } from "@/lib/storage/listing";

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
  /** A folder page's reads, begun as the request arrived (lib/boot/folder-early-start.ts); read through earlyFolderWork(). */
  folder?: Promise<EarlyFolderWork | null>;
};

/**
 * What lib/boot/folder-early-start.ts began for a folder page before Next's router, each with what it was begun for: the
 * page takes a read only where it asks for exactly that (the same session, connection, folder, page token and filter)
 * and makes its own otherwise. Each was begun after the checks the page makes itself (the session cookie and row, the
 * person seeing the connection, listingView), and the page makes every check again before it shows anything.
 */
export type EarlyFolderWork = {
  sessionId: string;
  userId: string;
  user: Promise<SessionUser | null>;
  connectionId: string;
  open: Promise<OpenConnection | null>;
  /** Null when the person does not see the connection, or their view of the folder is not "all" (nothing read then). */
  listing: Promise<EarlyListing | null>;
};

export type EarlyListing = {
  open: OpenConnection;
  bucket: string;
  prefix: string;
  token: string | undefined;
  filter: string;
  result: Promise<Loaded<FolderPage>>;
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

/** What the server began for this request's folder page, if anything. */
export async function earlyFolderWork(): Promise<EarlyFolderWork | null> {
  return (await requestStateStorage()?.getStore()?.folder) ?? null;
}
