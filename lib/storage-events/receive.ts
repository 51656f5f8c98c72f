import "server-only";
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { getRuntimeSecrets } from "@/lib/env";
import { checkLinksToObjects, type ObjectRef } from "@/lib/health/object-event";
import { peekBudget, spendBudget } from "@/lib/limits/budget";
import { log } from "@/lib/log";
import { limitKeys } from "@/lib/security/address";
import { clientAddressFromHeaders } from "@/lib/security/client-address";
import { MAX_BODY_BYTES, parseDelivery, STORAGE_EVENT_PROVIDERS, type StorageEventProvider, timeRefusal, verifyDelivery } from "@/lib/storage-events/format";
import { seal, unseal } from "@/lib/storage/sealed";

/**
 * POST /hooks/storage/<connection id>: a storage provider tells Bucketshare that objects changed.
 * The one door for this kind of caller (a storage server, no session, no token), in a fixed order:
 *
 * 1. the id's shape (a malformed id is refused without touching the database);
 *    then the connection and its events secret, and the sender's refusals: an address (an IPv6 /48) may send
 *    REFUSALS_PER_MINUTE refused deliveries a minute (counted in action_budgets, across instances); past that it
 *    gets 429 before its body is read, but only for an id that is no live hook: a provider posting to its own
 *    connection's hook is always heard, however many refusals others sent from its address (B2 posts from shared
 *    addresses). A delivery to no live hook is always refused, so it is counted as it arrives, by the one UPSERT
 *    that decides it (parallel senders and instances get exactly REFUSALS_PER_MINUTE through, never more), unless a
 *    read already finds the limit spent (429 without a write); a refused delivery to a live hook (a wrong proof, too
 *    large) is counted once refused. (An address over the
 *    limit can so tell a live hook's id from others: ids it must already hold, random 25-character cuids.)
 * 2. the body, read up to MAX_BODY_BYTES (413 beyond, nothing parsed);
 * 3. the provider's proof over the raw body (MinIO's
 *    auth_token, B2's HMAC signature), compared in constant time. An unknown connection, one without
 *    storage events, and a wrong proof get the same 404 after the same work (a dummy check for the
 *    unknown), so the answer tells no one which connections exist;
 * 4. the payload against the provider's format (zod), 400 when it is not one;
 * 5. per event: refused when older than REPLAY_WINDOW_MS or from the future (a replay), ignored when it
 *    is not about an object's content, and claimed in storage_events_seen (INSERT … ON CONFLICT DO
 *    NOTHING): an event already claimed (a retry, a replay within the window, another instance) is not
 *    acted on again;
 * 6. the links to the claimed events' objects are checked at once (lib/health/object-event.ts).
 *
 * An authenticated delivery is answered 200 even when every event in it was refused or a duplicate:
 * MinIO retries a non-2xx answer every 3 seconds for as long as it keeps the event (its queue store),
 * so refusing with an error would only repeat it. The body says what was done.
 */

export type HookAnswer = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };

const NOT_FOUND: HookAnswer = { status: 404, body: { error: "not_found", message: "No storage events are received here." } };
/** Refused deliveries (wrong proof, unknown connection, too large, malformed) one address may send a minute. */
export const REFUSALS_PER_MINUTE = 60;
/** Connection ids are cuid()s (newRecordId); anything else is refused before the database. */
const CONNECTION_ID = /^[a-z0-9]{20,32}$/;

export type RefusalCounts = { stale: number; future: number; duplicate: number; unrelated: number };

/** Reads at most `max` bytes of the body; null when it is longer. */
export async function readBounded(request: Request, max = MAX_BODY_BYTES): Promise<Buffer | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > max) return null;
  const reader = request.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) return null;
      chunks.push(value);
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks);
}

let dummy: string | undefined;
/** A sealed throwaway secret, of a real secret's length, for unknown connections (made once per process). */
function dummySealed(): string {
  dummy ??= seal("storageEventsSecret", "none", randomBytes(32).toString("base64url"), getRuntimeSecrets().encryptionKey);
  return dummy;
}

/** The secret a delivery is checked against, or null (unknown connection, storage events off, unreadable secret). */
async function eventsSecretOf(connectionId: string): Promise<{ provider: StorageEventProvider; secret: string } | null> {
  const row = await db.storageConnection.findUnique({ where: { id: connectionId }, select: { eventsProvider: true, eventsSecretEnc: true } });
  const provider = STORAGE_EVENT_PROVIDERS.find((p) => p === row?.eventsProvider);
  if (!row?.eventsSecretEnc || !provider) {
    // The same decryption as for a known connection, so the time taken does not tell which ids exist.
    unseal("storageEventsSecret", "none", dummySealed(), getRuntimeSecrets().encryptionKey);
    return null;
  }
  try {
    return { provider, secret: unseal("storageEventsSecret", connectionId, row.eventsSecretEnc, getRuntimeSecrets().encryptionKey) };
  } catch (error) {
    log.error("storage_events.secret_unreadable", { connectionId, error });
    return null;
  }
}

