import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { getRuntimeSecrets } from "@/lib/env";

/** One Prisma client per server process (kept on globalThis so hot reload does not leak pools). */

/**
 * The globalThis slot of this copy's client. In production lib/boot/server.ts also loads lib/
 * outside Next's bundle (its download fast path, lib/boot/download-fast-path.ts), with a Prisma
 * runtime of its own whose clients would not recognise the other copy's Prisma.sql fragments; that
 * copy calls keepOwnClientSlot() before any query, so it keeps one client of its own: two pools at most.
 */
let slot = "bucketshareDb";
export function keepOwnClientSlot(name: string): void {
  slot = name;
}
const globalForDb = globalThis as unknown as Record<string, PrismaClient | undefined>;

/**
 * Limits of every query (milliseconds). A signed-in page waits for the CSP's storage origins (at
 * most 1.5 s) and its session read (a free connection, then the answer: at most 10 s) before it says
 * the database is not answering; a recipient or API request, for its first read: all within 15 s.
 */
export const DATABASE_TIMEOUTS = { connectMs: 5_000, statementMs: 4_000, queryMs: 5_000 } as const;

/**
 * Settings of every session. Columns are `timestamp without time zone` holding UTC (as Prisma writes
 * them); SQL that uses now() (the download count, the webhook queue) must write UTC too, whatever the
 * server's default zone; ISO dates whatever the server's DateStyle (node-postgres reads them: lib/recipient/link.ts). random_page_cost 1.1 (PostgreSQL's default 4 prices a spinning disk): on SSD
 * storage with the hot rows cached, fetching the 2 % of a million links a search or a filter matches
 * through an index is far cheaper than reading all of them, and at 4 the planner reads all of them
 * (tests/integration/history-plans.test.ts runs the history's plans with these settings).
 */
export const DATABASE_SESSION_OPTIONS = "-c TimeZone=UTC -c DateStyle=ISO -c random_page_cost=1.1";

/**
 * The pool of each client (a client a test put into the slot gets one of its own on first use). On globalThis, as the
 * client is: Next's bundles hold several copies of this module (the proxy's, each route's chunk), and each copy must
 * find the pool the one client runs on, not open one more (`npm start` keeps to the two pools docs/capacity.md counts).
 */
const POOLS = Symbol.for("bucketshare.db.pools");
const pools = ((globalThis as Record<symbol, unknown>)[POOLS] ??= new WeakMap<PrismaClient, pg.Pool>()) as WeakMap<PrismaClient, pg.Pool>;

function createPool(): pg.Pool {
  const pool = new pg.Pool({
    connectionString: getRuntimeSecrets().databaseUrl,
    max: 10,
    // A database that stops answering (a stuck server, a network partition) must not hang a
    // request: every step has a limit, so each caller gets its "not answering" answer in seconds.
    // Opening a connection, or waiting for a free one in a full pool:
    connectionTimeoutMillis: DATABASE_TIMEOUTS.connectMs,
    // The server cancels a statement that runs too long (its answer is an error, the connection stays good)…
    statement_timeout: DATABASE_TIMEOUTS.statementMs,
    // …and the client stops waiting a little later when the server says nothing at all. The pool
    // then drops that connection (a query that failed never goes back into it), so once the
    // database answers again, fresh connections replace the dead ones without a restart.
    query_timeout: DATABASE_TIMEOUTS.queryMs,
    // A transaction left open by a request that gave up does not hold its locks for long.
    idle_in_transaction_session_timeout: 10_000,
    // TCP keep-alive notices a peer that vanished; idle connections are closed after 30 s.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    idleTimeoutMillis: 30_000,
    options: DATABASE_SESSION_OPTIONS,
  });
  // An idle connection that breaks (the database restarted) is dropped by the pool; without a listener it would end the process.
  pool.on("error", () => {});
  return pool;
}

function createClient(): PrismaClient {
  // Prisma runs on this pool; getPool() hands the same pool to the few statements that skip Prisma.
  const pool = createPool();
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(client, pool);
  return client;
}

export function getDb(): PrismaClient {
  return (globalForDb[slot] ??= createClient());
}

/**
 * The pool the current Prisma client runs on (same connections, limits and session settings), for the statements of
 * the hot paths (a download's look-up and count, the API's token check, the session read, `openConnection`…):
 * node-postgres directly costs a fraction of Prisma's CPU per query (`npm run bench:redirect`). All else uses `db`.
 */
export function getPool(): pg.Pool {
  const client = getDb();
  let pool = pools.get(client);
  // $disconnect() ends the pool; Prisma then opens a new one of its own, and so does this.
  if (!pool || pool.ended) {
    pool = createPool();
    pools.set(client, pool);
  }
  return pool;
}

/**
 * Whether the hot statements (a download's look-up and count, the API's token check, openConnection) are named, so
 * that node-postgres prepares each once per connection and then sends only its values. Not when DATABASE_URL carries
 * `pgbouncer=true` (Prisma's own switch for the same thing): a pooler in transaction mode that cannot keep prepared
 * statements per server connection (PgBouncer before 1.21, or without `max_prepared_statements`) gets their texts.
 */
export function preparesStatements(databaseUrl: string): boolean {
  try {
    return new URL(databaseUrl).searchParams.get("pgbouncer") !== "true";
  } catch {
    return true;
  }
}

let prepared: boolean | undefined;
/** The name under which a hot statement is prepared, or undefined (sent as text each time): see preparesStatements. */
export function statementName(name: string): string | undefined {
  prepared ??= preparesStatements(getRuntimeSecrets().databaseUrl);
  return prepared ? name : undefined;
}

/** Lazily created so that `next build` never needs a database. */
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = getDb();
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});
