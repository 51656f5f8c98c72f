/**
 * A folder page's reads, begun by lib/boot/server.ts as the request arrives, before Next's router: the session
 * check, the connection and the listing the page will ask for. Next's proxy, router and the page's shell take about
 * ten milliseconds before the page itself would begin them, and the listing (the storage's own work) cannot start
 * before the session check and the connection: begun here, it runs while Next does its part (`npm run bench:list`).
 *
 * The page takes each read only where it asks for exactly what was begun (lib/http/request-state.ts
 * EarlyFolderWork), and otherwise makes its own. Nothing here answers the request or decides what anyone sees:
 * each read is begun after the same checks the page makes (the session cookie, its row, the person seeing the
 * connection, listingView for "browse"), and the page makes every check again. Taken for a GET of a document or
 * of a client navigation (RSC) to /buckets/<connection>/<bucket>/…, never for a prefetch, an action or a HEAD.
 * Loaded only by `npm start` (production), once Next is prepared, after lib/boot/server-only-hook.ts.
 */
import type { IncomingMessage } from "node:http";
import type pg from "pg";
import { RequestCookies } from "next/dist/compiled/@edge-runtime/cookies";
import { listingView } from "@/lib/auth/permissions";
import { checkSessionCookie } from "@/lib/auth/session-cookie";
import { findSessionUser } from "@/lib/auth/session-store";
import { getPool } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { LightHeaders } from "@/lib/http/light-headers";
import type { EarlyFolderWork, EarlyListing, RequestState } from "@/lib/http/request-state";
import { prefixFromRouteParams } from "@/lib/paths";
import { isHttpsRequest } from "@/lib/security/client-address";
import { openConnectionAlongside } from "@/lib/storage/connections";
import { loadFolder } from "@/lib/storage/listing";

// /buckets/<connection>/<bucket>[/<folder segments>][?query], as app/(app)/buckets/[connectionId]/[bucket]/[[...prefix]] routes it.
const FOLDER_PATH = /^\/buckets\/([^/?#]+)\/([^/?#]+)((?:\/[^/?#]+)*)(?:\?([^#]*))?$/;
/** Longer addresses go to Next alone (a folder's address is far shorter; Next may refuse such a one anyway). */
const MAX_URL = 4_096;
/** The session and connection reads run side by side. */
const READS = 2;

const ignore = () => {};
const none = () => null;

/** A segment as the page reads it, or null where the page would not list it as it stands ("." and "..", a bad escape). */
function decoded(segment: string): string | null {
  try {
    const value = decodeURIComponent(segment);
    return value === "." || value === ".." ? null : value;
  } catch {
    return null;
  }
}

/**
 * Whether the pool these reads run on (the server's own, which downloads and the API use: lib/db/client.ts) has a
 * connection free for each of them right away: they are begun only from spare capacity, never queued behind a burst
 * of downloads (the page then reads them itself, on Next's pool).
 */
function hasRoom(pool: pg.Pool): boolean {
  const max = (pool.options as { max?: number }).max ?? 10;
  return pool.waitingCount === 0 && pool.idleCount + (max - pool.totalCount) >= READS;
}

async function begin(req: IncomingMessage, connectionId: string, bucket: string, segments: string[], query: URLSearchParams): Promise<EarlyFolderWork | null> {
  const headers = new LightHeaders(req.headers);
  const session = await checkSessionCookie(new RequestCookies(headers), getRuntimeSecrets().authSecret, Date.now(), {
    renew: false,
    https: isHttpsRequest(headers),
  });
  if (!session.valid) return null;
  const { sessionId, userId } = session;
  const user = findSessionUser(sessionId, userId);
  const open = openConnectionAlongside(
    user.then(
      (found) => (found?.id === userId ? found : null),
      () => null,
    ),
    connectionId,
  );
  // Never a failure: where the session or the connection could not be read, the page reads them itself and says why.
  const listing = Promise.all([user, open]).then(([who, opened]): EarlyListing | null => {
    if (!who || !opened || opened.connection.id !== connectionId) return null;
    const prefix = prefixFromRouteParams(segments);
    if (listingView(who, "browse", connectionId, bucket, prefix) !== "all") return null;
    // As the page reads them: the last of the non-empty `page` tokens, the first `q`.
    const token = query.getAll("page").filter(Boolean).at(-1);
    const filter = query.get("q") ?? "";
    return { open: opened, bucket, prefix, token, filter, result: loadFolder(opened, bucket, prefix, { token, filter }) };
  }, none);
  // Whoever takes them handles their failures (a database that does not answer is the page's to report); one never
  // taken must not be an unhandled rejection.
  for (const promise of [user, open]) promise.catch(ignore);
  return { sessionId, userId, user, connectionId, open, listing };
}

/** How long Next's router may wait for the listing to be sent (the reads it waits for are the page's own first reads). */
const HOLD_MS = 15;

/**
 * The request listener's step that begins a folder page's reads (it never answers the request). When it began them,
 * it returns a promise that settles once the listing was sent to the storage (or is not to be), at most HOLD_MS later:
 * the server hands the request to Next then, so that Next's own work does not delay the session check, the
 * connection and the listing on the one JavaScript thread, and runs while the storage lists.
 */
export function createFolderEarlyStart(): (req: IncomingMessage, state: RequestState) => Promise<void> | null {
  return (req, state) => {
    if (req.method !== "GET" || !req.url?.startsWith("/buckets/") || req.url.length > MAX_URL) return null;
    if (req.headers["next-router-prefetch"] !== undefined || req.headers["next-action"] !== undefined) return null;
    const match = FOLDER_PATH.exec(req.url);
    if (!match) return null;
    const connectionId = decoded(match[1]!);
    const bucket = decoded(match[2]!);
    const segments = match[3] ? match[3].slice(1).split("/") : [];
    if (connectionId === null || bucket === null || segments.some((segment) => decoded(segment) === null)) return null;
    if (!hasRoom(getPool())) return null;
    const work = begin(req, connectionId, bucket, segments, new URLSearchParams(match[4] ?? "")).catch(none);
    state.folder = work;
    let timer: NodeJS.Timeout | undefined;
    const held = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, HOLD_MS);
    });
    const sent = work.then((begun) => begun?.listing).then(ignore, ignore);
    return Promise.race([sent, held]).finally(() => clearTimeout(timer));
  };
}
