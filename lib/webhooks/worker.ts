import "server-only";
import { db as appDb } from "@/lib/db/client";
import { getRuntimeSecrets } from "@/lib/env";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { unseal } from "@/lib/storage/sealed";
import { DEFAULT_SCHEDULE, nextRetryAt, type RetrySchedule } from "@/lib/webhooks/backoff";
import { DELIVERY_TIMEOUT_MS, postWebhook, shorten, type PostOutcome } from "@/lib/webhooks/post";
import { webhookHeaders } from "@/lib/webhooks/signature";
import { guardedLookupFor, type GuardedLookup, type TargetPolicy } from "@/lib/webhooks/target";
import type { Role } from "@/lib/auth/permissions";
import { webhookPolicyFor } from "@/lib/webhooks/policy";
import { queueDelivery } from "@/lib/jobs/queue";

/**
 * The delivery side of webhooks (webhook_deliveries, the record Settings shows). The download route
 * inserts a row in the transaction that counts the download; a trigger queues its job on the job
 * queue in that same transaction (lib/jobs: "webhooks.deliver", one job per row, at the row's
 * next_attempt_at), and whichever instance's runner takes the job POSTs it, so a download never
 * waits for a receiver. The row's retry schedule (backoff.ts) decides when the next job runs.
 *
 * Claiming: one statement selects due rows `FOR UPDATE SKIP LOCKED` and moves their
 * next_attempt_at forward by a lease (60 s, far beyond the 5 s POST timeout). Two instances never
 * claim the same row at once; a row whose instance died mid-POST becomes due again when the lease
 * ends (at-least-once: receivers can drop an X-Bucketshare-Delivery id they have seen). The result is
 * written only if the row is still in the state it was claimed in.
 */

export type DeliveryOptions = {
  /** The clock (tests move it forward instead of waiting minutes for a retry). */
  now?: () => Date;
  timeoutMs?: number;
  schedule?: RetrySchedule;
  batchSize?: number;
  leaseMs?: number;
  /** Only this owner's rows (the "Send test event" action, tests). */
  ownerId?: string;
  /** Only these rows. */
  ids?: bigint[];
  /** Another Prisma client (a second instance in tests); the app's by default. */
  client?: PrismaClient;
  /** WEBHOOK_TRUSTED_NETWORKS by default. */
  trustedNetworks?: readonly string[];
  /** The resolver the guarded lookup asks (the system's by default; a stand-in in tests, whose DNS cannot be changed). */
  resolve?: Parameters<typeof guardedLookupFor>[1];
};

export type ClaimedDelivery = { id: bigint; ownerId: string; url: string; payload: unknown; attempts: number };
export type DeliveryResult = { id: bigint; state: "delivered" | "retrying" | "failed" | "superseded"; outcome: PostOutcome; nextAttemptAt: Date | null };
export type RoundResult = { claimed: number; results: DeliveryResult[] };

const DEFAULT_BATCH = 20;
const DEFAULT_LEASE_MS = 60_000;
export const DELIVERED_RETENTION_MS = 7 * 86_400_000;
export const FAILED_RETENTION_MS = 30 * 86_400_000;

export const WEBHOOK_REMOVED_ERROR = "Cancelled: the webhook was removed";
export const PERSON_REMOVED_ERROR = "Cancelled: this person was removed from the team";

function clockOf(options: DeliveryOptions): () => Date {
  return options.now ?? (() => new Date());
}

/** Claims up to batchSize due rows for this caller (see above). */
export async function claimDueDeliveries(options: DeliveryOptions = {}): Promise<ClaimedDelivery[]> {
  const client = options.client ?? appDb;
  const now = clockOf(options)();
  const leaseUntil = new Date(now.getTime() + (options.leaseMs ?? DEFAULT_LEASE_MS));
  const byOwner = options.ownerId ? Prisma.sql`AND owner_id = ${options.ownerId}` : Prisma.empty;
  const byId = options.ids ? Prisma.sql`AND id = ANY(${options.ids.map(String)}::bigint[])` : Prisma.empty;
  return client.$queryRaw<ClaimedDelivery[]>`
    WITH due AS (
      SELECT id FROM webhook_deliveries
      WHERE next_attempt_at <= ${now} ${byOwner} ${byId}
      ORDER BY next_attempt_at, id
      LIMIT ${options.batchSize ?? DEFAULT_BATCH}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE webhook_deliveries AS d SET next_attempt_at = ${leaseUntil}
    FROM due WHERE d.id = due.id
    RETURNING d.id, d.owner_id AS "ownerId", d.url, d.payload, d.attempts`;
}

function bodyOf(payload: unknown): string {
  return typeof payload === "string" ? payload : JSON.stringify(payload);
}

function eventOf(payload: unknown): string {
  const parsed = typeof payload === "string" ? (JSON.parse(payload) as unknown) : payload;
  const type = (parsed as { type?: unknown } | null)?.type;
  return typeof type === "string" ? type : "unknown";
}

type Receiver = { secret: string; policy: TargetPolicy } | { error: string; permanent: boolean };

/**
 * The receiving person's signing secret and where their webhook may go, as of now: a person removed
 * from the team receives nothing more, and a changed role changes the policy at the next attempt.
 */
