import "server-only";
import { type Actor, connectionScope, grantedBucket, uploadsOnConnection } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { storageSourcesFor } from "@/lib/security/csp";
import { clientsFor, type StorageClients } from "@/lib/storage/client";

/**
 * Reads of storage connections. What components receive (ConnectionSummary) never holds a
 * secret; the decrypted credentials stay inside the S3 clients built in lib/storage/client.ts.
 * Every read names the actor: a connection is found only within connectionScope(actor) (the team's,
 * and for a Member only those they hold a grant on). Its endpoint, key id and settings are for those
 * who may manage connections (can(actor, "connections.manage")); pages decide what to show.
 */

export type ConnectionSummary = {
  id: string;
  name: string;
  provider: string;
  endpoint: string;
  region: string;
  forcePathStyle: boolean;
  accessKeyId: string;
  buckets: string[];
  fromEnv: boolean;
  hasSessionToken: boolean;
  sessionTokenExpiresAt: Date | null;
  /** Link health checks per second on this connection; null: HEALTH_CHECK_RATE. */
  healthCheckRate: number | null;
  updatedAt: Date;
};

const summarySelect = {
  id: true,
  name: true,
  provider: true,
  endpoint: true,
  region: true,
  forcePathStyle: true,
  accessKeyId: true,
  buckets: true,
  fromEnv: true,
  sessionTokenEnc: true,
  sessionTokenExpiresAt: true,
  healthCheckRate: true,
  updatedAt: true,
} as const;

type SummaryRow = { sessionTokenEnc: string | null } & Omit<ConnectionSummary, "hasSessionToken">;

/** Only the listed, non-secret fields: a summary may end up in a client component's props. */
function toSummary(row: SummaryRow): ConnectionSummary {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    endpoint: row.endpoint,
    region: row.region,
    forcePathStyle: row.forcePathStyle,
    accessKeyId: row.accessKeyId,
    buckets: row.buckets,
    fromEnv: row.fromEnv,
    hasSessionToken: row.sessionTokenEnc !== null,
    sessionTokenExpiresAt: row.sessionTokenExpiresAt,
    healthCheckRate: row.healthCheckRate,
    updatedAt: row.updatedAt,
  };
}

export async function listConnections(actor: Actor): Promise<ConnectionSummary[]> {
  const rows = await db.storageConnection.findMany({
    where: connectionScope(actor),
    orderBy: [{ fromEnv: "desc" }, { name: "asc" }],
    select: summarySelect,
  });
  return rows.map(toSummary);
}

export async function getConnection(actor: Actor, id: string): Promise<ConnectionSummary | null> {
  const row = await db.storageConnection.findFirst({ where: { ...connectionScope(actor), AND: [{ id }] }, select: summarySelect });
  return row ? toSummary(row) : null;
}

export type OpenConnection = { connection: ConnectionSummary; clients: StorageClients };

/** A connection the actor sees, with its S3 clients ready; its buckets are only the granted one, when the grant names one. */
export async function openConnection(actor: Actor, id: string): Promise<OpenConnection | null> {
  const row = await db.storageConnection.findFirst({ where: { ...connectionScope(actor), AND: [{ id }] } });
  if (!row) return null;
  const summary = toSummary(row);
  const only = grantedBucket(actor, row.id);
  return { connection: only === null ? summary : { ...summary, buckets: [only] }, clients: clientsFor(row) };
}

export async function openConnectionOrThrow(actor: Actor, id: string): Promise<OpenConnection> {
  const open = await openConnection(actor, id);
  if (!open) throw new AppError("not_found", "This storage connection does not exist (any more).", { reason: "no_such_connection" });
  return open;
}

/**
 * The sources the browser may reach for this person (the Content-Security-Policy), from one query of the
 * connections they see, each source built from the connection's parsed endpoint:
 * - `storageOrigins`: where previews load from (img-src and the like): every such connection;
 * - `uploadOrigins`: on a bucket browser page (`place`; null elsewhere), where upload parts go (connect-src):
 *   the page's connection (or, on the list of connections, each) where the actor may upload, in the page's
 *   bucket when it names one.
 */
export async function listCspSources(
  actor: Actor,
  place: { connectionId?: string; bucket?: string } | null,
): Promise<{ storageOrigins: string[]; uploadOrigins: string[] }> {
  const rows = await db.storageConnection.findMany({ where: connectionScope(actor), select: { id: true, endpoint: true } });
  const sources = (list: typeof rows) => [...new Set(list.flatMap(({ endpoint }) => storageSourcesFor(endpoint)))];
  const uploads = place
    ? rows.filter(({ id }) => (place.connectionId === undefined || id === place.connectionId) && uploadsOnConnection(actor, id, place.bucket))
    : [];
  return { storageOrigins: sources(rows), uploadOrigins: sources(uploads) };
}

export async function listConnectionsWithLinkCounts(actor: Actor): Promise<(ConnectionSummary & { linkCount: number })[]> {
  const [connections, counts] = await Promise.all([
    listConnections(actor),
    db.shareLink.groupBy({ by: ["connectionId"], where: { ownerId: actor.teamId, deletedAt: null }, _count: { _all: true } }),
  ]);
  const byId = new Map(counts.map((c) => [c.connectionId, c._count._all]));
  return connections.map((c) => ({ ...c, linkCount: byId.get(c.id) ?? 0 }));
}

/** What a person who may not manage connections is told when a connection action is tried anyway. */
export const CONNECTIONS_MANAGE_MESSAGE = "Only Admins and the Owner add, change, test or delete connections. Nothing was changed.";
