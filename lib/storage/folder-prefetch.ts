import "server-only";
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import { ACTOR_COLUMNS, type ActorRow } from "@/lib/auth/actor";
import { listingView, seesConnection } from "@/lib/auth/permissions";
import { sessionIdHash } from "@/lib/auth/session-store";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { bucketPlaceFromPath } from "@/lib/security/csp";
import { type ConnectionRecord, clientsFor } from "@/lib/storage/client";
import { type FolderPage, type Loaded, loadFolder } from "@/lib/storage/listing";

/**
 * The folder page's listing, asked of the storage as the request arrives (proxy.ts) rather than after the page's
 * own checks: the storage's answer then takes its time while Next renders the layout and the page checks the
 * person, instead of after. Rights first all the same: the storage is asked only once one query has found the
 * cookie's session row unexpired, its person not removed, and lib/auth/permissions.ts has let that person see the
 * connection and the whole folder (listingView "all"). The page checks everything again on its own and takes the
 * listing (takeFolderPrefetch) only for the same person, connection (unchanged since), bucket, folder, filter and
 * page; otherwise it lists as before. A listing nobody takes is dropped after UNCLAIMED_MS.
 *
 * The proxy and the page are built into separate bundles of one process: the hand-over lives on globalThis,
 * named by a random id that the proxy puts in the page's request headers (and removes when a visitor sends one).
 */

export const FOLDER_PREFETCH_HEADER = "x-bucketshare-folder-prefetch";

/**
 * The id the proxy handed this request (FOLDER_PREFETCH_HEADER); null when it started nothing, or outside a request
 * (a page rendered by a test): the page then lists for itself.
 */
export async function folderPrefetchId(): Promise<string | null> {
  try {
    return (await headers()).get(FOLDER_PREFETCH_HEADER);
  } catch {
    return null;
  }
}

const UNCLAIMED_MS = 30_000;
/** Beyond this many listings waiting for their pages, no more are started (pages then list for themselves). */
const MAX_WAITING = 200;

type Request = { userId: string; connectionId: string; bucket: string; prefix: string; token: string; filter: string };
type Prefetched = { version: number; listing: Loaded<FolderPage> } | null;
type Entry = Request & { result: Promise<Prefetched>; timer: NodeJS.Timeout };

const REGISTRY = Symbol.for("bucketshare.folderPrefetch");
function registry(): Map<string, Entry> {
  const holder = globalThis as { [REGISTRY]?: Map<string, Entry> };
  holder[REGISTRY] ??= new Map();
  return holder[REGISTRY];
}

/** The folder, filter and page a folder page's URL asks for (what the page reads from its params and query). */
function requestOf(userId: string, url: URL): Request | null {
  const place = bucketPlaceFromPath(url.pathname);
  if (!place?.bucket) return null;
  const token = url.searchParams.getAll("page").filter(Boolean).at(-1) ?? "";
  return { userId, connectionId: place.connectionId, bucket: place.bucket, prefix: place.prefix, token, filter: url.searchParams.get("q") ?? "" };
}

/** A person (u) and, when it exists, the connection (c_…; null otherwise). */
type Row = ActorRow & {
  id: string;
  c_id: string | null;
  c_ownerId: string;
  c_endpoint: string;
  c_region: string;
  c_forcePathStyle: boolean;
  c_accessKeyId: string;
  c_secretAccessKeyEnc: string;
  c_sessionTokenEnc: string | null;
  c_updatedAt: Date;
};

/** The session, its person as an actor and the connection, in one query; null when the session is not (any more) valid. */
async function sessionAndConnection(sessionId: string, userId: string, connectionId: string): Promise<Row | null> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT u.id, ${ACTOR_COLUMNS}, c.id AS "c_id", c.owner_id AS "c_ownerId", c.endpoint AS "c_endpoint", c.region AS "c_region",
      c.force_path_style AS "c_forcePathStyle", c.access_key_id AS "c_accessKeyId", c.secret_access_key_enc AS "c_secretAccessKeyEnc",
      c.session_token_enc AS "c_sessionTokenEnc", c.updated_at AS "c_updatedAt"
    FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN storage_connections c ON c.id = ${connectionId}
    WHERE s.id_hash = ${sessionIdHash(sessionId)} AND s.user_id = ${userId} AND s.expires_at > ${new Date()} AND u.removed_at IS NULL`;
  return rows[0] ?? null;
}

async function prefetch(sessionId: string, request: Request): Promise<Prefetched> {
  const row = await sessionAndConnection(sessionId, request.userId, request.connectionId);
  if (!row || row.c_id === null) return null;
  const connection: ConnectionRecord & { ownerId: string } = {
    id: row.c_id,
    ownerId: row.c_ownerId,
    endpoint: row.c_endpoint,
    region: row.c_region,
    forcePathStyle: row.c_forcePathStyle,
    accessKeyId: row.c_accessKeyId,
    secretAccessKeyEnc: row.c_secretAccessKeyEnc,
    sessionTokenEnc: row.c_sessionTokenEnc,
    updatedAt: row.c_updatedAt,
  };
  const actor = { id: row.id, role: row.role, teamId: row.teamId, grants: row.grants };
  if (!seesConnection(actor, connection) || listingView(actor, "browse", connection.id, request.bucket, request.prefix) !== "all") return null;
  const listing = await loadFolder({ clients: clientsFor(connection) }, request.bucket, request.prefix, { token: request.token, filter: request.filter });
  return { version: connection.updatedAt.getTime(), listing };
}

/**
 * Starts the listing of the folder page `url` names for the session, unless the URL is no folder page; the id to
 * hand to the page (FOLDER_PREFETCH_HEADER), or null.
 */
export function startFolderPrefetch(session: { userId: string; sessionId: string }, url: URL): string | null {
  const request = requestOf(session.userId, url);
  const waiting = registry();
  if (!request || waiting.size >= MAX_WAITING) return null;
  const id = randomUUID();
  const result = prefetch(session.sessionId, request).catch((error: unknown) => {
    // The page reads the database and lists again on its own, and says what is wrong.
    log.warn("storage.folder_prefetch_failed", { error });
    return null;
  });
  const timer = setTimeout(() => waiting.delete(id), UNCLAIMED_MS);
  timer.unref();
  waiting.set(id, { ...request, result, timer });
  return id;
}

/**
 * The listing the proxy started for this very page (`id` from FOLDER_PREFETCH_HEADER), once: for the same person,
 * folder, filter and page, on the connection as the page read it (`version`: its updatedAt); else `list()`.
 * Only for a page that has checked the person and their right to see the whole folder itself.
 */
export function takeFolderPrefetch(
  id: string | null,
  expected: Request & { version: number },
  list: () => Promise<Loaded<FolderPage>>,
): Promise<Loaded<FolderPage>> {
  const waiting = registry();
  const entry = id ? waiting.get(id) : undefined;
  if (!entry || !id) return list();
  waiting.delete(id);
  clearTimeout(entry.timer);
  const same =
    entry.userId === expected.userId &&
    entry.connectionId === expected.connectionId &&
    entry.bucket === expected.bucket &&
    entry.prefix === expected.prefix &&
    entry.token === expected.token &&
    entry.filter === expected.filter;
  if (!same) return list();
  return entry.result.then((prefetched) => (prefetched && prefetched.version === expected.version ? prefetched.listing : list()));
}
