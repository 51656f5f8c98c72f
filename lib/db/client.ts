import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { getRuntimeSecrets } from "@/lib/env";

/** One Prisma client per server process (kept on globalThis so hot reload does not leak pools). */

/**
 * The globalThis slot of this copy's client. In production lib/boot/server.ts also loads lib/
 * outside Next's bundle (its download fast path, lib/boot/download-fast-path.ts), with a Prisma
 * runtime of its own whose clients would not recognise the other copy's Prisma.sql fragments; that
 * copy calls useOwnClientSlot() before any query, so it keeps one client of its own: two pools at most.
 */
let slot = "bucketshareDb";
export function useOwnClientSlot(name: string): void {
  slot = name;
}
const globalForDb = globalThis as unknown as Record<string, PrismaClient | undefined>;

function createClient(): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: getRuntimeSecrets().databaseUrl,
    connectionTimeoutMillis: 5_000,
    max: 10,
    // Columns are `timestamp without time zone` holding UTC (as Prisma writes them); SQL that uses now()
    // (the download count, the webhook queue) must write UTC too, whatever the server's default zone.
    options: "-c TimeZone=UTC",
  });
  return new PrismaClient({ adapter });
}

export function getDb(): PrismaClient {
  return (globalForDb[slot] ??= createClient());
}

/** Lazily created so that `next build` never needs a database. */
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = getDb();
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});
