import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { limitKeys } from "@/lib/security/address";

/**
 * How many "Download all" ZIPs may stream at once, counted in PostgreSQL so that every instance
 * behind a proxy sees the same number: each running stream holds a row of zip_streams, refreshed
 * while it runs (a row whose stream stopped refreshing, e.g. because its instance died, frees its
 * slot after STALE_MS) and removed when the stream ends. A stream is one request that holds this
 * server's bandwidth and a storage read for as long as the client takes: a few per address and a
 * few more per link are plenty for people, and keep one link from tying the server up.
 */

export const ZIP_STREAMS_PER_ADDRESS = 3;
export const ZIP_STREAMS_PER_LINK = 10;
/** A slot whose stream has not refreshed it for this long is free again. */
export const ZIP_SLOT_STALE_MS = 120_000;
/** How often a running stream refreshes its slot. */
export const ZIP_SLOT_HEARTBEAT_MS = 30_000;

export type ZipSlot = { id: string; heartbeat(): void; release(): Promise<void> };

/**
 * The address as the slot table keeps it: its network as the sign-in limits count it (an IPv4
 * address, an IPv6 /48), since one IPv6 subscriber can pick a fresh address for every request;
 * hashed, so no address is stored for this.
 */
function addressKey(address: string): string {
  return createHash("sha256")
    .update(`zip-slot:${limitKeys(address).cap}`)
    .digest("hex");
}

/**
 * Takes a slot for one stream of this link, or returns null when the address (its network) already runs
 * ZIP_STREAMS_PER_ADDRESS of them or the link ZIP_STREAMS_PER_LINK. The link's row is locked for
 * the check (FOR UPDATE), so concurrent requests on any instance are counted one after the other.
 */
export async function takeZipSlot(input: { linkId: string; address: string; maxMs: number }): Promise<ZipSlot | null> {
  const id = randomUUID();
  const key = addressKey(input.address);
  const taken = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM share_links WHERE id = ${input.linkId} FOR UPDATE`;
    await tx.$executeRaw`
      DELETE FROM zip_streams
       WHERE link_id = ${input.linkId}
         AND (ends_by < now() OR heartbeat_at < now() - make_interval(secs => ${ZIP_SLOT_STALE_MS / 1000}))`;
    const [counts] = await tx.$queryRaw<{ link: number; address: number }[]>`
      SELECT count(*)::int AS link, (count(*) FILTER (WHERE address_hash = ${key}))::int AS address
        FROM zip_streams WHERE link_id = ${input.linkId}`;
    if (!counts || counts.link >= ZIP_STREAMS_PER_LINK || counts.address >= ZIP_STREAMS_PER_ADDRESS) return false;
    await tx.$executeRaw`
      INSERT INTO zip_streams (id, link_id, address_hash, started_at, heartbeat_at, ends_by)
      VALUES (${id}, ${input.linkId}, ${key}, now(), now(), now() + make_interval(secs => ${input.maxMs / 1000}))`;
    return true;
  });
  if (!taken) return null;
  let released = false;
  return {
    id,
    heartbeat() {
      if (released) return;
      db.$executeRaw`UPDATE zip_streams SET heartbeat_at = now() WHERE id = ${id}`.catch((error: unknown) =>
        log.warn("recipient.zip_slot_heartbeat_failed", { error }),
      );
    },
    async release() {
      if (released) return;
      released = true;
      await db.$executeRaw`DELETE FROM zip_streams WHERE id = ${id}`.catch((error: unknown) => log.warn("recipient.zip_slot_release_failed", { error }));
    },
  };
}