async function receiverOf(client: PrismaClient, ownerId: string, options: DeliveryOptions): Promise<Receiver> {
  const owner = await client.user.findUnique({ where: { id: ownerId }, select: { webhookSecretEnc: true, webhookUrl: true, role: true, removedAt: true } });
  if (owner?.removedAt) return { error: PERSON_REMOVED_ERROR, permanent: true };
  if (!owner?.webhookSecretEnc || !owner.webhookUrl) return { error: WEBHOOK_REMOVED_ERROR, permanent: true };
  const policy = webhookPolicyFor({ role: owner.role as Role }, options.trustedNetworks);
  try {
    return { secret: unseal("webhookSecret", ownerId, owner.webhookSecretEnc, getRuntimeSecrets().encryptionKey), policy };
  } catch (error) {
    log.error("webhook.secret_unreadable", { ownerId, error });
    return { error: "The signing secret cannot be decrypted (was ENCRYPTION_KEY changed?): rotate it in Settings", permanent: false };
  }
}

/** POSTs one claimed row and records the result. */
export async function deliverClaimed(row: ClaimedDelivery, options: DeliveryOptions = {}): Promise<DeliveryResult> {
  const client = options.client ?? appDb;
  const clock = clockOf(options);
  const receiver = await receiverOf(client, row.ownerId, options);
  let outcome: PostOutcome;
  let permanent = false;
  if ("secret" in receiver) {
    const { secret, policy } = receiver;
    const body = bodyOf(row.payload);
    const headers = webhookHeaders({
      secret,
      deliveryId: String(row.id),
      event: eventOf(row.payload),
      body,
      timestamp: Math.floor(clock().getTime() / 1000),
    });
    const lookup: GuardedLookup = guardedLookupFor(policy, options.resolve);
    outcome = await postWebhook(row.url, body, headers, options.timeoutMs ?? DELIVERY_TIMEOUT_MS, policy, lookup);
  } else {
    outcome = { ok: false, status: null, error: receiver.error, durationMs: 0 };
    permanent = receiver.permanent;
  }

  const at = clock();
  const attempts = row.attempts + 1;
  const nextAttemptAt = outcome.ok || permanent ? null : nextRetryAt(attempts, at, options.schedule ?? DEFAULT_SCHEDULE);
  const state: DeliveryResult["state"] = outcome.ok ? "delivered" : nextAttemptAt ? "retrying" : "failed";
  const { count } = await client.webhookDelivery.updateMany({
    where: { id: row.id, attempts: row.attempts, deliveredAt: null, failedAt: null },
    data: {
      attempts: permanent ? row.attempts : attempts,
      lastStatus: outcome.status,
      lastError: outcome.error === null ? null : shorten(outcome.error),
      nextAttemptAt,
      ...(state === "delivered" ? { deliveredAt: at } : state === "failed" ? { failedAt: at } : {}),
    },
  });
  const fields = { deliveryId: row.id, ownerId: row.ownerId, attempts, status: outcome.status, ms: outcome.durationMs };
  if (count === 0) {
    log.warn("webhook.result_superseded", fields);
    return { id: row.id, state: "superseded", outcome, nextAttemptAt };
  }
  // Whoever records an attempt queues the next one (the job of this row, by its key, at the new time).
  if (state === "retrying" && nextAttemptAt) await queueDelivery(row.id, nextAttemptAt, { client });
  if (state === "delivered") log.info("webhook.delivered", fields);
  else log.warn(state === "failed" ? "webhook.gave_up" : "webhook.retry_scheduled", { ...fields, error: outcome.error, nextAttemptAt });
  return { id: row.id, state, outcome, nextAttemptAt };
}

/** Claims due rows and delivers them in parallel; resolves when every POST has ended. */
export async function runDeliveryRound(options: DeliveryOptions = {}): Promise<RoundResult> {
  const rows = await claimDueDeliveries(options);
  const results = await Promise.all(rows.map((row) => deliverClaimed(row, options)));
  return { claimed: rows.length, results };
}

/**
 * Deletes deliveries delivered more than 7 days ago and given up more than 30 days ago. At most one
 * instance at a time (an advisory lock; the others skip and get null).
 */
export async function pruneDeliveries(now = new Date(), client: PrismaClient = appDb): Promise<number | null> {
  return client.$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<
      { locked: boolean }[]
    >`SELECT pg_try_advisory_xact_lock(hashtextextended('bucketshare:prune-webhook-deliveries', 0)) AS locked`;
    if (!lock?.locked) return null;
    const { count } = await tx.webhookDelivery.deleteMany({
      where: {
        OR: [{ deliveredAt: { lt: new Date(now.getTime() - DELIVERED_RETENTION_MS) } }, { failedAt: { lt: new Date(now.getTime() - FAILED_RETENTION_MS) } }],
      },
    });
    return count;
  });
}

export type RecordedAttempt = { state: "delivered" | "retrying" | "failed"; outcome: { status: number | null; error: string | null } };

/**
 * The first attempt of a row another runner is delivering (its job was queued with the row), once it
 * is recorded, waiting at most the POST's timeout and a second; null when none is recorded by then.
 */
export async function waitForFirstAttempt(id: bigint, client: PrismaClient = appDb): Promise<RecordedAttempt | null> {
  const until = Date.now() + DELIVERY_TIMEOUT_MS + 1_000;
  for (;;) {
    const row = await client.webhookDelivery.findUnique({
      where: { id },
      select: { attempts: true, deliveredAt: true, failedAt: true, lastStatus: true, lastError: true },
    });
    if (!row) return null;
    if (row.deliveredAt || row.failedAt || row.attempts > 0) {
      const state = row.deliveredAt ? "delivered" : row.failedAt ? "failed" : "retrying";
      return { state, outcome: { status: row.lastStatus, error: row.lastError } };
    }
    if (Date.now() >= until) return null;
    await new Promise((r) => setTimeout(r, 100));
  }
}
