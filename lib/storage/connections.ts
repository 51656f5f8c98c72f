import "server-only";
import { type Actor, connectionScope, grantedBucket, seesConnection, uploadsOnConnection } from "@/lib/auth/permissions";
import { ACTOR_COLUMNS, type ActorRow } from "@/lib/auth/actor";
import { db, getPool, statementName } from "@/lib/db/client";
import { PRISMA_LIKE_TYPES } from "@/lib/db/pg-types";
import { AppError } from "@/lib/errors";
import { storageSourcesFor } from "@/lib/security/csp";
import { clientsFor, type ConnectionRecord, type StorageClients } from "@/lib/storage/client";

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

/** The columns openConnection reads (a summary and what the S3 clients are built from). */
const OPEN_COLUMNS = `id, owner_id AS "ownerId", name, provider, endpoint, region, force_path_style AS "forcePathStyle",
  access_key_id AS "accessKeyId", buckets, from_env AS "fromEnv", secret_access_key_enc AS "secretAccessKeyEnc",
  session_token_enc AS "sessionTokenEnc", session_token_expires_at AS "sessionTokenExpiresAt", health_check_rate AS "healthCheckRate",
  updated_at AS "updatedAt"`;

type OpenRow = SummaryRow & ConnectionRecord & { ownerId: string };

/**
 * A connection the actor sees, with its S3 clients ready; its buckets are only the granted one, when the grant names one.
 * The row is read by its id and team through node-postgres on Prisma's pool (getPool(): every link issued, every API
 * request on a connection reads it, and Prisma's per-query work cost more CPU than the statement, `npm run bench:api`),
 * then kept only when the actor sees it (seesConnection: connectionScope's rule for one row). A named statement, prepared
 * once per connection.
 */
export async function openConnection(actor: Actor, id: string): Promise<OpenConnection | null> {
  const { rows } = await getPool().query<OpenRow>({
    name: statementName("open_connection"),
    text: `SELECT ${OPEN_COLUMNS} FROM storage_connections WHERE id = $1 AND owner_id = $2`,
    values: [id, actor.teamId],
    types: PRISMA_LIKE_TYPES,
  });
  const row = rows[0];
  if (!row || !seesConnection(actor, row)) return null;
  const summary = toSummary(row);
  const only = grantedBucket(actor, row.id);
  return { connection: only === null ? summary : { ...summary, buckets: [only] }, clients: clientsFor(row) };
}

/**
 * openConnection for a page that checks the person while it reads the connection: the row is read by its id
 * alongside `actor` (the session check), and returned only once that actor sees it (seesConnection: the rule of
 * connectionScope). One database round trip fewer before a folder page can ask the storage; a named statement, as
 * openConnection's.
 */
export async function openConnectionAlongside(actor: Promise<Actor | null>, id: string): Promise<OpenConnection | null> {
  const [{ rows }, who] = await Promise.all([
    getPool().query<OpenRow>({
      name: statementName("open_connection_by_id"),
      text: `SELECT ${OPEN_COLUMNS} FROM storage_connections WHERE id = $1`,
      values: [id],
      types: PRISMA_LIKE_TYPES,
    }),
    actor,
  ]);
  const row = rows[0];
  if (!row || !who || !seesConnection(who, row)) return null;
  const summary = toSummary(row);
  const only = grantedBucket(who, row.id);
  return { connection: only === null ? summary : { ...summary, buckets: [only] }, clients: clientsFor(row) };
}

export async function openConnectionOrThrow(actor: Actor, id: string): Promise<OpenConnection> {
  const open = await openConnection(actor, id);
  if (!open) throw new AppError("not_found", "This storage connection does not exist (any more).", { reason: "no_such_connection" });
  return open;
}

const CSP_SOURCES = `
    SELECT u.id, ${ACTOR_COLUMNS.text},
      COALESCE((SELECT json_agg(json_build_object('id', c.id, 'ownerId', c.owner_id, 'endpoint', c.endpoint))
        FROM storage_connections c WHERE c.owner_id = COALESCE(u.team_id, u.id)), '[]'::json) AS connections
    FROM users u WHERE u.id = $1 AND u.removed_at IS NULL`;

/**
 * The sources the browser may reach for the person `userId` names (the Content-Security-Policy), from one query
 * that reads the person (their actor) and their team's connections together; what the actor sees of those is
 * decided by seesConnection (connectionScope's rule). Each source is built from the connection's parsed endpoint:
 * - `storageOrigins`: where previews load from (img-src and the like): every connection they see;
 * - `uploadOrigins`: on a bucket browser page (`place`; null elsewhere), where upload parts go (connect-src):
 *   the page's connection (or, on the list of connections, each) where the actor may upload, in the page's
 *   bucket when it names one.
 * Null when there is no such person (removed).
 */
export async function listCspSourcesOfUser(
  userId: string,
  place: { connectionId?: string; bucket?: string } | null,
): Promise<{ storageOrigins: string[]; uploadOrigins: string[] } | null> {
  // Read before every signed-in document (proxy.ts): a named statement through node-postgres on Prisma's pool.
  const { rows: found } = await getPool().query<{ id: string; connections: { id: string; ownerId: string; endpoint: string }[] } & ActorRow>({
    name: statementName("csp_sources"),
    text: CSP_SOURCES,
    values: [userId],
  });
  const row = found[0];
  if (!row) return null;
  const actor: Actor = { id: row.id, role: row.role, teamId: row.teamId, grants: row.grants };
  const rows = row.connections.filter((connection) => seesConnection(actor, connection));
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
