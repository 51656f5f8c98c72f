import "server-only";
import { db } from "@/lib/db/client";
import { ApiProblem } from "@/lib/api/problem";

/**
 * Idempotency-Key (POST /links): the first request with a key claims it (one INSERT … ON
 * CONFLICT DO NOTHING, so of two concurrent requests exactly one proceeds), then records what it
 * created. A retry with the same key and the same body gets that result again; with another body
 * it is refused (422); while the first is still running, 409 with Retry-After. A claim left by a
 * request that died is taken over after IN_PROGRESS_SECONDS (15 minutes); keys are kept KEEP_HOURS.
 */

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
// Longer than any request can run: a multi-file share may check up to 10,000 objects under 10 s
// storage deadlines. A claim is only taken over when its request surely died.
const IN_PROGRESS_SECONDS = 15 * 60;
export const KEEP_HOURS = 24;

type Row = { requestHash: string; createdId: string | null; stale: boolean; expired: boolean };

export async function beginIdempotentRequest(
  tokenId: string,
  key: string,
  requestHash: string,
): Promise<{ kind: "new" } | { kind: "replay"; createdId: string }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const claimed = await db.$executeRaw`
      INSERT INTO api_idempotency_keys (token_id, key, request_hash, created_at)
      VALUES (${tokenId}, ${key}, ${requestHash}, now())
      ON CONFLICT (token_id, key) DO NOTHING`;
    if (claimed === 1) return { kind: "new" };
    const rows = await db.$queryRaw<Row[]>`
      SELECT request_hash AS "requestHash", link_id AS "createdId",
             (link_id IS NULL AND created_at < now() - make_interval(secs => ${IN_PROGRESS_SECONDS})) AS stale,
             (created_at < now() - make_interval(hours => ${KEEP_HOURS})) AS expired
        FROM api_idempotency_keys WHERE token_id = ${tokenId} AND key = ${key}`;
    const row = rows[0];
    if (!row) continue; // abandoned meanwhile: claim again
    if (row.expired || row.stale) {
      // Take the key over (only one taker wins: the row must still be as it was read).
      const taken = await db.$executeRaw`
        UPDATE api_idempotency_keys SET request_hash = ${requestHash}, link_id = NULL, created_at = now()
         WHERE token_id = ${tokenId} AND key = ${key}
           AND (created_at < now() - make_interval(hours => ${KEEP_HOURS})
                OR (link_id IS NULL AND created_at < now() - make_interval(secs => ${IN_PROGRESS_SECONDS})))`;
      if (taken === 1) return { kind: "new" };
      continue;
    }
    if (row.requestHash !== requestHash) {
      throw new ApiProblem("idempotency-key-reused", "This Idempotency-Key was already used with a different request. Use a new key for a new request.", {
        errors: [{ in: "header", field: "Idempotency-Key", message: "Already used with a different body." }],
      });
    }
    if (row.createdId) return { kind: "replay", createdId: row.createdId };
    throw new ApiProblem(
      "idempotency-key-in-use",
      "A request with this Idempotency-Key is still being processed. Retry in a moment to get its result (if that request died, the key is freed 15 minutes after it began).",
      {
        headers: { "Retry-After": "1" },
      },
    );
  }
  throw new ApiProblem(
    "idempotency-key-in-use",
    "A request with this Idempotency-Key is still being processed. Retry in a moment to get its result (if that request died, the key is freed 15 minutes after it began).",
    { headers: { "Retry-After": "1" } },
  );
}

export async function finishIdempotentRequest(tokenId: string, key: string, createdId: string): Promise<void> {
  await db.apiIdempotencyKey.updateMany({ where: { tokenId, key }, data: { linkId: createdId } });
}

/** The request failed: free the key so a retry runs again. */
export async function abandonIdempotentRequest(tokenId: string, key: string): Promise<void> {
  await db.apiIdempotencyKey.deleteMany({ where: { tokenId, key, linkId: null } });
}

/** Deletes keys past KEEP_HOURS (the hourly job "api.prune_idempotency_keys", lib/jobs). */
export async function pruneIdempotencyKeys(): Promise<number> {
  return db.$executeRaw`DELETE FROM api_idempotency_keys WHERE created_at < now() - make_interval(hours => ${KEEP_HOURS})`;
}