/** Claims the events not seen before for this connection; returns the ids this call claimed. */
async function claimEvents(connectionId: string, ids: readonly string[], now: Date): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.$queryRaw<{ event_id: string }[]>`
    INSERT INTO storage_events_seen (connection_id, event_id, seen_at)
    SELECT ${connectionId}, id, ${now} FROM unnest(${[...ids]}::text[]) AS t(id)
    ON CONFLICT (connection_id, event_id) DO NOTHING
    RETURNING event_id`;
  return new Set(rows.map((r) => r.event_id));
}

function tooManyRefusals(retryInSeconds: number): HookAnswer {
  return {
    status: 429,
    headers: { "retry-after": String(retryInSeconds) },
    body: { error: "rate_limited", message: `Too many refused deliveries from this address. Try again in ${retryInSeconds} seconds.` },
  };
}

/** Handles one delivery (see above). `now` is for tests. */
export async function receiveStorageEvents(connectionId: string, request: Request, now = new Date()): Promise<HookAnswer> {
  if (!CONNECTION_ID.test(connectionId)) return NOT_FOUND;
  const refusals = `storage-hook-refused:${limitKeys(clientAddressFromHeaders(request.headers)).cap}`;
  // The connection and the sender's refusals, read alike whether or not the id is a connection with storage events.
  const [found, allowed] = await Promise.all([eventsSecretOf(connectionId), peekBudget(refusals, REFUSALS_PER_MINUTE, 60_000)]);
  // Only a delivery to no live hook is turned away unread: a provider posting to its connection's hook is always heard,
  // even from an address others share (B2's senders, a NAT) whose refusals are over the limit. Such a delivery is
  // refused whatever its body: once over the limit it is turned away by that read alone (a flood writes nothing);
  // below it, it is counted now, and the count it makes decides (one atomic UPSERT: exact under parallel senders).
  if (!found) {
    const spent = allowed.ok ? await spendBudget(refusals, REFUSALS_PER_MINUTE, 60_000) : allowed;
    if (!spent.ok) return tooManyRefusals(spent.retryInSeconds);
  }
  // A refusal costs one write either way: counted above for no live hook, here for a live hook's refused delivery.
  const refuse = async (answer: HookAnswer): Promise<HookAnswer> => {
    if (found) await spendBudget(refusals, REFUSALS_PER_MINUTE, 60_000);
    return answer;
  };

  const raw = await readBounded(request);
  if (raw === null) return refuse({ status: 413, body: { error: "too_large", message: `A delivery may be at most ${MAX_BODY_BYTES} bytes.` } });

  // The same work for an unknown connection: a check against a throwaway secret, which fails.
  const proven = verifyDelivery(found?.provider ?? "b2", raw, request.headers, found?.secret ?? randomBytes(32).toString("hex"));
  if (!found || !proven) {
    log.warn("storage_events.refused", { connectionId, reason: found ? "signature" : "unknown_connection" });
    return refuse(NOT_FOUND);
  }

  const events = parseDelivery(found.provider, raw);
  if (!events) {
    log.warn("storage_events.malformed", { connectionId, provider: found.provider, bytes: raw.length });
    return { status: 400, body: { error: "malformed", message: "The body is not a storage event delivery of this connection's provider." } };
  }

  const refused: RefusalCounts = { stale: 0, future: 0, duplicate: 0, unrelated: 0 };
  const candidates = [];
  for (const event of events) {
    const late = timeRefusal(event.at, now);
    if (late) refused[late] += 1;
    else if (event.change === "other") refused.unrelated += 1;
    else candidates.push(event);
  }
  const claimed = await claimEvents(connectionId, [...new Set(candidates.map((e) => e.id))], now);
  const objects = new Map<string, ObjectRef>();
  const acted = new Set<string>();
  for (const event of candidates) {
    if (!claimed.has(event.id) || acted.has(event.id)) {
      refused.duplicate += 1;
      continue;
    }
    acted.add(event.id);
    objects.set(JSON.stringify([event.bucket, event.key]), { bucket: event.bucket, key: event.key });
  }
  const checked = objects.size > 0 ? await checkLinksToObjects(connectionId, [...objects.values()], now) : { links: 0, checked: 0, outcomes: {}, deferred: 0 };
  log.info("storage_events.received", {
    connectionId,
    provider: found.provider,
    events: events.length,
    acted: acted.size,
    refused,
    links: checked.links,
    outcomes: checked.outcomes,
    deferred: checked.deferred,
  });
  return {
    status: 200,
    body: {
      received: events.length,
      acted: acted.size,
      refused,
      links: { found: checked.links, checked: checked.checked, outcomes: checked.outcomes, deferred: checked.deferred },
    },
  };
}

/**
 * How long a seen event is remembered: well past the replay window plus the allowed clock skew (an event
 * dated a minute ahead is still in the window 6 minutes after it was seen), with room for instances'
 * clocks to differ. Older events are refused by their time anyway.
 */
export const SEEN_KEPT_MS = 60 * 60_000;

/** Seen events older than SEEN_KEPT_MS are deleted (the job "storage_events:prune"). */
export async function pruneSeenEvents(now = new Date()): Promise<number> {
  return db.$executeRaw(Prisma.sql`DELETE FROM storage_events_seen WHERE seen_at < ${new Date(now.getTime() - SEEN_KEPT_MS)}`);
}
